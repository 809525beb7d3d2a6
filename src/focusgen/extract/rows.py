"""Rows and tokens of a page read by position: words with boxes rebuilt into rows (page furniture
dropped, OCR marks kept with their row), and each row's words as tokens with their place; on a
scan, OCR's usual damage undone and each number held to the two-witness rule (witnessed()).

    build_rows(pages) -> [Row]          place_tokens(row, ocr, codes)

May import: .tokens, .words. grid.py pairs what this gives.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from statistics import median

from .tokens import Tok, clean, tokenize
from .words import Word

LOW_CONFIDENCE = 45          # an OCR word below this needs the arithmetic's confirmation
# The second witness's confidence (witness.py: the least probability of the digits it read) below
# which it does not witness a number. Measured on the Courier listings of both reference filings at
# 150 dpi: 218 of 249 readings at 0.95 or more; of the 23 below 0.8, one was an amount the page
# prints. Agreement digit for digit is the evidence; the floor keeps out the model's guesses, and is
# higher for one to three digits, which two misreads could share by chance.
WITNESS_FLOOR = 0.50
SHORT_FLOOR = 0.80           # for a number of one to three digits, which two misreads could share by chance
_DASHES = ("-", "--", "—", "–")


# A number as a print writes it: a separator only where thousands are grouped (3, 6, 9 ... digits
# after it), or before cents where the page reading has them too. The witness often leaves a separator
# out ("191.652393"); one it puts elsewhere ("16,05.3" for 16,058) marks a mark it saw inside a digit:
# its digits agreeing is chance, not evidence.
def _well_formed(wit: str, text: str) -> bool:
    core = re.sub(r"^\D+|\D+$", "", wit)
    cents = re.search(r"[.,]\d{2}\D*$", text) is not None
    after = len(_digits(core))
    for i, ch in enumerate(core):
        if ch.isdigit():
            after -= 1
        elif not (after and (after % 3 == 0 or cents and after == 2 and not re.search(r"\D", core[i + 1:]))):
            return False
    return True


def _digits(text: str | None) -> str:
    return re.sub(r"\D", "", text or "")


def _negative(text: str) -> bool:
    t = text.strip()
    return "(" in t or ")" in t or t.startswith(("-", "~")) or (t.endswith("-") and len(t) > 1)


def _tesseract_saw(w: Word, digits: str) -> bool:
    """Tesseract witnesses these digits: its reading of the page with its confidence above the
    floor, or its second reading of the crop (binarised on its own, a number's characters only)
    with its own above the floor, or both readings agreeing (Tesseract's word confidence is low for
    the pieces of a number it cut, however clear their digits)."""
    seen = not w.skipped and _digits(fix_word(w.text, frozenset())[0]) == digits
    crop = w.alt is not None and _digits(w.alt) == digits
    return (seen and w.conf >= LOW_CONFIDENCE) or (crop and w.alt_conf >= LOW_CONFIDENCE) or (seen and crop)


def witnessed(words: list[Word], text: str) -> bool:
    """A number on a scan is read only when two readings that do not share their failure modes
    agree digit for digit, each above its confidence floor: Tesseract's (of the page, or of the crop
    binarised on its own) and the second witness's (witness.py: another recogniser, on the grey crop
    widened to the ink beside it). A number the page reading cut in pieces is witnessed whole: the
    witness read the pieces as one. A dash for nil: Tesseract read a dash, and its shape is one."""
    if not words:
        return False
    first = words[0]
    if first.wit is None or first.wit_conf < WITNESS_FLOOR or any(w.group != first.group for w in words):
        return False
    if len(_digits(text)) <= 3 and first.wit_conf < SHORT_FLOOR:
        return False
    if text.strip() in _DASHES:
        return first.wit == "-" and len(words) == 1 and not first.skipped and first.conf >= LOW_CONFIDENCE \
            and first.text in _DASHES
    digits = _digits(text)
    if not digits or _digits(first.wit) != digits:
        return False
    if not _well_formed(first.wit, text):
        return False
    if len(words) == 1:
        return _tesseract_saw(first, digits)
    # pieces: each piece as Tesseract saw it, and together the number
    pieces = [_digits(fix_word(w.text, frozenset())[0]) for w in words]
    return "".join(pieces) == digits and all(_tesseract_saw(w, p) for w, p in zip(words, pieces))


@dataclass
class Row:
    page: int
    index: int               # row number on its page, from the top
    y: float
    h: float
    words: list[Word]
    text: str = ""
    spans: list = field(default_factory=list)      # (start, end, word) of each word in text
    toks: list = field(default_factory=list)       # placed tokens
    marks: list = field(default_factory=list)      # OCR: boxes of ink on the row (characters or not)
    col: int = 0             # a page in two flowing columns: 0 the left, 1 the right (build_rows)
    x_from: float = -1e9     # where the row's column begins and ends
    x_to: float = 1e9

    @property
    def where(self) -> str:
        return f"page {self.page} row {self.index}"


@dataclass
class PTok:
    tok: Tok
    x0: float
    x1: float
    repaired: bool = False
    real: bool = False       # an amount (not label text)

    @property
    def kind(self) -> str:
        return self.tok.kind


# --- OCR damage to words --------------------------------------------------------------------------

_CODEISH = re.compile(r"^([\[({|lI1!]?)(\d{4}[A-C]?)([\])}|lI1!]?)[.,;:]?$")
_NUMISH = re.compile(r"^[~'\"‘’`(-]?\$?[\dOoSlI,.;]*\d[\dOoSlI,.;]*\)?[.,;:]?$")


def fix_word(text: str, codes: frozenset[str]) -> tuple[str, bool]:
    """An OCR'd word with the usual damage undone, and whether anything was: `{7020}`, `(7100)`,
    `17070)`, `[7130}` are codes; `;` or `.` for `,`, `~` or a quote for a minus sign, S or $ for 5,
    O for 0 and l or I for 1 inside a number. A repaired number is held back until the arithmetic
    confirms it (repair.py)."""
    m = _CODEISH.match(text)
    if m and m.group(2) in codes and (m.group(1) or m.group(3)):
        return f"[{m.group(2)}]", False      # any bracket-like mark on either side
    m5 = re.match(r"^[1lI]?(\d{4})[\])}|lI1]$", text)
    if m5 and m5.group(1) in codes and len(text) == 6:
        return f"[{m5.group(1)}]", False
    stripped = text.strip("_|*")        # the remains of a rule or a box beside a number
    if stripped != text and _NUMISH.match(stripped):
        text = stripped
    if re.match(r"^[—–]\(?\$?\d", text):
        return text, True                   # a dash glued to a number: a minus sign, or a rule's end
    if not _NUMISH.match(text) or sum(ch.isdigit() for ch in text) < 1:
        return text, False
    out = text
    lead = ""
    if out[:1] in "~'\"‘’`":
        lead, out = "-", out[1:]
    body = out
    # letters that stand for digits, only between digit-like characters of a number
    fixed = re.sub(r"(?<=[\d,.;])[Oo](?=[\d,.;)]|$)|(?<=^)[Oo](?=[\d,.;])", "0", body)
    fixed = re.sub(r"(?<=[\d,.;])[S](?=[\d,.;)]|$)", "5", fixed)
    fixed = re.sub(r"(?<=[\d,])\$(?=\d)", "5", fixed)
    lead_dollar = bool(re.match(r"^\(?\$\d", fixed))   # "$72,576": a dollar sign, or a 5 OCR read as one
    fixed = re.sub(r"(?<=[\d,.;])[lI](?=[\d,.;)]|$)|^[lI](?=[\d]{0,2}[,.;]\d{3})", "1", fixed)
    fixed = fixed.replace(";", ",")
    if re.fullmatch(r"\$?\d[\d,.]*\)?[.,]?", fixed) and "$" in fixed[1:]:
        fixed = fixed[0] + fixed[1:].replace("$", "5")
    changed = fixed != body or bool(lead) or lead_dollar
    return lead + fixed, changed


def _fragments(toks: list[PTok], text: str, h: float) -> list[PTok]:
    """A number cut in two ("45,056,   501", "134,116, 777"): the pieces joined as one candidate
    that only the arithmetic can confirm; a piece whose other half is lost is a fragment, never
    taken for the whole number."""
    out: list[PTok] = []
    for t in toks:
        if t.kind != "amount":
            out.append(t)
            continue
        after = text[t.tok.end:t.tok.end + 1] if t.tok.end else ""
        before = text[:t.tok.start].rstrip()
        cut_after = after in (",", ";") or (after == "." and text[t.tok.end + 1:t.tok.end + 2].strip() != "")
        cut_before = before.endswith((",", ";")) and before[:-1][-1:].isdigit()
        prev = out[-1] if out else None
        if cut_before and prev is not None and prev.kind == "amount" and prev.tok.sign > 0 \
                and t.x0 - prev.x1 <= 2.5 * h and re.fullmatch(r"\d{3}(?:[,.]\d{3})*\)?", t.tok.text.strip()):
            joined = int(f"{prev.tok.value}{t.tok.value:0{len(re.sub(r'[^0-9]', '', t.tok.text))}d}")
            tok = Tok("amount", prev.tok.text + text[prev.tok.end:t.tok.start] + t.tok.text, prev.tok.start,
                      value=joined, sign=t.tok.sign, sign_sure=t.tok.sign_sure, grouped=True, end=t.tok.end)
            out[-1] = PTok(tok, prev.x0, t.x1, True)
            continue
        if cut_after or cut_before:
            t.repaired = True          # half a number, or a number with a piece lost
        out.append(t)
    return out


# --- rows -----------------------------------------------------------------------------------------

def build_rows(pages: list[list[Word]], splits: dict[int, float] | None = None) -> list[Row]:
    """Rows of words whose vertical centres agree, page by page. splits: pages printed in two
    flowing columns (page number -> the x where the right column begins): the left column's rows,
    then the right column's, as the text flows."""
    rows: list[Row] = []
    for p, words in enumerate(pages, 1):
        words = [w for w in words if w.text.strip() and w.h > 0]
        if not words:
            continue
        mh = median(w.h for w in words)
        split = (splits or {}).get(p)
        blocks = [(words, -1e9, 1e9)] if split is None else \
            [([w for w in words if w.x0 < split], -1e9, split), ([w for w in words if w.x0 >= split], split, 1e9)]
        k = 0
        for col, (block, x_from, x_to) in enumerate(blocks):
            for y, ws in _lines(block, mh):
                k += 1
                rows.append(Row(p, k, y, median(w.h for w in ws), ws, col=col, x_from=x_from, x_to=x_to))
    return rows


