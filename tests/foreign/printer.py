"""Foreign prints of filings: the reference filings' values laid out the way other software prints
them, never the way focusgen does. Test material for extraction (issue 8), made with reportlab (a
different PDF producer from focusgen's WeasyPrint, with the PDF standard fonts) and, for scans,
rasterised and damaged by scanner.py.

    print_filing(doc, layout) -> PDF bytes

`doc` is a Filing: the report kind, firm, date, and the printed values (code -> int, None = the cell
is left empty), as transcribed from ../shared/reference (never computed by focusgen). Only the form's
wording (its rows, labels and codes) comes from focusgen's form definition: that is what every print
of the form shows. Layouts:

  leaders   label ........ value [code]; a run head on every page; Times
  codeleft  a back-office listing: 7010  A. Cash .....  $ 1,443,907,046; minus signs; Courier
  secform   the SEC form style: boxed codes before the amount fields, $ and rules; Helvetica
  twocol    two columns a page, abbreviated labels, value then bare code; small Helvetica
  wrapped   [code] first, labels wrapped in a narrow column with the value on their first line;
            upper-case labels; Times
"""

from __future__ import annotations

import io
import json
import random
from fractions import Fraction
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.pagesizes import letter
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

HERE = Path(__file__).resolve().parent
FIXTURES = HERE.parent / "fixtures"
LAYOUTS = ("leaders", "codeleft", "secform", "twocol", "wrapped")
W, H = letter


@dataclass
class Filing:
    kind: str                       # focus-ii | daily-seg
    firm: str
    as_of: str                      # MM/DD/YYYY as printed
    values: dict[str, int | None]   # every amount line of the kind
    names: dict[str, str | None] = field(default_factory=dict)
    key: str = ""
    hide: frozenset = frozenset()   # codes printed without their code (a print that lost them)


# The capital page of the Nov 2020 filing is truncated: the values below are NOT FROM THE FILING but
# chosen by hand to be consistent with the two that survive (7490 = 471,057,307, 7495 = 518,163,038,
# 110% of 7490): 5,888,216,338 x 8% = 471,057,307.04; the $1,000,000 minimum; the rest blank.
HSBC_CAPITAL = {"7415": 5888216338, "7425": 471057307, "7465": 1000000}


def reference_filings() -> list[Filing]:
    hsbc = json.loads((FIXTURES / "hsbc-focus-ii-2020-11.lines.json").read_text())
    cs = json.loads((FIXTURES / "cs-daily-seg-2017-12-26.lines.json").read_text())
    values = dict(hsbc["values"])
    values.update(HSBC_CAPITAL)
    a = Filing("focus-ii", hsbc["firm"], "11/30/2020", values, dict(hsbc["names"]), "hsbc")
    csv = dict(cs["values"])
    u = cs["uncoded_values"]
    csv.update({"8715A": u["swaps_line_12A_cash"], "8715B": u["swaps_line_12B_securities_representing_investments"],
                "8715C": u["swaps_line_12C_securities_in_lieu_of_cash"]})
    b = Filing("daily-seg", cs["firm"], "12/26/2017", csv, {}, "cs")
    return [a, b]


# --- the printed rows -------------------------------------------------------------------------

@dataclass
class PRow:
    kind: str                    # title | heading | line
    text: str                    # num + label, or the title/heading
    cells: list = field(default_factory=list)    # [(code, col, value, coded, dollar)]
    name: tuple | None = None    # (code, name) of a name field on the row


def rows_of(doc: Filing) -> list[PRow]:
    from focusgen.form import formdef      # the form's wording only: rows, labels, codes
    rep = formdef.report(doc.kind)
    out: list[PRow] = []
    for st in rep.statements:
        if not st.continued:
            out.append(PRow("title", st.title))
        for row in st.rows:
            if row.heading or row.note:
                out.append(PRow("heading", row.heading or row.note))
                continue
            text = f"{row.num} {row.label}".strip()
            cells = [(ln.code, ln.col, doc.values.get(ln.code), ln.coded and ln.code not in doc.hide, ln.dollar)
                     for ln in row.lines if ln.kind != "text" and ln.code in doc.values]
            name = next(((ln.code, doc.names.get(ln.code)) for ln in row.lines if ln.kind == "text"), None)
            out.append(PRow("line", text, cells, name))
    return out


