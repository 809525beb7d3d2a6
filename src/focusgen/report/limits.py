"""17 CFR 1.25 checked against a holdings report's holdings, origin by origin, with the limit table in force
on the as-of date (form/sidr.yaml `limits:`, by effective date).

For each origin (1.25 applies to 30.7 customer funds and cleared swaps customer collateral "as if" they
were 4d customer funds: 30.7(h)(1), 22.2(e)(1)):
- the denominator, "total assets held in segregation": the origin's held holdings the table's
  denominator selector takes (cash and investments; customer-owned securities excluded, 1.25(b)(3)(iv));
- every investment counts, held outright, bought under a resale agreement or sold under a repurchase
  agreement (combined with direct investments, 1.25(b)(3)(iii));
- an instrument the table does not permit on the as-of date is a breach (1.25(a)(1); the 2025 rule removed
  certificates of deposit, commercial paper, corporate notes and other money market funds, and added
  Treasury ETFs and five countries' sovereign debt);
- each rule of the table, by its kind (form/holdings.KINDS).

A percentage limit is breached when amount x 100 > percent x denominator, exactly (Fractions, no rounding);
the limit shown is the largest whole-dollar amount within it (floor). Each breach is an alert: a Finding of
severity alert with the rule and its citation, the amount and the limit, and the 1.12(i) notice (immediately,
to the CFTC and the DSRO, and the SEC for a broker-dealer; 1.12(n)) with a draft. The foreign sovereign debt
limit needs the balances owed to the origin's customers in each currency (the input's customer_balances):
without them it is listed as not checked, never passed.
"""

from __future__ import annotations

import math
from fractions import Fraction

from ..form.holdings import limits_for
from ..money import fmt_amount, fmt_percent
from ..problems import ALERT, NOTE, Finding
from . import alerts as notices
from .heldmodel import Limit, Limits


def _dollars(value: int | None) -> str:
    return "" if value is None else "$" + fmt_amount(value, "parens")


def _within(percent: Fraction, denominator: int) -> int:
    """The largest whole-dollar amount within `percent`% of the denominator."""
    return math.floor(percent * denominator / 100)


def _large(h, table) -> bool:
    return (h.fund_assets or 0) >= table.fund_assets and (h.manager_assets or 0) >= table.manager_assets


def _grouped(rows, attribute: str) -> dict[str, list]:
    found: dict[str, list] = {}
    for h in rows:
        found.setdefault(getattr(h, attribute), []).append(h)
    return dict(sorted(found.items()))


def _evaluate(rule, table, origin: str, investments: list, den: int, balances: dict) -> tuple[list[Limit], list[str]]:
    """(the limits of one rule for one origin, the subjects it could not check)."""
    found, unchecked = [], []
    pct = fmt_percent(rule.percent) if rule.percent is not None else None

    def limit(subject, rows, cap=None, breached=None):
        amount = sum(h.dollars for h in rows)
        cap = _within(rule.percent, den) if cap is None else cap
        breach = amount * 100 > rule.percent * den if breached is None else breached
        found.append(Limit(origin, rule.id, rule.kind, subject, rule.rule.format(subject=subject), rule.cite,
                           amount, cap, pct, breach))
    taken = [h for h in investments if h.instrument in rule.instruments]
    if rule.funds is not None:
        taken = [h for h in taken if _large(h, table) == (rule.funds == "large")]
    if rule.kind == "asset":
        limit("", taken)
    elif rule.kind in ("issuer", "family", "fund"):
        attribute = {"issuer": "issuer_group", "family": "fund_family", "fund": "issuer"}[rule.kind]
        for subject, rows in _grouped(taken, attribute).items():
            limit(subject, rows)
    elif rule.kind == "counterparty":
        for subject, rows in _grouped([h for h in investments if h.agreement == "reverse_repo"],
                                      "counterparty_group").items():
            limit(subject, rows)
    elif rule.kind == "affiliate_issuer":         # none at all: any amount is a breach
        for subject, rows in _grouped([h for h in taken if h.issuer_affiliate], "issuer_group").items():
            limit(subject, rows, 0, sum(h.dollars for h in rows) > 0)
    elif rule.kind == "affiliate_counterparty":
        for subject, rows in _grouped([h for h in investments if h.agreement != "none" and h.counterparty_affiliate],
                                      "counterparty").items():
            limit(subject, rows, 0, sum(h.dollars for h in rows) > 0)
    else:                                   # currency: up to the balances owed in it
        by_currency: dict[str, list] = {}
        for h in taken:
            by_currency.setdefault(rule.currency[h.instrument], []).append(h)
        for currency, rows in sorted(by_currency.items()):
            owed = balances.get(currency)
            if owed is None:
                unchecked.append(currency)
                continue
            amount = sum(h.dollars for h in rows)
            limit(currency, rows, owed, amount > owed)
    return found, unchecked


