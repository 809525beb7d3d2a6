"""Currency by currency: each line's amount in each currency with its rate and dollars, and each
statement's requirement, funds and excess computed per currency, as a firm does under Regulation
1.32(a), beside the dollar statement that is filed.

Lines given directly (YAML, a table, workbook cells) are in dollars; lines mapped from a trial balance
split by the currency of their accounts. A currency's statement is computed by the form's own formulas
from that currency's part of each input line, rounded once to whole units of the currency; targets and
defaults are firm-wide dollar figures and stay out of it.
"""

from __future__ import annotations

from decimal import Decimal

from .values import compute_values
from .model import Filing
from ..inputs.currencies import BASE, START, convert, dollars_of, summed
from ..money import exact, to_dollars


def line_currencies(filing: Filing) -> dict[str, list[dict]]:
    """line -> [{currency, amount, rate, dollars, accounts}] (exact decimals as text), for every input
    line that holds an amount; a line given directly is one USD entry."""
    fi = filing.input
    found: dict[str, list[dict]] = {}
    for code in filing.report.amount_codes:
        postings = fi.postings.get(code)
        if postings:
            # each currency's balances summed, then converted once (inputs/currencies.py: exactly the
            # sum of the accounts converted one by one, digits included)
            sums: dict[str, list] = {}
            with exact():
                for p in postings:
                    part = sums.get(p.currency)
                    if part is None:
                        part = sums[p.currency] = [START, p.rate, 0]
                    part[0] += p.balance.copy_negate() if p.flip else p.balance
                    part[2] += 1
            found[code] = [{"currency": c, "amount": str(summed(total)), "rate": str(rate),
                            "dollars": str(dollars_of(total, c, rate)), "accounts": n}
                           for c, (total, rate, n) in sorted(sums.items(), key=lambda kv: (kv[0] != BASE, kv[0]))]
        elif code in fi.exact:
            v = fi.exact[code]
            found[code] = [{"currency": BASE, "amount": str(v), "rate": "1", "dollars": str(v), "accounts": 0}]
    return found


def currencies(filing: Filing) -> list[str]:
    seen = {p.currency for ps in filing.input.postings.values() for p in ps}
    return sorted(seen | {BASE}, key=lambda c: (c != BASE, c))


def statements(filing: Filing) -> list[dict]:
    """Per statement with a requirement and funds: the filed dollar figures and, per currency, the
    requirement, funds and excess in the currency's units and the excess in dollars at the input's rate."""
    fi = filing.input
    rep = filing.report
    per: dict[str, dict[str, int]] = {c: {} for c in currencies(filing)}
    for code, parts in line_currencies(filing).items():
        for part in parts:
            per[part["currency"]][code] = to_dollars(Decimal(part["amount"]))    # whole units, half up
    values = {c: compute_values(rep.kind, amounts, {}, fi.header.retail_forex, rep.revision)
              for c, amounts in per.items()}
    out = []
    for st in rep.statements:
        summary = st.summary or {}
        if not ("requirement" in summary and "funds" in summary and "excess" in summary):
            continue
        codes = {k: str(summary[k]) for k in ("requirement", "funds", "excess")}
        rows = []
        for c, vals in values.items():
            if all(vals.get(code) is None for code in codes.values()):
                continue
            rate = fi.rates.rate(c) or Decimal(1)
            local = {k: vals.get(code) for k, code in codes.items()}
            rows.append({"currency": c, "rate": str(rate), **local,
                         "dollars": {k: None if v is None else to_dollars(convert(Decimal(v), rate))
                                     for k, v in local.items()}})
        out.append({"statement": st.short, "lines": codes,
                    "filed": {k: filing.values.get(code) for k, code in codes.items()}, "currencies": rows})
    return out


def document(filing: Filing) -> dict | None:
    """The JSON's `currencies` section, or None for an input all in dollars without fx rates."""
    fi = filing.input
    if not fi.rates.rates and currencies(filing) == [BASE]:
        return None
    return {"fx": fi.rates.describe(), "lines": line_currencies(filing), "statements": statements(filing)}
