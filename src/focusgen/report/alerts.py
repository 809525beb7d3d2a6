"""Regulatory alerts (CFTC Regulation 1.12 and, for a BD-FCM, SEC Rule 17a-11), computed on every build
from the alerts declared in the form definition. Each fired alert is a Finding of severity alert that
names the rule and its citation, the amount and the threshold, when notice is due and to whom, and a
short draft of the notice. An alert whose inputs are not given is listed as not checked, never
silently passed.

The thresholds that are not lines of the form are derived here from the form definition's `capital`
block, each as its rule states it:
- minimum_net_capital: line D (the capital statement's requirement), or for a BD-FCM the greater of
  line D and its SEC minimum (the input the block names);
- early_warning_threshold (1.12(b)): the greatest of the block's legs (a percentage of a line each,
  the retail-forex rate for an FCM in retail forex). The form's own early warning line is printed
  as the form's note sets it, from the line that governs line D only, and can be lower: both are shown;
- sec_early_warning: the block's percentage of a BD-FCM's minimum net capital.
"""

from __future__ import annotations

from fractions import Fraction

from ..money import fmt_amount, percent_of
from ..problems import ALERT, NOTE, Finding


def _dollars(value: int | None) -> str:
    return "" if value is None else "$" + fmt_amount(value, "parens")


def thresholds(report, values: dict, input) -> dict[str, int | None]:
    """The derived amounts the alerts compare, by the names cftc.yaml uses."""
    cap = report.capital
    anc = input.adjusted_net_capital
    if not cap:
        return {"adjusted_net_capital": anc, "minimum_net_capital": None, "excess_adjusted_net_capital": None,
                "early_warning_threshold": None, "sec_early_warning": None}
    sec = input.extras.get(cap["sec_minimum_input"])
    d = values.get(cap["requirement"])
    minimum = max((x for x in (d, sec) if x is not None), default=None)
    forex = input.header.retail_forex
    legs = [percent_of(values[line], forex_rate if forex else rate) for line, rate, forex_rate in cap["early_warning"]
            if values.get(line) is not None]
    return {
        "adjusted_net_capital": anc,
        "minimum_net_capital": minimum,
        "excess_adjusted_net_capital": None if anc is None or minimum is None else anc - minimum,
        "early_warning_threshold": max(legs) if legs else None,
        "sec_early_warning": percent_of(minimum, cap["sec_early_warning"]) if sec is not None and minimum is not None else None,
    }


def prior_excess(report, prior) -> int | None:
    """A prior period's excess adjusted net capital (its adjusted net capital less its line D), when it
    states both."""
    if prior is None or not report.capital:
        return None
    d = prior.lines.get(report.capital["requirement"])
    return None if prior.adjusted_net_capital is None or d is None else prior.adjusted_net_capital - d


def is_bd_fcm(report, input) -> bool:
    sec_input = report.capital.get("sec_minimum_input", "sec_minimum_net_capital")
    return (getattr(input.header, "registrant", None) == "bd-fcm" or input.extras.get(sec_input) is not None)


def _missing(input, need: str, prior_excess_anc) -> bool:
    if need == "prior":
        return prior_excess_anc is None
    if need == "adjusted_net_capital":
        return input.adjusted_net_capital is None
    return input.extras.get(need) is None


def alerts(report, values: dict, input, derived: dict, prior_excess_anc: int | None = None
           ) -> tuple[list[Finding], list[Finding]]:
    """(alerts that fire, alerts that could not be checked and why), each a Finding."""
    extras = input.extras
    bd = is_bd_fcm(report, input)
    header = input.header
    fired, unchecked = [], []
    for a in report.alerts:
        missing = [n for n in a.get("needs", ()) if _missing(input, n, prior_excess_anc)]
        if missing:
            unchecked.append(Finding(a["id"], message=f"{a['id']}: not checked, the input gives no "
                                     f"{' or '.join(missing)}", severity=NOTE, cite=a["cite"],
                                     facts={"needs": missing}))
            continue
        value = derived[a["line"]] if a["line"] in derived else values.get(a["line"])
        if value is None:
            continue
        if "below" in a:
            ref = a["below"]
            threshold = ref if isinstance(ref, int) else derived[ref] if ref in derived else \
                extras.get(ref) if ref.startswith("undermargined.") else values.get(ref)
            if threshold is None or value >= threshold:
                continue
            amount = value
        elif "drop" in a:
            if prior_excess_anc <= 0:
                continue
            drop = Fraction(prior_excess_anc - value, prior_excess_anc) * 100
            if drop < a["drop"]:
                continue
            amount, threshold = value, prior_excess_anc
        elif "planned" in a:
            planned = extras["planned_withdrawals"]
            if value <= 0 or Fraction(planned * 100, value) < a["planned"]:
                continue
            amount, threshold = planned, value
        else:                   # withdrawn_over: more than N% of the statement's residual interest
            withdrawn = extras[f"withdrawals.{a['line']}"]
            if value <= 0 or withdrawn * 100 <= a["withdrawn_over"] * value:
                continue
            amount, threshold = withdrawn, value
        to = list(a["to"]) + [r for r in a.get("bd_to", ()) if bd and r not in a["to"]]
        draft = a["draft"].format(firm=header.firm.name, as_of=header.as_of.strftime("%m/%d/%Y"),
                                  amount=_dollars(amount), threshold=_dollars(threshold))
        fired.append(Finding(a["id"], where=a["line"], severity=ALERT, cite=a["cite"],
                             message=f"{a['line']} is {_dollars(amount)}, threshold {_dollars(threshold)} ({a['cite']})",
                             facts={"amount": amount, "threshold": threshold, "rule": a["rule"], "due": a["due"],
                                    "to": to, "notice": f"notice {a['due']} to {', '.join(to)}", "draft": draft}))
    return fired, unchecked
