"""Reading line values out of filed text, using what the form gives: the order of its lines, their
labels, and their codes.

The reader walks the text with a cursor over the form's rows in print order. On each text line it
finds the rows whose labels appear there (near the cursor, since labels repeat across sections),
removes the label text (labels hold numbers such as "add lines 1, 2 and 3"), and reads what is
left:
- an amount followed by its bracketed code, or a run of amounts followed by as many codes, pairs
  up in order (how: read);
- amounts on a line whose labelled rows have exactly as many amount cells are placed in the
  rows' order, whatever code survived next to them (how: read where the code is on the line,
  code-lost where it is not);
- a code with no amount is a blank cell, or an unreadable one when residue stands in its place;
- an amount on a caption row (a row with no amount cell) is a ghost of a neighbour and ignored;
- anything else is an orphan, placed later only if the arithmetic settles it.
A code printed before a label that wraps waits for its amount on the rows below (its row ends at
the next code or the next row's whole label); it is blank only when no digit stood on its rows and
its label ended. Text another program's OCR wrote (letters for digits, numbers in pieces, numbers
run into labels: tokens.py marks them) is OCR: every value is a candidate (Reading.ocr) that a sum
of the form must foot with (repair.confirm_footing); so is an amount placed by a label other rows
share far from any code, and every value of two listings interleaved line by line.
Nothing here decides a value by arithmetic: repair.py does, and says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from ..form.formdef import Report
from ..problems import Finding, Note
from .how import Found, How
from .tokens import Tok, clean, tokenize

WINDOW = 10          # how many rows ahead of the cursor a label may be found
FAR = 16             # a label at least this long may be found anywhere ahead (re-anchors the cursor)

# Page furniture, not form rows: running heads, banners, audit footers, page numbers.
_FURNITURE = re.compile(r"""\bPage\s+\d+\s+of\s+\d+\b | \bfocusgen\s+\d | ^\s*(End\s*Date|Firm\s*Name|Form)\s*:
    | BROKER\s+OR\s+DEALER | ^\s*as\s+of\b | ^\s*\d{1,2}/\d{1,2}/\d{2,4}\s*$""", re.X | re.I)


@dataclass
class Obs:
    value: int | None
    how: How                     # READ | CODE_LOST | BLANK | UNREADABLE
    sign_sure: bool = True
    where: str = ""
    repaired: bool = False       # joined from OCR fragments: counts only if the arithmetic confirms it
    whole: bool = False          # every digit is shown (text): a candidate the arithmetic confirms, never replaces


@dataclass
class Orphan:
    value: int
    sign: int
    sign_sure: bool
    where: str
    after: int                   # index in the row order of the last row seen before it
    cut: str = ""                # surviving digits of a cut code


@dataclass
class Reading:
    values: dict[str, Obs] = field(default_factory=dict)
    names: dict[str, str | None] = field(default_factory=dict)
    orphans: list[Orphan] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    conflicts: dict[str, list[Obs]] = field(default_factory=dict)
    seen_rows: set[int] = field(default_factory=set)
    # lines the form prints with a code, their code shown nowhere, whose row was found by its label with
    # nothing on it (as the rows of lines printed without a code are: seen_rows)
    empty_by_label: set[str] = field(default_factory=set)
    ocr: bool = False            # the text shows another program's OCR: every value is a candidate (repair)
    unsure_row: set[str] = field(default_factory=set)   # placed by a label several sections print, far from a code


def _nil_dashes(toks: list[Tok], labels, line: str) -> list[Tok]:
    """A lone dash in a labelled line's cell is the accountant's nil: 0, as printed ("A. Cash $ -",
    "- [7050]"). Only a dash on its own (a leader is a run of them) that stands in a cell: after a
    "$" or a wide gap and the last thing on the line, or right before a code; a hyphen ending a
    label's text ("debit balances -") is none."""
    out = []
    for i, t in enumerate(toks):
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        before = line[:t.start]
        in_cell = before.rstrip().endswith("$") or re.search(r"(\t|\s{3,})$", before) is not None
        if t.kind == "blank" and t.text in ("-", "—", "–", "--") and labels and \
                ((nxt is None and in_cell) or (nxt is not None and nxt.kind == "code")) and \
                not (out and out[-1].kind == "amount"):
            t = Tok("amount", t.text, t.start, value=0, end=t.end)
        out.append(t)
    return out