# How numbers are written, across every layout (print_filing's `numbers`): the layout's own way
# (parentheses or a leading minus), or as other software writes them.
NUMBERS = ("standard", "plain", "cents", "trailing-minus", "credit")
_numbers = "standard"
_codes = "[]"       # how the bracketing layouts enclose a code: [7010] or (7010)


def bracket(code: str) -> str:
    return f"{_codes[0]}{code}{_codes[1]}"


def money(v: int | None, style: str, dollar: bool = False) -> str:
    if v is None:
        return ""
    body = f"{abs(v):,}"
    if _numbers == "plain":                       # no thousands separators: 1443907046, -52837332
        s = ("-" if v < 0 else "") + str(abs(v))
    elif _numbers == "trailing-minus":            # 52,837,332-
        s = body + ("-" if v < 0 else "")
    elif _numbers == "credit":                    # 52,837,332 CR
        s = body + (" CR" if v < 0 else "")
    elif style == "minus":
        s = ("-" if v < 0 else "") + body
    else:
        s = f"({body})" if v < 0 else body
    if _numbers == "cents":                       # 1,443,907,046.00, (52,837,332.00)
        s = s[:-1] + ".00)" if s.endswith(")") else s + ".00"
    return ("$ " if dollar else "") + s


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    lines, cur = [], ""
    for word in text.split():
        trial = f"{cur} {word}".strip()
        if stringWidth(trial, font, size) > width and cur:
            lines.append(cur)
            cur = word
        else:
            cur = trial
    return lines + ([cur] if cur else [])


# --- a page writer: rows top to bottom, a run head, a page break wherever the page is full -------------

class Pages:
    def __init__(self, doc: Filing, head, top: float = 72, bottom: float = 54, seed: int = 0):
        self.buf = io.BytesIO()
        self.c = canvas.Canvas(self.buf, pagesize=letter, invariant=1, pageCompression=1)
        self.doc, self.head, self.top, self.bottom = doc, head, top, bottom
        self.page = 0
        self.rnd = random.Random(seed)
        self.new_page()

    def new_page(self) -> None:
        if self.page:
            self.c.showPage()
        self.page += 1
        self.y = H - self.top
        self.head(self.c, self.doc, self.page)

    def need(self, height: float) -> None:
        if self.y - height < self.bottom:
            self.new_page()

    def done(self) -> bytes:
        self.c.showPage()
        self.c.save()
        return self.buf.getvalue()


def _text(c, x, y, s, font, size, right=False):
    c.setFont(font, size)
    (c.drawRightString if right else c.drawString)(x, y, s)


# --- layouts -------------------------------------------------------------------------------------

