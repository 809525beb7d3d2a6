"""The short terminal summary of a build: each statement's excess or deficiency and its position
against the management target, and the capital requirement with its early warning level."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from . import view
from .terminal import lit, literal
from ..report.model import Filing
from ..money import fmt_amount


RED = "bold red"


def _money(value: int | None) -> Text:
    if value is None:
        return Text("")
    return Text(fmt_amount(value, "parens"), style=RED if value < 0 else "")


def print_summary(filing: Filing, console: Console) -> None:
    h = filing.header
    console.print(lit(h.firm.name))
    console.print(f"{filing.form_name}, as of {view.mmddyyyy(h.as_of)}")
    table = Table(show_edge=False, pad_edge=False)
    # the numbers stay whole on a narrow terminal; the statement names wrap instead
    table.add_column("Statement", overflow="fold")
    table.add_column("Excess (deficiency)", justify="right", no_wrap=True, min_width=15)
    table.add_column("Target", justify="right", no_wrap=True, min_width=13)
    table.add_column("Over (under) target", justify="right", no_wrap=True, min_width=15)
    for entry in filing.summary:
        if entry.early_warning is not None:
            table.add_row(f"{entry.name}, line D [{entry.requirement.line}]", _money(entry.requirement.value), "", "")
            table.add_row(f"  early warning level [{entry.early_warning.line}]", _money(entry.early_warning.value),
                          "", "")
            if entry.early_warning_threshold is not None and entry.early_warning_threshold.value is not None:
                table.add_row("  notice threshold [1.12(b)]", _money(entry.early_warning_threshold.value), "", "")
                for leg in entry.early_warning_legs:      # the greatest of these
                    table.add_row(f"    {leg.cite.removeprefix('1.12')} {leg.rate}% of {leg.of.removeprefix('line ')}",
                                  _money(leg.amount), "", "")
            if entry.minimum_net_capital is not None:
                cap = filing.report.capital
                table.add_row(f"  minimum [{cap['requirement']} or SEC {cap['sec_minimum_line']}]",
                              _money(entry.minimum_net_capital.value), "", "")
            continue
        excess = entry.excess
        name = Text(f"{entry.name} [{excess.line}]")
        if excess.value is not None and excess.value < 0:
            name.append(" DEFICIENCY", style=RED)
        table.add_row(name, _money(excess.value), _money(entry.target.value if entry.target else None),
                      _money(entry.over_target.value if entry.over_target else None))
    console.print(table)


def print_batch_summary(outcomes, console: Console) -> None:
    """One table for a batch: each input, built or failed, and its statements' excesses."""
    table = Table(show_edge=False, pad_edge=False)
    table.add_column("Input", no_wrap=True)
    table.add_column("Result")
    table.add_column("Excess (deficiency) by statement", justify="left")
    for o in outcomes:
        if o.interrupted:
            table.add_row(lit(o.input.name), Text("not built", style=RED), "interrupted; nothing written")
            continue
        if o.problems:
            table.add_row(lit(o.input.name), Text("failed", style=RED),
                          f"{len(o.problems) + getattr(o.problems, 'more', 0)} problem(s), nothing written")
            continue
        parts = []
        for entry in o.summary:
            figure = entry.excess or entry.requirement
            if figure.value is not None:
                parts.append(Text.assemble(f"{entry.name} ", _money(figure.value)))
        if o.alerts:
            parts.append(Text.assemble((f"{len(o.alerts)} alert(s)", RED), ": " + ", ".join(a.code for a in o.alerts)))
        if o.changed is not None:
            parts.append(Text(f"AMENDED: {o.changed} line(s) changed (see its JSON or review pack)"))
        table.add_row(lit(o.input.name), "built", Text("; ").join(parts))
    console.print(table)
    built = sum(1 for o in outcomes if not o.problems and not o.interrupted)
    alerted = sum(1 for o in outcomes if o.alerts)
    stopped = sum(1 for o in outcomes if o.interrupted)
    console.print(f"{built} built, {len(outcomes) - built - stopped} failed, "
                  + (f"{stopped} not built (interrupted), " if stopped else "") + f"{alerted} with alerts")


def print_notes(filing: Filing, console: Console) -> None:
    """What the build assumed or could not confirm: defaults taken and warnings (also in the JSON)."""
    for code, value in filing.input.defaults.items():
        console.print(f"default: line {code} ({filing.report.lines[code].label}) was not given; the form's "
                      f"default ${value:,} was used")
    due = filing.input.due
    if due is not None:
        console.print(f"due: {due} ({filing.report.schedule.cite})", markup=False, highlight=False)
    for w in filing.input.warnings:
        console.print(Text.assemble(("warning", "bold yellow"), f"[{w.code}]: {literal(w.message)}"))
    for entry in filing.summary:
        for leg in entry.early_warning_legs:
            if leg.note:
                console.print(Text.assemble(("note", "bold"), f": {leg.cite}: {leg.note}"))


