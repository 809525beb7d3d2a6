"""Checking a filing against a prior one: which lines differ, and whether the prior's own arithmetic
holds (the edit checks a regulator runs).

CURRENT is a filing input (built in memory) or focusgen's JSON; PRIOR is anything sources.load reads.
The comparison is rules.py's: a line the prior does not show legibly is listed as not compared, never
as equal; a line whose prior value is unconfirmed (a scan shows a candidate that no second witness or
edit check confirms) is listed to compare by eye, with the candidate: never as equal, never as different.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from ..form import formdef
from ..problems import InputProblems, Problem
from ..report.model import Record
from ..settings import DEFAULT, Settings
from . import rules
from .sources import load

# check passes only when at least this share of the lines carrying an amount was compared: lines
# the prior does not show legibly are "not compared", and enough of them make the check fail.
MIN_COVERAGE = Fraction(9, 10)


@dataclass
class Comparison:
    current: Record
    prior: Record
    differences: list[dict] = field(default_factory=list)
    not_compared: list[str] = field(default_factory=list)
    by_eye: list[dict] = field(default_factory=list)     # {line, label, prior_shows, current}
    considered: int = 0             # lines with an amount in either filing
    notes: list[str] = field(default_factory=list)

    @property
    def compared(self) -> int:
        return self.considered - len(self.not_compared) - len(self.by_eye) - len(self.by_eye)

    @property
    def enough(self) -> bool:
        return self.considered > 0 and Fraction(self.compared, self.considered) >= MIN_COVERAGE

    @property
    def failed(self) -> bool:
        return bool(self.differences or self.prior.edit_failures or not self.enough)

    def as_dict(self) -> dict:
        return {"current": {"source": self.current.source, "report": self.current.report,
                            "as_of": self.current.as_of},
                "prior": {"source": self.prior.source, "report": self.prior.report, "as_of": self.prior.as_of,
                          "method": self.prior.method},
                "differences": self.differences, "not_compared": self.not_compared,
                "compare_by_eye": self.by_eye,
                "prior_edit_checks": list(self.prior.edit_failures),
                "notes": self.notes,
                "summary": {"differences": len(self.differences), "not_compared": len(self.not_compared),
                            "compare_by_eye": len(self.by_eye),
                            "compared": self.compared, "considered": self.considered,
                            "enough_compared": self.enough,
                            "prior_edit_check_failures": len(self.prior.edit_failures)}}


CURRENT_SUFFIXES = (".yaml", ".yml", ".json")
PRIOR_SUFFIXES = (".pdf", ".txt", ".json")


def load_current(path: Path, settings: Settings = DEFAULT) -> Record:
    """A filing input is built in memory; focusgen's JSON output is read as it is."""
    return load(path, settings=settings)


def compare(current: Record, prior: Record, tolerance: int = 0) -> Comparison:
    if current.report != prior.report:
        raise InputProblems([Problem("report-mismatch", prior.source,
                                     f"is a {prior.report} filing, the current one is {current.report}",
                                     expected=f"a prior {current.report} filing")])
    rep = formdef.report(current.report)
    result = Comparison(current, prior)
    if prior.as_of and current.as_of and prior.as_of != current.as_of:
        result.notes.append(f"the prior is as of {prior.as_of}, the current filing as of {current.as_of}")
    if prior.firm and current.firm and not rules.same_firm(prior.firm, current.firm):
        result.notes.append(f"the prior's firm is {prior.firm!r}, the current filing's {current.firm!r}")
    for p in rules.compare(rep.amount_codes, current.lines, prior, tolerance):
        result.considered += p.considered
        if p.status == rules.NOT_COMPARED:
            result.not_compared.append(p.code)
        elif p.status == rules.BY_EYE:
            result.by_eye.append({"line": p.code, "label": rep.lines[p.code].label, "prior_shows": p.other,
                                  "current": p.current})
        elif p.status == rules.DIFFERS:
            result.differences.append({"line": p.code, "label": rep.lines[p.code].label, "prior": p.other,
                                       "current": p.current, "difference": p.difference, "prior_how": p.how})
    return result


def check_one(current_path: Path, prior_path: Path, tolerance: int = 0, settings: Settings = DEFAULT,
              progress=None) -> Comparison:
    """progress(done, total): the prior's pages read so far, for a scan's progress bar."""
    return compare(load_current(current_path, settings), load(prior_path, progress=progress), tolerance)


# --- many at once --------------------------------------------------------------------------------

def pair_folders(current_dir: Path, prior_dir: Path, progress=None, workers: int | None = None,
                 settings: Settings = DEFAULT):
    """Pair filings by (report kind, as-of date). Returns (pairs, unpaired current, unpaired prior,
    unreadable) where pairs are (current Record, prior Record)."""
    import os
    from concurrent.futures import ProcessPoolExecutor

    currents = sorted(p for p in current_dir.iterdir() if p.suffix.lower() in CURRENT_SUFFIXES and p.is_file())
    priors = sorted(p for p in prior_dir.iterdir() if p.suffix.lower() in PRIOR_SUFFIXES and p.is_file())
    unreadable: list[tuple[Path, list[Problem]]] = []
    keyed_current: dict[tuple[str, str], Record] = {}
    for p in currents:
        try:
            c = load_current(p, settings)
        except InputProblems as exc:
            unreadable.append((p, exc.problems))
            continue
        key = (c.report, c.as_of)
        if key in keyed_current:
            unreadable.append((p, [Problem("duplicate-filing", str(p), f"another input is also {key[0]} as of "
                                           f"{key[1]} ({Path(keyed_current[key].source).name})")]))
            continue
        keyed_current[key] = c
        if progress:
            progress()
    keyed_prior: dict[tuple[str, str | None], Record] = {}
    with ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
        futures = {p: pool.submit(load, p) for p in priors}
        for p, fut in futures.items():
            try:
                e = fut.result()
            except InputProblems as exc:
                unreadable.append((p, exc.problems))
            else:
                key = (e.report, e.as_of)
                if key in keyed_prior:
                    unreadable.append((p, [Problem("duplicate-filing", str(p), f"another prior filing is also "
                                                   f"{key[0]} as of {key[1]} ({Path(keyed_prior[key].source).name})")]))
                else:
                    keyed_prior[key] = e
            if progress:
                progress()
    pairs = [(keyed_current[k], keyed_prior[k]) for k in keyed_current if k in keyed_prior]
    lonely_current = [Path(keyed_current[k].source) for k in keyed_current if k not in keyed_prior]
    lonely_prior = [Path(keyed_prior[k].source) for k in keyed_prior if k not in keyed_current]
    return pairs, lonely_current, lonely_prior, unreadable
