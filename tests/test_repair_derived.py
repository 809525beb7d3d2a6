"""Extraction's one-way relations (a greatest-of, a percentage) and the early warning level read
backwards, by the formula table's own evaluation (form/formula.py), with extraction's semantics of
blank and unknown cells (extract/repair.py: evaluate):

- a blank operand (its cell found holding nothing) is what the form's evaluation makes of it: no part
  in a greatest-of, and a percentage of a blank line is blank (nothing filled, nothing checked);
- an unknown operand (missing, unreadable, unconfirmed) makes the value unknown: never taken as 0,
  never left out of a greatest-of; nothing is filled from it and nothing is checked with it.

The expected values are worked out here by hand (a greatest-of of the known operands; rate% half up
with Fractions), never with the code under test.
"""

from __future__ import annotations

import math
from fractions import Fraction

from hypothesis import example, given, strategies as st

from focusgen.extract import repair
from focusgen.extract.how import Found, How
from focusgen.form import formdef

REPORT = formdef.report("focus-ii")


def _lines(op: str) -> list[str]:
    return [c for c in REPORT.order if REPORT.lines[c].formula is not None and REPORT.lines[c].formula.op == op]


MAX_LINES, PCT_LINES, EW_LINES = _lines("max"), _lines("pct"), _lines("early_warning")


def _state(cells: dict[str, tuple]) -> repair.State:
    """Every amount line missing but those given: ("known", v), ("blank",), ("unknown", how)."""
    values = {c: None for c in REPORT.amount_codes}
    how = {c: How.MISSING for c in REPORT.amount_codes}
    s = repair.State(values, how)
    for code, cell in cells.items():
        if cell[0] == "known":
            values[code], how[code] = cell[1], How.READ
        elif cell[0] == "blank":
            how[code] = How.BLANK
        else:
            how[code] = cell[1]
    return s


amount = st.integers(0, 10**12)
cell = st.one_of(st.tuples(st.just("known"), amount), st.just(("blank",)),
                 st.tuples(st.just("unknown"), st.sampled_from([How.MISSING, How.UNREADABLE, How.UNCONFIRMED])))
line_cell = st.one_of(st.just(("unknown", How.MISSING)), st.tuples(st.just("known"), amount), st.just(("blank",)))


def _by_hand_half_up(v: int, rate: Fraction) -> int:
    return math.floor(Fraction(v) * rate / 100 + Fraction(1, 2))


def _outcome(s: repair.State, code: str):
    failures = [f for f in s.edit_failures if f.where == code]
    return s.values[code], s.how[code], failures


@given(st.sampled_from(MAX_LINES), st.data(), line_cell)
@example(MAX_LINES[-1], None, ("unknown", How.MISSING))
def test_a_greatest_of_takes_no_blank_and_nothing_unknown(code, data, own):
    f = REPORT.lines[code].formula
    ops = {a: (data.draw(cell) if data is not None else ("known", 5) if i == 0 else ("unknown", How.MISSING))
           for i, a in enumerate(f.args)}
    s = _state({**ops, code: own})
    repair._derived(REPORT, s)
    value, how, failures = _outcome(s, code)
    if any(c[0] == "unknown" for c in ops.values()):
        expected = None                 # an unknown operand could be the greatest: nothing is known
    else:
        known = [c[1] for c in ops.values() if c[0] == "known"]
        expected = max(known) if known else None         # blank operands take no part
    if own[0] == "unknown":
        assert (value, how) == ((expected, How.RECONSTRUCTED) if expected is not None else (None, How.MISSING))
        assert failures == []
    else:
        shown = own[1] if own[0] == "known" else 0        # a blank line as the form adds it
        assert len(failures) == (expected is not None and shown != expected)
        assert all(f.code == Found.EDIT_CHECK and f.severity == "note" for f in failures)


