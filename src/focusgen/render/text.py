"""WinJammer-style text: a banner, each statement titled as on the form, each line with its
number/letter, label, value and [code]. Negatives carry a minus sign, as WinJammer prints them;
a blank line prints no value at all (not 0).
"""

from __future__ import annotations

import textwrap

from . import view
from ..compute import Filing
from ..money import fmt_amount

WIDTH = 128
LABEL_W = 78            # label area; amounts start after it
CELL_W = 25             # "  1,443,907,046 [7010] "


def _cell(cell: view.Cell | None) -> str:
    if cell is None:
        return " " * CELL_W
    code = f"[{cell.line.code}]"
    return f"{fmt_amount(cell.value):>17} {code:<7}"


def _wrap(text: str, width: int, first: str = "", rest: str | None = None) -> list[str]:
    rest = " " * len(first) if rest is None else rest
    return textwrap.wrap(text, width=width, initial_indent=first, subsequent_indent=rest,
                         break_on_hyphens=False) or [first.rstrip()]


def _row(rv: view.RowView) -> list[str]:
    r = rv.row
    if rv.kind == "heading":
        return ["", *_wrap(r.heading, WIDTH)]
    if rv.kind == "note":
        return _wrap(r.note, WIDTH)
    prefix = "    " * r.indent + (f"{r.num} " if r.num else "")
    label = r.label
    if rv.text is not None:
        line, name = rv.text
        label = f"{label} {name or ''} [{line.code}]".replace("  ", " ")
    if rv.described:
        label = f"{label} {rv.described}"
    lines = _wrap(label, LABEL_W, prefix)
    if rv.inner is None and rv.outer is None:
        return lines
    last = lines[-1].ljust(LABEL_W)
    lines[-1] = (last + " " + _cell(rv.inner) + _cell(rv.outer)).rstrip()
    return lines


def _banner(filing: Filing) -> list[str]:
    b = view.banner(filing)
    return [f"{b[0][0]}:{b[0][1]}", f"{b[1][0]}:{b[1][1]}", f"{b[2][0]}:{b[2][1]} {b[3][0]}:{b[3][1]}"]


def _cover(filing: Filing) -> list[str]:
    h = filing.header
    cover = filing.report.cover
    out = [*_wrap(cover["title"], WIDTH)]
    if filing.report.kind == "daily-seg":
        c = h.firm.contact
        out += ["", f"Name of Company: {h.firm.name}", f"Contact Name: {c.name or ''}",
                f"Contact Phone Number: {c.phone or ''}", f"Contact Email Address: {c.email or ''}"]
        for target in view.residual_interest_targets(filing):
            out += ["", *_wrap(target.title, WIDTH)]
            for i, (wording, value) in enumerate(target.options):
                end = "." if i == len(target.options) - 1 else "; or"
                out.append(f"    {wording} {value}{end}")
        return out
    out.append(cover.get("subtitle", ""))
    out.append("")
    for label, box, value in view.cover_fields(filing):
        out.append(f"{label}: {value} [{box}]")
    chosen = [f"{label} [{box}]" for label, box, checked in view.pursuant(filing) if checked]
    out.append(f"Rule being filed pursuant to: {', '.join(chosen)}")
    out.append(f"Does respondent carry its own customer accounts? {'YES' if h.carries_customer_accounts else 'NO'}")
    return out


def render_text(filing: Filing) -> str:
    out: list[str] = []
    if filing.report.kind == "daily-seg":
        out += ["WINJAMMER FILING", "", filing.header.filing_status, ""]
    rule = "=" * WIDTH
    out += _banner(filing) + ["", *_cover(filing)]
    for page in view.pages(filing):
        out += ["", rule, *_banner(filing), rule]
        for section in page.sections:
            if section.title:
                out += ["", *_wrap(section.title, WIDTH)]
            if section.subtitle:
                out += _wrap(section.subtitle, WIDTH)
            for rv in section.rows:
                out += _row(rv)
    return "\n".join(out) + "\n"
