"""WinJammer-style text: a banner, each statement titled as on the form, each line with its
number/letter, label, value and [code]. Negatives carry a minus sign on a Daily Seg, as WinJammer prints
them, and parentheses on FOCUS II, as the SEC form prints them; a blank line prints no value at all (not 0).
"""

from __future__ import annotations

import textwrap

from . import view
from ..report.model import Filing
from ..money import fmt_amount

WIDTH = 128
LABEL_W = 78            # label area; amounts start after it
CELL_W = 25             # "  1,443,907,046 [7010] "


def _cell(cell: view.Cell | None, negatives: str = "minus") -> str:
    if cell is None:
        return " " * CELL_W
    # a line the form prints without a code (Daily Seg 12 A/B/C) prints none: 8715A is focusgen's key
    code = f"[{cell.line.code}]" if cell.line.coded else ""
    return f"{fmt_amount(cell.value, negatives):>17} {code:<7}"


def _wrap(text: str, width: int, first: str = "", rest: str | None = None) -> list[str]:
    rest = " " * len(first) if rest is None else rest
    return textwrap.wrap(text, width=width, initial_indent=first, subsequent_indent=rest,
                         break_on_hyphens=False) or [first.rstrip()]


def _row(rv: view.RowView, negatives: str = "minus") -> list[str]:
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
    lines[-1] = (last + " " + _cell(rv.inner, negatives) + _cell(rv.outer, negatives)).rstrip()
    return lines


def _banner(filing: Filing) -> list[str]:
    """The head of every page: WinJammer's banner on a Daily Seg; on FOCUS II the box the filed pages
    print (BROKER OR DEALER, the firm, as of MM/DD/YY)."""
    if filing.report.kind != "daily-seg":
        return ["BROKER OR DEALER", filing.header.firm.name, f"as of {view.mmddyy(filing.header.as_of)}"]
    b = view.banner(filing)
    return [f"{b[0][0]}:{b[0][1]}", f"{b[1][0]}:{b[1][1]}", f"{b[2][0]}:{b[2][1]} {b[3][0]}:{b[3][1]}"]


def _cover(filing: Filing) -> list[str]:
    h = filing.header
    cover = filing.report.cover
    out = [*_wrap(cover["title"], WIDTH)]
    if filing.report.kind == "daily-seg":
        # as WinJammer lays the cover out: the contact labels, then their values; each target's
        # four options with their blanks, then the values in WinJammer's order (a., b., c. low,
        # c. high, d. low, d. high); then "Attach supporting documents"
        c = h.firm.contact
        out += ["", "Name of Company", "Contact Name", "Contact Phone Number", "Contact Email Address",
                h.firm.name, c.name or "", c.phone or "", c.email or ""]
        for target in view.residual_interest_targets(filing):
            (a, _), (b, _), (c, _), (d, _) = target.options       # each option with its blanks
            options = f"{a} ; or {b}%; or {c}and; or {d}% and%"
            out += ["", *_wrap(f"{target.title} {options}.", WIDTH), " ".join(target.values)]
        out += ["", "Attach supporting documents"]
        return out
    fc = view.focus_cover(filing)
    if fc is not None:
        out = [*([fc.amended, ""] if fc.amended else []), *([cover["sec_title"], ""] if cover.get("sec_title") else []),
               *_wrap(f"{cover['title']} {fc.part[0]} [{fc.part[1]}]", WIDTH)]
    for key in ("instructions", "omb"):
        if cover.get(key):
            out.append(cover[key])
    out.append("")

    def box(label, number, checked):
        return f"{'[X]' if checked else '[ ]'} {label}" + (f" [{number}]" if number else "")
    if view.filed_by(filing):
        out += [cover["filed_by"]["label"], *("    " + box(*b) for b in view.filed_by(filing)),
                *("    " + box(label, "", False) for label in cover["filed_by"].get("also", ())), ""]
    out += [cover.get("pursuant_label", ""), *("    " + box(*b) for b in view.pursuant(filing))]
    for f in view.cover_fields(filing):
        out.append(f"{f.label}: {f.value} [{f.box}]")
    if fc is None:
        return out
    out += ["", f"{fc.consolidated_label}:"]
    for name, box, official in fc.consolidated:
        out.append(f"    {name} [{box}]  {fc.official_use}: [{official}]")
    out.append(f"{fc.carries_label} " + "  ".join(f"{'[X]' if checked else '[ ]'} {label} [{box}]"
                                                   for label, box, checked in fc.carries))
    label, box, checked = fc.audited
    out.append(f"{'[X]' if checked else '[ ]'} {label} [{box}]")
    ex = fc.execution
    # the date and the signatures are left blank, to be signed by hand
    out += ["", ex["title"], *_wrap(ex["text"], WIDTH), "",
            f"{ex['dated'][0]} ______ {ex['dated'][1]} ______________ {ex['dated'][2]}____", ex["signatures_title"]]
    for who in ex["signatures"]:
        out += ["", "    " + "_" * 48, f"    {who}"]
    out += ["", *_wrap(ex["attention"], WIDTH)]
    return out


def render_text(filing: Filing) -> str:
    out: list[str] = []
    if filing.report.kind == "daily-seg":
        # WinJammer's filing page, then the cover; the banner heads every page, the cover included
        out += ["WINJAMMER FILING", "", filing.header.filing_status, "", *_banner(filing), ""]
    out += _banner(filing) + ["", *_cover(filing)]
    for page in view.pages(filing):
        out += ["", *_banner(filing)]
        for section in page.sections:
            if section.title:
                out += ["", *_wrap(section.title, WIDTH)]
            if section.subtitle:
                out += _wrap(section.subtitle, WIDTH)
            for rv in section.rows:
                out += _row(rv, "minus" if filing.report.kind == "daily-seg" else "parens")
    return "\n".join(out) + "\n"