@given(st.sampled_from(PCT_LINES), cell, line_cell)
@example(PCT_LINES[0], ("blank",), ("known", 7))
@example(PCT_LINES[0], ("unknown", How.UNREADABLE), ("unknown", How.MISSING))
def test_a_percentage_of_a_blank_or_unknown_line_fills_and_checks_nothing(code, base, own):
    f = REPORT.lines[code].formula
    s = _state({f.args[0]: base, code: own})
    repair._derived(REPORT, s)
    value, how, failures = _outcome(s, code)
    expected = _by_hand_half_up(base[1], f.rate) if base[0] == "known" else None
    if own[0] == "unknown":
        assert (value, how) == ((expected, How.RECONSTRUCTED) if expected is not None else (None, How.MISSING))
        assert failures == []
    else:
        shown = own[1] if own[0] == "known" else 0
        assert len(failures) == (expected is not None and shown != expected)


def test_an_unknown_operand_is_never_taken_as_zero():
    """The greatest of a known negative amount and an unknown one is not the known one (nor 0); the
    greatest of it and a blank one is."""
    code = MAX_LINES[-1]
    f = REPORT.lines[code].formula
    first, *rest = f.args
    s = _state({first: ("known", -5), **{a: ("unknown", How.UNREADABLE) for a in rest}})
    assert repair.evaluate(f, s) is None
    repair._derived(REPORT, s)
    assert s.values[code] is None and s.findings == []
    s = _state({first: ("known", -5), **{a: ("blank",) for a in rest}})
    assert repair.evaluate(f, s) == -5


@given(st.integers(1, 10**11), st.sampled_from(["governs", "other", "one-more"]), st.data())
def test_the_early_warning_level_read_backwards_names_the_governing_line(d, level_of, data):
    code = EW_LINES[0]
    f = REPORT.lines[code].formula
    cases = f.cases
    case = data.draw(st.sampled_from(cases))
    level = _by_hand_half_up(d, case[1]) + (level_of != "governs")
    # the cases whose rate gives the level, by hand; the line is settled only when one case does
    matching = [line for line, rate, _ in cases if _by_hand_half_up(d, rate) == level]
    s = _state({f.args[0]: ("known", d), code: ("known", level)})
    repair.backwards(REPORT, s)
    settled = {c: s.values[c] for c in (line for line, _, _ in cases) if s.values[c] is not None}
    assert settled == ({matching[0]: d} if len(matching) == 1 else {})
    for line in settled:
        assert s.how[line] == How.RECONSTRUCTED


def test_every_finding_of_settling_is_a_finding_of_one_shape():
    """Extraction's findings and failed edit checks are problems.Finding (code, severity, where, message),
    their code one of how.Found, serialised at the edge in the JSON's shape."""
    code = PCT_LINES[0]
    f = REPORT.lines[code].formula
    s = _state({f.args[0]: ("known", 100), code: ("known", 9)})
    repair._derived(REPORT, s)
    (failure,) = s.edit_failures
    assert (failure.code, failure.where, failure.severity) == (Found.EDIT_CHECK, code, "note")
    assert failure.as_found() == {"line": code, "kind": "edit-check", "message": failure.message}
    assert list(failure.as_found()) == ["line", "kind", "message"]


@given(st.data())
def test_the_operands_a_greatest_of_takes(data):
    """Max.attained (what extraction's confirmation of OCR text reads): with every operand given, the
    operands equal to the total when the total is their greatest, [] when it is not; a blank operand
    (None) takes no part; nothing when the total is missing or no operand is given."""
    from focusgen.form.formula import OPS
    code = data.draw(st.sampled_from(MAX_LINES))
    f = REPORT.lines[code].formula
    ops = {a: data.draw(st.one_of(st.none(), st.integers(-3, 3))) for a in f.args}
    total = data.draw(st.one_of(st.none(), st.integers(-3, 3), st.sampled_from([v for v in ops.values()] or [0])))
    got = OPS["max"].attained(f, code, {code: total, **ops})
    present = [v for v in ops.values() if v is not None]
    if total is None or not present:
        assert got is None
    elif total != sorted(present)[-1]:
        assert got == []
    else:
        assert got == [a for a in f.args if ops[a] is not None and ops[a] == total]
    assert OPS["sum"].attained(f, code, {code: total, **ops}) is None