def _leaders(doc: Filing) -> bytes:
    font, bold, size, lead = "Times-Roman", "Times-Bold", 9.5, 12.5

    def head(c, d, n):
        _text(c, 54, H - 40, d.firm, bold, 10)
        _text(c, W - 54, H - 40, f"As of {d.as_of}", font, 9, right=True)
        _text(c, W / 2, 30, f"- {n} -", font, 8)

    p = Pages(doc, head, top=70)
    x_inner, x_outer = 410, 512          # right edges of the amount columns; codes follow them
    for r in rows_of(doc):
        if r.kind == "title":
            lines = wrap(r.text, bold, 10, 460)
            p.need(lead * (len(lines) + 2))
            p.y -= lead * 0.6
            for t in lines:
                _text(p.c, W / 2 - stringWidth(t, bold, 10) / 2, p.y, t, bold, 10)
                p.y -= lead
            continue
        if r.kind == "heading":
            p.need(lead * 2)
            _text(p.c, 54, p.y, r.text, bold, size)
            p.y -= lead
            continue
        lines = wrap(r.text + (f" {r.name[1] or ''}" if r.name else ""), font, size, 270)
        p.need(lead * len(lines))
        for t in lines[:-1]:
            _text(p.c, 60, p.y, t, font, size)
            p.y -= lead
        last = lines[-1] if lines else ""
        _text(p.c, 60, p.y, last, font, size)
        end = 60 + stringWidth(last, font, size) + 3
        first_cell = min((x_inner if col == "inner" else x_outer) for _, col, *_ in r.cells) if r.cells else None
        if first_cell:
            dots = "." * max(0, int((first_cell - 75 - end) / stringWidth(". ", font, size)))
            _text(p.c, end, p.y, " ".join(dots), font, size)
        if r.name and r.name[0]:
            _text(p.c, 330, p.y, bracket(r.name[0]), font, size)
        for code, col, v, coded, dollar in r.cells:
            x = x_inner if col == "inner" else x_outer
            _text(p.c, x, p.y, money(v, "paren"), font, size, right=True)
            if coded:
                _text(p.c, x + 4, p.y, bracket(code), font, size)
        p.y -= lead
    return p.done()


def _codeleft(doc: Filing) -> bytes:
    font, size, lead = "Courier", 8.5, 11

    def head(c, d, n):
        _text(c, 36, H - 36, f"{d.firm[:40]:<40}  REGULATORY LISTING RGL-204   PAGE {n:>3}", font, 8)
        _text(c, 36, H - 47, f"PERIOD ENDING {d.as_of}      RUN 12/01/2020 06:14:09", font, 8)
        _text(c, 36, H - 58, "LINE  DESCRIPTION" + " " * 52 + "AMOUNT", font, 8)

    p = Pages(doc, head, top=76)
    width = 62                           # characters of description
    for r in rows_of(doc):
        if r.kind in ("title", "heading"):
            for t in wrap(r.text.upper(), font, size, 520):
                p.need(lead)
                _text(p.c, 36, p.y, "      " + t if r.kind == "heading" else t, font, size)
                p.y -= lead
            continue
        cells = r.cells or [(None, None, None, True, False)]
        for i, (code, col, v, coded, dollar) in enumerate(cells):
            label = r.text if i == 0 else f"    {r.text.split(' ', 1)[-1]} (total)"
            if r.name and i == 0:
                label += f"  {r.name[1] or ''}"
            parts = [label[k:k + width] for k in range(0, len(label), width)] or [""]
            p.need(lead * len(parts))
            tag = (code if coded and code else "") if cells[0][0] else (r.name[0] if r.name else "")
            for k, part in enumerate(parts):
                last = k == len(parts) - 1
                left = f"{tag if k == 0 else '':<6}{part}"
                if last and code:
                    left = f"{left:.<75}"
                _text(p.c, 36, p.y, left, font, size)
                if last and code and v is not None:
                    s = "-" if v == 0 and size else money(v, "minus")
                    _text(p.c, 576, p.y, ("$ " if dollar else "  ") + f"{s:>16}", font, size, right=True)
                p.y -= lead
    return p.done()