def _lines(words: list[Word], mh: float) -> list[tuple[float, list[Word]]]:
    current: list[list] = []        # [mean y, words, sum of y]
    for w in sorted(words, key=lambda w: w.yc):
        yc = w.yc
        if current and abs(yc - current[-1][0]) <= 0.45 * mh:
            row = current[-1]
            row[1].append(w)
            row[2] += yc
            row[0] = row[2] / len(row[1])
        else:
            current.append([yc, [w], yc])
    for c in current:
        c[1].sort(key=lambda w: w.x0)
    return [(y, ws) for y, ws, _ in current]


_ENTITY = re.compile(r"\b(?:INC|INCORPORATED|LLC|L\.L\.C|CORP|CORPORATION|LP|L\.P|LTD|LIMITED|CO|COMPANY|N\.A|PLC|"
                     r"LLP|AG|SA|BANK|SECURITIES|FUTURES|CLEARING|MARKETS|FCM)\b\.?", re.I)
_NOT_NAME = re.compile(r"STATEMENT|COMPUTATION|SEGREGATION|REQUIREMENT|FOCUS|BROKER OR DEALER|LISTING|PAGE|"
                       r"\d{1,2}/\d{1,2}/\d{2,4}", re.I)


def _firm(rows: list[Row]) -> str | None:
    """The firm's name from the head of the pages: the part of a top row (a run head where there
    are several pages) that reads as a company's name, never a statement title or free text."""
    pages = sorted({r.page for r in rows})
    tops = [r for r in rows if r.index <= 3]
    count: dict[str, set] = {}
    for r in tops:
        count.setdefault(re.sub(r"[^a-z]", "", r.text.lower()), set()).add(r.page)
    need = 1 if len(pages) == 1 else max(2, len(pages) // 2)
    for r in tops:
        if r.page != pages[0] or len(count[re.sub(r"[^a-z]", "", r.text.lower())]) < need:
            continue
        for part in re.split(r"\s{3,}|\b(?:as\s+of|statements?\s+(?:as\s+of|date)|period\s+ending|end\s+date)\b",
                             r.text, flags=re.I):
            part = part.strip(" :-")
            if 3 <= len(part) <= 120 and _ENTITY.search(part) and not _NOT_NAME.search(part):
                return part
    return None


def _with_marks(rows: list[Row], marks: list) -> list[Row]:
    """Each OCR row with the marks on it; marks on no row of words (a row OCR read nothing of, such
    as a lone dash under a wrapped label) become rows of their own, with no words."""
    out: list[Row] = []
    for page in sorted({r.page for r in rows} | {i + 1 for i, m in enumerate(marks) if m}):
        page_rows = [r for r in rows if r.page == page]
        left = []
        cols = sorted({(r.col, r.x_from, r.x_to) for r in page_rows}) or [(0, -1e9, 1e9)]
        for m in marks[page - 1] or []:
            yc, xc = (m[1] + m[3]) / 2, (m[0] + m[2]) / 2
            row = next((r for r in page_rows if abs(yc - r.y) <= 0.6 * r.h and r.x_from <= xc < r.x_to), None)
            (row.marks if row is not None else left).append(m)
        h = median([r.h for r in page_rows] or [8.0])
        bare: list[Row] = []
        for m in sorted(left, key=lambda m: m[1]):
            yc, xc = (m[1] + m[3]) / 2, (m[0] + m[2]) / 2
            col = next((c for c in cols if c[1] <= xc < c[2]), cols[0])
            same = [b for b in bare if b.col == col[0]]
            if same and abs(yc - same[-1].y) <= 0.5 * h:
                same[-1].marks.append(m)
            else:
                bare.append(Row(page, 0, yc, h, [], marks=[m], col=col[0], x_from=col[1], x_to=col[2]))
        # in the order the text flows: a column after the other, each from the top
        merged = sorted(page_rows + [b for b in bare if max(x[3] - x[1] for x in b.marks) >= 0.15 * h],
                        key=lambda r: (r.col, r.y))
        for k, r in enumerate(merged, 1):
            r.index = k
        out += merged
    return out


def _letters(key: str) -> str:
    return key.split("|", 1)[0]


def _drop_furniture(rows: list[Row], ocr: bool = False) -> list[Row]:
    """Run heads and footers: a row whose text stands at the same height on at least half the pages
    (two at least), and holds no line code and no money (a number with separators, a "$", CR or
    DR); a short one ("RGL-223") only among the first or last two rows of its page, and with no
    number of its own. The text is compared digits aside on a scan (OCR misreads them); on a text
    layer with its numbers of three digits or more standing as words (a page's number, "RGL-214",
    a time aside): statements printed alike put a wrapped label's last row ("gross amount ....
    114102") at the same height on each page, and its amount is no furniture."""
    pages = {r.page for r in rows}
    if len(pages) < 2:
        return rows

    def key(r: Row) -> tuple[str, int]:
        numbers = [] if ocr else \
            [d for d in (re.sub(r"\D", "", w.text) for w in r.words
                         if re.fullmatch(r"[-($]*\d[\d,.]*\)?", w.text)) if len(d) >= 3]
        return re.sub(r"[^a-z]", "", r.text.lower()) + "|" + ",".join(numbers), round(r.y / 4)

    def money(r: Row) -> bool:
        return any(t.kind == "amount" and (t.tok.grouped or t.tok.marked) for t in r.toks)

    seen: dict[tuple, set] = {}
    for r in rows:
        k, y = key(r)
        for dy in (-1, 0, 1):
            seen.setdefault((k, y + dy), set()).add(r.page)
    need = max(2, len(pages) // 2)
    last = {}
    for r in rows:
        last[r.page] = max(last.get(r.page, 0), r.index)

    def edge(r: Row) -> bool:
        # short rows ("A. Cash 0") repeat on every statement's page: furniture is longer than that,
        # or a page's head or foot with no number in it
        return (r.index <= 2 or r.index >= last[r.page] - 1) and len(_letters(key(r)[0])) >= 2 \
            and not any(t.kind in ("amount", "code") for t in r.toks)
    return [r for r in rows if any(t.kind == "code" for t in r.toks) or money(r)
            or (len(_letters(key(r)[0])) < 10 and not edge(r)) or len(seen.get(key(r), ())) < need]


def _row_text(row: Row, ocr: bool, codes: frozenset[str]) -> tuple[set, set, set]:
    """The row's words joined as text (OCR damage undone on a scan) into row.text, with each word's span
    in row.spans; returns (words OCR repaired, words that are numbers, numbers of unsure sign)."""
    parts, spans, pos = [], [], 0
    repaired_words = set()
    number_words = set()
    unsure_sign = set()
    for i, w in enumerate(row.words):
        text = clean(w.text)
        cited = i and re.search(r"\blines?\b", " ".join(x.text for x in row.words[max(0, i - 3):i]), re.I) \
            and re.fullmatch(r"\(\d{4}\)[.,;:]?", text)
        if not ocr and not cited:
            # a text layer prints what it means: only a code in other brackets, "(7010)", "{7010}"
            m = re.fullmatch(r"[({](\d{4}[A-C]?)[)}][.,;:]?", text)
            if m and m.group(1) in codes:
                text = f"[{m.group(1)}]"
        if ocr and not cited and w.alt and re.fullmatch(r"\d{4}", w.alt) and w.alt in codes \
                and re.fullmatch(r"[\dlI|\[({]" + w.alt + r"[\])}|lI1]?", text):
            text = f"[{w.alt}]"           # a code with its box's side read as a digit ("98510")
        if ocr and not cited:          # "line D (7490)" cites a code; it is not the cell
            text, rep = fix_word(text, codes)
            number = not text.startswith("[") and (any(ch.isdigit() for ch in text) or text in _DASHES)
            if number:
                number_words.add(i)      # witnessed (or not) as a whole token, below
                if w.wit is not None and _negative(text) != _negative(w.wit):
                    unsure_sign.add(i)
            elif rep or w.conf < LOW_CONFIDENCE:
                repaired_words.add(i)
        if parts:
            prev = row.words[i - 1]
            gap = w.x0 - prev.x1
            sep = "   " if gap > 0.9 * row.h else " "
            parts.append(sep)
            pos += len(sep)
        spans.append((pos, pos + len(text), w, i))
        parts.append(text)
        pos += len(text)
    row.text = "".join(parts)
    row.spans = spans
    return repaired_words, number_words, unsure_sign


def place_tokens(row: Row, ocr: bool, codes: frozenset[str]) -> None:
    """The row's words as text (OCR damage undone on a scan), tokenized, each token with its
    place. On a scan a number not witnessed twice (witnessed()) is a candidate only, and one
    whose sign the witnesses disagree on has an unsure sign."""
    repaired_words, number_words, unsure_sign = _row_text(row, ocr, codes)
    spans = row.spans
    toks = []
    starts = [sp[0] for sp in spans]
    for t in tokenize(row.text, codes):
        k = bisect_right(starts, t.start) - 1
        s = spans[k] if k >= 0 and spans[k][0] <= t.start < spans[k][1] else None
        k = bisect_left(starts, t.end) - 1
        e = spans[k] if k >= 0 and spans[k][0] < t.end <= spans[k][1] else s
        if s is None:
            continue
        w0, w1 = s[2], e[2]
        x0 = w0.x0 + (w0.x1 - w0.x0) * (t.start - s[0]) / max(1, s[1] - s[0])
        x1 = w1.x0 + (w1.x1 - w1.x0) * (t.end - e[0]) / max(1, e[1] - e[0])
        covered = [sp for sp in spans if sp[0] < t.end and sp[1] > t.start]
        with_digits = [sp for sp in covered if any(ch.isdigit() for ch in sp[2].text)]
        rep = any(sp[3] in repaired_words for sp in covered)
        if any(sp[3] in unsure_sign for sp in covered):
            t.sign_sure = False
        numbers = [sp for sp in covered if sp[3] in number_words]
        if ocr and numbers and t.kind != "code":
            # (a number the page reading cut is joined by the tokenizer and witnessed whole; cents
            # rounded to dollars stay a candidate whatever the witnesses say)
            cents = re.search(r"\.\d{2}\)?$", t.text) is not None and t.repaired
            rep = rep or cents or not witnessed([sp[2] for sp in numbers], t.text)
        elif len(with_digits) > 1:
            # a number whose digits stand in two words was cut: whole only if the cut is at a
            # thousands separator, narrow, and both readings of each piece agree
            gaps_ok = all(b[2].x0 - a[2].x1 <= 0.6 * row.h for a, b in zip(with_digits, with_digits[1:]))
            grouped = re.fullmatch(r"\(?-?\$?\d{1,3}(?:,\d{3})+\)?", re.sub(r"\s", "", t.text)) is not None
            rep = rep or not (ocr and gaps_ok and grouped)
        elif t.repaired:
            rep = True
        if ocr and covered and not rep:
            # OCR: digits right beside the number ("322,'\"= 630"): a piece of it may be lost there
            first, last = covered[0][3], covered[-1][3]
            for n in (first - 1, last + 1):
                if 0 <= n < len(row.words):
                    w = row.words[n]
                    gap = (row.words[first].x0 - w.x1) if n < first else (w.x0 - row.words[last].x1)
                    if gap <= 0.8 * row.h and any(ch.isdigit() for ch in w.text) \
                            and not _CODEISH.match(w.text) and not fix_word(w.text, codes)[0].startswith("["):
                        rep = True
        toks.append(PTok(t, x0, x1, rep))
    row.toks = _fragments(toks, row.text, row.h)
