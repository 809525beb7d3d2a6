"""Reading a filing by position: words with boxes rebuilt into rows (rows.py), each line code
paired with the amount on its own row, whichever side of it the amount stands.

Any print of the form puts a line's amount on the line's row, in an amount column, on one side of
its code: `label .... 1,443,907,046 [7010]`, `7010  A. Cash ....  $ 1,443,907,046`, boxed codes
before the amount fields, two listings side by side. So, for a whole document:
1. rows: words whose vertical centres agree (page furniture that repeats on every page dropped);
2. amount columns: where the right edges of the formatted amounts line up; a bare number (0, 173)
   is an amount only in such a column or right against a code, otherwise label text ("line 6");
3. the side: on rows with one code and one amount, does the amount stand before or after its code;
4. pairing: each code takes the nearest amount on its side, up to the next code. A code with no
   amount is a blank cell only if nothing stands there at all; debris makes it unreadable;
5. an amount with no code: a label wrapped over two rows (the amount on the other row of a code
   whose cell is empty), a line the form prints without a code (Daily Seg 12 A/B/C) or one whose
   code was lost, placed by its label among the lines between its coded neighbours (never `read`
   when the form prints a code for it), else an orphan for the arithmetic to place or leave.
The result is a Reading, settled by repair.py like any other. GridReader's methods follow these
stages: columns and sides (_columns, _mark_real, _side), pairing (_pair, _debris), wrapped labels
(_wrapped_labels, _wrapped_amount, _continues), placement (_emit, _leftover, _by_label).

May import: .reader (the form's rows, Obs, Reading), .rows, .tokens, .words, ..form.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from statistics import median

from ..form.formdef import Report
from .how import How
from .reader import Obs, Orphan, Reader, Reading, _grams, _norm
from .rows import PTok, Row, _drop_furniture, _firm, _with_marks, build_rows, place_tokens
from .tokens import Tok
from .words import Word

# --- columns and sides ---------------------------------------------------------------------

def find_columns(rows: list[Row]) -> list[float]:
    """Amount columns: where the right edges of formatted amounts (separators, a "$", CR or DR) on
    coded rows line up."""
    # only rows that carry a line code: a note's "$1,000,000" makes no column
    # (a print without thousands separators: numbers of four digits or more line up as well)
    # (a code the text cites, "line C (7475)", is no amount)
    edges = sorted(t.x1 for r in rows if any(c.kind == "code" for c in r.toks)
                   for t in r.toks if t.kind == "amount" and (t.tok.grouped or t.tok.marked or t.tok.value >= 1000)
                   and not re.fullmatch(r"\(\d{4}\)[.,;:]?", t.tok.text.strip()))
    if not edges:
        return []
    tol = 0.6 * median(r.h for r in rows)
    clusters: list[list[float]] = [[edges[0]]]
    for x in edges[1:]:
        if x - clusters[-1][-1] <= tol:
            clusters[-1].append(x)
        else:
            clusters.append([x])
    return [median(c) for c in clusters if len(c) >= 2]

def mark_amounts(rows: list[Row], columns: list[float], ocr: bool) -> None:
    """Which amount tokens are amounts (not label text): formatted ones (separators, a "$", CR or
    DR: "$ 2 DR" is money wherever it stands), those in an amount column or right against a
    bracketed code; a lone dash in a column is the accountant's nil (0)."""
    for r in rows:
        tol = 0.6 * r.h
        for i, t in enumerate(r.toks):
            if not ocr and t.kind == "code" and not t.tok.bracketed and t.tok.code.isdigit() and \
                    any(abs(t.x1 - c) <= tol for c in columns) and \
                    any(o.kind == "code" and o.tok.bracketed for o in r.toks):
                # a text layer: a bare four-digit amount that happens to be a line code ("[8710]
                # 7070"), standing in an amount column on a row whose own code is in brackets (on a
                # scan a code's brackets may be lost: never)
                t.tok = Tok("amount", t.tok.text, t.tok.start, value=int(t.tok.code), end=t.tok.end)
                t.real = True
                continue
            if t.kind in ("blank", "junk") and t.tok.text in ("-", "--", "—", "–", "~", "=") and \
                    any(abs(t.x1 - c) <= tol for c in columns):
                # a lone dash in an amount column: the accountant's nil, printed as a mark; what
                # OCR makes of a dash ("~", "=") is a candidate only
                if t.tok.text in ("~", "=") and not ocr:
                    continue
                t.repaired = t.repaired or t.tok.text in ("~", "=")
                t.tok = Tok("amount", t.tok.text, t.tok.start, value=0, end=t.tok.end)
                t.real = True
                continue
            if t.kind != "amount":
                continue
            aligned = any(abs(t.x1 - c) <= tol for c in columns)
            nxt = r.toks[i + 1] if i + 1 < len(r.toks) else None
            tight = nxt is not None and nxt.kind == "code" and nxt.tok.bracketed and nxt.x0 - t.x1 <= 1.2 * r.h
            t.real = t.tok.grouped or t.tok.marked or aligned or tight

_ITEM = re.compile(r"\(?(?:[A-Za-z]|\d{1,2}|[ivxIVX]{1,4})[.)]")


