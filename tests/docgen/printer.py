"""A filing printed in a drawn layout, as a PDF (reportlab: the PDF standard fonts or the bundled
Liberation Sans), with a record of every string drawn and of where each line's cell stands.

    print_doc(filing, layout, parts=("cftc",), sec=None) -> Print

parts: the pages in order: "cover" (FOCUS II's or the Daily Seg's), "sec" (the SEC pages of a
whole FOCUS II, amounts from `sec`), "cftc" (the CFTC statements). A cell's shown value is what its
string says: the printed amount, or "blank" when nothing is printed there (an empty cell, or a zero
the style leaves blank).
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.pagesizes import A4, letter
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from foreign.printer import wrap      # the foreign prints' word wrap, the same for drawn prints

from .arith import BLANK
from .layout import Layout, money
from .rows import Cell, PRow, form_rows

FONTS = Path(__file__).resolve().parents[2] / "templates" / "assets" / "fonts"


def _register() -> None:
    """Each face on its own: tests/foreign registers "LibSans" alone, and which of the two printers
    runs first in a process depends on the order the test files run in (one process or many)."""
    registered = pdfmetrics.getRegisteredFontNames()
    for name, file in (("LibSans", "LiberationSans-Regular.ttf"), ("LibSans-Bold", "LiberationSans-Bold.ttf")):
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, str(FONTS / file)))


@dataclass
class Drawn:
    page: int
    x0: float
    y: float                 # baseline
    text: str
    font: str
    size: float
    role: str                # title | heading | note | label | leader | amount | dollar | code | name | head | field
    code: str | None = None

    @property
    def x1(self) -> float:
        return self.x0 + stringWidth(self.text, self.font, self.size)


@dataclass
class CellAt:
    code: str
    page: int
    box: tuple               # x0, y0, x1, y1 in points, origin at the page's bottom left
    shown: int | str         # the amount printed, or BLANK
    part: str = "cftc"


@dataclass
class Print:
    pdf: bytes
    drawn: list[Drawn]
    cells: dict[str, CellAt]          # CFTC lines
    sec_cells: dict[str, CellAt]
    pages: int
    size: tuple
    shapes: list = field(default_factory=list)      # (page, kind, coords)
    lost: set = field(default_factory=set)          # coded lines printed without their code


def _date(d, style: str) -> str:
    if style == "long":
        return d.strftime("%B %d, %Y").replace(" 0", " ")
    if style == "iso":
        return d.isoformat()
    if style == "dmy-short":
        return d.strftime("%d-%b-%y").upper()
    return d.strftime("%m/%d/%Y")


@dataclass
class _Entry:
    """One printed entry: a title or heading (lines of text), or a line's label with its cells."""
    kind: str
    lines: list[str]
    cells: list = field(default_factory=list)        # (Cell, value, print the code)
    code_before: str | None = None
    indent: int = 0
    part: str = "cftc"
    field_value: str | None = None
    name_code: str | None = None                     # a name field's code, printed after the label
    statement_start: bool = False