def _code_as_amount(toks: list[Tok]) -> list[Tok]:
    """A bare four-digit number that is also a line code, last on a line right after the line's
    bracketed code ("[8710]  7070"), is its amount: a candidate only."""
    if len(toks) >= 2 and toks[-1].kind == "code" and not toks[-1].bracketed and toks[-2].kind == "code" \
            and toks[-2].bracketed and not toks[-1].gap:
        t = toks[-1]
        toks = toks[:-1] + [Tok("amount", t.text, t.start, value=int(t.code), end=t.end, repaired=True)]
    return toks


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


@dataclass
class _Open:
    """A code printed before its label, waiting for its amount on the rows the label wraps to."""
    where: str
    row: int
    start: int                   # where its label begins on its line
    digits: bool = False         # a digit no label, code or placed amount accounts for stood on its rows
    text: str = ""               # its rows' text so far (normalized): has its label ended?


@dataclass
class _RowInfo:
    index: int
    key: str                     # normalized "num + label" (or heading/note text)
    amount_codes: tuple[str, ...]  # amount cells, left to right
    text_code: str | None
    caption: bool                # carries no amount
    grams: frozenset = frozenset()   # its 20-character runs: a cheap test before difflib


SEED = 20


def _grams(text: str) -> frozenset:
    return frozenset(text[i:i + SEED] for i in range(len(text) - SEED + 1))


