"""The rows a print shows, in order: titles, headings and notes, and lines with their amount cells.
The CFTC pages' wording (rows, numbers, labels, codes, which column, the $ signs) is focusgen's form
definition, as every print of the form shows it; the SEC pages' wording is sec.py's.

    form_rows(kind) -> list[PRow]
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Cell:
    code: str
    col: str              # left | inner | outer (the SEC's three columns: left, inner, outer)
    coded: bool           # the form prints a code for it
    dollar: bool
    label: str            # the line's own caption (a total printed beside a part has its own)


@dataclass
class PRow:
    kind: str             # title | subtitle | heading | note | line
    num: str = ""
    label: str = ""
    indent: int = 0
    cells: list[Cell] = field(default_factory=list)
    name: str | None = None       # the code of a name field on the row (FOCUS II "Name(s):")
    part: str = "cftc"            # cftc | sec | cover

    @property
    def text(self) -> str:
        return f"{self.num} {self.label}".strip()


def form_rows(kind: str) -> list[PRow]:
    from focusgen.form import formdef      # the form's wording only
    rep = formdef.report(kind)
    out: list[PRow] = []
    for st in rep.statements:
        if not st.continued:
            out.append(PRow("title", label=st.title))
            if st.subtitle:
                out.append(PRow("subtitle", label=st.subtitle))
        for row in st.rows:
            if row.heading:
                out.append(PRow("heading", label=row.heading))
                continue
            if row.note:
                out.append(PRow("note", label=row.note))
                continue
            cells = [Cell(ln.code, ln.col, ln.coded, ln.dollar, ln.label) for ln in row.lines if ln.kind != "text"]
            name = next((ln.code for ln in row.lines if ln.kind == "text"), None)
            out.append(PRow("line", row.num, row.label, row.indent, cells, name))
    return out
