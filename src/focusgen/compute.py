"""The computation: input lines to every line of the report, in exact integer dollars.

Inputs arrive already rounded to whole dollars (money.to_dollars), so every total is an integer sum
and the printed form foots. Blank (None) is not zero: a blank input stays blank, and a computed
line is blank only when all its operands are blank (a dealer-options page with no activity prints
empty, not a column of zeros). Percentages are exact fractions rounded half up (money.percent_of).

The form definition is compiled once per report kind into a flat plan, so computing a filing is a
single pass over its computed lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Mapping

from .form import formdef
from .form.formdef import Report
from .inputs.models import FilingInput
from .money import percent_of

_SUM, _SUB, _MAX, _PCT, _EWL, _TARGET = range(6)


@dataclass(frozen=True)
class Plan:
    blank: dict                 # every amount line -> None, copied per filing
    defaults: tuple             # (code, default, retail-forex default)
    steps: tuple                # (code, op, args, extra) in dependency order


def _revision(kind: str, revision: str | None) -> Report:
    for rev in formdef.revisions():
        if revision is None or rev[kind].revision == revision:
            return rev[kind]
    raise KeyError(revision)


@lru_cache(maxsize=None)
def plan(kind: str, revision: str | None = None) -> Plan:
    rep = _revision(kind, revision)
    steps = []
    for code in rep.order:
        line = rep.lines[code]
        if line.target_of:
            steps.append((code, _TARGET, (line.target_of,), None))
            continue
        f = line.formula
        if f.op == "sum":
            steps.append((code, _SUM, f.args, None))
        elif f.op == "sub":
            steps.append((code, _SUB, f.args, None))
        elif f.op == "max":
            steps.append((code, _MAX, f.args, None))
        elif f.op == "pct":
            steps.append((code, _PCT, f.args, f.rate))
        else:
            steps.append((code, _EWL, f.args, f.cases))
    defaults = tuple((c, ln.default, ln.default_retail_forex) for c, ln in rep.lines.items()
                     if ln.default is not None)
    return Plan(blank={c: None for c in rep.amount_codes}, defaults=defaults, steps=tuple(steps))


def compute_values(kind: str, amounts: Mapping[str, int], percents: Mapping[str, Fraction] | None = None,
                   retail_forex: bool = False, revision: str | None = None) -> dict[str, int | None]:
    """Every amount line of the report from its input lines (whole dollars) and percentage targets."""
    p = plan(kind, revision)
    values = p.blank.copy()
    values.update(amounts)
    for code, default, forex_default in p.defaults:
        if code not in amounts:
            values[code] = forex_default if (retail_forex and forex_default is not None) else default
    percents = percents or {}
    for code, op, args, extra in p.steps:
        if op == _SUM:
            total = None
            for a in args:
                v = values[a]
                if v is not None:
                    total = v if total is None else total + v
            values[code] = total
        elif op == _SUB:
            a, b = values[args[0]], values[args[1]]
            values[code] = None if a is None and b is None else (a or 0) - (b or 0)
        elif op == _MAX:
            present = [values[a] for a in args if values[a] is not None]
            values[code] = max(present) if present else None
        elif op == _PCT:
            v = values[args[0]]
            values[code] = None if v is None else percent_of(v, extra)
        elif op == _TARGET:
            rate = percents.get(code)
            if rate is not None:
                req = values[args[0]]
                values[code] = None if req is None else percent_of(req, rate)
        else:
            values[code] = early_warning(values, args[0], extra, retail_forex)
    return values


def early_warning(values: Mapping[str, int | None], governs: str, cases, retail_forex: bool) -> int | None:
    """The form's note: the rate follows the line that governs line D. Where two lines tie for
    line D, the higher early warning level is taken (the conservative reading)."""
    d = values[governs]
    if d is None:
        return None
    levels = [percent_of(d, forex_rate if retail_forex else rate)
              for line, rate, forex_rate in cases if values[line] == d]
    return max(levels) if levels else None


@dataclass(frozen=True)
class Filing:
    """One computed filing: what every renderer reads."""
    report: Report
    input: FilingInput
    values: dict[str, int | None]

    @property
    def header(self):
        return self.input.header

    @property
    def form_name(self) -> str:
        """The form's name as this registrant files it (Daily Seg 1-FR for an FCM only)."""
        return self.report.form_names.get(self.input.header.registrant or "bd-fcm", self.report.form_name)

    @property
    def names(self) -> dict[str, str | None]:
        given = {str(k): v for k, v in self.input.header.names.items()}
        return {code: given.get(code) or None for code in self.report.text_codes}

    def target(self, code: str) -> dict:
        """How a management target was given, as the Daily Seg cover's four forms: a. dollars
        {"form": "a", "dollars": n}, b. {"form": "b", "percent": "5", "of": "7060"}, c. a dollar range
        {"form": "c", "range": [low, high]}, d. {"form": "d", "percent_range": ["5", "8"], "of": "7060"};
        "dollars" is always the target line's amount (the lower bound of a range). {} when not given."""
        how = dict(self.input.targets.get(code) or {})
        if not how:
            return {}
        if how["form"] in ("b", "d"):
            how["of"] = self.report.lines[code].target_of
        how["dollars"] = self.values[code]
        return how


def compute(filing_input: FilingInput) -> Filing:
    kind = filing_input.kind
    rep = filing_input.report or formdef.report(kind)
    values = compute_values(kind, filing_input.amounts, filing_input.percents,
                            filing_input.header.retail_forex, rep.revision)
    return Filing(report=rep, input=filing_input, values=values)
