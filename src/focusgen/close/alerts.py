"""Regulatory alerts (CFTC Regulation 1.12 and, for a BD-FCM, SEC Rule 17a-11), computed on every build
from the alerts declared in the form definition. Each fired alert names the rule and its citation,
the amount and the threshold, when notice is due and to whom, and a short draft of the notice. An
alert whose inputs are not given is listed as not checked, never silently passed.

The thresholds that are not lines of the form are derived here, each as its rule states it:
- minimum_net_capital: line 7490, or for a BD-FCM the greater of 7490 and the SEC minimum (line 3760
  of the SEC pages, the input's sec_minimum_net_capital);
- early_warning_threshold (1.12(b)): the greatest of 150% of the minimum dollar amount (line 7465;
  110% of the retail-forex $20,000,000), 110% of the risk-based requirement (7455) and 150% of the
  NFA requirement (7475; 110% for retail forex). Line 7495 is printed as the form's note sets it,
  from the line that governs line D only, and can be lower: both are shown;
- sec_early_warning (17a-11(b)): 120% of the minimum net capital of a BD-FCM.
"""

from __future__ import annotations

from fractions import Fraction

from ..compute import Filing
from ..money import fmt_amount, percent_of


def _dollars(value: int | None) -> str:
    return "" if value is None else "$" + fmt_amount(value, "parens")


def thresholds(filing: Filing) -> dict[str, int | None]:
    """The derived amounts the alerts compare, by the names cftc.yaml uses."""
    v, inp = filing.values, filing.input
    sec = inp.extras.get("sec_minimum_net_capital")
    d = v.get("7490")
    minimum = max((x for x in (d, sec) if x is not None), default=None)
    forex = filing.header.retail_forex
    parts = [percent_of(v[c], Fraction(rate)) for c, rate in (("7465", 110 if forex else 150), ("7455", 110),
                                                     ("7475", 110 if forex else 150)) if v.get(c) is not None]
    anc = inp.adjusted_net_capital
    return {
        "adjusted_net_capital": anc,
        "minimum_net_capital": minimum,
        "excess_adjusted_net_capital": None if anc is None or minimum is None else anc - minimum,
        "early_warning_threshold": max(parts) if parts and filing.report.kind == "focus-ii" else None,
        "sec_early_warning": percent_of(minimum, Fraction(120)) if sec is not None and minimum is not None else None,
    }


def is_bd_fcm(filing: Filing) -> bool:
    return (getattr(filing.header, "registrant", None) == "bd-fcm"
            or filing.input.extras.get("sec_minimum_net_capital") is not None)


def _missing(filing: Filing, need: str, prior_excess_anc) -> bool:
    if need == "prior":
        return prior_excess_anc is None
    if need == "adjusted_net_capital":
        return filing.input.adjusted_net_capital is None
    return filing.input.extras.get(need) is None


def alerts(filing: Filing, prior_excess_anc: int | None = None) -> tuple[list[dict], list[str]]:
    """(alerts that fire, alerts that could not be checked and why)."""
    derived = thresholds(filing)
    extras = filing.input.extras
    bd = is_bd_fcm(filing)
    fired, unchecked = [], []
    for a in filing.report.alerts:
        missing = [n for n in a.get("needs", ()) if _missing(filing, n, prior_excess_anc)]
        if missing:
            unchecked.append(f"{a['id']}: not checked, the input gives no {' or '.join(missing)}")
            continue
        value = derived[a["line"]] if a["line"] in derived else filing.values.get(a["line"])
        if value is None:
            continue
        if "below" in a:
            ref = a["below"]
            threshold = ref if isinstance(ref, int) else derived[ref] if ref in derived else \
                extras.get(ref) if ref.startswith("undermargined.") else filing.values.get(ref)
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
        draft = a["draft"].format(firm=filing.header.firm.name, as_of=filing.header.as_of.strftime("%m/%d/%Y"),
                                  amount=_dollars(amount), threshold=_dollars(threshold))
        fired.append({"id": a["id"], "line": a["line"], "amount": amount, "threshold": threshold,
                      "rule": a["rule"], "cite": a["cite"], "due": a["due"], "to": to,
                      "notice": f"notice {a['due']} to {', '.join(to)}", "draft": draft,
                      "message": f"{a['line']} is {_dollars(amount)}, threshold {_dollars(threshold)} ({a['cite']})"})
    return fired, unchecked