class _Printer:
    def __init__(self, f, lay: Layout, sec: dict | None):
        _register()
        self.f, self.lay, self.sec = f, lay, sec or {}
        self.rnd = random.Random(f"print/{lay.seed}/{f.seed}")
        self.W, self.H = A4 if lay.page == "a4" else letter
        self.font, self.bold = lay.fonts
        self.size = lay.size
        self.lead = lay.leading
        self.listings = lay.listings
        self.amount_cols = lay.amount_cols
        self.drawn: list[Drawn] = []
        self.shapes: list = []
        self.cells: dict[str, CellAt] = {}
        self.sec_cells: dict[str, CellAt] = {}
        self.lost = set()

    # --- geometry -----------------------------------------------------------------------------------

    def code_text(self, code: str) -> str:
        b = self.lay.brackets
        return f"{b[0]}{code}{b[1]}" if b else code

    def fmt(self, v, dollar: bool) -> tuple[str, str]:
        return money(v, self.lay.numbers, dollar)

    def geometry(self, values: list) -> None:
        lay = self.lay
        ml, mr, _, _ = lay.margins
        for _ in range(12):
            s = self.size
            cs = s * (0.85 if lay.code_pos == "boxed" else 1.0)
            widest = max([stringWidth("".join(self.fmt(v, True)), self.font, s) for v in values] +
                         [stringWidth("(9,999,999)", self.font, s)])
            self.aw = widest + (stringWidth("$ ", self.font, s) if lay.numbers.dollar_at == "column" else 0) + 4
            self.code_w = stringWidth(" " + self.code_text("7010"), self.font, s) + 3
            self.box_w = stringWidth("7010", self.font, cs) + 6
            extra = {"after": self.code_w, "boxed": self.box_w + 5}.get(lay.code_pos, 0)
            self.slot = self.aw + extra
            self.gap = s * 1.2
            self.gutter = 18 if self.listings == 2 else 0
            self.lw = (self.W - ml - mr - self.gutter * (self.listings - 1)) / self.listings
            self.before_w = stringWidth(self.code_text("7010") + "  ", self.font, s) if lay.code_pos == "before" else 0
            ncols = 3 if self.amount_cols == "two" else 1          # the SEC pages' three columns
            room = self.lw - self.before_w - ncols * (self.slot + self.gap)
            if room >= 110:
                return
            if self.amount_cols == "two":
                self.amount_cols = "one"
            elif self.size > 6.0:
                self.size = round(self.size - 0.5, 1)
                self.lead = round(self.lead * self.size / (self.size + 0.5), 1)
            elif self.listings == 2:
                self.listings = 1
            else:
                return

    def slot_end(self, lx: float, col: str) -> float:
        """The right edge of a column's slot (amount, and the code after it or the box before it)."""
        right = lx + self.lw
        if self.amount_cols == "one":
            return right
        k = {"outer": 0, "inner": 1, "left": 2}[col]
        return right - k * (self.slot + self.gap)

    def label_end(self, lx: float, part: str) -> float:
        if self.amount_cols == "one":
            return lx + self.lw - self.slot - self.gap
        leftmost = "left" if part == "sec" else "inner"
        return self.slot_end(lx, leftmost) - self.slot - self.gap

    # --- entries --------------------------------------------------------------------------------------

    def value_of(self, cell: Cell, part: str):
        if part == "sec":
            return self.sec.get(cell.code)
        return self.f.printed.get(cell.code)

    def entries(self, rows: list[PRow]) -> list[_Entry]:
        lay = self.lay
        out: list[_Entry] = []
        up = (lambda t: t.upper()) if lay.upper else (lambda t: t)
        for r in rows:
            if r.kind in ("title", "subtitle"):
                out.append(_Entry("title", [r.label.upper() if r.part != "cover" else r.label],
                                  part=r.part, statement_start=r.kind == "title"))
                continue
            if r.kind in ("heading", "note"):
                out.append(_Entry(r.kind, [up(r.label)], part=r.part))
                continue
            if r.kind == "field":
                out.append(_Entry("field", [up(r.label)], part=r.part, field_value=r.name))
                continue
            cells = []
            for c in r.cells:
                show_code = c.coded and lay.code_pos != "absent"
                if show_code and r.part == "cftc" and lay.code_lost and self.rnd.random() < lay.code_lost:
                    show_code = False
                    self.lost.add(c.code)
                cells.append((c, self.value_of(c, r.part), show_code))
            label = r.text
            name_code = None
            if r.name:
                nm = self.f.names.get(r.name)
                label = f"{label} {nm}" if nm else label
                if lay.code_pos != "absent":
                    name_code = r.name
            # one amount column, or a code that stands at the row's start or after its label, has room
            # for one cell a row: a row of two is printed as two (the second with its own caption)
            split = self.amount_cols == "one" or (lay.code_pos in ("before", "label") and len(cells) > 1)
            if split and len(cells) > 1:
                for i, cell in enumerate(cells):
                    text = label if i == 0 else cell[0].label
                    before = cell[0].code if cell[2] and lay.code_pos == "before" else None
                    out.append(_Entry("line", [up(text)], [cell], before,
                                      r.indent + (1 if i else 0), r.part, name_code=name_code if i == 0 else None))
            else:
                before = next((c.code for c, _, show in cells if show), None) if lay.code_pos == "before" else None
                out.append(_Entry("line", [up(label)], cells, before, r.indent, r.part, name_code=name_code))
        return out

    # --- flow ---------------------------------------------------------------------------------------------

    def run(self, rows: list[PRow]) -> Print:
        lay = self.lay
        values = [self.f.printed.get(c.code) for r in rows for c in r.cells if r.part == "cftc"]
        values += [v for v in self.sec.values()]
        self.geometry([v for v in values if v is not None])
        ents = self.entries(rows)
        ml, mr, mt, mb = lay.margins
        self.top = self.H - mt - (lay.leading * 1.2 if lay.col_heads else 0)
        self.bottom = mb
        self.page, self.listing = 0, 0
        self.y = self.top
        fresh = True
        for e in ents:
            if e.statement_start and lay.statement_breaks and not fresh:
                self.next_page()
            elif not fresh and self.rnd.random() < lay.break_anywhere:
                self.next_column()
            if e.part != getattr(self, "_part", e.part) and not fresh:
                self.next_page()            # the SEC pages, the cover and the CFTC pages never share a page
            self._part = e.part
            self.place(e)
            fresh = False
        pages = self.page + 1
        return self.draw(pages)

    def next_column(self) -> None:
        if self.listing + 1 < self.listings:
            self.listing += 1
            self.y = self.top
        else:
            self.next_page()

    def next_page(self) -> None:
        self.page += 1
        self.listing = 0
        self.y = self.top

    def lx(self) -> float:
        return self.lay.margins[0] + self.listing * (self.lw + self.gutter)

    def need(self, h: float) -> None:
        if self.y - h < self.bottom:
            self.next_column()

    def text(self, x, y, s, role, font=None, size=None, code=None) -> Drawn:
        d = Drawn(self.page, x, y, s, font or self.font, size or self.size, role, code)
        if s:
            self.drawn.append(d)
        return d

    def place(self, e: _Entry) -> None:
        lay = self.lay
        s, lead = self.size, self.lead
        if e.kind == "title":
            ts = max(s, min(lay.title_size, s * 1.3))
            lines = wrap(e.lines[0], self.bold, ts, self.lw)
            self.need(lead * (len(lines) + 2.5))
            self.y -= lead * 0.5
            for t in lines:
                w = stringWidth(t, self.bold, ts)
                x = self.lx() + (self.lw - w) / 2 if lay.title_align == "center" else self.lx()
                self.text(x, self.y - lead, t, "title", self.bold, ts)
                self.y -= lead * ts / s
            self.y -= lead * 0.5
            return
        lx = self.lx()
        if e.kind in ("heading", "note"):
            font = self.bold if e.kind == "heading" else self.font
            lines = wrap(e.lines[0], font, s, self.label_end(lx, e.part) - lx - 4)
            self.need(lead * (len(lines) + (1 if e.kind == "heading" else 0)))
            lx = self.lx()                      # the listing may have changed
            for t in lines:
                self.text(lx + 2, self.y - lead, t, e.kind, font)
                self.y -= lead
            return
        x_label = lx + self.before_w + e.indent * s * 1.6
        room = self.label_end(lx, e.part) - x_label
        if e.kind == "field":
            lines = wrap(e.lines[0], self.font, s, max(room, 60))
            self.need(lead * len(lines))
            lx = self.lx()
            x_label = lx + self.before_w + e.indent * s * 1.6
            end = x_label
            for t in lines:
                end = self.text(x_label, self.y - lead, t, "field").x1
                self.y -= lead
            v = e.field_value or ""
            x = self.slot_end(lx, "outer") - stringWidth(v, self.font, s) - 4
            if x < end + 6:                     # no room beside the label: the value on a row of its own
                self.need(lead)
                lx = self.lx()
                x = self.slot_end(lx, "outer") - stringWidth(v, self.font, s) - 4
                self.y -= lead
            self.text(x, self.y, v, "field")
            return
        code_label = lay.code_pos == "label"
        label_room = max(room * lay.wrap_at, 60)
        if code_label or e.name_code:
            label_room -= self.code_w
        lines = wrap(e.lines[0], self.font, s, label_room) or [""]
        n = len(lines)
        amount_at = 0 if (lay.amount_row == "first" or n == 1) else n - 1
        if not (lay.split_labels and n > 1):
            self.need(lead * n)
            lx = self.lx()
            x_label = lx + self.before_w + e.indent * s * 1.6
        for k, t in enumerate(lines):
            if lay.split_labels and self.y - lead < self.bottom:
                self.next_column()
                lx = self.lx()
                x_label = lx + self.before_w + e.indent * s * 1.6
            y = self.y - lead
            lab = self.text(x_label, y, t, "label")
            if k == 0 and e.code_before:
                self.text(lx, y, self.code_text(e.code_before), "code", code=e.code_before)
            end = lab.x1 if t else x_label
            if k == n - 1 and e.name_code:
                c = self.text(end + 4, y, self.code_text(e.name_code), "code", code=e.name_code)
                end = c.x1
            if k == amount_at:
                if code_label:
                    show = [c.code for c, _, sh in e.cells if sh]
                    if show:
                        c = self.text(end + 4, y, self.code_text(show[0]), "code", code=show[0])
                        end = c.x1
                self.cells_on_row(e, lx, y, end)
            self.y -= lead

    def cells_on_row(self, e: _Entry, lx: float, y: float, label_end: float) -> None:
        lay = self.lay
        s = self.size
        first = None
        for cell, v, show in e.cells:
            col = cell.col if self.amount_cols == "two" else "outer"
            end = self.slot_end(lx, col)
            extra = {"after": self.code_w, "boxed": 0}.get(lay.code_pos, 0)
            right = end - extra
            field_x0 = right - self.aw
            if lay.code_pos == "boxed":
                field_x0 = end - self.aw
                box_x = field_x0 - self.box_w - 5
            first = field_x0 if first is None else min(first, field_x0)
            body, dollar = self.fmt(v, cell.dollar)
            if lay.code_pos == "boxed":
                first = min(first, box_x)
                if show:
                    self.shapes.append((self.page, "rect", (box_x, y - s * 0.3, self.box_w, s * 1.25)))
                    cs = s * 0.85
                    self.text(box_x + 3, y, cell.code, "code", size=cs, code=cell.code)
            if body:
                a = self.text(right - 2 - stringWidth(body, self.font, s), y, body, "amount", code=cell.code)
                box = (a.x0, y - s * 0.3, a.x1, y + s * 0.85)
            else:
                box = (field_x0, y - s * 0.3, right, y + s * 0.85)
            if dollar:
                self.text(field_x0 + 1, y, "$", "dollar", code=cell.code)
            if lay.rules:
                self.shapes.append((self.page, "line", (field_x0, y - s * 0.35, right, y - s * 0.35)))
            if show and lay.code_pos == "after":
                self.text(right + 3, y, self.code_text(cell.code), "code", code=cell.code)
            at = CellAt(cell.code, self.page, box, v if body else BLANK, e.part)
            if e.part == "sec":
                self.sec_cells[cell.code] = at
            else:
                if body and v is not None and body.strip("$ ") in ("-",):
                    at.shown = 0
                self.cells[cell.code] = at
        if first is not None and lay.leader != "none" and e.cells:
            self.leaders(label_end + 3, first - 4, y)

    def leaders(self, x0: float, x1: float, y: float) -> None:
        unit = {"dots": ".", "spaced": ". ", "dashes": "-"}[self.lay.leader]
        w = stringWidth(unit, self.font, self.size)
        n = int((x1 - x0) / w) if w else 0
        if n >= 3:
            self.text(x1 - n * w, y, (unit * n).rstrip(), "leader")

    # --- drawing ------------------------------------------------------------------------------------------

    def furniture(self, pages: int) -> list[Drawn]:
        lay = self.lay
        f = self.f
        ml, mr, mt, mb = lay.margins
        s = min(self.size, 8.5)
        out = []
        when = _date(f.as_of, lay.date_style)
        texts = {
            "firm": f.firm.upper() if lay.upper else f.firm,
            "date": {"mdy": f"As of {when}", "long": f"As of {when}", "iso": f"Period ended {when}",
                     "dmy-short": f"PERIOD END {when}"}[lay.date_style],
            "form": "Form: Daily Seg - FOCUS II" if f.kind == "daily-seg" else "FOCUS REPORT PART II",
            "run": f"Run {(f.as_of.toordinal() % 28) + 1:02d}/{f.as_of.month:02d} 06:14:09",
            "report-id": f"RGL-{200 + lay.seed % 90}",
            "confidential": "CONFIDENTIAL",
        }
        for p in range(pages):
            items = [(k, texts.get(k) or ({"page": f"Page {p + 1}", "page-of": f"Page {p + 1} of {pages}"}[k]))
                     for k in lay.head]
            for i, (k, t) in enumerate(items):
                row, pos = divmod(i, 3)
                y = self.H - mt + 14 + (1 - row) * (s * 1.3) + (lay.leading * 1.2 if lay.col_heads else 0)
                w = stringWidth(t, self.font, s)
                x = [ml, (self.W - w) / 2, self.W - mr - w][pos if len(items) > 1 else 0]
                out.append(Drawn(p, x, min(y, self.H - 14), t, self.font, s, "head"))
            foot = [(k, texts.get(k) or ({"page": f"- {p + 1} -", "page-of": f"{p + 1} / {pages}"}[k]))
                    for k in lay.foot]
            for i, (k, t) in enumerate(foot):
                w = stringWidth(t, self.font, s)
                x = [(self.W - w) / 2, ml, self.W - mr - w][i % 3]
                out.append(Drawn(p, x, max(mb - 16, 10), t, self.font, s, "head"))
            if lay.col_heads:
                y = self.H - mt + 2
                out.append(Drawn(p, ml, y, "LINE  DESCRIPTION", self.font, s, "head"))
                t = "AMOUNT"
                out.append(Drawn(p, self.W - mr - stringWidth(t, self.font, s) - 4, y, t, self.font, s, "head"))
        return out

    def draw(self, pages: int) -> Print:
        drawn = self.drawn + self.furniture(pages)
        buf = io.BytesIO()
        c = canvas.Canvas(buf, pagesize=(self.W, self.H), invariant=1, pageCompression=1)
        by_page: dict[int, list] = {}
        for d in drawn:
            by_page.setdefault(d.page, []).append(d)
        shapes: dict[int, list] = {}
        for p, kind, coords in self.shapes:
            shapes.setdefault(p, []).append((kind, coords))
        for p in range(pages):
            for d in by_page.get(p, []):
                c.setFont(d.font, d.size)
                c.drawString(d.x0, d.y, d.text)
            for kind, coords in shapes.get(p, []):
                c.setLineWidth(0.5)
                if kind == "rect":
                    c.rect(*coords)
                else:
                    c.line(*coords)
            c.showPage()
        c.save()
        return Print(buf.getvalue(), drawn, self.cells, self.sec_cells, pages, (self.W, self.H), self.shapes,
                     self.lost)


def print_doc(f, lay: Layout, parts=("cftc",), sec: dict | None = None) -> Print:
    from .sec import daily_cover, focus_cover, sec_rows
    rows: list[PRow] = []
    for part in parts:
        if part == "cover":
            rows += focus_cover(f) if f.kind == "focus-ii" else daily_cover(f)
        elif part == "sec":
            rows += sec_rows()
        else:
            rows += form_rows(f.kind)
    return _Printer(f, lay, sec).run(rows)