def _secform(doc: Filing) -> bytes:
    font, bold, size, lead = "Helvetica", "Helvetica-Bold", 8, 13

    def head(c, d, n):
        c.setLineWidth(0.8)
        c.rect(36, H - 66, W - 72, 30)
        _text(c, 42, H - 46, "BROKER OR DEALER", font, 6.5)
        _text(c, 42, H - 60, d.firm, bold, 9)
        _text(c, W - 44, H - 60, f"as of {d.as_of}", font, 9, right=True)
        _text(c, W - 44, 30, f"Page {n}", font, 7, right=True)

    p = Pages(doc, head, top=86)
    cols = {"inner": 352, "outer": 470}          # code boxes; the amount field follows each
    for r in rows_of(doc):
        if r.kind == "title":
            lines = wrap(r.text, bold, 9, 480)
            p.need(lead * (len(lines) + 1))
            p.y -= 4
            for t in lines:
                _text(p.c, W / 2 - stringWidth(t, bold, 9) / 2, p.y, t, bold, 9)
                p.y -= lead - 2
            p.y -= 4
            continue
        if r.kind == "heading":
            p.need(lead)
            _text(p.c, 42, p.y, r.text, bold, size)
            p.y -= lead
            continue
        label = r.text + (f"  {r.name[1] or ''}" if r.name else "")
        lines = wrap(label, font, size, 290 if any(col == "inner" for _, col, *_ in r.cells) else 300)
        p.need(lead * len(lines))
        for t in lines[:-1]:
            _text(p.c, 48, p.y, t, font, size)
            p.y -= lead - 3
        _text(p.c, 48, p.y, lines[-1] if lines else "", font, size)
        for code, col, v, coded, dollar in r.cells:
            x = cols[col]
            if coded:
                p.c.setLineWidth(0.6)
                p.c.rect(x, p.y - 3, 24, 11)
                _text(p.c, x + 2.5, p.y, code, font, 7)
            p.c.setLineWidth(0.4)
            p.c.line(x + 30, p.y - 2.5, x + 108, p.y - 2.5)
            if dollar:
                _text(p.c, x + 31, p.y, "$", font, size)
            _text(p.c, x + 106, p.y, money(v, "paren"), font, size, right=True)
        p.y -= lead
    return p.done()


def _abbrev(text: str, n: int) -> str:
    for long, short in (("Securities", "Secs"), ("securities", "secs"), ("representing", "repr."),
                        ("investments", "inv."), ("customers'", "cust."), ("customer", "cust."),
                        ("contracts", "contr."), ("derivatives clearing organizations", "DCOs"),
                        ("Regulation", "Reg."), ("segregation", "seg."), ("amount", "amt")):
        text = text.replace(long, short)
    return text if len(text) <= n else text[:n - 1].rstrip() + "~"


