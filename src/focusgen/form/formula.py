"""The formula language of the form definition: one table, one class per operator.

Each operator says, once, everything focusgen does with a formula of its kind:
- `parse`      the formula from its YAML (checked: a malformed formula fails at load);
- `evaluate`   its value from its operands' values (blank is not zero: see each operator);
- `describe`   how a reader says it ("7180 - 7060", "8% of 7415, half up"), and `note` what an
               explanation adds for a filing (the retail-forex rates);
- `parts`      its operands with the sign each takes, for an explanation tree;
- `equations`  the linear equations it states (total = sum of coef x part), which extraction solves
               for a single unknown and checks when every term is known;
- `relation`   its edit check: the lines it takes and whether given values satisfy it;
- `backwards`  what a known value of it says of its operands (the early warning level names the line
               that governs line D), which extraction uses to fill an operand that shows nothing;
- `attained`   for an operator that picks one of its operands (the greatest of), the operands whose
               value the total takes, which extraction's confirmation of OCR text reads.

Blank and unknown: `evaluate` takes None for a blank operand (a line given no value) and says what the
operator makes of it (blank is not zero). A caller whose operands may be unknown, rather than blank
(extraction: a cell that could not be read), must not hand an unknown operand to `evaluate` as None:
the value of a formula with an unknown operand is unknown (extract/repair.py: evaluate).

The computation (report/compute.py), the explanation (report/explain.py), the definition's own
description (formdef.Formula.describe) and extraction's arithmetic (extract/repair.py) read this
table and nothing else. To add an operator: a class here with those methods and a line in OPS,
then use it in form/cftc.yaml; nothing else changes.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Callable, Mapping

from ..money import fmt_percent, percent_of

Values = Mapping[str, "int | None"]


class FormulaError(ValueError):
    """A formula of the definition that is not of its operator's form (a bug in focusgen's data)."""


def _rate(value, where: str) -> Fraction:
    try:
        return Fraction(Decimal(str(value)))
    except Exception:
        raise FormulaError(f"{where}: {value!r} is not a rate in per cent") from None


class Op:
    name = ""

    def parse(self, spec, where: str):
        """(args, rate, cases) from the YAML value of the operator's key."""
        raise NotImplementedError

    def evaluate(self, f, values: Values, retail_forex: bool = False) -> int | None:
        raise NotImplementedError

    def describe(self, f) -> str:
        raise NotImplementedError

    def parts(self, f) -> list[tuple[int, str]]:
        """(sign, operand) as an explanation shows them."""
        return [(1, a) for a in f.args]

    def note(self, f, retail_forex: bool = False) -> str:
        """What an explanation adds to the description for this filing (the rates it applies)."""
        return ""

    def equations(self, f, total: str) -> list[tuple[str, list[tuple[int, str]]]]:
        """total = sum(coef * part): the linear equations the formula states (none if it is not linear)."""
        return []

    def backwards(self, f, total: str, values: Values, retail_forex: bool = False) -> list[tuple[str, int, str]]:
        """What the known values (`values` of the total and the operands, None where not known) say of
        an operand, read backwards: (operand, the value it must have, why) for each it settles."""
        return []

    def attained(self, f, total: str, values: Values) -> list[str] | None:
        """For an operator whose value is one of its operands' (the greatest of): with `values` of the
        total and the operands (None for blank: it takes no part), the operands equal to the total when
        the formula holds with them, [] when it does not; None for every other operator, or when a
        value is missing."""
        return None

    def relation(self, f, total: str, early_warning: bool = False
                 ) -> tuple[tuple[str, ...], Callable[[Values], bool]] | None:
        """(the lines the check takes, holds(values) for those lines all known)."""
        eqs = self.equations(f, total)
        if not eqs:
            return None
        (t, parts), = eqs
        return (t, *(p for _, p in parts)), lambda v, t=t, ps=tuple(parts): v[t] == sum(k * v[p] for k, p in ps)


class Sum(Op):
    """sum: [codes] -- blank only when every operand is blank."""
    name = "sum"

    def parse(self, spec, where):
        if not isinstance(spec, list) or len(spec) < 2:
            raise FormulaError(f"{where}: sum needs a list of at least two line codes")
        return tuple(str(c) for c in spec), None, ()

    def evaluate(self, f, values, retail_forex=False):
        total = None
        for a in f.args:
            v = values[a]
            if v is not None:
                total = v if total is None else total + v
        return total

    def describe(self, f):
        return " + ".join(f.args)

    def equations(self, f, total):
        return [(total, [(1, a) for a in f.args])]


class Sub(Op):
    """sub: [a, b] (a - b) -- blank only when both are blank; one blank side counts as 0."""
    name = "sub"

    def parse(self, spec, where):
        if not isinstance(spec, list) or len(spec) != 2:
            raise FormulaError(f"{where}: sub needs exactly two line codes [a, b] (a - b)")
        return (str(spec[0]), str(spec[1])), None, ()

    def evaluate(self, f, values, retail_forex=False):
        a, b = values[f.args[0]], values[f.args[1]]
        return None if a is None and b is None else (a or 0) - (b or 0)

    def describe(self, f):
        return f"{f.args[0]} - {f.args[1]}"

    def parts(self, f):
        return [(1, f.args[0]), (-1, f.args[1])]

    def equations(self, f, total):
        return [(total, [(1, f.args[0]), (-1, f.args[1])])]


