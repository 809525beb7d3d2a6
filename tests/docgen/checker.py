"""Measuring extraction's promise on a drawn document: a wrong value is never claimed.

    wrong_claims(extraction, truth) -> Judgement
    run(doc) -> Outcome              (extract() in this process, every exception caught)

A claim is any value extraction gives (whatever its `how`: read, blank, code-lost, sign-fixed,
repaired, reconstructed) and any `blank`. A null value (unknown, unconfirmed) is never wrong, only
not recovered. A claim is wrong when:
  - the line is shown legibly and the claim is not what the page shows (an amount, or blank);
  - the line is not shown legibly (a stamp or tick over it: obscured; lost; misread in a .txt) and
    the claim is neither what the form's arithmetic gives from what IS shown legibly (arith.derive:
    one value, not disputed by a failing equation) nor what was printed there. A claim of what was
    printed that the arithmetic does not give is `unfounded` (reported, not wrong: right, but not
    from the page), except under a stamp or tick, where the page may still show it.
Blank and 0 are the same amount (as `check` compares them): a blank claimed for a printed 0 (or a
- for nil), or 0 for an empty cell, is listed apart (`blank_zero`), not counted wrong.
A claim for the wrong report kind is wrong on its face (every line).
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field

from . import arith
from .arith import BLANK, CONFLICT


@dataclass
class Judgement:
    wrong: list = field(default_factory=list)          # (code, how, claimed, shown, why)
    blank_zero: list = field(default_factory=list)     # (code, how, claimed, shown)
    unfounded: list = field(default_factory=list)      # (code, how, claimed)
    legible: int = 0            # lines shown legibly (an amount or an empty cell)
    numbers: int = 0            # of them, amounts
    recovered: int = 0          # legible lines whose value extraction gives, as shown
    recovered_numbers: int = 0


def _amount(v):
    return 0 if v in (BLANK, None) else v


def wrong_claims(e, truth: dict) -> Judgement:
    kind = truth["spec"]["kind"]
    shown: dict = truth["shown"]
    hidden: dict = truth.get("hidden", {})
    legible = {c: v for c, v in shown.items() if c not in hidden}
    derived = arith.derive(kind, legible, truth.get("retail_forex"))
    j = Judgement(legible=len(legible), numbers=sum(1 for v in legible.values() if v != BLANK))
    if e.report != kind:
        j.wrong.append(("*", "report", e.report, kind, f"read as a {e.report}, printed as a {kind}"))
    for code in arith.all_codes(kind):
        value, how = e.lines.get(code), e.how.get(code)
        if value is None and how != "blank":
            continue
        claimed = BLANK if value is None else value
        if code in legible:
            want = legible[code]
            if _amount(claimed) == _amount(want):
                j.recovered += 1
                j.recovered_numbers += want != BLANK
                if (claimed == BLANK) != (want == BLANK):
                    j.blank_zero.append((code, how, claimed, want))
            else:
                j.wrong.append((code, how, claimed, want, "not what the page shows"))
            continue
        gives = derived.get(code, set())
        settled = len(gives) == 1 and CONFLICT not in gives
        if settled and _amount(claimed) == _amount(next(iter(gives))):
            continue
        if _amount(claimed) == _amount(shown[code]):
            if hidden[code] != "obscured":          # under a stamp or a tick, the page may still show it
                j.unfounded.append((code, how, claimed))
            continue
        why = (f"{hidden[code]}; the arithmetic of what is shown gives "
               + (", ".join(str(g) for g in sorted(gives, key=str)) if gives else "nothing"))
        j.wrong.append((code, how, claimed, shown[code], why))
    return j


@dataclass
class Outcome:
    id: str
    cls: str
    kind: str
    dpi: int | None
    damage: str | None
    seconds: float
    legible: int = 0
    numbers: int = 0
    recovered: int = 0
    recovered_numbers: int = 0
    wrong: list = field(default_factory=list)
    blank_zero: list = field(default_factory=list)
    unfounded: list = field(default_factory=list)
    traceback: str | None = None
    refused: str | None = None
    method: str | None = None
    claims: dict = field(default_factory=dict)     # code -> [value, how]: to judge again without extracting


def run(doc) -> Outcome:
    """Extract the document and judge it. A refusal (focusgen's InputProblems) recovers nothing; any
    other exception is a traceback, recorded with its last frames."""
    from focusgen.extract import extract
    from focusgen.problems import InputProblems
    spec = doc.spec
    t = time.perf_counter()
    o = Outcome(doc.id, spec.cls, spec.kind, spec.dpi, spec.damage, 0.0)
    try:
        e = extract(doc.path)
    except InputProblems as exc:
        o.seconds = time.perf_counter() - t
        o.refused = "; ".join(f"{p.code}: {p.message}" for p in exc.problems)[:300]
        j = wrong_claims(_Nothing(spec.kind), doc.truth)
        o.legible, o.numbers = j.legible, j.numbers
        return o
    except BaseException as exc:            # noqa: BLE001 - a traceback is what is measured
        if isinstance(exc, KeyboardInterrupt):
            raise
        o.seconds = time.perf_counter() - t
        o.traceback = "".join(traceback.format_exception(exc)[-3:])[-1200:]
        j = wrong_claims(_Nothing(spec.kind), doc.truth)
        o.legible, o.numbers = j.legible, j.numbers
        return o
    o.seconds = time.perf_counter() - t
    o.method = e.method
    o.claims = {"report": e.report, "lines": {c: [e.lines.get(c), e.how.get(c)] for c in e.lines}}
    j = wrong_claims(e, doc.truth)
    o.legible, o.numbers, o.recovered, o.recovered_numbers = j.legible, j.numbers, j.recovered, j.recovered_numbers
    o.wrong, o.blank_zero, o.unfounded = j.wrong, j.blank_zero, j.unfounded
    return o


def rejudge(o: Outcome, truth: dict) -> Outcome:
    """The outcome judged again from its stored claims (after a change to the checker)."""
    if not o.claims:
        return o
    e = _Nothing(o.claims["report"])
    e.lines = {c: v for c, (v, _) in o.claims["lines"].items()}
    e.how = {c: h for c, (_, h) in o.claims["lines"].items()}
    j = wrong_claims(e, truth)
    o.legible, o.numbers, o.recovered, o.recovered_numbers = j.legible, j.numbers, j.recovered, j.recovered_numbers
    o.wrong, o.blank_zero, o.unfounded = j.wrong, j.blank_zero, j.unfounded
    return o


class _Nothing:
    """An extraction that claims nothing (a refusal, a traceback)."""
    def __init__(self, kind: str):
        self.report, self.lines, self.how = kind, {}, {}
