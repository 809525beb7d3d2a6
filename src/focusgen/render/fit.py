"""Text of any length in a fixed box: focusgen breaks lines itself, with the font's own advances.

A text the form prints in a box (a firm name, an address, a bank name, a describe text) gets a box of a
fixed width and a fixed number of lines, set in one face at one size (BOXES in pdf.py). fit() breaks
the text into at most that many lines at spaces (a word longer than a line is broken between grapheme
clusters) at the box's size; when it needs more lines, at the largest smaller size (in steps of 1/8 CSS
px) at which it fits. Each line is a slot of its own, so nothing on a line moves with a value and no
value wraps: a placed line stands where laying the same line out puts it.

Widths are the glyph advances WeasyPrint draws (fonts.py), so a line that fits here fits on the page.
Text is put in Unicode NFC first, so a letter typed with a combining mark is the one glyph the font
has for it. exact() says whether a text can be placed glyph for glyph: every character its own glyph
(no right-to-left script, nothing the font's default substitutions touch); a text that cannot is laid
out with its values by WeasyPrint (pdf.py), still in the lines broken here.
"""

from __future__ import annotations

import math
import struct
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from . import fonts

STEP = 8            # sizes are multiples of 1/8 CSS px below a box's size: exact in Pango units
SMALLEST = 4.0      # pt: the smallest print a text is set in; a text that needs smaller is refused
SHRINK = 0.8        # a text is set down to 80% of its box's size before its box takes another line


@dataclass(frozen=True)
class Box:
    """A text box: its width (pt), its lines (at least `lines`, at most `most`), size (pt, as the
    stylesheet sets it), face, line height (pt), which lines a shorter text takes (top or bottom) and
    the edge its lines keep (left or right)."""
    width: float
    lines: int
    size: float
    face: str = "regular"
    leading: float = 11.0
    align: str = "top"
    anchor: str = "left"
    most: int = 0

    @property
    def px(self) -> float:
        """The size as WeasyPrint sets it: CSS px, cut to Pango's 1/1024 units."""
        return int(self.size * (1. / 0.75) * 1024) / 1024


class TooLong(ValueError):
    """A text that does not fit its box even at its most lines and the smallest print (SMALLEST)."""


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def clusters(text: str) -> list[str]:
    """Grapheme clusters, as far as the bundled fonts need: a character and the combining marks (and
    joiners, variation selectors) after it."""
    found: list[str] = []
    for c in text:
        if found and (unicodedata.category(c) in ("Mn", "Mc", "Me") or c in "\u200c\u200d"
                      or 0xFE00 <= ord(c) <= 0xFE0F or found[-1].endswith("\u200d")):
            found[-1] += c
        else:
            found.append(c)
    return found


_RTL = {"R", "AL", "AN", "RLE", "RLO", "RLI", "FSI", "LRE", "LRO", "LRI", "PDF", "PDI"}


@lru_cache(maxsize=None)
def _substituted(face_name: str) -> frozenset[int] | None:
    """Glyph ids a default GSUB feature (ccmp, locl, rlig, rclt, rvrn) may replace; None when the
    font's lookups are more than focusgen reads (then no text in it is placed glyph for glyph)."""
    face = fonts.face(face_name)
    if "GSUB" not in face.tables:
        return frozenset()
    data = face.table("GSUB")

    def coverage(at: int) -> set[int]:
        fmt, n = struct.unpack_from(">HH", data, at)
        if fmt == 1:
            return set(struct.unpack_from(f">{n}H", data, at + 4))
        found = set()
        for i in range(n):
            start, end, _ = struct.unpack_from(">HHH", data, at + 4 + 6 * i)
            found.update(range(start, end + 1))
        return found

    try:
        _, _, _, features_at, lookups_at = struct.unpack_from(">HHHHH", data, 0)
        n = struct.unpack_from(">H", data, features_at)[0]
        wanted = set()
        for i in range(n):
            tag, off = struct.unpack_from(">4sH", data, features_at + 2 + 6 * i)
            if tag in (b"ccmp", b"locl", b"rlig", b"rclt", b"rvrn"):
                count = struct.unpack_from(">H", data, features_at + off + 2)[0]
                wanted.update(struct.unpack_from(f">{count}H", data, features_at + off + 4))
        touched: set[int] = set()
        done: set[int] = set()
        while wanted:
            index = wanted.pop()
            if index in done:
                continue
            done.add(index)
            lookup = lookups_at + struct.unpack_from(">H", data, lookups_at + 2 + 2 * index)[0]
            kind, _, count = struct.unpack_from(">HHH", data, lookup)
            for j in range(count):
                sub = lookup + struct.unpack_from(">H", data, lookup + 6 + 2 * j)[0]
                sub_kind = kind
                if kind == 7:
                    sub_kind, ext = struct.unpack_from(">HL", data, sub + 2)
                    sub += ext
                fmt = struct.unpack_from(">H", data, sub)[0]
                if sub_kind == 6 and fmt == 3:      # chained context by coverage: what it may call
                    at = sub + 2
                    for _ in range(3):              # backtrack, input, lookahead coverages
                        n = struct.unpack_from(">H", data, at)[0]
                        at += 2 + 2 * n
                    records = struct.unpack_from(">H", data, at)[0]
                    for r in range(records):
                        wanted.add(struct.unpack_from(">HH", data, at + 2 + 4 * r)[1])
                    continue
                if sub_kind not in (1, 2, 3, 4):
                    return None
                touched |= coverage(sub + struct.unpack_from(">H", data, sub + 2)[0])
                if sub_kind == 4:       # ligatures: their other components too
                    sets = struct.unpack_from(">H", data, sub + 4)[0]
                    for s in range(sets):
                        ls = sub + struct.unpack_from(">H", data, sub + 6 + 2 * s)[0]
                        for t in range(struct.unpack_from(">H", data, ls)[0]):
                            lig = ls + struct.unpack_from(">H", data, ls + 2 + 2 * t)[0]
                            comps = struct.unpack_from(">H", data, lig + 2)[0]
                            touched.update(struct.unpack_from(f">{comps - 1}H", data, lig + 4))
        return frozenset(touched)
    except struct.error:
        return None


