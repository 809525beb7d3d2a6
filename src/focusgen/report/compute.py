"""The computation of a filing: its lines (values.py), then everything it says beyond them (each
statement's summary, the alerts, the per-currency statements), once: renderers only format the Filing
(model.py)."""

from __future__ import annotations

from dataclasses import replace

from ..form import formdef
from ..form.formdef import Report
from ..inputs.models import FilingInput
from . import alerts, currency
from .model import Figure, Filing, Record, Summary
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
            if derived["minimum_net_capital"] != values.get(cap["requirement"]):
                entry["minimum_net_capital"] = Figure(
                    line=f"greater of {cap['requirement']} and SEC {cap['sec_minimum_line']}",
                    value=derived["minimum_net_capital"])
        found.append(Summary(**entry))
    return tuple(found)


def compute(filing_input: FilingInput, prior: Record | None = None) -> Filing:
    """The filing: every line's value, the statements' summaries, the per-currency statements and the
    alerts (the capital-drop alert against `prior`, when given). Variance and amendment are compare/'s."""
    kind = filing_input.kind
    rep = filing_input.report or formdef.report(kind)
    values = compute_values(kind, filing_input.amounts, filing_input.percents,
                            filing_input.header.retail_forex, rep.revision)
    derived = alerts.thresholds(rep, values, filing_input)
    fired, unchecked = alerts.alerts(rep, values, filing_input, derived, alerts.prior_excess(rep, prior))
    filing = Filing(report=rep, input=filing_input, values=values, summary=summaries(rep, values, derived),
                    capital=derived, alerts=tuple(fired), unchecked=tuple(unchecked), prior=prior)
    by_currency = currency.document(filing)
    return replace(filing, currencies=by_currency) if by_currency is not None else filing
