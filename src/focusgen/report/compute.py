"""The computation of a filing: its lines (values.py), then everything it says beyond them (each
statement's summary, the alerts, the per-currency statements), once: renderers only format the Filing
(model.py)."""

from __future__ import annotations

from dataclasses import replace

from ..form import formdef
from ..form.formdef import Report
from ..inputs.models import FilingInput
from . import alerts, currency
from .model import Figure, Filing, Leg, Record, Summary
from .values import compute_values, plan  # noqa: F401  (compute.plan, compute.compute_values: as before)

def summaries(report: Report, values: dict, derived: dict) -> tuple:
    """Each statement's key figures by the roles its summary declares; the capital statement with the
    1.12(b) notice threshold and, where it is not line D, a BD-FCM's minimum."""
    found = []
    cap = report.capital
    for st in report.statements:
        if not st.summary:
            continue
        entry = {"statement": st.key, "name": st.short, "title": st.title}
        for role, code in st.summary.items():
            entry[role] = Figure(line=code, value=values[code])
        if cap and st.key == cap["statement"]:
            entry["early_warning_threshold"] = Figure(line="CFTC Regulation 1.12(b)",
                                                      value=derived["early_warning_threshold"])
            entry["early_warning_legs"] = [Leg(**leg) for leg in derived["early_warning_legs"]]
            if derived["minimum_net_capital"] != values.get(cap["requirement"]):
                entry["minimum_net_capital"] = Figure(
                    line=f"greater of {cap['requirement']} and SEC {cap['sec_minimum_line']}",
                    value=derived["minimum_net_capital"])
        found.append(Summary(**entry))
    return tuple(found)


def _check_targets(rep: Report, values: dict, filing_input: FilingInput) -> None:
    """A target given as a percentage of a negative requirement would be a negative target: refused by
    name (bad-target), never floored; the firm gives that target in dollars."""
    from ..problems import InputProblems, Problem
    found = []
    for code in filing_input.percents:
        of = rep.lines[code].target_of
        if values.get(of) is not None and values[of] < 0:
            source = filing_input.sources.get(code)
            found.append(Problem("bad-target", str(source.file) if source else "", f"line {code} is a percentage of "
                                 f"line {of}, which is negative ({values[of]:,}): the target would be negative",
                                 f"line {code}", "a target in dollars (0 or more) while the requirement is negative"))
    if found:
        raise InputProblems(found)


def published(rep: Report, values: dict, derived: dict, filing_input: FilingInput) -> dict | None:
    """The row the CFTC publishes about the firm each month ("Selected FCM Financial Data"), its headings
    and sources declared in the form definition (`published:`): for a report made as of each month-end."""
    spec = rep.published
    if not spec or rep.schedule is None or "month-end" not in rep.schedule.as_of:
        return None
    h = filing_input.header
    bd = alerts.is_bd_fcm(rep, filing_input)
    fixed = {"firm": h.firm.name, "registered_as": spec["registered_as"].get("bd-fcm" if bd else "fcm", ""),
             "dsro": h.dsro or "", "as_of": f"{h.as_of.month}/{h.as_of.day}/{h.as_of.year}",
             "retail_forex_obligation": filing_input.extras.get("retail_forex_obligation"), **derived}
    row = []
    for _, source in spec["columns"]:
        if source in fixed:
            row.append(fixed[source])
        else:
            name, _, role = source.partition(".")
            st = rep.statement_named(name)
            row.append(values.get(st.summary[role]) if st is not None and role in st.summary else None)
    return {"title": spec["title"], "columns": [c for c, _ in spec["columns"]], "row": row}


def compute(filing_input: FilingInput, prior: Record | None = None) -> Filing:
    """The filing: every line's value, the statements' summaries, the per-currency statements and the
    alerts (the capital-drop alert against `prior`, when given). Variance and amendment are compare/'s."""
    kind = filing_input.kind
    rep = filing_input.report or formdef.report(kind)
    values = compute_values(kind, filing_input.amounts, filing_input.percents,
                            filing_input.header.retail_forex, rep.revision)
    _check_targets(rep, values, filing_input)
    derived = alerts.thresholds(rep, values, filing_input)
    fired, unchecked = alerts.alerts(rep, values, filing_input, derived, alerts.prior_net_capital(rep, prior))
    filing = Filing(report=rep, input=filing_input, values=values, summary=summaries(rep, values, derived),
                    capital=derived, alerts=tuple(fired), unchecked=tuple(unchecked), prior=prior,
                    attest=tuple(alerts.attestations(rep, filing_input)),
                    published=published(rep, values, derived, filing_input))
    by_currency = currency.document(filing)
    return replace(filing, currencies=by_currency) if by_currency is not None else filing