class Max(Op):
    """max: [codes] -- the greatest of the operands given; a blank operand takes no part."""
    name = "max"

    def parse(self, spec, where):
        if not isinstance(spec, list) or len(spec) < 2:
            raise FormulaError(f"{where}: max needs a list of at least two line codes")
        return tuple(str(c) for c in spec), None, ()

    def evaluate(self, f, values, retail_forex=False):
        present = [values[a] for a in f.args if values[a] is not None]
        return max(present) if present else None

    def describe(self, f):
        return "greatest of " + ", ".join(f.args)

    def attained(self, f, total, values):
        given = [a for a in f.args if values[a] is not None]
        if values[total] is None or not given or self.evaluate(f, values) != values[total]:
            return None if values[total] is None or not given else []
        return [a for a in given if values[a] == values[total]]

    def relation(self, f, total, early_warning=False):
        return (total, *f.args), lambda v, c=total, args=f.args: v[c] == max(v[a] for a in args)


class Pct(Op):
    """pct: {of: code, rate: per cent} -- rate% of the line, half up to whole dollars; blank when it is."""
    name = "pct"

    def parse(self, spec, where):
        if not isinstance(spec, dict) or set(spec) != {"of", "rate"}:
            raise FormulaError(f"{where}: pct needs {{of: code, rate: per cent}}")
        return (str(spec["of"]),), _rate(spec["rate"], where), ()

    def evaluate(self, f, values, retail_forex=False):
        v = values[f.args[0]]
        return None if v is None else percent_of(v, f.rate)

    def describe(self, f):
        return f"{_pct(f.rate)}% of {f.args[0]}, half up"

    def relation(self, f, total, early_warning=False):
        return (total, f.args[0]), lambda v, c=total, a=f.args[0], r=f.rate: v[c] == percent_of(v[a], r)


class EarlyWarning(Op):
    """early_warning: {governs: code, cases: [{line, rate, retail_forex_rate}]} -- the CFTC early warning
    level as the form's note sets it: the rate of the case whose line governs line D (`governs`); where
    two lines tie for line D, the higher level (the conservative reading)."""
    name = "early_warning"

    def parse(self, spec, where):
        if not isinstance(spec, dict) or set(spec) != {"governs", "cases"} or not spec["cases"]:
            raise FormulaError(f"{where}: early_warning needs {{governs: code, cases: [...]}}")
        cases = []
        for case in spec["cases"]:
            if not isinstance(case, dict) or set(case) != {"line", "rate", "retail_forex_rate"}:
                raise FormulaError(f"{where}: each early_warning case needs line, rate, retail_forex_rate")
            cases.append((str(case["line"]), _rate(case["rate"], where), _rate(case["retail_forex_rate"], where)))
        governs = str(spec["governs"])
        return (governs, *[c[0] for c in cases]), None, tuple(cases)

    def evaluate(self, f, values, retail_forex=False):
        d = values[f.args[0]]
        if d is None:
            return None
        levels = [percent_of(d, forex_rate if retail_forex else rate)
                  for line, rate, forex_rate in f.cases if values[line] == d]
        return max(levels) if levels else None

    def describe(self, f):
        cases = "; ".join(f"{_pct(r)}% of {c} when {c} governs {f.args[0]}" for c, r, _ in f.cases)
        return f"early warning level: {cases}"

    def note(self, f, retail_forex=False):
        return "; retail forex rates" if retail_forex else ""

    def backwards(self, f, total, values, retail_forex=False):
        """The level = rate x line D names the case whose line governs line D (only one case's rate
        gives it), and that line then equals line D."""
        d, level = values.get(f.args[0]), values.get(total)
        if d is None or level is None:
            return []
        matches = [(line, forex if retail_forex else rate) for line, rate, forex in f.cases
                   if percent_of(d, forex if retail_forex else rate) == level]
        if len(matches) != 1:
            return []
        (line, rate), = matches
        return [(line, d, f"line {total}, which is {_pct(rate)}% of line {f.args[0]}: the form's note gives that "
                          f"rate only when line {line} governs line {f.args[0]}")]

    def relation(self, f, total, early_warning=False):
        """One of its rates times line D (it confirms a placement, but cannot tell which value is wrong:
        only when asked for)."""
        if not early_warning:
            return None
        rates = {r for _, r, _ in f.cases} | {fr for _, _, fr in f.cases}
        return (total, f.args[0]), lambda v, c=total, d=f.args[0]: v[c] in {percent_of(v[d], r) for r in rates}


def _pct(rate: Fraction | None) -> str:
    return fmt_percent(rate) if rate is not None else "?"


OPS: dict[str, Op] = {op.name: op for op in (Sum(), Sub(), Max(), Pct(), EarlyWarning())}
