"""The terminal summary of a build, for a reviewer to read at a glance: each statement's requirement,
funds, excess (deficiency) and management target (and the excess over target on a wide terminal); the
capital computation in a table of its own (adjusted net capital when given, line D, the excess adjusted
net capital, the early warning level); the alerts; the alerts not checked, folded into one line (the
list with --verbose); every flagged movement against the prior period, and how many more moved.

Numbers are never cut: a narrow terminal wraps the statement names at word boundaries instead."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from . import view
from .terminal import lit, literal
from ..report.model import Filing
from ..money import fmt_amount


RED = "bold red"
WIDE = 100          # columns from which the excess over (under) target gets a column of its own


def _money(value: int | None) -> Text:
    if value is None:
        return Text("")
    return Text(fmt_amount(value, "parens"), style=RED if value < 0 else "")


def _value(figure) -> int | None:
    return None if figure is None else figure.value


def statement_table(filing: Filing, width: int) -> tuple[Table, list[str]]:
    """One row per statement that has figures: requirement, funds, excess, target (and over target on a
    wide terminal); the names of the statements left blank."""
    wide = width >= WIDE
    table = Table(show_edge=False, pad_edge=False)
    table.add_column("Statement")           # the one column that wraps (at word boundaries)
    for header in ("Requirement", "Funds", "Excess\n(deficiency)", "Target") + (("Over (under)\ntarget",) if wide else ()):
        table.add_column(header, justify="right", no_wrap=True)
    blank = []
    for entry in filing.summary:
        if entry.early_warning is not None:
            continue                    # the capital computation: capital_table()
        figures = [entry.requirement, entry.funds, entry.excess, entry.target] + ([entry.over_target] if wide else [])
        if all(_value(f) is None for f in figures + [entry.over_target]):
            blank.append(entry.name)
            continue
        name = Text(entry.name + (f" [{entry.excess.line}]" if entry.excess else ""))
        excess, over = _value(entry.excess), _value(entry.over_target)
        if excess is not None and excess < 0:
            name.append(" DEFICIENCY", style=RED)
        elif over is not None and over < 0:
            name.append(" BELOW TARGET", style=RED)
        table.add_row(name, *(_money(_value(f)) for f in figures))
    return table, blank


def capital_table(filing: Filing) -> Table | None:
    """The capital computation: adjusted net capital (the input's, when given), the minimum requirement
    (line D; for a BD-FCM the greater of it and the SEC minimum), the excess adjusted net capital, the
    early warning level (7495) and the 1.12(b) notice threshold where it differs."""
    entry = next((e for e in filing.summary if e.early_warning is not None), None)
    if entry is None:
        return None
    cap, anc = filing.capital, filing.input.adjusted_net_capital
    table = Table(show_edge=False, pad_edge=False)
    table.add_column(entry.name)
    table.add_column("", justify="right", no_wrap=True)
    table.add_row("Adjusted net capital (input)",
                  _money(anc) if anc is not None else Text("not given", style="dim"))
    table.add_row(f"Minimum requirement, line D [{entry.requirement.line}]", _money(entry.requirement.value))
    if entry.minimum_net_capital is not None:
        table.add_row(f"Minimum, {entry.minimum_net_capital.line}", _money(entry.minimum_net_capital.value))
    if cap.get("excess_adjusted_net_capital") is not None:
        table.add_row("Excess adjusted net capital", _money(cap["excess_adjusted_net_capital"]))
    warn = entry.early_warning.value
    row = Text(f"Early warning level [{entry.early_warning.line}]")
    if anc is not None and warn is not None and anc < warn:
        row.append(" ABOVE ADJUSTED NET CAPITAL", style=RED)
    table.add_row(row, _money(warn))
    threshold = _value(entry.early_warning_threshold)
    if threshold is not None:
        row = Text("Early warning notice level [1.12(b)]" + (", the greatest of:" if entry.early_warning_legs else ""))
        if anc is not None and anc < threshold:
            row.append(" ABOVE ADJUSTED NET CAPITAL", style=RED)
        table.add_row(row, _money(threshold))
        for leg in entry.early_warning_legs:
            table.add_row(f"  {leg.cite.removeprefix('1.12')} {leg.rate}% of {leg.of.removeprefix('line ')}",
                          _money(leg.amount))
    return table


def print_summary(filing: Filing, console: Console) -> None:
    h = filing.header
    console.print(lit(h.firm.name))
    console.print(f"{filing.form_name}, as of {view.mmddyyyy(h.as_of)}")
    if not any(e.excess or e.early_warning for e in filing.summary):
        print_funds(filing, console)        # a report of funds held (the SIDR): no requirement, no excess
        return
    table, blank = statement_table(filing, console.width)
    if table.row_count:
        console.print(table)
    if blank:
        console.print(f"blank (no lines given): {', '.join(blank)}")
    capital = capital_table(filing)
    if capital is not None:
        console.print(capital)


def print_funds(filing: Filing, console: Console) -> None:
    """Each statement's funds total; the 17 CFR 1.25 limits that count something; the reconciliation."""
    table = Table(show_edge=False, pad_edge=False)
    table.add_column("Statement", overflow="fold")
    table.add_column("Total funds held", justify="right", no_wrap=True, min_width=15)
    table.add_column("Assets for the limits", justify="right", no_wrap=True, min_width=15)
    names = {st.key: st.name for st in filing.report.statements}
    dens = filing.limits.denominators if filing.limits is not None else {}
    for entry in filing.summary:
        if entry.funds is not None:
            table.add_row(entry.name, _money(entry.funds.value), _money(dens.get(names.get(entry.statement))))
    console.print(table)
    if filing.limits is not None:
        print_limits(filing, console)
    if filing.reconciliation is not None:
        print_reconciliation(filing.reconciliation, console)


def print_limits(filing: Filing, console: Console) -> None:
    limits = filing.limits
    shown = [r for r in limits.results if r.amount or r.breached]
    console.print(f"{limits.revision}: " + (f"{len(shown)} limit(s) count investments" if shown else
                                            "no investment of customer funds to count"), markup=False, highlight=False)
    if not shown:
        return
    table = Table(show_edge=False, pad_edge=False)
    table.add_column("Origin", overflow="fold")
    table.add_column("Limit", overflow="fold")
    table.add_column("Amount", justify="right", no_wrap=True)
    table.add_column("Limit", justify="right", no_wrap=True)
    for r in shown:
        rule = Text(f"{r.rule}{' ' + r.subject if r.subject else ''} ({r.percent}%)" if r.percent else
                    f"{r.rule}{' ' + r.subject if r.subject else ''}")
        if r.breached:
            rule.append(" BREACH", style=RED)
        table.add_row(r.origin, rule, _money(r.amount), _money(r.limit))
    console.print(table)


def print_reconciliation(rec, console: Console) -> None:
    """The reconciliation to the other report: each difference with both sides, then each origin's total."""
    what = f"Reconciliation to the {rec.kind} {literal(rec.against)} (as of {rec.as_of})"
    if not rec.failed:
        console.print(f"{what}: every tie agrees" + (f" within ${rec.tolerance:,}" if rec.tolerance else "") + ".",
                      markup=False, highlight=False)
    else:
        console.print(Text.assemble(what + ": ", ("DIFFERENCES", RED)))
        for t in rec.differences:
            console.print(f"  {t.origin}: {t.label}: holdings {fmt_amount(t.holdings)}"
                          f"{' (' + ', '.join(t.rows[:4]) + (', ...' if len(t.rows) > 4 else '') + ')' if t.rows else ''}, "
                          f"{rec.kind} {' + '.join(t.lines)} {fmt_amount(t.other)}: difference {fmt_amount(t.difference)}",
                          markup=False, highlight=False)
    for t in rec.totals:
        other = "not legible" if t["other"] is None else fmt_amount(t["other"])
        console.print(f"  {t['origin']}: holdings {fmt_amount(t['holdings'])} + outside the holdings "
                      f"{fmt_amount(t['outside'])} = {fmt_amount(t['sum'])}; {rec.kind} {t['line']} {other}"
                      + ("" if not t["difference"] else f": difference {fmt_amount(t['difference'])}"),
                      markup=False, highlight=False)
    for t in rec.ties:
        if not t.compared:
            console.print(f"  {t.origin}: {t.label}: not compared ({' + '.join(t.lines)} not legible in the {rec.kind})",
                          markup=False, highlight=False)


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
            figure = entry.excess or entry.requirement or entry.funds
            if figure is not None and figure.value is not None:
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


def print_alerts(filing: Filing, console: Console, verbose: bool = False) -> None:
    for a in filing.alerts:
        console.print(Text.assemble(("ALERT", RED), f" {a.facts['rule']}: {a.message}. Calls for: ",
                                    (a.facts["notice"], "bold"), "."))
        if a.facts.get("unconfirmed"):
            console.print(Text.assemble(("warning", "bold yellow"), f"[unconfirmed-citation]: {a.facts['unconfirmed']}"))
    open_events = [e for e in filing.attest if e["confirmed"] is None]
    if open_events:
        console.print(f"not attested: {len(open_events)} events of 1.12 no line shows (give attest: in the input)"
                      + (": " + ", ".join(e["id"] for e in open_events) if verbose else "; --verbose lists them"),
                      style="dim", markup=False, highlight=False)
    if not filing.alerts:
        console.print("No regulatory alert.")
    if not filing.unchecked:
        return
    if verbose:
        console.print("not checked (their inputs are not given):", style="dim")
        for u in filing.unchecked:
            console.print("  " + u.message.replace(": not checked, the input gives no", " needs"), style="dim")
        return
    needs = dict.fromkeys(n.split(".")[0] for u in filing.unchecked for n in u.facts.get("needs", ()))
    console.print(f"not checked: {len(filing.unchecked)} alert(s), for want of {', '.join(needs)} "
                  "(--verbose lists them)", style="dim")


MOVEMENT_COLUMNS = [("Prior", "right"), ("Current", "right"), ("Change", "right"), ("%", "right"), ("", "left")]


def _movement_rows(moved: list[dict]) -> list:
    return [(m["line"], m["label"], [_money(m["prior"]), _money(m["current"]), _money(m["change"]),
                                     f"{m['percent']}%" if m["percent"] is not None else "new",
                                     Text("FLAG", style=RED) if m["flagged"] else ""])
            for m in moved]


def print_variance(moved: list[dict], source: str, as_of: str | None, console: Console, percent=None,
                   dollars=None) -> None:
    """`focusgen diff`: every line that moved, largest first."""
    from .terminal import line_listing
    console.print(f"Movements against {literal(source)} (as of {literal(as_of)}), largest first"
                  + (f"; flagged: at least {percent}% and ${dollars:,}" if percent is not None else ""),
                  markup=False)
    if not moved:
        console.print("No line moved.", markup=False)
        return
    console.print(line_listing(console.width, MOVEMENT_COLUMNS, _movement_rows(moved)), soft_wrap=False)


def print_movements(variance, console: Console, diff: str = "focusgen diff") -> None:
    """A build's movements against its prior period: every flagged one, then how many more moved and
    the command that lists them all (`diff`)."""
    from .terminal import line_listing
    flagged = variance.flagged
    console.print(f"Movements against {literal(variance.prior_source)} (as of {literal(variance.prior_as_of)}): "
                  f"{len(variance.lines)} line(s) moved, {len(flagged)} flagged (at least {variance.percent}% "
                  f"and ${variance.dollars:,})", markup=False)
    if flagged:
        console.print(line_listing(console.width, MOVEMENT_COLUMNS, _movement_rows(flagged)), soft_wrap=False)
    more = len(variance.lines) - len(flagged)
    if more:
        console.print(f"{more} more moved: {literal(diff)} lists all", markup=False)


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
    from .terminal import line_listing
    rows = []
    for c in amendment.changes:
        show = (lambda v: lit(v or "")) if isinstance(c["original"] or c["amended"], str) else _money
        rows.append((c["line"], c["label"], [show(c["original"]), show(c["amended"])]))
    console.print(f"{len(amendment.changes)} line(s) changed")
    console.print(line_listing(console.width, [("Original", "right"), ("Amended", "right")], rows), soft_wrap=False)
    if amendment.not_compared:
        console.print("not compared (the original does not show them legibly): " + ", ".join(amendment.not_compared))
