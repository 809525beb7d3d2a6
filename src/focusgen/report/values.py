"""Every line of a report from its input lines, in exact integer dollars.

Inputs arrive already rounded to whole dollars (money.to_dollars), so every total is an integer sum
and the printed form foots. Blank (None) is not zero: a blank input stays blank, and a computed
line is blank only when all its operands are blank (a dealer-options page with no activity prints
empty, not a column of zeros). Percentages are exact fractions rounded half up (money.percent_of).

The form definition is compiled once per report kind into a flat plan, so computing a filing's lines
is a single pass over its computed lines, each by its operator in the form's formula table.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Mapping

from ..form import formdef
from ..form.formdef import Report
from ..money import percent_of


@dataclass(frozen=True)
class Plan:
    blank: dict                 # every amount line -> None, copied per filing
    defaults: tuple             # (code, default, retail-forex default)
    steps: tuple                # (code, evaluate, formula) in dependency order; evaluate None: a target


@lru_cache(maxsize=None)
def plan(kind: str, revision: str | None = None) -> Plan:
    rep = formdef.of_revision(kind, revision)
    steps = []
    for code in rep.order:
        line = rep.lines[code]
        if line.target_of:
            steps.append((code, None, line.target_of))
        else:
            steps.append((code, line.formula.operator.evaluate, line.formula))
    defaults = tuple((c, ln.default, ln.default_retail_forex) for c, ln in rep.lines.items()
                     if ln.default is not None)
    return Plan(blank={c: None for c in rep.amount_codes}, defaults=defaults, steps=tuple(steps))


def compute_values(kind: str, amounts: Mapping[str, int], percents: Mapping[str, Fraction] | None = None,
                   retail_forex: bool = False, revision: str | None = None) -> dict[str, int | None]:
    """Every amount line of the report from its input lines (whole dollars) and percentage targets, each
    computed line by its operator in the form's formula table (form/formula.py)."""
    p = plan(kind, revision)
    values = p.blank.copy()
    values.update(amounts)
    for code, default, forex_default in p.defaults:
        if code not in amounts:
            values[code] = forex_default if (retail_forex and forex_default is not None) else default
    percents = percents or {}
    for code, evaluate, formula in p.steps:
        if evaluate is None:        # a management target given as a percentage of its requirement line
            rate = percents.get(code)
            if rate is not None:
                req = values[formula]
                values[code] = None if req is None else percent_of(req, rate)
        else:
            values[code] = evaluate(formula, values, retail_forex)
    return values
