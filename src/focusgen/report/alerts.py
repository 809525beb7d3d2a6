"""Regulatory alerts and the notices they call for (CFTC Regulations 1.12, 1.23, 22.17, 30.7 and, for a
BD-FCM, SEC Rule 17a-11), computed on every build from the alerts declared in the form definition. Each
fired alert is a Finding of severity alert that names the rule and its paragraph, the amount and the
threshold, when notice is due (a date and time from the business-day calendar, calendar.py), to whom and
how, what the notice must say (its rule's content and 1.12(n)(1)'s), and a draft. An alert whose inputs
are not given is listed as not checked, never silently passed. The events no line of the form shows
(books and records, margin calls, 1.25 investments, ...) are an attestation list (`attestations`).

The thresholds that are not lines of the form are derived here from the form definition's `capital`
block, each as its rule states it:
- minimum_net_capital: line D (the capital statement's requirement), or for a BD-FCM the greater of
  line D and its SEC minimum (the input the block names);
- early_warning_threshold (1.12(b)): the greatest of the block's legs, each kept with its paragraph and
  amount (`early_warning_legs`): a per cent of a line (the retail-forex rate for an FCM in retail forex;
  the margin-based rate when the input says NFA's requirement is margin-based and it is at least the
  risk-based one) or, for a broker-dealer, of its minimum net capital. The form's own early warning line
  is printed as the form's note sets it, from the line that governs line D only, and can be lower;
- sec_early_warning: the block's percentage of a BD-FCM's minimum net capital.

A FOCUS II filer is a broker-dealer (only broker-dealers file FOCUS II; the form definition names no
other registrant for it), and so is a Daily Seg filer registered as `bd-fcm` (the default form name).
"""

from __future__ import annotations

from fractions import Fraction

from ..money import fmt_amount, percent_of
from ..problems import ALERT, NOTE, Finding


def _dollars(value: int | None) -> str:
    return "" if value is None else "$" + fmt_amount(value, "parens")


def is_bd_fcm(report, input) -> bool:
    """A broker-dealer registered as an FCM: every FOCUS II filer (the form's only registrant is bd-fcm),
    a Daily Seg filed as `bd-fcm` (the default), or any firm that gives its SEC minimum."""
    sec_input = report.capital.get("sec_minimum_input", "sec_minimum_net_capital")
    return (set(report.form_names) == {"bd-fcm"} or input.header.registered_as == "bd-fcm"
            or input.extras.get(sec_input) is not None)


def _legs(report, values: dict, input, minimum: int | None, bd: bool) -> list[dict]:
    """The 1.12(b) legs, each with its paragraph, what it is a per cent of, the rate used and its amount."""
    forex = input.header.retail_forex
    sec_given = input.extras.get(report.capital["sec_minimum_input"]) is not None
    found = []
    for leg in report.capital["early_warning"]:
        if leg["broker_dealer"] and not bd:
            continue
        note = ""
        if leg["line"] is not None:
            base, of = values.get(leg["line"]), f"line {leg['line']}"
        else:
            base, of = minimum, "minimum net capital"
            if not sec_given:
                note = (f"no {report.capital['sec_minimum_input']} given: computed on line "
                        f"{report.capital['requirement']} alone, a lower bound of the SEC amount")
        rate = leg["rate"]
        if forex and leg["retail_forex_rate"] is not None:
            rate = leg["retail_forex_rate"]
        elif leg["margin_based"] and getattr(input.header, leg["margin_based"], False):
            floor = values.get(leg["at_least"])
            if base is not None and (floor is None or base >= floor):
                rate = leg["margin_based_rate"]
            else:
                note = (f"margin-based, but below line {leg['at_least']} ({_dollars(floor)}): "
                        f"{fmt_amount(int(leg['rate']))}% applies")
        found.append({"cite": leg["cite"], "label": leg["label"], "of": of, "base": base,
                      "rate": str(rate.numerator) if rate.denominator == 1 else str(float(rate)),
                      "amount": None if base is None else percent_of(base, rate), "note": note})
    return found


def thresholds(report, values: dict, input) -> dict:
    """The derived amounts the alerts compare, by the names cftc.yaml uses, and the 1.12(b) legs."""
    cap = report.capital
    anc = input.adjusted_net_capital
    base = {"adjusted_net_capital": anc, "net_capital": input.extras.get("net_capital")}
    if not cap:
        return {**base, "minimum_net_capital": None, "excess_adjusted_net_capital": None,
                "early_warning_threshold": None, "sec_early_warning": None, "early_warning_legs": []}
    bd = is_bd_fcm(report, input)
    sec = input.extras.get(cap["sec_minimum_input"])
    d = values.get(cap["requirement"])
    minimum = max((x for x in (d, sec if bd else None) if x is not None), default=None)
    legs = _legs(report, values, input, minimum, bd)
    amounts = [leg["amount"] for leg in legs if leg["amount"] is not None]
    return {
        **base,
        "minimum_net_capital": minimum,
        "excess_adjusted_net_capital": None if anc is None or minimum is None else anc - minimum,
        "early_warning_threshold": max(amounts) if amounts else None,
        "sec_early_warning": percent_of(minimum, cap["sec_early_warning"]) if bd and sec is not None and minimum is not None else None,
        "early_warning_legs": legs,
    }


def prior_net_capital(report, prior) -> int | None:
    """A prior period's net capital, as its JSON or input states it."""
    return None if prior is None else getattr(prior, "net_capital", None)