def _alert(rep, table, st, result: Limit, filing_input, bd: bool) -> Finding:
    h = filing_input.header
    notice = notices._notice(rep, {**table.notice, "content": []}, filing_input, bd, h.as_of)
    draft = table.notice["draft"].format(firm=h.firm.name, as_of=h.as_of.strftime("%m/%d/%Y"),
                                         origin=st.short.lower(), cite=result.cite, rule=result.text,
                                         amount=_dollars(result.amount), threshold=_dollars(result.limit))
    code = "not-permitted-investment" if result.rule == "not-permitted" else f"limit-{result.rule}"
    message = f"{st.short}: {_dollars(result.amount)}, limit {_dollars(result.limit)} ({result.cite})"
    return Finding(code, where=f"{st.name}" + (f": {result.subject}" if result.subject else ""), severity=ALERT,
                   cite=f"{result.cite}; {table.notice['cite']}", message=message,
                   facts={"amount": result.amount, "threshold": result.limit, "rule": result.text, **notice,
                          "draft": draft})


def check(rep, filing_input) -> tuple[Limits | None, list[Finding], list[Finding]]:
    """(the limits, the alerts that fire, what could not be checked) for a holdings report; (None, [], [])
    for any other."""
    held = filing_input.holdings
    if held is None or not rep.limits:
        return None, [], []
    as_of = filing_input.header.as_of
    table = limits_for(rep.limits, as_of)
    if table is None:
        return None, [], [Finding("limits-not-checked", message=f"no table of 17 CFR 1.25 limits covers {as_of}",
                                  severity=NOTE)]
    bd = notices.is_bd_fcm(rep, filing_input)
    results, fired, unchecked, denominators = [], [], [], {}
    vocab = rep.holdings
    for st in rep.statements:
        rows = [h for h in held.rows if h.origin == st.name]
        den = sum(h.dollars for h in rows if h.held and table.denominator.takes(h))
        denominators[st.name] = den
        investments = [h for h in rows if vocab.instruments[h.instrument].klass == "investment"]
        mine = []
        for instrument in sorted({h.instrument for h in investments} - table.permitted):
            label = vocab.instruments[instrument].label
            amount = sum(h.dollars for h in investments if h.instrument == instrument)
            mine.append(Limit(st.name, "not-permitted", "permitted", label, f"{label} is not a permitted investment "
                              f"on this date", table.permitted_cite, amount, 0, None, amount > 0))
        for rule in table.rules:
            found, missing = _evaluate(rule, table, st.name, investments, den, held.balances.get(st.name, {}))
            mine += found
            for currency in missing:
                unchecked.append(Finding(rule.id, message=f"{rule.id}: not checked for {st.name} in {currency}, the "
                                         f"input gives no customer_balances.{st.name}.{currency}", severity=NOTE,
                                         cite=rule.cite, facts={"needs": [f"customer_balances.{st.name}.{currency}"]}))
        results += mine
        fired += [_alert(rep, table, st, r, filing_input, bd) for r in mine if r.breached]
    return Limits(table.revision, table.cite, table.denominator_label, denominators, tuple(results)), fired, unchecked