def flowing_columns(rows: list[Row]) -> dict[int, float]:
    """Pages printed in two flowing columns (newspaper style: a listing down the left half, then down
    the right half), each line's code before its label: page -> the x where the right column
    begins. Such a page has its codes-before-labels at two places across the row, each holding
    three or more, far apart, with the left listing's amounts between them. (Two listings side by
    side whose codes stand after their amounts are one listing of wider rows: not split.)"""
    out: dict[int, float] = {}
    for page in sorted({r.page for r in rows}):
        starts = []
        for r in rows:
            if r.page != page:
                continue
            for i, t in enumerate(r.toks):
                if t.kind != "code":
                    continue
                after = sorted((w for w in r.words if t.x1 - 0.5 <= w.x0), key=lambda w: w.x0)
                # its label: a word right after the code, or an item's mark ("A.", "10.") and a word
                first = after[0] if after and after[0].x0 <= t.x1 + 3 * r.h else None
                item = first is not None and _ITEM.fullmatch(first.text) is not None and len(after) > 1 \
                    and after[1].x0 - first.x1 <= 2 * r.h and sum(ch.isalpha() for ch in after[1].text) >= 2
                if first is not None and (sum(ch.isalpha() for ch in first.text) >= 2 or item):
                    starts.append((t.x0, r.h))
        if len(starts) < 6:
            continue
        xs = sorted(x for x, _ in starts)
        h = median(hh for _, hh in starts)
        gaps = [(b - a, k) for k, (a, b) in enumerate(zip(xs, xs[1:]))]
        gap, k = max(gaps)
        left, right = xs[:k + 1], xs[k + 1:]
        if gap < 20 * h or len(left) < 3 or len(right) < 3 or right[-1] - right[0] > 4 * h \
                or left[-1] - left[0] > 4 * h:
            continue
        split = right[0] - 0.5 * h
        amounts_between = sum(1 for r in rows if r.page == page for t in r.toks
                              if t.kind == "amount" and left[0] + 10 * h < t.x1 <= split)
        if amounts_between >= 2:
            out[page] = split
    return out


def codes_in_place(rows: list[Row], codes: frozenset[str]) -> None:
    """On a scan, a number whose digits are a line code, standing where the page's codes stand
    (three or more codes within a row height of it) on a row with no code there, is that code with
    its box's side read as a sign or a point ("-7530." for a boxed 7530)."""
    places: dict[int, list[float]] = {}
    for r in rows:
        for t in r.toks:
            if t.kind == "code":
                places.setdefault(r.page, []).append((t.x0 + t.x1) / 2)
    for r in rows:
        for i, t in enumerate(r.toks):
            m = re.fullmatch(r"[-—–_~]?(\d{4})[.,]?", t.tok.text.strip())
            if t.kind != "amount" or m is None or m.group(1) not in codes:
                continue
            xc = (t.x0 + t.x1) / 2
            near = sum(1 for x in places.get(r.page, ()) if abs(x - xc) <= r.h)
            if near >= 3 and not any(o.kind == "code" and abs((o.x0 + o.x1) / 2 - xc) <= 3 * r.h for o in r.toks):
                r.toks[i] = PTok(Tok("code", t.tok.text, t.tok.start, code=m.group(1), end=t.tok.end), t.x0, t.x1)


def credit_marks(rows: list[Row]) -> None:
    """On a scan of a print that marks its amounts CR and DR, an amount read without its mark may
    have lost it (OCR misread or dropped the letters): its sign is unsure (the arithmetic may settle
    it; otherwise it is not claimed)."""
    amounts = [(r, t) for r in rows for t in r.toks if t.kind == "amount" and t.real]
    if sum(1 for _, t in amounts if re.search(r"(?:CR|DR)$", t.tok.text, re.I)) < 3:
        return
    for r, t in amounts:
        if t.tok.value and not re.search(r"(?:CR|DR)$", t.tok.text, re.I) and _ink_after(r, t):
            t.tok.sign_sure = False


def _ink_after(r: Row, t: PTok) -> bool:
    """Ink where a CR or DR after the amount would stand (up to the next code or amount on the row,
    a CR may stand a wide gap away) that no code or other amount accounts for: a mark the reading
    may have lost."""
    others = [(o.x0, o.x1) for o in r.toks if o is not t and o.kind in ("code", "amount")]
    limit = min([a for a, _ in others if a >= t.x1] + [t.x1 + 15 * r.h])
    for x0, _, x1, _ in [(w.x0, w.y0, w.x1, w.y1) for w in r.words] + list(r.marks):
        if x1 - max(x0, t.x1) < 0.3 * r.h or x0 > limit:
            continue
        if not any(a - 1 <= x0 and x1 <= b + 1 for a, b in others):
            return True
    return False


def hemmed(rows: list[Row], columns: list[float]) -> None:
    """On a scan, a number is whole only when nothing else is inked in its cell: ink beside it that
    no code, other amount or "$" accounts for (a stamp or a tick over the rest of the number, a
    digit or a sign the reading lost) may hide a part of it, so it is a candidate only. The cell of
    an amount in a column runs from the left edge of the widest amount in that column to the column;
    elsewhere, ink within a space of either end of the number counts."""
    lefts: dict[float, float] = {}
    for r in rows:
        for t in r.toks:
            if t.kind == "amount" and t.real:
                for c in columns:
                    if abs(t.x1 - c) <= 0.6 * r.h:
                        lefts[c] = min(lefts.get(c, t.x0), t.x0)
    for r in rows:
        if not r.marks:
            continue
        own = [(t.x0, t.x1) for t in r.toks if t.kind == "code" or (t.kind == "amount" and t.real)]
        own += [(w.x0, w.x1) for w in r.words if w.text.strip() in ("$", "S", "|", "$|", "|$")
                or _boxed(w.text, w.x1 - w.x0, r.h)]
        for t in r.toks:
            if t.kind != "amount" or not t.real or t.repaired:
                continue
            col = next((c for c in columns if abs(t.x1 - c) <= 0.6 * r.h), None)
            lo, hi = (lefts[col] - 0.5 * r.h, col + 0.5 * r.h) if col is not None else \
                (t.x0 - 1.0 * r.h, t.x1 + 1.0 * r.h)
            for m in r.marks:
                if m[2] <= lo or m[0] >= hi or (t.x0 - 1 <= m[0] and m[2] <= t.x1 + 1):
                    continue
                if any(a - 1 <= m[0] and m[2] <= b + 1 for a, b in own):
                    continue
                t.repaired = True
                break


