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
from ..problems import Finding, InputProblems, Note, Problem
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
    notes: list[Finding] = field(default_factory=list)     # the two filings' dates or firms differ

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
                "prior_edit_checks": [f.as_found() for f in self.prior.edit_failures],
                "notes": [n.message for n in self.notes],
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
        result.notes.append(Note("check-other-date", f"the prior is as of {prior.as_of}, the current filing "
                                                     f"as of {current.as_of}"))
    if prior.firm and current.firm and not rules.same_firm(prior.firm, current.firm):
        result.notes.append(Note("check-other-firm", f"the prior's firm is {prior.firm!r}, the current "
                                                     f"filing's {current.firm!r}"))
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

@dataclass
class Pairing:
    """Two folders paired (pair_folders): the pairs, what was not paired and why, what could not be read."""
    pairs: list[tuple[Record, Record]] = field(default_factory=list)
    current_without_prior: list[tuple[Path, str]] = field(default_factory=list)    # (file, why)
    prior_without_current: list[tuple[Path, str]] = field(default_factory=list)
    set_aside: list[tuple[Path, str]] = field(default_factory=list)     # another copy of a paired filing
    unreadable: list[tuple[Path, list[Problem]]] = field(default_factory=list)


def _key(r: Record) -> tuple[str, str | None, str]:
    return (r.report, r.as_of, rules.letters(r.firm))


def _what(key) -> str:
    return f"{key[0]} as of {key[1] or 'an unknown date'}"


def _pair_group(key, currents: list[Record], priors: list[Record], found: Pairing) -> None:
    """The currents and priors of one filing (one report kind, date and firm). An input and its own build
    (a JSON of the same name) are one filing: the input is checked. Every current input is checked
    against the filed copy of its own name (2020-11.yaml with 2020-11.pdf) or, without one, against the
    filing's best copy (focusgen's JSON, exact, then a PDF, then text); other copies of the filing
    (2020-11.txt beside 2020-11.pdf) are set aside, and each is said."""
    def stem(r: Record) -> str:
        return Path(r.source).stem

    def best(records: list[Record]) -> Record:
        return min(records, key=lambda p: ({".json": 0, ".pdf": 1}.get(Path(p.source).suffix.lower(), 2), p.source))

    inputs = [c for c in currents if Path(c.source).suffix.lower() != ".json"]
    for b in (c for c in currents if Path(c.source).suffix.lower() == ".json"):
        twin = next((c for c in inputs if stem(c) == stem(b)), None)
        if twin is not None:
            found.set_aside.append((Path(b.source), f"the build of {Path(twin.source).name}, which is checked"))
        else:
            inputs.append(b)
    used: list[Record] = []
    for c in sorted(inputs, key=lambda r: r.source):
        same = [p for p in priors if stem(p) == stem(c)]
        if not priors:
            found.current_without_prior.append((Path(c.source), f"no filed copy of {_what(key)}"))
            continue
        prior = best(same or priors)
        found.pairs.append((c, prior))
        if prior not in used:
            used.append(prior)
    for p in sorted(priors, key=lambda r: r.source):
        if p in used:
            continue
        if inputs:
            found.set_aside.append((Path(p.source), f"another copy of {_what(key)}; "
                                    f"{', '.join(Path(u.source).name for u in used)} was used"))
        else:
            found.prior_without_current.append((Path(p.source), f"no input of {_what(key)}"))


def pair_folders(current_dir: Path, prior_dir: Path, progress=None, workers: int | None = None,
                 settings: Settings = DEFAULT) -> Pairing:
    """Pair the filings of two folders: each by report kind, as-of date and firm (letters and digits),
    and among several of one filing by name (_pair_group). Says what was not paired, and why."""
    import os
    from concurrent.futures import ProcessPoolExecutor

    currents = sorted(p for p in current_dir.iterdir() if p.suffix.lower() in CURRENT_SUFFIXES and p.is_file())
    priors = sorted(p for p in prior_dir.iterdir() if p.suffix.lower() in PRIOR_SUFFIXES and p.is_file())
    found = Pairing()
    read: tuple[list[Record], list[Record]] = ([], [])
    for p in currents:
        try:
            read[0].append(load_current(p, settings))
        except InputProblems as exc:
            found.unreadable.append((p, exc.problems))
        if progress:
            progress()
    with ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
        futures = {p: pool.submit(load, p) for p in priors}
        for p, fut in futures.items():
            try:
                e = fut.result()
            except InputProblems as exc:
                found.unreadable.append((p, exc.problems))
            else:
                read[1].append(e)
            if progress:
                progress()
    groups: dict[tuple, tuple[list, list]] = {}
    for side, records in enumerate(read):
        for r in records:
            key = _key(r)
            if not key[2]:
                # a print whose firm was not read goes with the one firm's filing of its kind and date
                known = {k for k in groups if k[:2] == key[:2]}
                key = known.pop() if len(known) == 1 else key
            groups.setdefault(key, ([], []))[side].append(r)
    for key in sorted(groups, key=lambda k: (k[0], k[1] or "", k[2])):
        _pair_group(key, *groups[key], found)
    return found