def print_alerts(filing: Filing, console: Console) -> None:
    for a in filing.alerts:
        console.print(Text.assemble(("ALERT", RED), f" {a.facts['rule']}: {a.message}. Calls for: ",
                                    (a.facts["notice"], "bold"), "."))
        if a.facts.get("unconfirmed"):
            console.print(Text.assemble(("warning", "bold yellow"), f"[unconfirmed-citation]: {a.facts['unconfirmed']}"))
    open_events = [e for e in filing.attest if e["confirmed"] is None]
    if open_events:
        console.print(f"not attested ({len(open_events)} events of 1.12 no line shows; give attest: in the input): "
                      + ", ".join(e["id"] for e in open_events), style="dim", markup=False, highlight=False)
    if not filing.alerts:
        console.print("No regulatory alert.")
    if filing.unchecked:
        console.print("not checked (their inputs are not given): "
                      + "; ".join(u.message.replace(": not checked, the input gives no", " needs")
                                  for u in filing.unchecked), style="dim")


def print_variance(moved: list[dict], source: str, as_of: str | None, console: Console, percent=None,
                   dollars=None) -> None:
    console.print(f"Movements against {literal(source)} (as of {literal(as_of)}), largest first"
                  + (f"; flagged: at least {percent}% and ${dollars:,}" if percent is not None else ""),
                  markup=False)
    if not moved:
        console.print("No line moved.", markup=False)
        return
    labels = console.width >= 110          # a narrow terminal keeps the numbers whole, not the labels
    table = Table(show_edge=False, pad_edge=False)
    for col, just in (("Line", "left"), ("Label", "left"), ("Prior", "right"), ("Current", "right"),
                      ("Change", "right"), ("%", "right"), ("", "left")):
        if col != "Label" or labels:
            table.add_column(col, justify=just, no_wrap=True, overflow="ellipsis",
                             max_width=40 if col == "Label" else None)
    for m in moved:
        cells = [m["line"], m["label"]] if labels else [m["line"]]
        table.add_row(*cells, _money(m["prior"]), _money(m["current"]), _money(m["change"]),
                      m["percent"] or "new", Text("FLAG", style=RED) if m["flagged"] else "")
    console.print(table)


def currency_table(filing: Filing, code: str, parts: list[dict], statements: list[dict]):
    """`explain CODE --by-currency`: the line's amount per currency with its rate and dollars, then its
    statement's requirement, funds and excess per currency beside the filed dollar figures. Narrow
    tables of long columns: an amount is never cut short on a narrow terminal."""
    from decimal import Decimal

    from rich.console import Group
    line = filing.report.lines[code]
    shown: list = [Text(f"{code} {line.label}")]

    def table(title: str, names: tuple) -> Table:
        t = Table(title=title, show_edge=False, pad_edge=False, title_justify="left")
        for i, name in enumerate(names):
            t.add_column(name, justify="right" if i >= 2 or name == "Amount" else "left",
                         no_wrap=i != 1, overflow="fold")
        return t
    if parts:
        t = table("By currency", ("Currency", "Amount", "Rate", "Dollars (exact)"))
        for p in parts:
            t.add_row(p["currency"], f"{Decimal(p['amount']):,}", p["rate"], f"{Decimal(p['dollars']):,}")
        t.add_row("Filed", "", "", _money(filing.values.get(code)))
        shown.append(t)
    for st in statements:
        lines = st["lines"]
        t = table(f"{st['statement']}, currency by currency (Regulation 1.32(a))",
                  ("Currency", "Line", "In the currency", "Rate", "In dollars"))
        for row in st["currencies"]:
            for i, role in enumerate(("requirement", "funds", "excess")):
                dollars = row["dollars"][role]
                t.add_row(row["currency"] if i == 0 else "", f"{role} [{lines[role]}]", _money(row[role]),
                          row["rate"] if i == 0 else "", _money(dollars))
        for i, role in enumerate(("requirement", "funds", "excess")):
            t.add_row("Filed" if i == 0 else "", f"{role} [{lines[role]}]", "", "", _money(st["filed"][role]))
        shown.append(t)
    if not statements and not parts:
        shown.append(Text("no amounts in any currency for this line"))
    return Group(*shown)


def print_amendment(amendment, console: Console) -> None:
    """An amended filing: what it amends, why, and every line that changed against the original."""
    console.print(Text.assemble(("AMENDED", "bold"), " filing; amends ", lit(amendment.source),
                                " (as of ", lit(amendment.original["as_of"] or ""), "). Reason: ",
                                lit(amendment.reason)))
    table = Table(show_edge=False, pad_edge=False, title=f"{len(amendment.changes)} line(s) changed",
                  title_justify="left")
    table.add_column("Line", no_wrap=True)
    table.add_column("Label", overflow="fold")
    table.add_column("Original", justify="right", no_wrap=True)
    table.add_column("Amended", justify="right", no_wrap=True)
    for c in amendment.changes:
        show = (lambda v: lit(v or "")) if isinstance(c["original"] or c["amended"], str) else _money
        table.add_row(c["line"], lit(c["label"]), show(c["original"]), show(c["amended"]))
    console.print(table)
    if amendment.not_compared:
        console.print("not compared (the original does not show them legibly): " + ", ".join(amendment.not_compared))
