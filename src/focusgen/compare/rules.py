"""One line-by-line comparison of a filing's values with another filing's, with one rule set, for
`check` (a filing against a prior one), amendments (against the original) and variance (against the
prior period):

- blank and 0 are the same amount (a form prints a blank cell, a ledger says 0);
- a line the other filing does not show legibly (no value, and not a blank it was seen to hold) is
  not compared: never counted as the same, nor as different;
- a value the other filing seems to show but nothing confirms (unconfirmed: a scan's candidate no second
  witness or edit check backs) is for the eye: never the same, never different;
- differences up to the tolerance (whole dollars) are not differences;
- two firms are the same firm when their names have the same letters and digits (case, spacing and
  punctuation aside: "HSBC Securities (USA) Inc." is "HSBC SECURITIES (USA) INC").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from ..report.how import How

SAME, DIFFERS, NOT_COMPARED, BY_EYE = "same", "differs", "not-compared", "by-eye"


@dataclass(frozen=True)
class Pair:
    code: str
    current: int | None
    other: int | None           # the other filing's value as compared (its candidate, for the eye)
    status: str                 # same | differs | not-compared | by-eye
    how: str | None             # how the other's value was obtained
    considered: bool            # an amount on either side, or a value the other was read to hold

    @property
    def difference(self) -> int:
        return (self.current or 0) - (self.other or 0)


def letters(text: str | None) -> str:
    return "".join(c for c in (text or "").upper() if c.isalnum())


def same_firm(a: str | None, b: str | None) -> bool:
    return letters(a) == letters(b)


def pair(code: str, now: int | None, other, tolerance: int = 0) -> Pair:
    """The current value of `code` against the other filing's (a report.model.Record)."""
    before, how = other.lines.get(code), other.how.get(code)
    considered = now is not None or before is not None or how not in (How.BLANK, How.MISSING, None)
    candidate = other.candidates.get(code)
    if before is None and candidate is not None:
        # the other seems to show a value nothing confirmed: for the eye, neither the same nor different
        return Pair(code, now, candidate, BY_EYE, how, considered)
    if before is None and how != How.BLANK:
        return Pair(code, now, None, NOT_COMPARED if now is not None else SAME, how, considered)
    if (now or 0) == (before or 0) or abs((now or 0) - (before or 0)) <= tolerance:
        return Pair(code, now, before, SAME, how, considered)
    return Pair(code, now, before, DIFFERS, how, considered)


def compare(codes, current: Mapping[str, int | None], other, tolerance: int = 0) -> list[Pair]:
    """Every line of `codes`, paired."""
    return [pair(code, current.get(code), other, tolerance) for code in codes]
