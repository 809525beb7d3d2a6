"""Variance against a prior period: every line that moved, in dollars and per cent, largest
first, flagged where the movement passes both thresholds (default 10% and $1,000,000: material
in proportion and in size). Blank and 0 are the same amount."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from ..form import formdef


def variance(kind: str, current: dict, prior: dict, percent: Decimal = Decimal(10),
             dollars: int = 1_000_000) -> list[dict]:
    rep = formdef.report(kind)
    moved = []
    for code in rep.amount_codes:
        now, before = current.get(code), prior.get(code)
        change = (now or 0) - (before or 0)
        if change == 0:
            continue
        pct = None
        if before:
            pct = (Decimal(change) * 100 / abs(Decimal(before))).quantize(Decimal("0.1"), ROUND_HALF_UP)
        flagged = abs(change) >= dollars and (pct is None or abs(pct) >= percent)
        moved.append({"line": code, "label": rep.lines[code].label, "prior": before, "current": now,
                      "change": change, "percent": None if pct is None else str(pct), "flagged": flagged})
    moved.sort(key=lambda m: (-abs(m["change"]), m["line"]))
    return moved