def _twocol(doc: Filing) -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    ttf = HERE.parents[1] / "templates" / "assets" / "fonts" / "LiberationSans-Regular.ttf"
    if "LibSans" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("LibSans", str(ttf)))
    font, size, lead = "LibSans", 7, 9.2

    def head(c, d, n):
        _text(c, 36, H - 34, f"{d.firm}   Statement date {d.as_of}   sheet {n}", font, 7.5)
        c.setLineWidth(0.3)
        c.line(36, H - 38, W - 36, H - 38)

    rows = rows_of(doc)
    entries = []          # (text, amount, code) one per printed row
    for r in rows:
        if r.kind != "line":
            entries.append((r.text.upper()[:58], None, None, True))
            continue
        if not r.cells:
            entries.append((_abbrev(r.text, 50) + (f" {r.name[1] or ''}" if r.name else ""), None,
                            r.name[0] if r.name else None, True))
            continue
        for i, (code, col, v, coded, dollar) in enumerate(r.cells):
            entries.append((_abbrev(r.text if i == 0 else "  total", 44), v, code if coded else None, False))
    p = Pages(doc, head, top=52, bottom=40)
    per_col = int((H - 52 - 40) / lead)
    x_cols = (36, 312)
    for start in range(0, len(entries), 2 * per_col):
        if start:
            p.new_page()
        for k, (text, v, code, caption) in enumerate(entries[start:start + 2 * per_col]):
            x = x_cols[k // per_col]
            y = H - 52 - (k % per_col) * lead
            _text(p.c, x, y, text, font, size)
            if not caption or code:
                _text(p.c, x + 238, y, money(v, "paren"), font, size, right=True)
                if code:
                    _text(p.c, x + 244, y, code, font, 6.5)
    return p.done()


def _wrapped(doc: Filing) -> bytes:
    font, bold, size, lead = "Times-Roman", "Times-Bold", 10, 12

    def head(c, d, n):
        _text(c, 54, H - 42, f"{d.firm.upper()}", bold, 11)
        _text(c, 54, H - 55, f"Statements as of {d.as_of}", font, 9)
        _text(c, W - 54, H - 42, f"{n}", font, 9, right=True)

    p = Pages(doc, head, top=78)
    for r in rows_of(doc):
        if r.kind == "title":
            lines = wrap(r.text.upper(), bold, 9.5, 500)
            p.need(lead * (len(lines) + 3))
            p.y -= lead
            for t in lines:
                _text(p.c, 54, p.y, t, bold, 9.5)
                p.y -= lead
            continue
        if r.kind == "heading":
            p.need(lead * 2)
            _text(p.c, 96, p.y, r.text.upper(), bold, 9)
            p.y -= lead
            continue
        cells = r.cells or [(None, None, None, True, False)]
        for i, (code, col, v, coded, dollar) in enumerate(cells):
            label = (r.text if i == 0 else "Total of the above").upper()
            if r.name and i == 0:
                label += f" {r.name[1] or ''}"
            lines = wrap(label, font, size, 210) or [""]
            p.need(lead * len(lines))
            if code and coded:
                _text(p.c, 54, p.y, bracket(code), font, size)
            elif r.name and i == 0:
                _text(p.c, 54, p.y, bracket(r.name[0]), font, size)
            for k, t in enumerate(lines):
                _text(p.c, 96, p.y - k * lead, t, font, size)
            if code and v is not None:
                x = 430 if col == "inner" else 540
                _text(p.c, x, p.y, money(v, "paren", dollar), font, size, right=True)
            p.y -= lead * len(lines) + 2
    return p.done()


PRINTERS = {"leaders": _leaders, "codeleft": _codeleft, "secform": _secform, "twocol": _twocol,
            "wrapped": _wrapped}


def print_filing(doc: Filing, layout: str, numbers: str = "standard", codes: str = "[]") -> bytes:
    global _numbers, _codes
    _numbers, _codes = numbers, codes
    try:
        return PRINTERS[layout](doc)
    finally:
        _numbers, _codes = "standard", "[]"


def truth(doc: Filing) -> dict[str, int | None]:
    """What the print shows for each amount line: its value, or None for an empty cell."""
    return dict(doc.values)


def random_filing(kind: str, seed: int) -> Filing:
    """A filing with random values that foot, the totals worked out here by the form's own formulas
    as printed on the form (not by focusgen's compute), for property tests."""
    from focusgen.form import formdef
    rnd = random.Random(seed)
    rep = formdef.report(kind)
    values: dict[str, int | None] = {}
    for code, line in rep.lines.items():
        if line.kind == "text" or line.formula is not None:
            continue
        roll = rnd.random()
        if roll < 0.15:
            values[code] = None
        elif roll < 0.22:
            values[code] = 0
        else:
            v = rnd.choice([rnd.randint(1, 999), rnd.randint(1000, 999_999), rnd.randint(10**6, 5 * 10**9)])
            if line.sign == "nonpositive":
                v = -v
            elif line.sign != "nonnegative" and rnd.random() < 0.1:
                v = -v
            values[code] = v
    for code in rep.order:
        f = rep.lines[code].formula
        if f is None:
            continue
        args = [values.get(a) for a in f.args]
        if all(a is None for a in args) and f.op not in ("early_warning",):
            values[code] = None
            continue
        nums = [a or 0 for a in args]
        if f.op == "sum":
            values[code] = sum(nums)
        elif f.op == "sub":
            values[code] = nums[0] - nums[1]
        elif f.op == "max":
            values[code] = max(a for a in args if a is not None)
        elif f.op == "pct":
            exact = Fraction(nums[0]) * Fraction(f.rate) / 100       # half away from zero, as the form says
            values[code] = int(abs(exact) + Fraction(1, 2)) * (1 if exact >= 0 else -1)
        else:
            values[code] = None          # the early warning level: left empty in random filings
    firm = rnd.choice(["ACME FUTURES LLC", "Northgate Clearing Corp.", "DAILY SEG CAPITAL LLC", "Blue Harbor FCM, Inc."])
    names = {c: rnd.choice(["HARRIS TRUST", "BANK OF NOVA SCOTIA", None]) for c in rep.text_codes}
    return Filing(kind, firm, f"{rnd.randint(1, 12)}/{rnd.randint(1, 28)}/20{rnd.randint(15, 26)}", values, names,
                  f"random-{kind}-{seed}")


# --- a whole FOCUS II: the SEC's pages first, then the CFTC statements -----------------------------

# Rows of the SEC's own pages as a filer prints them (label, code, amount or None): four-digit codes
# in brackets as on the CFTC pages, labels that read like some of the CFTC lines' ("Cash", "Total"),
# and empty cells. None of these codes is a line of the CFTC form.
SEC_ROWS = [
    ("STATEMENT OF FINANCIAL CONDITION", None, None),
    ("1. Cash", "3010", 2_718_281_828),
    ("2. Cash segregated in compliance with federal and other regulations", "3020", 314_159_265),
    ("3. Receivable from brokers or dealers and clearing organizations", "3030", None),
    ("A. Securities failed to deliver", "1791", None),
    ("   (including those of affiliated broker-dealers)", "", None),
    ("B. Securities borrowed", "1792", 86_420_135),
    ("4. Securities and spot commodities owned, at market value", "3040", 7_777_777),
    ("Total assets", "3540", 3_126_578_940),
    ("COMPUTATION OF NET CAPITAL", None, None),
    ("1. Total ownership equity from Statement of Financial Condition", "3480", 1_234_567_890),
    ("2. Deduct ownership equity not allowable for Net Capital", "3490", None),
    ("3. Total ownership equity qualified for Net Capital", "3500", 1_234_567_890),
    ("Net capital", "3750", 987_654_321),
    ("Minimum net capital requirement", "3760", 471_057_307),
    ("Excess net capital", "3910", 516_597_014),
]


def sec_pages(firm: str, as_of: str, pages: int = 2) -> bytes:
    """The SEC pages of a FOCUS Report Part II, `label .... amount [code]`, Times, no CFTC title."""
    font, bold, size, lead = "Times-Roman", "Times-Bold", 9.5, 14
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter, invariant=1, pageCompression=1)
    for n in range(pages):
        y = H - 60
        _text(c, 54, y, firm, bold, 10)
        _text(c, W - 54, y, f"As of {as_of}", font, 9, right=True)
        y -= 30
        _text(c, 54, y, "FOCUS REPORT PART II - BROKER OR DEALER (SEC)", bold, 10)
        y -= 24
        for label, code, v in SEC_ROWS:
            if code is None:
                _text(c, 54, y, label, bold, size)
            elif not code:
                _text(c, 60, y, label, font, size)       # the rest of a label wrapped over two rows
            else:
                _text(c, 60, y, label[:60], font, size)
                if v is not None:
                    _text(c, 470, y, money(v, "paren"), font, size, right=True)
                _text(c, 476, y, f"[{code}]", font, size)
            y -= lead
        _text(c, W / 2, 30, f"- {n + 1} -", font, 8)
        c.showPage()
    c.save()
    return buf.getvalue()


def whole_focus(doc: Filing, layout: str = "leaders") -> bytes:
    """A whole FOCUS II as filed: the SEC's pages first, then the CFTC statements in `layout`."""
    import pypdfium2 as pdfium
    out = pdfium.PdfDocument(sec_pages(doc.firm, doc.as_of))
    cftc = pdfium.PdfDocument(print_filing(doc, layout))
    out.import_pages(cftc)
    buf = io.BytesIO()
    out.save(buf)
    return buf.getvalue()
