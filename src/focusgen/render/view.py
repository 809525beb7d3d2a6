"""The filing laid out as the form prints it: pages, rows, cells and the cover page.

Every renderer (text, PDF, extraction's expectations) walks these same objects, so the order of
lines, their numbering and which column an amount sits in are decided once, from the form
definition. Nothing here formats numbers: each renderer has its own convention for negatives.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..report.model import Filing
from ..form.formdef import Line, Row
from ..money import fmt_percent


@dataclass(frozen=True)
class Cell:
    line: Line
    value: int | None


@dataclass(frozen=True)
class RowView:
    row: Row
    inner: Cell | None
    outer: Cell | None
    text: tuple[Line, str | None] | None      # a name field and its name
    described: str = ""                        # what a "(describe:)" line holds, as the input says
    detail: object = None                      # a detail row's table, report.heldmodel.DetailTable

    @property
    def kind(self) -> str:
        if self.row.heading:
            return "heading"
        if self.row.note:
            return "note"
        if self.detail is not None:
            return "detail"
        return "line" if self.row.lines else "caption"


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    subtitle: str
    rows: tuple[RowView, ...]


@dataclass(frozen=True)
class Page:
    """One printed page of statements (a statement marked `continued` joins the page before it)."""
    sections: tuple[Section, ...]


def row_view(filing: Filing, row: Row, statement: str = "", names: dict | None = None,
             given: dict | None = None) -> RowView:
    """One row as printed; `names` (filing.names) and `given` (the describe texts by line code) are
    passed by pages(), which works them out once for every row."""
    def cell(col: str) -> Cell | None:
        line = row.cell(col)
        return Cell(line, filing.values[line.code]) if line else None
    text_line = row.text_line
    names = filing.names if names is None else names
    given = _described(filing) if given is None else given
    described = next((given[ln.code] for ln in row.lines if ln.code in given), "")
    detail = None
    if row.detail is not None:
        detail = next(t for t in filing.details if t.statement == statement and t.key == row.detail.key)
    return RowView(row=row, inner=cell("inner"), outer=cell("outer"),
                   text=(text_line, names[text_line.code]) if text_line else None, described=described,
                   detail=detail)


def _described(filing: Filing) -> dict[str, str]:
    return {str(k): v for k, v in filing.header.describe.items()}


def pages(filing: Filing) -> list[Page]:
    result: list[list[Section]] = []
    names, given = filing.names, _described(filing)
    for st in filing.report.statements:
        section = Section(key=st.key, title=st.title, subtitle=st.subtitle,
                          rows=tuple(row_view(filing, r, st.key, names, given) for r in st.rows))
        if st.continued and result:
            if section.title == result[-1][-1].title:     # the page already carries the title
                section = Section(key=st.key, title="", subtitle=st.subtitle, rows=section.rows)
            result[-1].append(section)
        else:
            result.append([section])
    return [Page(tuple(p)) for p in result]


def mmddyyyy(d: date | None) -> str:
    return d.strftime("%m/%d/%Y") if d else ""


def mmddyy(d: date | None) -> str:
    return d.strftime("%m/%d/%y") if d else ""


def winjammer_date(d: date | None) -> str:
    """WinJammer writes dates without zero padding: 12/26/2017, 1/6/2016."""
    return f"{d.month}/{d.day}/{d.year}" if d else ""


def banner(filing: Filing) -> list[tuple[str, str]]:
    """The WinJammer banner: End Date, Firm Name, Form, Submit Date (or As of), dates as WinJammer
    writes them."""
    h = filing.header
    last = ("Submit Date", winjammer_date(h.submit_date)) if h.submit_date else ("As of", winjammer_date(h.as_of))
    return [("End Date", winjammer_date(h.as_of)), ("Firm Name", h.firm.name),
            ("Form", filing.form_name), last]


@dataclass(frozen=True)
class TargetChoice:
    title: str
    line: str
    options: tuple[tuple[str, str], ...]   # (option wording, value as printed)
    values: tuple[str, ...] = ()            # a., b., c. low, c. high, d. low, d. high (WinJammer's order)
    chosen: str = ""                        # a, b, c or d: how the input gave the target


def residual_interest_targets(filing: Filing) -> list[TargetChoice]:
    """The Daily Seg cover's targets as the input gave them (a. dollars, b. a percentage, c. a dollar
    range, d. a percentage range); the options not chosen print 0, as WinJammer prints them.
    `values` is WinJammer's order: a., b., c. low, c. high, d. low, d. high."""
    cover = filing.report.cover
    found = []
    for spec in cover.get("targets", ()):
        code = spec["line"]
        opts = cover["options"]
        how = filing.target(code)
        values = ["0"] * 6
        form = how.get("form")
        if form == "a" and how.get("dollars") is not None:
            values[0] = f"{how['dollars']:,}"
        elif form == "b":
            values[1] = how["percent"]
        elif form == "c":
            values[2], values[3] = (f"{v:,}" for v in how["range"])
        elif form == "d":
            values[4], values[5] = how["percent_range"]
        found.append(TargetChoice(
            title=spec["title"], line=code,
            options=((opts["a"], values[0]), (opts["b"].format(funds=spec["funds"]), f"{values[1]}%"),
                     (opts["c"], f"{values[2]} and {values[3]}"),
                     (opts["d"].format(funds=spec["funds"]), f"{values[4]}% and {values[5]}%")),
            values=tuple(values), chosen=form or ""))
    return found