def exact(text: str, face_name: str) -> bool:
    """Whether `text` (NFC) can be placed glyph for glyph in this face: each character its own glyph,
    left to right, none a default substitution may replace."""
    if text.isascii():
        touched = _substituted(face_name)
        return touched is not None and not any(fonts.face(face_name).cmap.get(ord(c)) in touched for c in text)
    face = fonts.face(face_name)
    touched = _substituted(face_name)
    if touched is None:
        return False
    for c in text:
        gid = face.cmap.get(ord(c))
        if (gid is None and c != " ") or gid in touched or unicodedata.category(c) in ("Mn", "Mc", "Me") \
                or unicodedata.bidirectional(c) in _RTL:
            return False
    return True


def advance(text: str, face_name: str, size: float) -> float:
    """The width (CSS px) WeasyPrint draws `text` at `size` px with: each glyph's rounded advance."""
    face = fonts.face(face_name)
    total = 0
    for c in text:
        gid = face.cmap.get(ord(c), 0)
        total += face.width1000(gid, size)
    return total * size / 1000


def _break(text: str, face_name: str, size: float, width: float) -> list[str]:
    """Lines of `text` at most `width` px wide at `size` px: greedy, at spaces; a word wider than a line
    is broken between grapheme clusters. The spaces a line is broken at are not drawn."""
    face = fonts.face(face_name)
    limit = width * 1000 / size                 # in thousandths of an em, as the glyph widths are
    known: dict[str, int] = {}

    def w(s: str) -> int:
        total = 0
        for c in s:
            v = known.get(c)
            if v is None:
                v = known[c] = face.width1000(face.cmap.get(ord(c), 0), size)
            total += v
        return total

    lines: list[str] = []
    line, line_w = "", 0
    for word in _words(text):
        if line or not lines:
            trial_w = line_w + w(word)
            if trial_w <= limit:
                line, line_w = line + word, trial_w
                continue
        if line:
            lines.append(line.rstrip(" "))
        word = word.lstrip(" ") if lines or line else word
        line, line_w = "", 0
        word_w = w(word)
        if word_w <= limit:
            line, line_w = word, word_w
            continue
        for cluster in clusters(word):         # a word wider than the line: broken where it must be
            cw = w(cluster)
            if line and line_w + cw > limit:
                lines.append(line)
                line, line_w = "", 0
            line, line_w = line + cluster, line_w + cw
    if line or not lines:
        lines.append(line)
    return lines


def _words(text: str) -> list[str]:
    """The text as words, each with the spaces before it."""
    words, current = [], ""
    for c in text:
        if c == " " and current.strip(" "):
            words.append(current)
            current = ""
        current += c
    if current:
        words.append(current)
    return words


@dataclass(frozen=True)
class Fitted:
    lines: tuple[str, ...]      # one per line of the box, "" where the text takes none
    size: float                 # CSS px
    shrunk: bool


def _largest(text: str, face: str, width: float, lines: int, low: float, high: float) -> float | None:
    """The largest size k/STEP px in [low, high] (high itself first) at which `text` takes at most
    `lines` lines; None if none does. Fewer lines at a smaller size: the search is a bisection."""
    if len(_break(text, face, high, width)) <= lines:
        return high
    lo, hi = math.ceil(low * STEP), math.ceil(high * STEP) - 1
    if lo > hi or len(_break(text, face, lo / STEP, width)) > lines:
        return None
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if len(_break(text, face, mid / STEP, width)) <= lines:
            lo = mid
        else:
            hi = mid - 1
    return lo / STEP


def fit(box: Box, text: str) -> Fitted:
    """`text` (NFC) in `box`: at the box's size on its lines; else set down to SHRINK of its size; else on
    one more line at a time (to box.most), again at most SHRINK smaller; else on its most lines down to
    the smallest print. TooLong if even that does not hold it."""
    width = box.width * (1. / 0.75) - 0.01          # px, with room for the rounding of positions
    nominal = box.px
    smallest = SMALLEST / 0.75
    for lines in range(box.lines, max(box.lines, box.most) + 1):
        size = _largest(text, box.face, width, lines, max(nominal * SHRINK, smallest), nominal)
        if size is not None:
            break
    else:
        size = _largest(text, box.face, width, lines, smallest, nominal)
        if size is None:
            raise TooLong(f"{text[:40]!r} does not fit its box of {lines} line(s) at {SMALLEST:g}pt")
    found = _break(text, box.face, size, width)
    lines = max(box.lines, len(found))
    pad = ("",) * (lines - len(found))
    ordered = tuple(found) + pad if box.align == "top" else pad + tuple(found)
    return Fitted(ordered, size, size != nominal)