class Reader:
    def __init__(self, report: Report):
        self.report = report
        self.codes = frozenset(report.lines)
        self.rows: list[_RowInfo] = []
        self.row_of_code: dict[str, int] = {}
        for st in report.statements:
            for row in st.rows:
                i = len(self.rows)
                text = row.heading or row.note or f"{row.num} {row.label}"
                cells = [ln for ln in (row.cell("inner"), row.cell("outer")) if ln]
                key = _norm(text)
                self.rows.append(_RowInfo(i, key, tuple(ln.code for ln in cells),
                                          row.text_line.code if row.text_line else None, not cells, _grams(key)))
                for ln in row.lines:
                    self.row_of_code[ln.code] = i
        self.titles = {_norm(st.title): st.key for st in report.statements}
        keys = [info.key for info in self.rows]
        self.shared = {k for k in keys if keys.count(k) > 1}     # labels printed in several sections
        self.first_row: dict[str, int] = {}
        for info, (st_key) in zip(self.rows, [st.key for st in report.statements for _ in st.rows]):
            self.first_row.setdefault(st_key, info.index)

    # --- labels -------------------------------------------------------------------------------

    def _find_labels(self, line: str, cursor: int) -> list[tuple[int, int, int]]:
        """Rows whose label is on the line, as (row index, start, end) in line positions."""
        squeezed, index = [], []
        for pos, ch in enumerate(line.lower()):
            if ch.isalnum():
                squeezed.append(ch)
                index.append(pos)
        flat = "".join(squeezed)
        line_grams = _grams(flat)
        candidates = []      # (quality, row index, start, size) in squeezed positions
        for info in self.rows[max(0, cursor - 1):cursor + WINDOW]:
            key = info.key
            if len(key) < 3:
                continue
            start = flat.find(key)
            if start >= 0:
                candidates.append((2.0, info.index, start, len(key)))
                continue
            if len(key) >= SEED and not info.grams.isdisjoint(line_grams):
                # a label wrapped over two lines: a long run of it stands on this line
                m = SequenceMatcher(None, flat, key, autojunk=False).find_longest_match(0, len(flat), 0, len(key))
                if m.size >= 20 and (m.a == 0 or m.b == 0 or m.b + m.size == len(key)):
                    candidates.append((1.0 + m.size / len(key) / 2, info.index, m.a, m.size))
                    continue
            if len(key) >= 24 and len(flat) >= 0.85 * len(key):
                # OCR drops or splits characters of long labels: a close match will do
                m = SequenceMatcher(None, flat, key, autojunk=False)
                if m.quick_ratio() * (len(flat) + len(key)) / 2 < 0.85 * len(key):
                    continue        # not enough characters in common for any alignment
                blocks = [b for b in m.get_matching_blocks() if b.size >= 3]
                matched = sum(b.size for b in blocks)
                if blocks and matched >= 0.85 * len(key):
                    size = blocks[-1].a + blocks[-1].size - blocks[0].a
                    candidates.append((matched / len(key), info.index, blocks[0].a, size))
        # the best matches first; a line position belongs to one label only
        found = []
        taken = [False] * len(flat)
        self.exact_end = -1          # where the last exactly matched label ends on this line
        self.exact_rows: set[int] = set()    # rows whose whole label is on this line
        for quality, idx, start, size in sorted(candidates, key=lambda c: (-c[0], c[1])):
            if any(taken[start:start + size]):
                continue
            for k in range(start, start + size):
                taken[k] = True
            found.append((idx, index[start], index[start + size - 1] + 1))
            if quality == 2.0:
                self.exact_end = max(self.exact_end, index[start + size - 1] + 1)
                self.exact_rows.add(idx)
        if not found:
            # nothing near the cursor: a long label further ahead re-anchors it (a scan has no codes)
            for info in self.rows[cursor + WINDOW:]:
                if len(info.key) >= FAR and info.key in flat:
                    start = flat.find(info.key)
                    found.append((info.index, index[start], index[start + len(info.key) - 1] + 1))
                    self.exact_rows.add(info.index)
                    break
        found.sort(key=lambda f: f[1])
        return found

    def _title(self, line: str, cursor: int) -> int | None:
        """The first row of the statement whose title this line is (the nearest ahead)."""
        n = _norm(line)
        if len(n) < 20:
            return None
        keys = [k for st, k in ((st, st.key) for st in self.report.statements)
                if _norm(st.title).startswith(n) or n in _norm(st.title) or _norm(st.title) in n]
        rows = sorted(self.first_row[k] for k in keys)
        ahead = [r for r in rows if r >= cursor - 1]
        return ahead[0] if ahead else None

    # --- reading ------------------------------------------------------------------------------

    def _amount_side(self, pages: list[str]) -> str:
        """'after' when the text prints codes before their amounts ("7010  A. Cash ... 2,837,564"),
        as a code-left listing does: counted on lines with one code and one formatted amount."""
        before = after = 0
        for page in pages:
            for raw in page.splitlines():
                toks = [t for t in tokenize(clean(raw), self.codes, True) if t.kind in ("code", "amount")]
                codes = [t for t in toks if t.kind == "code" and t.code not in self._text_codes()]
                amounts = [t for t in toks if t.kind == "amount" and (t.grouped or t.marked)]
                if len(codes) == 1 and len(amounts) == 1:
                    if amounts[0].start < codes[0].start:
                        before += 1
                    else:
                        after += 1
        return "after" if after > 2 * before + 2 else "before"

    def read(self, pages: list[str]) -> Reading:
        out = Reading()
        self.pending: list[str] = []
        self.anchor = -WINDOW - 1     # the row the last code placed the cursor at
        self.code_rows: list[int] = []    # the rows of the codes, in the order the text gives them
        self.open: dict[str, _Open] = {}      # codes printed before a label that wraps, awaiting their amount
        self.side = self._amount_side(pages)
        cursor = 0
        self.exact_end = -1
        started = False
        carry: Tok | None = None          # an amount ending a line, waiting for a code below it
        carry_where = ""
        for page_no, page in enumerate(pages, 1):
            for line_no, raw in enumerate(page.splitlines(), 1):
                where = f"page {page_no} line {line_no}" if len(pages) > 1 else f"line {line_no}"
                line = clean(raw)
                if not line.strip():
                    continue
                if not started:
                    started = self._starts(line)
                    if not started:
                        continue
                if _FURNITURE.search(line):
                    continue
                title = self._title(line, cursor)
                if title is not None:
                    cursor = max(cursor, title)
                    self.pending = []
                    self._close_rows(out)
                    continue
                labels = self._find_labels(line, cursor)
                toks = _nil_dashes([t for t in tokenize(line, self.codes, True)
                                    if not any(s <= t.start < e for _, s, e in labels)], labels, line)
                toks = _code_as_amount(toks)
                labels = self._resolve(labels, toks)
                if self.open and not any(t.kind == "code" for t in toks) and \
                        not any(idx in self.exact_rows for idx, _, _ in labels):
                    labels = []     # a piece of another row's label below an open code: its row goes on
                out.ocr = out.ocr or any(t.damaged for t in toks)
                if self._new_row(toks, labels):
                    self._close_rows(out)
                if carry is not None:
                    if toks and toks[0].kind == "code" and toks[0].bracketed and self.side == "before":
                        toks.insert(0, carry)
                    else:
                        self._leftover([carry], [], out, cursor, carry_where)
                    carry = None
                cursor = self._line(toks, labels, raw, out, cursor, where)
                if toks and toks[-1].kind == "amount" and toks[-1].grouped and toks[-1].free:
                    carry, carry_where = toks[-1], where
                    out.orphans = [o for o in out.orphans if not (o.where == where and o.value == carry.value)]
        self._close_rows(out)
        if self._interleaved():
            # two listings side by side, their rows interleaved line by line: which row a piece
            # belongs to is a guess, so no cell is blank, and every value is a candidate
            out.ocr = True
            out.findings.append(Note(Found.INTERLEAVED, (
                "the text runs two listings side by side (line codes go back and forth): no cell is taken "
                "as blank, and a value is claimed only where a sum of the form foots with it"), None, where=""))
            for code, obs in out.values.items():
                if obs.how == How.BLANK:
                    out.values[code] = Obs(None, How.UNREADABLE, where=obs.where)
        if out.ocr:         # OCR text: what it shows is a candidate until the form's arithmetic confirms it
            for obs in out.values.values():
                obs.repaired = obs.repaired or obs.value is not None
        return out

    def _resolve(self, labels, toks) -> list[tuple[int, int, int]]:
        """A label printed in several sections ("C. Securities held for particular customers") is
        the row of the code on its line, or of the code whose label wraps onto it."""
        anchors = [self.row_of_code[t.code] for t in toks if t.kind == "code" and t.code in self.row_of_code]
        anchors += [o.row for o in self.open.values()]
        out = []
        for idx, start, end in labels:
            same = [r for r in anchors if r != idx and self.rows[r].key == self.rows[idx].key]
            out.append((same[0] if same and idx not in anchors else idx, start, end))
        return out

    def _interleaved(self) -> bool:
        """Whether the codes went back in the form's order often (two listings side by side)."""
        rows = self.code_rows
        back = sum(1 for a, b in zip(rows, rows[1:]) if b < a)
        return back >= max(8, len(rows) // 10)

    def _new_row(self, toks, labels) -> bool:
        """Whether the line surely begins another row than the ones whose code stood before a label
        that wraps: a code of another row, or another row's whole label (a piece of a label that
        seems another row's may be the rest of this one's)."""
        rows = {o.row for o in self.open.values()}
        return any(t.kind == "code" and self.row_of_code.get(t.code) not in rows for t in toks) or \
            any(idx not in rows and idx in self.exact_rows for idx, _, _ in labels)

    def _close_rows(self, out: Reading) -> None:
        """The rows whose code stood before their label, left without an amount when the next row
        begins: blank when no digit stood anywhere on them, unreadable when one did (a piece of
        a number, a number not placed: positive evidence of an empty cell is what blank needs)."""
        for code, o in self.open.items():
            key = self.rows[o.row].key if o.row >= 0 else ""
            # blank only for a row seen whole: its label ended (two listings side by side interleave rows)
            ended = key[-12:] in o.text
            if code not in out.values:
                out.values[code] = Obs(None, How.UNREADABLE if o.digits or not ended else How.BLANK, where=o.where)
        self.open = {}

    def _starts(self, line: str) -> bool:
        """Statements begin at the first statement title, or at the first line code."""
        n = _norm(line)
        if any(t and (t in n or (len(n) > 30 and n in t)) for t in self.titles):
            return True
        return any(t.kind == "code" for t in tokenize(line, self.codes, True))

    def _line(self, toks, labels, raw, out: Reading, cursor: int, where: str) -> int:
        """One text line's tokens placed, in the steps of the module doc; returns the cursor."""
        for idx, _, _ in labels:
            out.seen_rows.add(idx)
        if labels:
            cursor = max(cursor, labels[-1][0] + 1)
        self._names(toks, labels, raw, out)
        used: set[int] = set()
        if self.side == "after":
            self._pair_after(toks, out, where, used)
        self._pair_runs(toks, labels, out, where, used)
        free = self._by_row_order(toks, labels, raw, out, where, used)
        self._residue(toks, labels, out, where, used, free)
        cursor = self._empty_codes(toks, labels, raw, out, cursor, where, used)
        # 4. what is left: ghosts on caption rows, or orphans
        rest = [t for t in toks if t.kind == "amount" and id(t) not in used and t.grouped]
        cut = next((t.code for t in toks if t.kind == "cut"), "")
        for t in self._leftover(rest, labels, out, cursor, where, cut):
            t.free = True           # an orphan: may still pair with a code on the next line
        digits = self.open and self._stray_digits(raw, labels, toks, used)
        for o in self.open.values():
            o.digits = o.digits or digits
            o.text += _norm(clean(raw)[o.start if o.where == where else 0:])
        opened = [c for c, o in self.open.items() if o.where == where and c not in out.values]
        if opened:      # a code before its label: the rows below are its own, its other cells have codes
            self.pending = opened
        else:
            self.pending += [c for c in self.open if c not in out.values and c not in self.pending]
        return cursor

    def _names(self, toks, labels, raw, out: Reading) -> None:
        """Name fields: "Name(s): HARRIS TRUST [7510]"."""
        for idx, _, end in labels:
            info = self.rows[idx]
            if info.text_code:
                code_tok = next((t for t in toks if t.kind == "code" and t.code == info.text_code), None)
                if code_tok is None:      # no legible code box: the name runs up to the first amount
                    code_tok = next((t for t in toks if t.start >= end and t.kind in ("amount", "code")), None)
                stop = code_tok.start if code_tok is not None else len(clean(raw))
                name = re.sub(r"[\s$_|]+$", "", clean(raw)[end:stop]).strip(" \t:[]()_")
                out.names[info.text_code] = name or None

    def _pair_after(self, toks, out: Reading, where: str, used: set[int]) -> None:
        """A text that prints codes before their amounts: each code takes the first amount after it
        up to the next code ("7615  E. ...  -747.00   7620  208,982.00")."""
        for i, t in enumerate(toks):
            if t.kind != "code" or t.code in self._text_codes() or id(t) in used:
                continue
            for a in toks[i + 1:]:
                if a.kind == "code":
                    break
                if a.kind == "amount" and id(a) not in used:
                    # the first amount after the code is its own ("(7352) 414- 1,942": 414- is
                    # 7352's, 1,942 the next line's); a bare small number only right after it
                    if a.grouped or a.marked or a.value == 0 or (a is toks[i + 1] and not a.gap):
                        self._put(out, t.code, a, How.READ, where)
                        used.add(id(a))
                        used.add(id(t))
                    break

    def _pair_runs(self, toks, labels, out: Reading, where: str, used: set[int]) -> None:
        """1. An amount (or a run of them) right before as many codes: pairs in order."""
        i = 0
        while i < len(toks):
            if toks[i].kind != "amount" or id(toks[i]) in used:
                i += 1
                continue
            j = i + 1
            while j < len(toks) and toks[j].kind == "amount" and not toks[j].gap:
                j += 1
            k = j
            while (k < len(toks) and toks[k].kind == "code" and not toks[k].gap
                   and toks[k].code not in self._text_codes()):
                k += 1
            amounts, codes = toks[i:j], toks[j:k]
            if codes:
                # amounts and codes meet at the junction: the last amounts pair with the first codes
                pair = list(zip(amounts[-len(codes):], codes)) if len(amounts) >= len(codes) else \
                    list(zip(amounts, codes[:len(amounts)]))
                slots = self._slots(labels)
                if (len(amounts) > len(codes) and not codes[0].bracketed and len(slots) == len(amounts)
                        and all(c.code in slots for c in codes)):
                    pair = []    # several rows on one line: placed by row order below
                for a, c in pair:
                    tight = c.start - a.end <= 2          # "173 7354": one space or tab
                    if a.grouped or a.value == 0 or tight:
                        k_a = toks.index(a)
                        prev = toks[k_a - 1] if k_a else None
                        # digits one space before it ("1 80.00"): a piece of the number may be lost there
                        cut = prev is not None and prev.kind == "amount" and a.start - prev.end <= 1 \
                            and not prev.text.endswith(")") and not a.text.startswith("(")
                        self._put(out, c.code, a, How.READ, where, repaired=cut)
                        used.add(id(a))
                        used.add(id(c))
            i = max(k, i + 1)

    def _by_row_order(self, toks, labels, raw, out: Reading, where: str, used: set[int]) -> list:
        """2. Amounts left on a line whose labelled rows have as many empty cells: row order (a row
        whose label ended the line above, without its amount, waits for it here). Returns the
        amounts still free."""
        free = [t for t in toks if t.kind == "amount" and id(t) not in used]
        slots = [c for c in self._slots(labels) if c not in out.values]
        continuation = not labels and not any(t.kind == "code" for t in toks)
        if continuation:
            slots = [c for c in self.pending if c not in out.values]
        together = bool(free) and all(toks.index(b) == toks.index(a) + 1 and not b.gap
                                      for a, b in zip(free, free[1:]))
        at_end = together and all(t.kind not in ("amount", "code") for t in toks[toks.index(free[-1]) + 1:])
        formatted = any(t.grouped or t.text.startswith("(") for t in free)
        tail = continuation and free and self._ends_pending_label(raw, free[0])
        if tail:
            slots = [c for c in tail if c not in out.values]     # the row whose label this line ends
        right_after = bool(free) and self.exact_end >= 0 and \
            not re.sub(r"[\s$]", "", clean(raw)[self.exact_end:free[0].start])
        if (tail or (right_after and not continuation)) and len(free) == len(slots) and at_end:
            pass    # "A. Cash 5" or "market) 463": a whole label, then nothing but its amount
        elif continuation or len(free) != len(slots) or not (at_end and formatted and len(free) > 1):
            # a small number without separators is an amount only beside a formatted one, as the
            # last thing on a labelled line, filling its cells exactly ("(118,193) 173");
            # anywhere else it may be label text ("subtract Line 7 Secure 1")
            kept = [t for t in free if t.grouped or t.marked or t.value == 0]
            # a bare number of four digits or more is no label text: it counts (never dropped to fit)
            free = kept if all(t in kept or t.value < 1000 for t in free) else []
        if free and len(free) == len(slots):
            line_codes = {t.code for t in toks if t.kind == "code"}
            for a, code in zip(free, slots):
                coded = self.report.lines[code].coded      # Daily Seg 12 A/B/C print no code at all
                on_row = code in line_codes or code in self.open or not coded
                # a label several sections print ("A. Cash") places an amount without its code only
                # as far as the cursor is right: sure a few rows after a code, otherwise a candidate
                # (a title both statements share in part may misplace the cursor)
                row = self.row_of_code[code]
                unsure = not on_row and self._shared(row, labels, raw) and not 0 <= row - self.anchor <= WINDOW
                self._put(out, code, a, How.READ if on_row else How.CODE_LOST, where, repaired=unsure)
                if unsure:
                    out.unsure_row.add(code)
                used.add(id(a))
            for t in toks:
                if t.kind == "code" and t.code in slots:
                    used.add(id(t))
            free = []
        return free

    def _residue(self, toks, labels, out: Reading, where: str, used: set[int], free: list) -> None:
        """Residue where a labelled row's amount should be ("(@)"): printed but unreadable, not
        absent; and the rows whose label ended this line without an amount wait for the next."""
        line_codes = {t.code for t in toks if t.kind == "code"}
        if labels and not free and not line_codes and not any(t.kind == "amount" and id(t) not in used for t in toks):
            # residue where the amount should be ("(@)"): printed but unreadable, not absent
            residue = [t for t in toks if t.kind == "junk" or (t.kind == "noise")]
            after = [t for t in residue if t.start >= labels[-1][2]]
            remaining = [c for c in self._slots(labels) if c not in out.values]
            if after and len(remaining) == 1:
                out.values[remaining[0]] = Obs(None, How.UNREADABLE, where=where)
        self.pending = [c for c in self._slots(labels) if c not in out.values and c not in line_codes] \
            if labels else []

    def _empty_codes(self, toks, labels, raw, out: Reading, cursor: int, where: str, used: set[int]) -> int:
        """3. Codes with no amount; returns the cursor past the last code on the line."""
        # 3. codes with no amount: blank cells only when no digit stands on the line but the codes'
        #    and the labels' (positive evidence of an empty cell); unreadable where residue or a
        #    piece of a number stands ("16,446\t,970 7045", "(962, ... 048)")
        # a letter OCR reads for a digit, alone in the cell ("7351 l"): a mark, not an empty cell
        fragments = self._stray_digits(raw, labels, toks, used) or \
            re.search(r"(?:^|\s)[OolISB]\s*$", clean(raw)) is not None
        prev_end = 0
        for pos, t in enumerate(toks):
            if t.kind == "code" and id(t) not in used and t.code not in self._text_codes():
                between = toks[prev_end:pos]
                junk = any(b.kind == "junk" for b in between) or fragments
                if t.code in out.values:
                    pass
                elif not junk and re.search(r"[A-Za-z]{2}", clean(raw)[t.end:]):
                    # the code stands before its label: its amount may be on a row the label wraps to
                    self.open[t.code] = _Open(where, self.row_of_code.get(t.code, -1), t.end)
                else:
                    out.values[t.code] = Obs(None, How.UNREADABLE if junk else How.BLANK, where=where)
                used.add(id(t))
            if t.kind in ("code", "amount"):
                prev_end = pos + 1
        # a code places the cursor surely, even behind a label matched in another section
        rows = [self.row_of_code[t.code] for t in toks if t.kind == "code" and t.code in self.row_of_code]
        self.code_rows += rows
        if rows:
            self.anchor = max(rows)
        return max(rows) + 1 if rows else cursor

    def _stray_digits(self, raw: str, labels, toks, used: set[int]) -> bool:
        """A digit on the line that is no code's, no label's and no amount placed: a piece of a
        number, so no cell on the line may be called blank."""
        line = clean(raw)
        keep = [True] * len(line)
        for _, start, end in labels:
            for k in range(start, min(end, len(line))):
                keep[k] = False
        for t in toks:
            if t.kind in ("code", "xcode", "rownum") or (t.kind == "amount" and id(t) in used):
                for k in range(t.start, min(t.end or t.start + len(t.text), len(line))):
                    keep[k] = False
        # the rest of a label wrapped from the line above ("32.6   [7200]", "line 6 from line 13)")
        first = next((t for t in toks if t.kind == "code"), None)
        if first is not None and not labels:
            head = _norm(line[:first.start])
            keys = [self.rows[self.row_of_code[t.code]].key for t in toks
                    if t.kind == "code" and t.code in self.row_of_code] + \
                [self.rows[self.row_of_code[c]].key for c in self.pending if c in self.row_of_code]
            if head and any(head in key for key in keys):
                for k in range(first.start):
                    keep[k] = False
        return any(ch.isdigit() and ok for ch, ok in zip(line, keep))

    def _leftover(self, rest, labels, out: Reading, cursor: int, where: str, cut: str = "") -> list[Tok]:
        """Ghosts on caption rows are dropped with a finding; the rest become orphans."""
        if not rest:
            return []
        only_captions = labels and all(self.rows[i].caption for i, _, _ in labels)
        if not only_captions:
            for t in rest:
                out.orphans.append(Orphan(t.value, t.sign, t.sign_sure, where, cursor - 1, cut))
            return rest
        for t in rest:
            if only_captions:
                out.findings.append(Note(Found.GHOST, f"{t.text} stands on a caption row that carries no amount "
                                                      "(a ghost of a neighbouring value); ignored", where=where))
        return []

    def _ends_pending_label(self, raw: str, first: Tok) -> list[str]:
        """The waiting codes of the row whose label ends with the text before the first amount."""
        before = _norm(clean(raw)[:first.start])
        if len(before) < 3:
            return []
        return [c for c in self.pending if self.rows[self.row_of_code[c]].key.endswith(before)]

    def _shared(self, row: int, labels, raw: str) -> bool:
        """Whether the label text that found the row is another row's too ("A. Cash"; "14. Excess
        (deficiency) funds in", the start of three sections' line 14)."""
        text = [_norm(clean(raw)[s:e]) for idx, s, e in labels if idx == row]
        frag = text[0] if text else self.rows[row].key
        return self.rows[row].key in self.shared or sum(frag in info.key for info in self.rows) > 1

    def _slots(self, labels) -> list[str]:
        return [code for idx, _, _ in labels for code in self.rows[idx].amount_codes]

    def _text_codes(self) -> frozenset[str]:
        return frozenset(self.report.text_codes)

    def _put(self, out: Reading, code: str, tok: Tok, how: str, where: str, repaired: bool = False) -> None:
        line = self.report.lines.get(code)
        if line is None or line.kind == "text":
            return
        obs = Obs(tok.value * tok.sign, how, tok.sign_sure, where, tok.repaired or repaired, whole=True)
        old = out.values.get(code)
        if old is None or old.value is None:
            out.values[code] = obs
        elif old.value != obs.value:
            out.conflicts.setdefault(code, [old]).append(obs)
