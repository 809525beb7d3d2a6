"""Checking a filing against a prior one: which lines differ, and whether the prior's own
arithmetic holds (the edit checks a regulator runs).

CURRENT is a filing input (built in memory) or focusgen's JSON; PRIOR is anything `extract`
reads. A line the prior does not show legibly (null and not blank) cannot be compared: it is
listed as not compared, never as equal. A line whose prior value is unconfirmed (a scan shows a
candidate that no second witness or edit check confirms) is listed to compare by eye, with the
candidate: never as equal, never as different.
"""

from __future__ import annotations

from fractions import Fraction
from dataclasses import dataclass, field
from pathlib import Path

from .form import formdef
from .extract import Extraction, extract
from .problems import InputProblems, Problem


@dataclass
class Current:
    source: str
    report: str
    as_of: str
    lines: dict[str, int | None]
    adjusted_net_capital: int | None = None
    summary: list | None = None
    firm: str | None = None


# check passes only when at least this share of the lines carrying an amount was compared: lines
# the prior does not show legibly are "not compared", and enough of them make the check fail.
MIN_COVERAGE = Fraction(9, 10)


@dataclass
class Comparison:
    current: Current
    prior: Extraction
    differences: list[dict] = field(default_factory=list)
    not_compared: list[str] = field(default_factory=list)
    by_eye: list[dict] = field(default_factory=list)     # {line, label, prior_shows, current}
    considered: int = 0             # lines with an amount in either filing
    notes: list[str] = field(default_factory=list)

    @property
    def compared(self) -> int:
        return self.considered - len(self.not_compared) - len(self.by_eye)

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
                "prior_edit_checks": self.prior.edit_failures,
                "notes": self.notes,
                "summary": {"differences": len(self.differences), "not_compared": len(self.not_compared),
                            "compare_by_eye": len(self.by_eye),
                            "compared": self.compared, "considered": self.considered,
                            "enough_compared": self.enough,
                            "prior_edit_check_failures": len(self.prior.edit_failures)}}


def load_current(path: Path) -> Current:
    """A filing input is built in memory; focusgen's JSON output is read as it is."""
    if path.suffix.lower() == ".json":
        e = extract(path)
        return Current(str(path), e.report, e.as_of or "", e.lines, e.extra.get("adjusted_net_capital"),
                       e.extra.get("summary"), e.firm)
    from .render import view
    from .compute import compute
    from .inputs.load import load_input
    filing = compute(load_input(path))
    return Current(str(path), filing.report.kind, filing.header.as_of.isoformat(), dict(filing.values),
                   filing.input.adjusted_net_capital, view.summary(filing), filing.header.firm.name)


def load_any(path: Path) -> Current:
    """A filing input, focusgen's JSON, or anything `extract` reads (a prior PDF, scan or text)."""
    if path.suffix.lower() in (".yaml", ".yml", ".json"):
        return load_current(path)
    e = extract(path)
    return Current(str(path), e.report, e.as_of or "", e.lines)


def compare(current: Current, prior: Extraction, tolerance: int = 0) -> Comparison:
    if current.report != prior.report:
        raise InputProblems([Problem("report-mismatch", prior.source,
                                     f"is a {prior.report} filing, the current one is {current.report}",
                                     expected=f"a prior {current.report} filing")])
    rep = formdef.report(current.report)
    result = Comparison(current, prior)
    if prior.as_of and current.as_of and prior.as_of != current.as_of:
        result.notes.append(f"the prior is as of {prior.as_of}, the current filing as of {current.as_of}")
    letters = lambda s: "".join(c for c in (s or "").upper() if c.isalnum())  # noqa: E731
    if prior.firm and current.firm and letters(prior.firm) != letters(current.firm):
        result.notes.append(f"the prior's firm is {prior.firm!r}, the current filing's {current.firm!r}")
    for code in rep.amount_codes:
        now, before = current.lines.get(code), prior.lines.get(code)
        if now is not None or before is not None or prior.how.get(code) not in ("blank", "missing", None):
            result.considered += 1
        candidate = prior.candidates.get(code)
        if before is None and candidate is not None:
            # the prior seems to show a value nothing confirmed: for the eye, neither equal nor different
            result.by_eye.append({"line": code, "label": rep.lines[code].label, "prior_shows": candidate,
                                  "current": now})
            continue
        if before is None and prior.how.get(code) not in ("blank",):
            if now is not None:
                result.not_compared.append(code)
            continue
        # blank and 0 print differently but are the same amount
        if (now or 0) == (before or 0):
            continue
        diff = (now or 0) - (before or 0)
        if abs(diff) <= tolerance:
            continue
        result.differences.append({"line": code, "label": rep.lines[code].label, "prior": before,
                                   "current": now, "difference": diff, "prior_how": prior.how.get(code)})
    return result


def check_one(current_path: Path, prior_path: Path, tolerance: int = 0, progress=None) -> Comparison:
    return compare(load_current(current_path), extract(prior_path, progress=progress), tolerance)


# --- many at once --------------------------------------------------------------------------------

CURRENT_SUFFIXES = (".yaml", ".yml", ".json")
PRIOR_SUFFIXES = (".pdf", ".txt", ".json")


def _identify_current(path: Path) -> tuple[str, str]:
    c = load_current(path)
    return c.report, c.as_of


def _identify_prior(path: Path) -> Extraction:
    return extract(path)


def pair_folders(current_dir: Path, prior_dir: Path, progress=None, workers: int | None = None):
    """Pair filings by (report kind, as-of date). Returns (pairs, unpaired current, unpaired prior,
    unreadable) where pairs are (current path, prior Extraction)."""
    import os
    from concurrent.futures import ProcessPoolExecutor

    currents = sorted(p for p in current_dir.iterdir() if p.suffix.lower() in CURRENT_SUFFIXES and p.is_file())
    priors = sorted(p for p in prior_dir.iterdir() if p.suffix.lower() in PRIOR_SUFFIXES and p.is_file())
    unreadable: list[tuple[Path, list[Problem]]] = []
    keyed_current: dict[tuple[str, str], Path] = {}
    for p in currents:
        try:
            key = _identify_current(p)
        except InputProblems as exc:
            unreadable.append((p, exc.problems))
            continue
        if key in keyed_current:
            unreadable.append((p, [Problem("duplicate-filing", str(p), f"another input is also {key[0]} as of "
                                           f"{key[1]} ({keyed_current[key].name})")]))
            continue
        keyed_current[key] = p
        if progress:
            progress()
    keyed_prior: dict[tuple[str, str | None], Extraction] = {}
    with ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1) as pool:
        futures = {p: pool.submit(_identify_prior, p) for p in priors}
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
    lonely_current = [keyed_current[k] for k in keyed_current if k not in keyed_prior]
    lonely_prior = [Path(keyed_prior[k].source) for k in keyed_prior if k not in keyed_current]
    return pairs, lonely_current, lonely_prior, unreadable
