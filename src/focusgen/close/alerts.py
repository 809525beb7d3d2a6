"""Regulatory alerts, computed on every build from the alerts declared in the form definition:
each names the line, the amount, the rule and the notice it calls for."""

from __future__ import annotations

from fractions import Fraction

from ..compute import Filing
from ..money import fmt_amount


def _value(filing: Filing, name: str, anc: int | None) -> int | None:
    if name == "adjusted_net_capital":
        return anc
    if name == "excess_adjusted_net_capital":
        d = filing.values.get("7490")
        return None if anc is None or d is None else anc - d
    return filing.values.get(name)


def alerts(filing: Filing, prior_excess_anc: int | None = None) -> tuple[list[dict], list[str]]:
    """(alerts that fire, ids of alerts that could not be checked and why)."""
    anc = filing.input.adjusted_net_capital
    fired, unchecked = [], []
    for a in filing.report.alerts:
        value = _value(filing, a["line"], anc)
        if value is None:
            if a["line"] in ("adjusted_net_capital", "excess_adjusted_net_capital"):
                unchecked.append(f"{a['id']}: the input gives no adjusted_net_capital")
            continue
        if "below" in a:
            threshold = a["below"] if isinstance(a["below"], int) else filing.values.get(a["below"])
            if threshold is None or value >= threshold:
                continue
            against = "0" if isinstance(a["below"], int) else f"line {a['below']} ({fmt_amount(threshold, 'parens')})"
            message = f"{a['line']} is {fmt_amount(value, 'parens')}, below {against}"
        else:
            if prior_excess_anc is None:
                unchecked.append(f"{a['id']}: no prior filing with adjusted_net_capital (--prior)")
                continue
            if prior_excess_anc <= 0:
                continue
            drop = Fraction(prior_excess_anc - value, prior_excess_anc) * 100
            if drop < a["drop"]:
                continue
            threshold = prior_excess_anc
            message = (f"excess adjusted net capital {fmt_amount(value, 'parens')} is {float(drop):.1f}% below "
                       f"the prior filing's {fmt_amount(prior_excess_anc, 'parens')}")
        fired.append({"id": a["id"], "line": a["line"], "amount": value, "threshold": threshold,
                      "rule": a["rule"], "notice": a["notice"], "message": message})
    return fired, unchecked
