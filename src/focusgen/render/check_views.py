"""Terminal views of an extraction and of a check (rich tables)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..form import formdef
from ..money import fmt_amount
from ..report.how import How
from .terminal import lit, literal, shorten


def _m(v: int | None) -> str:
    return "" if v is None else fmt_amount(v, "parens")


def print_extraction(e, out: Console) -> None:
    out.print(f"{literal(e.firm or '(firm not found)')}: {e.report} as of {literal(e.as_of or '(date not found)')}"
              f"  [{e.method}: {literal(e.source)}]")
    rep = formdef.report(e.report)
    table = Table(show_edge=False, pad_edge=False)
    # an unconfirmed value shows its candidate with a question mark (compare it by eye)
    values = {code: _m(e.lines[code]) if e.lines[code] is not None or code not in e.candidates
              else f"{_m(e.candidates[code])}?" for code in rep.amount_codes}
    # one row per line, the label shortened at a word to what the terminal leaves it (never cut in a word;
    # `extract --json` and the form give it whole)
    room = out.width - max(4, *map(len, rep.amount_codes)) - max(5, *map(len, values.values())) \
        - max(3, *(len(str(h)) for h in e.how.values())) - 9
    for col, just in (("Line", "left"), ("Label", "left"), ("Value", "right"), ("How", "left")):
        table.add_column(col, justify=just, no_wrap=True)
    for code in rep.amount_codes:
        how = e.how[code]
        style = "bold red" if e.lines[code] is None and how in (How.MISSING, How.UNREADABLE) else \
            "yellow" if how not in (How.READ, How.BLANK) else ""
        table.add_row(code, shorten(rep.lines[code].label, max(room, 20)), values[code], str(how), style=style)
    out.print(table)
    counts = {str(h): list(e.how.values()).count(h) for h in sorted(set(e.how.values()))}
    out.print("values: " + ", ".join(f"{n} {h}" for h, n in counts.items()))
    for f in e.findings:
        out.print(f"finding [{f.code}]{' line ' + f.where if f.where else ''}: {literal(f.message)}")
    for f in e.edit_failures:
        out.print(f"EDIT CHECK FAILED: {f.message}", style="bold red")


def print_comparison(result, out: Console) -> None:
    c, p = result.current, result.prior
    out.print(f"current {c.report} as of {literal(c.as_of)} ({literal(c.source)})")
    out.print(f"prior   {p.report} as of {literal(p.as_of)} ({literal(p.source)}, {p.method})")
    if result.differences:
        from .terminal import line_listing
        rows = [(d["line"], d["label"], [_m(d["prior"]), _m(d["current"]), _m(d["difference"])])
                for d in result.differences]
        out.print(line_listing(out.width, [("Prior", "right"), ("Current", "right"), ("Difference", "right")], rows),
                  soft_wrap=False)
    if result.not_compared:
        out.print(f"not compared (unreadable in the prior): {', '.join(result.not_compared)}")
    if result.by_eye:
        out.print("compare by eye (the prior seems to show these, but nothing confirms the reading):")
        table = Table(show_edge=False, pad_edge=False)
        for col, just in (("Line", "left"), ("Label", "left"), ("Prior shows", "right"), ("Current", "right")):
            table.add_column(col, justify=just, no_wrap=col != "Label")
        for d in result.by_eye:
            table.add_row(d["line"], d["label"][:50], _m(d["prior_shows"]), _m(d["current"]))
        out.print(table)
    if p.edit_failures:
        out.print("prior filing's own arithmetic (edit checks):")
        for f in p.edit_failures:
            out.print(f"  FAILED {f.message}", style="bold red")
    for note in result.notes:
        out.print(f"note: {literal(note.message)}")
    share = f"{100 * result.compared // result.considered}%" if result.considered else "none"
    out.print(f"compared {result.compared} of {result.considered} lines with an amount ({share})"
              + ("" if result.enough else "; too little of the prior was legible to pass"))
    out.print(f"{len(result.differences)} line(s) differ, {len(result.not_compared)} not compared, "
              + (f"{len(result.by_eye)} to compare by eye, " if result.by_eye else "") +
              f"{len(p.edit_failures)} edit check failure(s) in the prior")


def print_check_summary(results, found, out: Console) -> None:
    """Two folders checked: one row per pair, then each file not paired with the reason."""
    table = Table(show_edge=False, pad_edge=False, title="check", title_justify="left")
    for col in ("Report", "As of", "Current", "Prior", "Differ", "Not\ncompared", "Edit\nchecks"):
        # file names fold onto a second row rather than lose their end
        table.add_column(col, no_wrap=col not in ("Current", "Prior"), overflow="fold")
    for r in results:
        table.add_row(r.current.report, lit(r.current.as_of), lit(r.current.source.split("/")[-1]),
                      lit(r.prior.source.split("/")[-1]), str(len(r.differences)),
                      str(len(r.not_compared)) + (f" +{len(r.by_eye)} by eye" if r.by_eye else ""),
                      "ok" if not r.prior.edit_failures else Text(f"{len(r.prior.edit_failures)} failed", "bold red"))
    if results:
        out.print(table)
    for title, items, style in (("not paired, current", found.current_without_prior, "yellow"),
                                ("not paired, prior", found.prior_without_current, "yellow"),
                                ("set aside", found.set_aside, "")):
        for path, why in items:
            out.print(Text.assemble((title, style), ": ", lit(path.name), ": ", lit(why)))
    for path, _ in found.unreadable:
        out.print(Text.assemble(("unreadable", "bold red"), ": ", lit(path.name), " (its problems are above)"))
    differ = sum(1 for r in results if r.failed)
    out.print(f"{len(results)} pair(s), {differ} with differences or failed edit checks, "
              f"{len(found.current_without_prior) + len(found.prior_without_current)} not paired, "
              f"{len(found.set_aside)} set aside, {len(found.unreadable)} unreadable", markup=False)
