"""Reading a filing by position: words with boxes rebuilt into rows, each line code paired with the
amount on its own row, whichever side of it the amount stands.

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
The result is a Reading, settled by repair.py like any other.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from statistics import median

from ..form.formdef import Report
from .reader import Obs, Orphan, Reader, Reading, _grams, _norm
from .tokens import Tok, clean, tokenize
from .words import Word

LOW_CONFIDENCE = 45          # an OCR word below this needs the arithmetic's confirmation
# The second witness's confidence (witness.py: the least probability of the characters it read)
# below which it does not witness a number. Measured on the foreign scans: readings that agree with
# the page's sit at 0.95 and above; misreads fall below 0.6.
WITNESS_FLOOR = 0.70
_DASHES = ("-", "--", "—", "–")


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
    if text.strip() in _DASHES:
        return first.wit == "-" and len(words) == 1 and not first.skipped and first.conf >= LOW_CONFIDENCE \
            and first.text in _DASHES
    digits = _digits(text)
    if not digits or _digits(first.wit) != digits:
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

def build_rows(pages: list[list[Word]]) -> list[Row]:
    rows: list[Row] = []
    for p, words in enumerate(pages, 1):
        words = [w for w in words if w.text.strip() and w.h > 0]
        if not words:
            continue
        mh = median(w.h for w in words)
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
        for k, (y, ws, _) in enumerate(current, 1):
            ws.sort(key=lambda w: w.x0)
            rows.append(Row(p, k, y, median(w.h for w in ws), ws))
    return rows


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
        for m in marks[page - 1] or []:
            yc = (m[1] + m[3]) / 2
            row = next((r for r in page_rows if abs(yc - r.y) <= 0.6 * r.h), None)
            (row.marks if row is not None else left).append(m)
        h = median([r.h for r in page_rows] or [8.0])
        bare: list[Row] = []
        for m in sorted(left, key=lambda m: m[1]):
            yc = (m[1] + m[3]) / 2
            if bare and abs(yc - bare[-1].y) <= 0.5 * h:
                bare[-1].marks.append(m)
            else:
                bare.append(Row(page, 0, yc, h, [], marks=[m]))
        merged = sorted(page_rows + [b for b in bare if max(x[3] - x[1] for x in b.marks) >= 0.15 * h],
                        key=lambda r: r.y)
        for k, r in enumerate(merged, 1):
            r.index = k
        out += merged
    return out


def _drop_furniture(rows: list[Row]) -> list[Row]:
    """Run heads and footers: a row whose text, digits aside, stands at the same height on at least
    half the pages (two at least), and holds no line code."""
    pages = {r.page for r in rows}
    if len(pages) < 2:
        return rows

    def key(r: Row) -> tuple[str, int]:
        return re.sub(r"[^a-z]", "", r.text.lower()), round(r.y / 4)

    seen: dict[tuple, set] = {}
    for r in rows:
        k, y = key(r)
        for dy in (-1, 0, 1):
            seen.setdefault((k, y + dy), set()).add(r.page)
    need = max(2, len(pages) // 2)
    # short rows ("A. Cash 0") repeat on every statement's page: furniture is longer than that
    return [r for r in rows if any(t.kind == "code" for t in r.toks) or len(key(r)[0]) < 10
            or len(seen.get(key(r), ())) < need]


class GridReader:
    def __init__(self, report: Report):
        self.report = report
        self.form = Reader(report)          # the form's rows, labels and codes, as the text reader has them
        self.codes = frozenset(report.lines)
        self.text_codes = frozenset(report.text_codes)
        self.uncoded = [c for c in report.amount_codes if not report.lines[c].coded]

    # --- tokens with positions ---------------------------------------------------------------

    def _place_tokens(self, row: Row, ocr: bool) -> None:
        """The row's words as text (OCR damage undone on a scan), tokenized, each token with its
        place. On a scan a number not witnessed twice (witnessed()) is a candidate only, and one
        whose sign the witnesses disagree on has an unsure sign."""
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
                if m and m.group(1) in self.codes:
                    text = f"[{m.group(1)}]"
            if ocr and not cited:          # "line D (7490)" cites a code; it is not the cell
                text, rep = fix_word(text, self.codes)
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
        toks = []
        starts = [sp[0] for sp in spans]
        for t in tokenize(row.text, self.codes):
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
                                and not _CODEISH.match(w.text) and not fix_word(w.text, self.codes)[0].startswith("["):
                            rep = True
            toks.append(PTok(t, x0, x1, rep))
        row.toks = _fragments(toks, row.text, row.h)

    # --- columns and sides -------------------------------------------------------------------

    @staticmethod
    def _columns(rows: list[Row]) -> list[float]:
        # only rows that carry a line code: a note's "$1,000,000" makes no column
        # (a print without thousands separators: numbers of four digits or more line up as well)
        edges = sorted(t.x1 for r in rows if any(c.kind == "code" for c in r.toks)
                       for t in r.toks if t.kind == "amount" and (t.tok.grouped or t.tok.value >= 1000))
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

    def _mark_real(self, rows: list[Row], columns: list[float]) -> None:
        for r in rows:
            tol = 0.6 * r.h
            for i, t in enumerate(r.toks):
                if t.kind in ("blank", "junk") and t.tok.text in ("-", "--", "—", "–", "~", "=") and \
                        any(abs(t.x1 - c) <= tol for c in columns):
                    # a lone dash in an amount column: the accountant's nil, printed as a mark; what
                    # OCR makes of a dash ("~", "=") is a candidate only
                    if t.tok.text in ("~", "=") and not self.ocr:
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
                t.real = t.tok.grouped or aligned or tight

    @staticmethod
    def _side(rows: list[Row]) -> str:
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

    # --- reading -----------------------------------------------------------------------------

    def read(self, pages: list[list[Word]], ocr: bool = False, marks: list | None = None) -> Reading:
        self.ocr = ocr
        out = Reading()
        rows = build_rows(pages)
        for r in rows:
            self._place_tokens(r, ocr)
        if marks:
            rows = _with_marks(rows, marks)
        self.firm = _firm(rows)
        rows = _drop_furniture(rows)
        start = next((i for i, r in enumerate(rows) if self._starts(r)), len(rows))
        rows = rows[start:]
        columns = self.columns = self._columns(rows)
        self._mark_real(rows, columns)
        side = self._side(rows)
        pitch = median([b.y - a.y for a, b in zip(rows, rows[1:]) if a.page == b.page and b.y > a.y] or [12.0])

        self.claimed: set[int] = set()      # amounts taken by a code on another row (wrapped labels)
        # each row: codes with their amounts; what is left over waits for the next steps
        cells: list[tuple[Row, list, list]] = []       # (row, [(code tok, amount tok | None, debris)], leftovers)
        for r in rows:
            cells.append((r, *self._pair(r, side)))

        # wrapped labels: an empty coded cell, and a lone amount on a row of the same label above or
        # below it (no code between). An empty cell with such an amount near it that is not its own
        # is not blank: unreadable.
        for k, (r, pairs, left) in enumerate(cells):
            for j, (c, a, debris) in enumerate(pairs):
                if a is not None or debris or c.tok.code in self.text_codes:
                    continue
                for step in (1, -1):
                    found = self._wrapped_amount(cells, k, step, c.tok.code, pitch)
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

        prev_row_index = -1
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
                    self._put(out, code, a, "read", r.where)
                elif debris:
                    self._put_state(out, code, Obs(None, "unreadable", where=r.where))
                else:
                    self._put_state(out, code, Obs(None, "blank", where=r.where))
            for a in left:
                self._leftover(out, rows, cells, k, a, prev_row_index)
            if not left and self.uncoded and not self._column_debris(r) and \
                    not any(t.kind == "amount" and t.real and t.x0 >= max((c.x1 for c, _, _ in pairs), default=-1e9)
                            for t in r.toks):
                # a line the form prints without a code, its row (or the row's last listing) found
                # with nothing on it
                code = self._by_label(out, cells, k, 1e9, prev_row_index, uncoded_only=True)
                if code is not None and code not in out.values:
                    out.seen_rows.add(self.form.row_of_code[code])
        return out

    def _starts(self, r: Row) -> bool:
        n = _norm(r.text)
        if any(t and (t[:40] in n) for t in self.form.titles if len(t) >= 20):
            return True
        return any(t.kind == "code" for t in r.toks)

    def _pair(self, r: Row, side: str):
        toks = r.toks
        code_idx = [i for i, t in enumerate(toks) if t.kind == "code"]
        pairs, used = [], set()
        for n, ci in enumerate(code_idx):
            if side == "before":
                lo = code_idx[n - 1] + 1 if n else 0
                seg = range(lo, ci)
                ordered = list(reversed(seg))
            else:
                hi = code_idx[n + 1] if n + 1 < len(code_idx) else len(toks)
                seg = range(ci + 1, hi)
                ordered = list(seg)
            amount = next((toks[i] for i in ordered if toks[i].kind == "amount" and toks[i].real and i not in used), None)
            if amount is not None:
                used.add(toks.index(amount))
            if side == "before":
                bounds = (toks[code_idx[n - 1]].x1 if n else -1e9, toks[ci].x0)
            else:
                bounds = (toks[ci].x1, toks[code_idx[n + 1]].x0 if n + 1 < len(code_idx) else 1e9)
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
            # word is no label text ("line 6" is; 1443907046 printed without separators is not)
            label_end = max((w.x1 for w in r.words if lo <= w.x0 and w.x1 <= hi and
                             sum(ch.isalpha() for ch in w.text) >= 2 and not any(ch.isdigit() for ch in w.text)),
                            default=code.x1)
            if any(t.kind == "amount" and t.x0 >= label_end and t.tok.value >= 1000 for t in seg):
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

    def _wrapped_amount(self, cells, k: int, step: int, code: str, pitch: float):
        """The first amount without a code in the rows above (step -1) or below (+1) row k, up to
        the next row with a code, on the same page: (amount, its list, whether the rows between
        read as the rest of the code's label)."""
        r = cells[k][0]
        label_ok = True
        last_y = r.y
        for nb in range(k + step, k + step * 5, step):
            if not 0 <= nb < len(cells):
                return None
            r2, pairs2, left2 = cells[nb]
            if r2.page != r.page or abs(r2.y - last_y) > 1.8 * pitch or pairs2 or \
                    any(id(t) in self.claimed for t in r2.toks):
                return None          # another line's row (its own code, or the amount it took)
            if self._form_caption(r2):
                return None          # a title or heading: the label does not run past it
            last_y = r2.y
            label_ok = label_ok and self._continues(r2, code)
            if left2:
                return (left2[0], left2, label_ok and len(left2) == 1)
            if self._column_debris(r2):
                return (None, None, False)      # something unreadable in the amount column below
        return None

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

    def _column_debris(self, r: Row) -> bool:
        """A mark in an amount column of a row with no code: a short word, residue or ink no word
        accounts for."""
        def in_column(x1: float) -> bool:
            return any(abs(x1 - c) <= 1.5 * r.h for c in self.columns)
        for t in r.toks:
            if t.kind in ("junk", "noise", "cut", "amount") and in_column(t.x1):
                return True
        for w in r.words:
            if in_column(w.x1) and (0 < len(w.text.strip(".,:;·_ ")) <= 3 or any(ch.isdigit() for ch in w.text)):
                return True
        return any(in_column(m[2]) and self._unexplained(r, m) for m in r.marks)

    def _continues(self, r2: Row, code: str) -> bool:
        """Is row r2 the rest of the label of `code`'s line (not a line of its own)?"""
        text = _norm(" ".join(w.text for w in r2.words if not any(ch.isdigit() for ch in w.text)))
        if re.match(r"^\s*(?:[A-Z]|[0-9]{1,2}|[ivx]{1,4}|[a-e])[.)]\s", r2.text):
            return False                     # "B. Securities": an item of its own
        if len(text) < 3:
            return True                      # the end of a word cut at the margin ("t....")
        key = re.sub(r"\d", "", self.form.rows[self.form.row_of_code[code]].key)   # the words, as text is
        return text[:12] in key

    def _leftover(self, out: Reading, rows, cells, k: int, a: PTok, prev_row_index: int) -> None:
        """An amount without a code on its row: a line the form prints without a code, or one whose
        code was lost, placed by its label between its coded neighbours; otherwise an orphan."""
        r = cells[k][0]
        if self._form_caption(r, min_len=20, titles=False):
            return      # a number in the form's own wording (a note's "$1,000,000"): not an amount
        code = self._by_label(out, cells, k, a.x0, prev_row_index, uncoded_only=False)
        if code is not None:
            coded = self.report.lines[code].coded
            self._put(out, code, a, "read" if not coded else "code-lost", r.where)
            return
        out.orphans.append(Orphan(a.tok.value, a.tok.sign, a.tok.sign_sure, r.where, prev_row_index))

    def _by_label(self, out: Reading, cells, k: int, x_end: float, prev_row_index: int,
                  uncoded_only: bool) -> str | None:
        """The one line, among those between the coded rows around row k, whose label the row's
        text (before x_end; with the row above when the label began there) is."""
        r = cells[k][0]
        # the label's words: after the last code before it on the row (two listings side by side)
        x_start = max((c.tok and c.x1 for c, _, _ in cells[k][1] if c.x1 <= x_end), default=-1e9)
        label = _norm(" ".join(w.text for w in r.words if x_start <= w.x0 and w.x1 <= x_end + 0.5 and
                               sum(ch.isdigit() for ch in w.text) < 2))
        labels = [label]
        if k and not cells[k - 1][1] and not cells[k - 1][2] and cells[k - 1][0].page == r.page:
            # the label began on the row above ("B. Securities ... (at" / "market)   0"), unless the
            # row above is a whole label of its own (Daily Seg 12: "A. Cash" over "B. Securities ...")
            above = _norm(" ".join(w.text for w in cells[k - 1][0].words if sum(ch.isdigit() for ch in w.text) < 2))
            if not any(info.key == above for info in self.form.rows if info.amount_codes):
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
        for text in reversed(labels):        # the wrapped label first, then this row's alone
            if len(text) < 3:
                continue
            candidates = sorted(((_similar(text, info.key), code)
                                 for info in self.form.rows[prev_row_index + 1:hi] if len(info.key) >= 3
                                 for code in info.amount_codes
                                 if not (code in out.values and out.values[code].value is not None)), reverse=True)
            if candidates and candidates[0][0] >= 0.8 and (len(candidates) == 1 or candidates[1][0] < candidates[0][0] - 0.1):
                code = candidates[0][1]
                if uncoded_only and self.report.lines[code].coded:
                    return None
                return code
        return None

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
            if old.value is None and obs.how == "unreadable":
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
