"""Building many filings at once: a folder or several inputs, in parallel on the available cores.

Each input is built in a worker process exactly as a single build is (read, check, compute,
render, write atomically). One bad input never stops the others: its problems come back with
its file name. Workers are reused across inputs, so the PDF engine starts once per core.
"""

from __future__ import annotations

import os
import resource
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from .problems import InputProblems, Problem


@dataclass
class Outcome:
    input: Path
    written: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    summary: list[dict] = field(default_factory=list)
    alerts: list[dict] = field(default_factory=list)
    max_rss_kb: int = 0          # the worker's peak memory after this build


def build_one(path: Path, out_dir: Path, formats: tuple[str, ...], meta: Path | None = None) -> Outcome:
    from .render import view
    from .build import build

    outcome = Outcome(input=path)
    try:
        built = build(path, out_dir, formats, meta)
    except InputProblems as exc:
        outcome.problems = exc.problems
        return outcome
    outcome.written = built.written
    outcome.summary = view.summary(built.filing)
    outcome.alerts = built.alerts
    outcome.max_rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return outcome


def expand(paths: list[Path]) -> list[Path]:
    """Folders become the YAML inputs directly inside them, in name order."""
    found: list[Path] = []
    for p in paths:
        if p.is_dir():
            found += sorted(q for q in p.iterdir() if q.suffix.lower() in (".yaml", ".yml") and q.is_file())
        else:
            found.append(p)
    return found


def _warm() -> None:
    # Start the PDF engine once per worker, before the first filing arrives.
    from .render import pdf as render_pdf
    render_pdf._engine()


def build_many(inputs: list[Path], out_root: Path | None, formats: tuple[str, ...], progress=None,
               workers: int | None = None) -> list[Outcome]:
    """Build every input; `progress(outcome)` is called as each finishes. Results in input order."""
    workers = workers or min(len(inputs), os.cpu_count() or 1)
    stems = [p.stem for p in inputs]
    clash = {s for s in stems if stems.count(s) > 1}
    outcomes: dict[Path, Outcome] = {}
    jobs = []
    for p in inputs:
        if p.stem in clash:
            outcomes[p] = Outcome(input=p, problems=[Problem(
                "duplicate-stem", str(p), f"another input is also named {p.stem!r}; their outputs would overwrite "
                "each other", expected="input files with distinct names")])
            if progress:
                progress(outcomes[p])
        else:
            jobs.append(p)
    init = _warm if "pdf" in formats else None
    with ProcessPoolExecutor(max_workers=max(1, workers), initializer=init) as pool:
        futures = {pool.submit(build_one, p, (out_root or Path("output")) / p.stem, formats): p for p in jobs}
        for fut in as_completed(futures):
            outcome = fut.result()
            outcomes[futures[fut]] = outcome
            if progress:
                progress(outcome)
    return [outcomes[p] for p in inputs]
