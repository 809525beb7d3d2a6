"""Variance against a prior period: every line that moved, in dollars and per cent, largest first,
flagged where the movement passes both thresholds (default 10% and $1,000,000: material in proportion
and in size). The comparison is rules.py's: blank and 0 are the same amount, and a line the prior does
not show legibly is not compared (it is no movement)."""

from __future__ import annotations

from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

from ..form import formdef
from ..report.model import Filing, Record, Variance
from . import rules


def moved(kind: str, current: dict, prior: Record, percent: Decimal = Decimal(10),
          dollars: int = 1_000_000) -> list[dict]:
    rep = formdef.report(kind)
    found = []
    for p in rules.compare(rep.amount_codes, current, prior):
        if p.status != rules.DIFFERS:
            continue
        change, before = p.difference, p.other
        pct = None
        if before:
            pct = (Decimal(change) * 100 / abs(Decimal(before))).quantize(Decimal("0.1"), ROUND_HALF_UP)
        flagged = abs(change) >= dollars and (pct is None or abs(pct) >= percent)
        found.append({"line": p.code, "label": rep.lines[p.code].label, "prior": before, "current": p.current,
                      "change": change, "percent": None if pct is None else str(pct), "flagged": flagged})
    found.sort(key=lambda m: (-abs(m["change"]), m["line"]))
    return found


def variance(current: Record, prior: Record, percent: Decimal = Decimal(10), dollars: int = 1_000_000) -> Variance:
    return Variance(prior_source=prior.source, prior_as_of=prior.as_of, percent=percent, dollars=dollars,
                    lines=tuple(moved(current.report, current.lines, prior, percent, dollars)))


def with_variance(filing: Filing, prior: Record | None) -> Filing:
    """The filing with its movements against `prior` (unchanged without one), at the input's thresholds."""
    if prior is None:
        return filing
    v = filing.header.variance
    return replace(filing, variance=Variance(
        prior_source=prior.source, prior_as_of=prior.as_of, percent=v.percent, dollars=v.dollars,
        lines=tuple(moved(filing.kind, filing.values, prior, v.percent, v.dollars))))