def _boxed(text: str, width: float, h: float) -> bool:
    """A word in brackets as wide as a line code: a code OCR garbled ("[82]", "[8:::=:]")."""
    text = text.strip()
    return len(text) >= 3 and text[0] in "[({|" and text[-1] in "])}|" and width >= 2 * h \
        and len(re.sub(r"\D", "", text)) <= 4


def amount_side(rows: list[Row]) -> str:
    """'before' when amounts stand before their codes, 'after' when after."""
    before = after = 0
    for r in rows:
        codes = [t for t in r.toks if t.kind == "code"]
        amounts = [t for t in r.toks if t.kind == "amount" and t.real]
        if len(codes) == 1 and len(amounts) == 1:
            if amounts[0].x1 <= codes[0].x0:
                before += 1
            else:
                after += 1
    return "after" if after > before else "before"


class GridReader:
    def __init__(self, report: Report):
        self.report = report
        self.form = Reader(report)          # the form's rows, labels and codes, as the text reader has them
        self.codes = frozenset(report.lines)
        self.text_codes = frozenset(report.text_codes)
        self.uncoded = [c for c in report.amount_codes if not report.lines[c].coded]

    # --- tokens with positions ---------------------------------------------------------------

    # --- reading -----------------------------------------------------------------------------

    def read(self, pages: list[list[Word]], ocr: bool = False, marks: list | None = None) -> Reading:
        self.ocr = ocr
        out = Reading()
        rows = build_rows(pages)
        for r in rows:
            place_tokens(r, ocr, self.codes)
        splits = flowing_columns(rows)
        if splits:
            rows = build_rows(pages, splits)
            for r in rows:
                place_tokens(r, ocr, self.codes)
        if ocr:
            codes_in_place(rows, self.codes)
            self._garbled_codes(rows)
        if marks:
            rows = _with_marks(rows, marks)
        self.firm = _firm(rows)
        rows = _drop_furniture(rows, ocr)
        start = next((i for i, r in enumerate(rows) if self._starts(r)), len(rows))
        rows = rows[start:]
        columns = self.columns = find_columns(rows)
        mark_amounts(rows, columns, ocr)
        if ocr:
            hemmed(rows, columns)
            credit_marks(rows)
        side = self.side = amount_side(rows)
        self.code_xs: dict[tuple, list[float]] = {}        # where codes stand, per page (and column)
        for r in rows:
            for t in r.toks:
                if t.kind == "code":
                    self.code_xs.setdefault((r.page, r.col), []).append((t.x0 + t.x1) / 2)
        pitch = median([b.y - a.y for a, b in zip(rows, rows[1:]) if a.page == b.page and b.y > a.y] or [12.0])

        self.claimed: set[int] = set()      # amounts taken by a code on another row (wrapped labels)
        # each row: codes with their amounts; what is left over waits for the next steps
        cells: list[tuple[Row, list, list]] = [(r, *self._pair(r, side)) for r in rows]
        if ocr:
            self._misread_codes(cells)
        self._wrapped_labels(cells, pitch)
        self._emit(out, rows, cells)
        return out

    def _garbled_codes(self, rows: list[Row]) -> None:
        """On a scan, four characters standing where the page's codes stand, on a row with no code,
        that are one character away from exactly one line code, one the document shows nowhere
        else and whose place in the form lies between the codes read before and after it ("$760"
        between 8730 and 8770: 8760): that code (its row is found; what its cell holds is read)."""
        places: dict[int, list[float]] = {}
        found = set()
        for r in rows:
            for t in r.toks:
                if t.kind == "code":
                    places.setdefault(r.page, []).append((t.x0 + t.x1) / 2)
                    found.add(t.tok.code)
        order = self.form.row_of_code
        seq = [(k, i, t) for k, r in enumerate(rows) for i, t in enumerate(r.toks)]
        for n, (k, i, t) in enumerate(seq):
            r = rows[k]
            text = t.tok.text.strip().rstrip(".,;:")
            if t.kind == "code" or len(text) != 4 or not any(ch.isdigit() for ch in text) \
                    or any(o.kind == "code" for o in r.toks):
                continue
            xc = (t.x0 + t.x1) / 2
            if sum(1 for x in places.get(r.page, ()) if abs(x - xc) <= r.h) < 3:
                continue
            before = next((order.get(o.tok.code) for _, _, o in reversed(seq[:n])
                           if o.kind == "code" and o.tok.code in order), None)
            after = next((order.get(o.tok.code) for _, _, o in seq[n + 1:] if o.kind == "code" and o.tok.code in order),
                         None)
            near = [c for c in self.codes if len(c) == 4 and c not in found and c in order
                    and sum(x != y for x, y in zip(c, text)) == 1
                    and (before is None or order[c] >= before) and (after is None or order[c] <= after)]
            if len(near) == 1:
                r.toks[i] = PTok(Tok("code", t.tok.text, t.tok.start, code=near[0], end=t.tok.end), t.x0, t.x1)
                found.add(near[0])

    def _misread_codes(self, cells) -> None:
        """On a scan, a code read on two rows: one of them is another code misread ("7500" for a
        boxed 7600). The row whose label reads as the code's own keeps it (clearly better than the
        others); on the others the code is taken for lost: their amounts are left to be placed by
        their labels, never claimed for this code. When no row is clearly the code's, none is."""
        seen: dict[str, list] = {}
        for k, (r, pairs, left) in enumerate(cells):
            for j, (c, a, debris) in enumerate(pairs):
                if c.tok.code not in self.text_codes:
                    seen.setdefault(c.tok.code, []).append((k, j))
        for code, places in seen.items():
            score = [self._label_score(cells, k, code) for k, _ in places]
            if len(places) < 2:
                # read once, on a row whose label reads as another line's whose code differs from it
                # by one digit (OCR's slip), not as its own: that line's code, misread
                text = self._label_text(cells, places[0][0])
                if len(cells[places[0][0]][1]) != 1 or len(text) < 12 or score[0] >= 0.5:
                    continue
                if not any(_similar(text, key) >= 0.8 for other in self.report.amount_codes
                           if other != code and len(other) == len(code)
                           and sum(x != y for x, y in zip(other, code)) == 1
                           for key in self._label_keys(other)):
                    continue
                best = None
                places_lost = places
            else:
                order = sorted(range(len(places)), key=lambda i: -score[i])
                best = order[0] if score[order[0]] >= 0.6 and score[order[1]] < score[order[0]] - 0.15 else None
                places_lost = places
            for i, (k, j) in enumerate(places_lost):
                if i == best:
                    continue
                r, pairs, left = cells[k]
                c, a, debris = pairs[j]
                if a is not None:
                    left.append(a)
                    left.sort(key=lambda t: t.x0)
                    self.claimed.add(id(a))
                pairs[j] = (c, None, True) if best is None and len(places) > 1 else None
        for _, pairs, _ in cells:
            pairs[:] = [p for p in pairs if p is not None]

    def _label_keys(self, code: str) -> tuple[str, str]:
        """The form's wording of a line: its row's label, and its own where it has one."""
        return self.form.rows[self.form.row_of_code[code]].key, _norm(self.report.lines[code].label)

    @staticmethod
    def _label_text(cells, k: int) -> str:
        r = cells[k][0]
        return _norm(" ".join(w.text for w in r.words if sum(ch.isdigit() for ch in w.text) < 2))

    def _label_score(self, cells, k: int, code: str) -> float:
        """How well row k's words read as the label of `code` (0 on a row of several codes)."""
        if len(cells[k][1]) != 1:
            return 0.0
        text = self._label_text(cells, k)
        return max(_similar(text, key) for key in self._label_keys(code))

    def _wrapped_labels(self, cells, pitch: float) -> None:
        """Wrapped labels: an empty coded cell, and a lone amount on a row of the same label above or
        below it (no code between), which it takes. An empty cell with such an amount near it that
        is not its own is not blank: unreadable."""
        for k, (r, pairs, left) in enumerate(cells):
            for j, (c, a, debris) in enumerate(pairs):
                if a is not None or debris or c.tok.code in self.text_codes:
                    continue
                for step in (1, -1):
                    found = self._wrapped_amount(cells, k, step, c, pitch)
                    if found is None:
                        continue
                    amount, owner, ok = found
                    if ok and amount is not None:
                        pairs[j] = (c, amount, False)
                        owner.remove(amount)
                        self.claimed.add(id(amount))
                    else:
                        pairs[j] = (c, None, True)
                    break

    def _emit(self, out: Reading, rows, cells) -> None:
        """Each code's cell as an observation (read, blank, unreadable; a name field's name), each
        amount without a code placed by its label or left an orphan, and the rows of lines the form
        prints without a code found empty."""
        prev_row_index = -1
        shown = {c.tok.code for _, pairs, _ in cells for c, _, _ in pairs}
        lost = [c for c in self.report.amount_codes if self.report.lines[c].coded and c not in shown]
        for k, (r, pairs, left) in enumerate(cells):
            for c, a, debris in pairs:
                code = c.tok.code
                ri = self.form.row_of_code.get(code)
                if ri is not None:
                    out.seen_rows.add(ri)
                    prev_row_index = max(prev_row_index, ri) if code not in self.text_codes else prev_row_index
                if code in self.text_codes:
                    self._name(r, c, out)
                    continue
                if a is not None:
                    self._put(out, code, a, How.READ, r.where)
                elif debris or left or (self.ocr and not self.columns):
                    # not known empty: an amount no code took stands on the row (it may be this
                    # cell's), or a scan where no amount column was found (where the cell is is unknown)
                    self._put_state(out, code, Obs(None, How.UNREADABLE, where=r.where))
                else:
                    self._put_state(out, code, Obs(None, How.BLANK, where=r.where))
            for a in left:
                self._leftover(out, rows, cells, k, a, prev_row_index)
            if not left and (self.uncoded or lost) and not self._column_debris(r) and \
                    not any(t.kind == "amount" and t.real and t.x0 >= max((c.x1 for c, _, _ in pairs), default=-1e9)
                            for t in r.toks):
                # a line the form prints without a code, or one whose code the document shows nowhere,
                # its row (or the row's last listing) found with nothing on it
                code = self._by_label(out, cells, k, 1e9, prev_row_index, uncoded_only=True, lost=lost)
                if code is not None and code not in out.values:
                    out.seen_rows.add(self.form.row_of_code[code])
                    if self.report.lines[code].coded:
                        out.empty_by_label.add(code)

    def _starts(self, r: Row) -> bool:
        n = _norm(r.text)
        if any(t and (t[:40] in n) for t in self.form.titles if len(t) >= 20):
            return True
        return any(t.kind == "code" for t in r.toks)

    def _pair(self, r: Row, side: str):
        """Each code of the row with the nearest amount on its side, up to the next amount code (a
        name field's code, "Name(s): EUREX CLEARING AG [7550]", takes no amount and bounds none),
        and whether debris stands where an amount is missing; and the amounts left over."""
        toks = r.toks
        code_idx = [i for i, t in enumerate(toks) if t.kind == "code"]
        amount_idx = [i for i in code_idx if toks[i].tok.code not in self.text_codes]
        pairs, used = [], set()
        for ci in code_idx:
            if toks[ci].tok.code in self.text_codes:
                pairs.append((toks[ci], None, False))
                continue
            n = amount_idx.index(ci)
            if side == "before":
                lo = amount_idx[n - 1] + 1 if n else 0
                seg = range(lo, ci)
                ordered = list(reversed(seg))
            else:
                hi = amount_idx[n + 1] if n + 1 < len(amount_idx) else len(toks)
                seg = range(ci + 1, hi)
                ordered = list(seg)
            # (not past another listing's codes: the listing beside may have lost the code of its amount)
            amount = next((toks[i] for i in ordered if toks[i].kind == "amount" and toks[i].real and i not in used
                           and self._in_column(toks[i], r.h)
                           and not self._other_listing(r, toks[ci], toks[i].x0, toks[i].x1)), None)
            if amount is not None:
                used.add(toks.index(amount))
            if side == "before":
                bounds = (toks[amount_idx[n - 1]].x1 if n else -1e9, toks[ci].x0)
            else:
                bounds = (toks[ci].x1, toks[amount_idx[n + 1]].x0 if n + 1 < len(amount_idx) else 1e9)
            debris = amount is None and self._debris(r, toks[ci], [toks[i] for i in seg], side, bounds)
            pairs.append((toks[ci], amount, debris))
        left = [t for i, t in enumerate(toks) if t.kind == "amount" and t.real and i not in used]
        return pairs, left

    def _debris(self, r: Row, code: PTok, seg: list[PTok], side: str, bounds: tuple[float, float]) -> bool:
        """Something stands where the code's amount would: residue, a number that did not read, a
        stray mark in an amount column or right against the code. Label text ("regulation 32.6",
        "line 6") stands elsewhere and is not debris."""
        lo, hi = bounds

        def in_zone(x0: float, x1: float) -> bool:
            if any(abs(x1 - c) <= 1.5 * r.h for c in self.columns):
                return True
            # amounts before their codes stand right against them ("0 [7050]"); after a code comes its label
            return side == "before" and x1 <= code.x0 + 0.5 and code.x0 - x1 <= 1.5 * r.h

        for t in seg:
            if t.kind in ("junk", "noise", "amount", "cut") and t.tok.text not in ("$", "|") and in_zone(t.x0, t.x1):
                return True
        if side == "after":
            # after the code comes its label: a number of four digits or more past the label's last
            # word is no label text ("line 6" is; 1443907046 printed without separators is not, nor
            # a number set apart from the label by leaders or space, "amount ....  2 DR")
            label_end = max((w.x1 for w in r.words if lo <= w.x0 and w.x1 <= hi and
                             sum(ch.isalpha() for ch in w.text) >= 2 and not any(ch.isdigit() for ch in w.text)
                             and w.text.strip(".,:;").upper() not in ("CR", "DR")),
                            default=code.x1)
            past = sorted((t for t in seg if t.x0 >= label_end), key=lambda t: t.x0)
            if any(t.kind == "amount" and t.tok.value >= 1000 for t in past) or \
                    (past and past[0].kind == "amount" and past[0].x0 - label_end >= 2 * r.h):
                return True
        for m in r.marks:             # OCR: ink in the cell that no amount or code accounts for (a faint 0
            # read as "Boa", a dash read as nothing)
            if lo - 0.5 <= m[0] and m[2] <= hi + 0.5 and in_zone(m[0], m[2]) and self._unexplained(r, m):
                return True
        for sp in r.spans:            # OCR: a word with digits, or a short one ("Q" for 0), that read as no number
            w = sp[2]
            short = 0 < len(w.text.strip(".,:;·_ ")) <= 3 and w.text not in ("$", "|")   # leaders are no mark
            if not (lo - 0.5 <= w.x0 and w.x1 <= hi + 0.5) or not (short or sum(ch.isdigit() for ch in w.text) >= 2):
                continue
            if any(t.x0 >= w.x0 - 0.5 and t.x1 <= w.x1 + 0.5 and t.kind in ("amount", "code") and t.real
                   for t in r.toks):
                continue
            if in_zone(w.x0, w.x1):
                return True
        return False

    def _wrapped_amount(self, cells, k: int, step: int, c: PTok, pitch: float):
        """The first amount without a code in the rows above (step -1) or below (+1) row k, up to
        the next row with a code, on the same page or across a page break (the label's rows the
        last of one page and the first of the next), in the code's own listing: (amount, its list,
        whether the rows between read as the rest of the code's label)."""
        r = cells[k][0]
        code = c.tok.code
        label_ok = True
        last_y = r.y
        crossed = False
        for nb in range(k + step, k + step * 5, step):
            if not 0 <= nb < len(cells):
                return None
            r2, pairs2, left2 = cells[nb]
            # a name field's code ("BANK, N.A. [7550]") takes no amount: its row may end the label
            pairs2 = [p for p in pairs2 if p[0].tok.code not in self.text_codes]
            if r2.page != cells[nb - step][0].page:
                if step < 0 or r2.page - cells[nb - step][0].page != 1:
                    return None
                last_y = r2.y                # the label runs on over a page break (heads and feet dropped)
                crossed = True
            if crossed and not (len(self._label_text(cells, nb)) >= 3 and self._continues(r2, code)):
                return None                  # past a page break only the label's own words lead on
            if pairs2 or any(id(t) in self.claimed for t in r2.toks):
                return None          # another line's row (its own code, or the amount it took)
            if abs(r2.y - last_y) > 1.8 * pitch:
                # a gap: on a scan, rows the reading lost may lie between; a number past them
                # before the next code may end this label, so the cell is not known empty
                return (None, None, False) if self.ocr and self._number_past(cells, nb, step, r.h) else None
            if not self.ocr and self._beside(r2, c):
                last_y = r2.y
                continue            # a row of the listing beside (a title there): not the label's
            continues = self._continues(r2, code)
            if not continues and self._form_caption(r2):
                # a title or heading: the label does not run past it; an amount on it is someone's,
                # so the cell is not known empty
                return (None, None, False) if left2 or (self.ocr and self._amount_on(cells, nb, step)) else None
            last_y = r2.y
            label_ok = label_ok and continues
            mine = [a for a in left2 if not self._other_listing(r, c, a.x0, a.x1) and self._in_column(a, r2.h)]
            if mine:
                if step < 0 and self._above_is_open(cells, nb, pitch):
                    return (None, None, False)   # the amount may end the label of the empty cell above
                return (mine[0], left2, label_ok and len(mine) == 1)
            if self._column_debris(r2, c) or self._stray_number(r2, c):
                # something unreadable in the amount column below, or a number in no column set
                # apart from the label's words (an amount column the page has no other amount in)
                return (None, None, False)
        return None

    def _beside(self, r: Row, c: PTok) -> bool:
        """Row r holds words of another listing than code c's only (two listings side by side): all
        its words lie on the far side of an amount column from the code, and that side shows a
        code's place of its own on the page (a single listing's two amount columns have none)."""
        if not r.words or r.toks and any(t.kind in ("amount", "code") and t.real for t in r.toks):
            return False
        places = self.code_xs.get((r.page, r.col), ())
        tol = 1.5 * r.h
        lo, hi = min(w.x0 for w in r.words), max(w.x1 for w in r.words)
        for col in self.columns:
            # the other listing's codes stand among its labels' words (a single listing's inner
            # codes, Daily Seg "... [8710] amount", stand past them)
            if col < c.x0 and hi <= col + tol and any(x < col - tol and x <= hi for x in places):
                return True
            if col > c.x1 and lo >= col - tol and any(x > col + tol and x >= lo - 2 * tol for x in places):
                return True
        return False

    def _stray_number(self, r: Row, c: PTok) -> bool:
        """A number on row r, in the listing of code c, that is money (separators, a "$", CR or DR)
        or stands two row heights or more past the words before it (no label text, "line 6", nor an
        item's number first on its row)."""
        for t in r.toks:
            if t.kind != "amount" or self._other_listing(r, c, t.x0, t.x1):
                continue
            if t.real:
                return True
            word = next((w for w in r.words if w.x0 <= t.x0 + 0.5 and t.x1 <= w.x1 + 0.5), None)
            if word is None or not re.fullmatch(r"[-($]*\d[\d,.]*\)?", word.text) or \
                    re.fullmatch(r"\(?\d{1,2}[.)]", word.text):
                continue                    # a piece of a word ("06:14:09", "RGL-214"), an item's number ("3.")
            before = [w.x1 for w in r.words if w.x1 <= word.x0 + 0.5 and w.text.strip() not in ("$", "|")]
            if before and word.x0 - max(before) >= 2 * r.h:   # (first on its row: an item's number, "12.")
                return True
        return False

    def _in_column(self, a: PTok, h: float) -> bool:
        """The amount stands in an amount column (or none was found): a number elsewhere (a note's
        "$20,000,000" beside the listing) is no wrapped label's amount."""
        return not self.columns or any(abs(a.x1 - c) <= 1.5 * h for c in self.columns)

    def _other_listing(self, r: Row, c: PTok | None, x0: float, x1: float) -> bool:
        """What stands at x0..x1 on row r is in another listing than code c (two listings side by
        side, each line's code by its label): going from the code towards it, an amount column is
        passed, then the place of another code on the page (the other listing's labels and codes)."""
        if c is None:
            return False
        lo, hi = (c.x1, x0) if x0 >= c.x1 else (x1, c.x0)
        toward = 1 if x0 >= c.x1 else -1
        passed = [x for x in self.columns if lo < x < hi]
        if not passed:
            return False
        first = min(passed, key=lambda x: toward * x)
        return any((x - first) * toward > 0 and lo < x < hi for x in self.code_xs.get((r.page, r.col), ()))

    def _number_past(self, cells, nb: int, step: int, h: float) -> bool:
        """A number in an amount column (within a row height and a half, the code's row's height) on
        the rows from nb on, up to the next row with a code on the page."""
        for j in range(nb, nb + 5 * step, step):
            if not 0 <= j < len(cells) or cells[j][0].page != cells[nb][0].page or cells[j][1]:
                return False
            if cells[j][2] or any(t.kind == "amount" and any(abs(t.x1 - c) <= 1.5 * max(h, cells[j][0].h)
                                                              for c in self.columns) for t in cells[j][0].toks):
                return True
        return False

    def _amount_on(self, cells, nb: int, step: int) -> bool:
        """An amount no code took on the rows from nb on (up to the next row with a code, on the
        page): on a scan, where a code may be lost, the cell before them is not known empty (on a text
        layer every code is there, and such an amount is another line's)."""
        for j in range(nb, nb + 5 * step, step):
            if not 0 <= j < len(cells) or cells[j][0].page != cells[nb][0].page or cells[j][1]:
                return False
            if cells[j][2]:
                return True
        return False

    def _above_is_open(self, cells, nb: int, pitch: float) -> bool:
        """Rows above row nb, up to the nearest row with a code, read as one wrapped label whose code
        has no amount: an amount on row nb may be that code's as much as the one below."""
        last_y = cells[nb][0].y
        for j in range(nb - 1, max(-1, nb - 5), -1):
            r, pairs, left = cells[j]
            if r.page != cells[nb][0].page or abs(last_y - r.y) > 1.8 * pitch or left:
                return False
            if pairs:
                return any(a is None and c.tok.code not in self.text_codes for c, a, _ in pairs)
            last_y = r.y
        return False

    def _form_caption(self, r: Row, min_len: int = 12, titles: bool = True) -> bool:
        """The row is the form's own wording: a title, heading, caption or note (no line's cell is on it)."""
        text = _norm(r.text)
        if len(text) < min_len:
            return False
        if titles and any(t[:40] in text for t in self.form.titles if len(t) >= 20):
            return True
        grams = _grams(text)
        return any(info.caption and len(info.key) >= min_len and (len(info.key) < 20 or not info.grams.isdisjoint(grams))
                   and _similar(text, info.key) >= 0.8 for info in self.form.rows)

    @staticmethod
    def _unexplained(r: Row, m: tuple) -> bool:
        """A mark of ink on the row that no amount or code read there accounts for."""
        return not any(t.x0 - 1 <= m[0] and m[2] <= t.x1 + 1 for t in r.toks if t.kind in ("amount", "code"))

    def _column_debris(self, r: Row, code: PTok | None = None) -> bool:
        """A mark in an amount column of a row with no code: a short word, residue or ink no word
        accounts for (in the listing of `code`, when given: two listings stand side by side)."""
        def in_column(x0: float, x1: float) -> bool:
            return any(abs(x1 - c) <= 1.5 * r.h for c in self.columns) and \
                not self._other_listing(r, code, x0, x1)
        for t in r.toks:
            if t.kind in ("junk", "noise", "cut", "amount") and in_column(t.x0, t.x1):
                return True
        for w in r.words:
            if in_column(w.x0, w.x1) and (0 < len(w.text.strip(".,:;·_ ")) <= 3 or any(ch.isdigit() for ch in w.text)):
                return True
        return any(in_column(m[0], m[2]) and self._unexplained(r, m) for m in r.marks)

    def _continues(self, r2: Row, code: str) -> bool:
        """Is row r2 the rest of the label of `code`'s line (not a line of its own)?"""
        text = _norm(" ".join(w.text for w in r2.words if not any(ch.isdigit() for ch in w.text)))
        if re.match(r"^\s*(?:[A-Z]|[0-9]{1,2}|[ivx]{1,4}|[a-e])[.)]\s", r2.text):
            return False                     # "B. Securities": an item of its own
        if len(text) < 3:
            return True                      # the end of a word cut at the margin ("t....")
        # the words, as text is: the row's label, and the line's own where it has one (a total
        # printed on a row of its own, "[7680] Amounts held by clearing organizations ...")
        keys = (self.form.rows[self.form.row_of_code[code]].key, _norm(self.report.lines[code].label))
        return any(text[:12] in re.sub(r"\d", "", key) for key in keys)

    def _leftover(self, out: Reading, rows, cells, k: int, a: PTok, prev_row_index: int) -> None:
        """An amount without a code on its row: a line the form prints without a code, or one whose
        code was lost, placed by its label between its coded neighbours; otherwise an orphan."""
        r = cells[k][0]
        if self._form_caption(r, min_len=20, titles=False):
            return      # a number in the form's own wording (a note's "$1,000,000"): not an amount
        open_code = self._open_label_above(out, cells, k, a)
        if open_code is not None:
            # the row continues the label of a coded line above whose cell is empty: the amount may
            # be that line's as much as the line its label reads like (a label ending as another
            # line's does, "... in lieu of cash (at market)"): neither is known
            self._put_state(out, open_code, Obs(None, How.UNREADABLE, where=r.where))
            out.orphans.append(Orphan(a.tok.value, a.tok.sign, a.tok.sign_sure, r.where, prev_row_index))
            return
        code = self._by_label(out, cells, k, a.x0, prev_row_index, uncoded_only=False, a=a)
        if code is not None:
            coded = self.report.lines[code].coded
            self._put(out, code, a, How.READ if not coded else How.CODE_LOST, r.where)
            return
        out.orphans.append(Orphan(a.tok.value, a.tok.sign, a.tok.sign_sure, r.where, prev_row_index))

    def _open_label_above(self, out: Reading, cells, k: int, a: PTok) -> str | None:
        """The code whose label row k continues (it and the rows between, up to the code's row, the
        rest of that label; over a page break too), when that code's cell holds nothing."""
        for j in range(k - 1, max(-1, k - 6), -1):
            r, pairs, left = cells[j]
            if left or abs(r.page - cells[j + 1][0].page) > 1:
                return None
            if not pairs:
                continue
            for c, amount, _ in pairs:
                code = c.tok.code
                obs = out.values.get(code)
                if amount is not None or code in self.text_codes or (obs is not None and obs.value is not None) \
                        or self._other_listing(r, c, a.x0, a.x1):
                    continue
                if all(self._continues(cells[i][0], code) for i in range(j + 1, k + 1)):
                    return code
            return None
        return None

    def _by_label(self, out: Reading, cells, k: int, x_end: float, prev_row_index: int,
                  uncoded_only: bool, a: PTok | None = None, lost: list[str] = ()) -> str | None:
        """The one line, among those between the coded rows around row k, whose label the row's
        text (before x_end; with the row above when the label began there) is. For an amount a, the
        coded rows around it are those of its own listing too (two listings side by side: the
        other listing's codes say nothing of where a line of this one lies). uncoded_only: only a line
        the form prints without a code, or one of `lost` (their codes shown nowhere)."""
        r = cells[k][0]
        if a is not None:
            prev_row_index = max(prev_row_index, self._listing_neighbour(cells, k, a, -1, prev_row_index))
        # the label's words: after the last code before it on the row (two listings side by side)
        x_start = max((c.tok and c.x1 for c, _, _ in cells[k][1] if c.x1 <= x_end), default=-1e9)
        label = _norm(" ".join(w.text for w in r.words if x_start <= w.x0 and w.x1 <= x_end + 0.5 and
                               sum(ch.isdigit() for ch in w.text) < 2))
        labels = [label]
        if k and not cells[k - 1][1] and not cells[k - 1][2] and cells[k - 1][0].page == r.page:
            # the label began on the row above ("B. Securities ... (at" / "market)   0"), unless the
            # row above is a whole label of its own (Daily Seg 12: "A. Cash" over "B. Securities ...")
            above = _norm(" ".join(w.text for w in cells[k - 1][0].words if sum(ch.isdigit() for ch in w.text) < 2))
            # nor the last row of another label, a heading's or a line's: "C. SECURITIES HELD ... IN $0" /
            # "LIEU OF CASH (AT MARKET)" above "9. NET SETTLEMENT ..."
            two = self._label_text(cells, k - 2) + above if k >= 2 and cells[k - 2][0].page == r.page else ""
            tail = two and any(abs(len(two) - len(info.key)) <= 3 and _similar(two, info.key) >= 0.95
                               for info in self.form.rows)
            if not any(info.key == above for info in self.form.rows if info.amount_codes) and not tail:
                labels.append(above + label)
        nxt = None
        for r2, pairs, _ in cells[k + 1:]:
            # the next coded line after it in the form's order (listings side by side interleave)
            found = [self.form.row_of_code[c.tok.code] for c, _, _ in pairs
                     if c.tok.code not in self.text_codes and c.tok.code in self.form.row_of_code
                     and self.form.row_of_code[c.tok.code] > prev_row_index]
            if found:
                nxt = min(found)
                break
        hi = nxt if nxt is not None else len(self.form.rows)
        if a is not None:
            hi = min(hi, self._listing_neighbour(cells, k, a, 1, len(self.form.rows)))
        for text in reversed(labels):        # the wrapped label first, then this row's alone
            if len(text) < 3:
                continue
            # every line in the range is a rival, those already given a value too (a label two
            # statements print alike, with no code around to tell them apart, is neither's)
            candidates = sorted(((_similar(text, info.key), code not in out.values or out.values[code].value is None,
                                  code)
                                 for info in self.form.rows[prev_row_index + 1:hi] if len(info.key) >= 3
                                 for code in info.amount_codes), reverse=True)
            candidates = [(score, code) for score, free, code in candidates if free or score >= candidates[0][0] - 0.1]
            if candidates and candidates[0][0] >= 0.8 and \
                    (out.values.get(candidates[0][1]) is None or out.values[candidates[0][1]].value is None) and \
                    (len(candidates) == 1 or candidates[1][0] < candidates[0][0] - 0.1):
                code = candidates[0][1]
                if uncoded_only and self.report.lines[code].coded:
                    # a line whose code is shown nowhere: its whole label, not a piece of it ("markets")
                    whole = max(len(key) for key in self._label_keys(code))
                    if code not in lost or len(text) < 0.6 * whole:
                        return None
                return code
        return None

    def _listing_neighbour(self, cells, k: int, a: PTok, step: int, default: int) -> int:
        """The form's row of the nearest coded line above (step -1) or below (+1) row k in the
        listing of amount a, on its page: the lines whose codes stand where the code nearest the
        amount on the amount's side of codes does (the code of a line of another listing, side by
        side, is passed over); default when there is none."""
        r = cells[k][0]
        places = self.code_xs.get((r.page, r.col), ())
        if self.side == "before":
            near = min((x for x in places if x >= a.x1), default=None)
        else:
            near = max((x for x in places if x <= a.x0), default=None)
        if near is None:
            return default
        for j in range(k + step, len(cells) if step > 0 else -1, step):
            r2 = cells[j][0]
            if r2.page != r.page or r2.col != r.col:
                return default
            found = [self.form.row_of_code[c.tok.code] for c, _, _ in cells[j][1]
                     if c.tok.code not in self.text_codes and c.tok.code in self.form.row_of_code
                     and abs((c.x0 + c.x1) / 2 - near) <= 2 * r.h]
            if found:
                return max(found) if step < 0 else min(found)
        return default

    def _name(self, r: Row, c: PTok, out: Reading) -> None:
        words = [w.text for w in r.words if w.x0 > 0]
        text = " ".join(words)
        m = re.search(r"Name\s*\(?s\)?\s*:?\s*(.*)", text, re.I)
        if not m:
            out.names.setdefault(c.tok.code, None)
            return
        rest = m.group(1)
        rest = re.sub(r"[\[({]?\s*" + c.tok.code + r"\s*[\])}]?", " ", rest)
        rest = re.sub(r"\$?\(?\d[\d,.]*\)?|\.{2,}|[\[\]{}|_$]", " ", rest)
        name = " ".join(rest.split()).strip(" .:-")
        out.names[c.tok.code] = name or None

    def _put(self, out: Reading, code: str, a: PTok, how: str, where: str) -> None:
        line = self.report.lines.get(code)
        if line is None or line.kind == "text":
            return
        obs = Obs(a.tok.value * a.tok.sign, how, a.tok.sign_sure, where, a.repaired)
        self._put_state(out, code, obs)

    @staticmethod
    def _put_state(out: Reading, code: str, obs: Obs) -> None:
        old = out.values.get(code)
        if old is None:
            out.values[code] = obs
        elif obs.value is None:
            # the same code again with no amount (a note citing "line D (7490)", a repeated head)
            if old.value is None and obs.how == How.UNREADABLE:
                out.values[code] = obs
        elif old.value is None:
            out.values[code] = obs
        elif old.value != obs.value:
            out.conflicts.setdefault(code, [old]).append(obs)


def _similar(a: str, b: str) -> float:
    """How much of the shorter of the printed text a and the form's label b the other holds, in runs
    of three characters or more (prints cut and wrap labels; OCR drops letters)."""
    if not a or not b:
        return 0.0
    if a in b or b in a:
        return 1.0 if a == b or min(len(a), len(b)) >= 5 else 0.7
    m = SequenceMatcher(None, a, b, autojunk=False)
    matched = sum(blk.size for blk in m.get_matching_blocks() if blk.size >= 3)
    return matched / min(len(a), len(b))
