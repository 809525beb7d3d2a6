"""A holdings report (the SIDR) against the Daily Seg of the same date: each origin's holdings tied, as the
form definition declares (form/sidr.yaml `reconciliation:`), to the Daily Seg statement's lines, the lines
outside the holdings (settlement amounts, unrealized gains and losses, option values) listed with their
amounts, and each origin's total checked: the holdings' total plus the lines outside equals the Daily Seg
statement's funds total (7180, 7770, 8720, as its summary names them).

Every difference is named with both sides: the tie, the holdings' amount and the rows they came from, the
Daily Seg's lines and their amount. The rules are compare/'s (rules.py): blank is 0; a line the other filing
does not show legibly is not compared (the tie says so); differences up to the tolerance are none. The other
report must be of the kind the mapping names, of the same date and the same firm (refused by name).
"""

from __future__ import annotations

from dataclasses import replace

from ..problems import InputProblems, Problem
from ..report.heldmodel import Reconciliation, Tied
from ..report.how import How
from .rules import same_firm


def _known(record, code: str) -> bool:
    """A line the other filing shows: a value, or a blank it was seen to hold."""
    return record.lines.get(code) is not None or record.how.get(code) == How.BLANK


def _refusals(filing, record, source: str) -> list[Problem]:
    spec = filing.report.reconciliation
    h = filing.header
    if record.report != spec.against:
        return [Problem("report-mismatch", source, f"is a {record.report} filing; the {filing.kind} reconciles to a "
                        f"{spec.against}", expected=f"the {spec.against} of {h.as_of} (an input, its JSON or its print)")]
    found = []
    if record.as_of != h.as_of.isoformat():
        found.append(Problem("reconcile-other-date", source, f"is as of {record.as_of}, the {filing.kind} as of "
                             f"{h.as_of}", expected=f"the {spec.against} of the same date, {h.as_of}"))
    if record.firm and not same_firm(record.firm, h.firm.name):
        found.append(Problem("reconcile-other-firm", source, f"is {record.firm!r}'s, the {filing.kind} "
                             f"{h.firm.name!r}'s", expected="the same firm's filing"))
    return found


def reconcile(filing, record, source: str, tolerance: int = 0) -> Reconciliation:
    """The reconciliation of a computed holdings filing with another filing's Record (compare.sources.load).
    Raises InputProblems when the other filing is of another kind, date or firm."""
    from ..form import formdef
    spec = filing.report.reconciliation
    if spec is None:
        raise InputProblems([Problem("bad-option", source, f"the {filing.kind} does not reconcile to another report",
                                     expected="a report whose form definition declares reconciliation:")])
    bad = _refusals(filing, record, source)
    if bad:
        raise InputProblems(bad)
    other = formdef.report(record.report, filing.header.as_of)
    held = filing.input.holdings
    ties, outside, totals = [], [], []
    for st in filing.report.statements:
        rows = [h for h in held.rows if h.origin == st.name and h.held]
        pairs, beside = spec.origins[st.name]
        for tie in pairs:
            taken = [h for h in rows if tie.holdings.takes(h)]
            other_sum = sum(record.lines.get(c) or 0 for c in tie.lines) \
                if all(_known(record, c) for c in tie.lines) else None
            ties.append(Tied(st.name, tie.label, sum(h.dollars for h in taken), tie.lines, other_sum,
                             tuple(h.where for h in taken)))
        out_sum = 0
        for code, reason in beside:
            value = record.lines.get(code)
            out_sum += value or 0
            outside.append({"origin": st.name, "line": code, "label": other.lines[code].label, "value": value,
                            "reason": reason})
        funds_line = other.statement_named(st.name).summary["funds"]
        mine = filing.values[st.summary["funds"]]
        theirs = record.lines.get(funds_line)
        known = _known(record, funds_line)
        totals.append({"origin": st.name, "holdings": mine, "outside": out_sum, "sum": (mine or 0) + out_sum,
                       "line": funds_line, "other": theirs if known else None,
                       "difference": (mine or 0) + out_sum - (theirs or 0) if known else None})
    return Reconciliation(source, record.report, record.as_of, spec.cite, spec.note, tuple(ties), tuple(outside),
                          tuple(totals), tolerance)


def with_reconciliation(filing, settings=None):
    """The filing with its reconciliation to the Daily Seg its input names (`daily_seg:`), if any."""
    path = filing.input.daily_seg
    if path is None or filing.report.reconciliation is None:
        return filing
    from ..settings import DEFAULT
    from .sources import load
    record = load(path, settings=settings or DEFAULT)
    return replace(filing, reconciliation=reconcile(filing, record, str(path)))