def _missing(input, need: str, prior_amount) -> bool:
    if need == "prior":
        return prior_amount is None
    if need == "adjusted_net_capital":
        return input.adjusted_net_capital is None
    return input.extras.get(need) is None


def _sec_cite(report, kind: str, as_of) -> tuple[str, str]:
    """The SEC Rule 17a-11 paragraph for a below-minimum or early-warning notice as of `as_of`, and the
    warning that goes with it where its letters are not confirmed."""
    for start, end, cites, unconfirmed in report.notices.get("sec_cites", ()):
        if (start is None or as_of >= start) and (end is None or as_of <= end):
            return cites.get(kind, "SEC Rule 17a-11"), unconfirmed
    return "SEC Rule 17a-11", ""


def _notice(report, a: dict, input, bd: bool, event) -> dict:
    """To whom, how, what it must say and by when: the notice an alert (or a denied attestation) calls for."""
    from ..calendar import calendar
    header, notices = input.header, report.notices
    codes = list(a["to"]) + [r for r in a.get("bd_to", ()) if bd and r not in a["to"]]
    names = notices.get("to", {})
    cal = report.schedule.calendar if report.schedule is not None else calendar()
    due = a["due"].due(event, cal)
    content = list(a.get("content", ()))
    if a.get("family") and a["family"] in notices.get("content", {}):
        content.append(notices["content"][a["family"]])
    via = [notices.get("via", {}).get("cftc", "")] if {"CFTC", "DSRO"} & set(codes) else []
    if {"SEC", "FINRA"} & set(codes):
        via.append(notices.get("via", {}).get("sec", ""))
    late = bool(header.submit_date and due.missed_by(header.submit_date))
    return {"to": codes, "recipients": [names.get(c, c) for c in codes], "via": [v for v in via if v],
            "content": content, "deadline": due.as_dict(), "due": due.rule,
            "notice": f"notice {due}" + (f" to {', '.join(codes)}" if codes else "")
            + (" - already past on the submit date: give it now" if late else ""), "late": late}


def alerts(report, values: dict, input, derived: dict, prior_amount: int | None = None
           ) -> tuple[list[Finding], list[Finding]]:
    """Long: one loop over the form's alerts, each kind a few lines. (alerts that fire, alerts that could
    not be checked and why), each a Finding."""
    extras = input.extras
    bd = is_bd_fcm(report, input)
    header = input.header
    fired, unchecked = [], []
    for a in report.alerts:
        missing = [n for n in a.get("needs", ()) if _missing(input, n, prior_amount)]
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
            if prior_amount <= 0:
                continue
            if Fraction(prior_amount - value, prior_amount) * 100 < a["drop"]:
                continue
            amount, threshold = value, prior_amount
        elif "planned" in a:
            planned = extras["planned_withdrawals"]
            if value <= 0 or Fraction(planned * 100, value) < a["planned"]:
                continue
            amount, threshold = planned, value
        elif "withdrawn_over" in a:     # more than N% of the statement's residual interest
            withdrawn = extras[f"withdrawals.{a['line']}"]
            if value <= 0 or withdrawn * 100 <= a["withdrawn_over"] * value:
                continue
            amount, threshold = withdrawn, value
        else:                           # withdrawn_beyond: more than the residual interest itself
            withdrawn = extras[f"withdrawals.{a['line']}"]
            if withdrawn <= 0 or withdrawn <= value:
                continue
            amount, threshold = withdrawn, value
        fired.append(_fired(report, a, input, bd, amount, threshold))
    for a in report.attest:
        if header.attest.get(a["id"]) is False:
            fired.append(_fired(report, {**a, "line": "", "rule": a["event"], "draft": "{firm} gives notice that "
                                         "as of {as_of}: " + a["event"].lower() + "."}, input, bd, None, None,
                                code=f"event-{a['id']}"))
    return fired, unchecked


def _fired(report, a: dict, input, bd: bool, amount, threshold, code: str | None = None) -> Finding:
    header = input.header
    event = getattr(header, a["event"], None) if isinstance(a.get("event"), str) and a.get("line") else header.as_of
    cite = a["cite"]
    unconfirmed = ""
    if a.get("sec") and bd:
        sec, unconfirmed = _sec_cite(report, a["sec"], header.as_of)
        cite = sec if cite.startswith("SEC") else f"{cite}; {sec}"
    notice = _notice(report, a, input, bd, event)
    draft = a["draft"].format(firm=header.firm.name, as_of=header.as_of.strftime("%m/%d/%Y"),
                              amount=_dollars(amount), threshold=_dollars(threshold))
    message = (f"{a['line']} is {_dollars(amount)}, threshold {_dollars(threshold)} ({cite})" if a.get("line")
               else f"attested as not so: {a['statement']} ({cite})")
    facts = {"amount": amount, "threshold": threshold, "rule": a["rule"], **notice, "draft": draft}
    if unconfirmed:
        facts["unconfirmed"] = unconfirmed
    return Finding(code or a["id"], where=a.get("line", ""), severity=ALERT, cite=cite, message=message, facts=facts)


def attestations(report, input) -> list[dict]:
    """Each event of 1.12 that no line shows, as the input attests it: confirmed (true), denied (false: the
    event occurred and its notice is an alert) or not confirmed (None)."""
    return [{"id": a["id"], "cite": a["cite"], "statement": a["statement"],
             "confirmed": input.header.attest.get(a["id"]), "due": a["due"].words}
            for a in report.attest]