def _field(h, field: str):
    value: object = h
    for part in field.split("."):
        if isinstance(value, str):
            # a one-line address is printed whole in the street box [20]; the city, state and zip
            # boxes stay blank (it is not split: a guess at its parts could put text in a wrong box)
            return value if part == "street" else ""
        value = getattr(value, part, None)
    return value


@dataclass(frozen=True)
class CoverField:
    label: str
    box: str
    value: str
    width: int = 100        # per cent of the row, as the form lays it out
    place: str = ""         # "right": alone at the right of its row


def cover_fields(filing: Filing, public: bool = False) -> list[CoverField]:
    """The FOCUS II cover's boxes, as the form definition lays them out; the public copy leaves out the
    boxes that name a person (the cover's `private`: the contact)."""
    h = filing.header
    found = []
    private = set(filing.report.cover.get("private", ())) if public else set()
    for label, box, field, *layout in filing.report.cover.get("fields", ()):
        if field in private:
            continue
        value = _field(h, field)
        if isinstance(value, date):
            value = mmddyy(value)
        found.append(CoverField(label, box, value or "", *layout))
    return found


def filed_by(filing: Filing) -> list[tuple[str, str, bool]]:
    """The amended cover's "filed by a/an" boxes: (label, box, checked); the input's filed_by, or the first."""
    spec = filing.report.cover.get("filed_by")
    if not spec:
        return []
    chosen = filing.header.filed_by or spec["options"][0][0]
    return [(label, box, key == chosen) for key, label, box, *_ in spec["options"]]


def pursuant(filing: Filing) -> list[tuple[str, str, bool]]:
    """The "filed pursuant to" boxes: (label, box, checked)."""
    chosen = filing.header.filed_pursuant_to
    return [(label, box, key == chosen) for key, label, box in filing.report.cover.get("pursuant", ())]


@dataclass(frozen=True)
class FocusCover:
    """The rest of the FOCUS II cover, wording from the form definition, marks from the input."""
    part: tuple[str, str]                           # PART II [11]
    amended: str                                    # "AMENDED FILING", or "" for an original filing
    consolidated_label: str
    official_use: str
    consolidated: tuple[tuple[str, str, str], ...]  # (name as printed, its box, the official-use box)
    carries: tuple[tuple[str, str, bool], ...]      # (YES, 40, checked), (NO, 41, checked)
    carries_label: str
    audited: tuple[str, str, bool]                  # (label, 42, checked)
    execution: dict


def focus_cover(filing: Filing) -> FocusCover | None:
    cover = filing.report.cover
    if "consolidated" not in cover:
        return None
    h = filing.header
    given = list(h.consolidated)
    rows = []
    for i, (name_box, official_box) in enumerate(cover["consolidated"]["boxes"]):
        c = given[i] if i < len(given) else None
        name = "" if c is None else cover["consolidated"]["file_no"].format(name=c.name, sec_file_no=c.sec_file_no) \
            if c.sec_file_no else c.name
        rows.append((name, name_box, official_box))
    carries = cover["carries"]
    yes, no = carries["yes"], carries["no"]
    audited = cover["audited"]
    return FocusCover(
        part=tuple(cover["part"]), amended=cover["amended"] if h.amended else "",
        consolidated_label=cover["consolidated"]["label"], official_use=cover["consolidated"]["official_use"],
        consolidated=tuple(rows),
        carries=((yes[0], yes[1], h.carries_customer_accounts), (no[0], no[1], not h.carries_customer_accounts)),
        carries_label=carries["label"], audited=(audited["label"], audited["box"], h.audited_report),
        execution=cover["execution"])
