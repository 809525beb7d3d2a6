"""Building many filings at once: a folder or several inputs, in parallel on the available cores.

Each input is built in a worker process exactly as a single build is (read, check, compute,
render, write atomically). One bad input never stops the others: its problems come back with
its file name. Workers are reused across inputs, so the PDF engine starts once per core.
"""

from __future__ import annotations

import gc
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
    worker: int = 0              # the process id of the worker that built it
    interrupted: bool = False    # Ctrl-C came before this input was built: nothing written for it
    changed: int | None = None   # an amended filing: how many lines changed (listed in its JSON and review pack)


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
    if built.amendment is not None:
        outcome.changed = len(built.amendment.changes)
    outcome.max_rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    outcome.worker = os.getpid()
    global _frozen
    if not _frozen:
        # After the first build every long-lived object exists (modules, the form definition, the
        # template, the layout): frozen, the collector never re-scans them, and it keeps collecting what
        # each later build leaves, so a worker's memory stays flat over any number of filings.
        gc.collect()
        gc.freeze()
        _frozen = True
    return outcome


_frozen = False


def expand(paths: list[Path]) -> list[Path]:
    """Folders become the YAML inputs directly inside them, in name order."""
    found: list[Path] = []
    for p in paths:
        if p.is_dir():
            found += sorted(q for q in p.iterdir() if q.suffix.lower() in (".yaml", ".yml") and q.is_file())
        else:
            found.append(p)
    return found


def _worker_init(warm: bool) -> None:
    """Each worker: dies with its parent, leaves Ctrl-C to the parent, and (for PDFs) starts the PDF
    engine once, before the first filing arrives."""
    import signal
    try:        # Linux: the kernel kills this worker when the process that started it dies
        import ctypes
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):     # pragma: no cover - not Linux
        pass
    if os.getppid() == 1:                  # the parent died before prctl took effect
        os._exit(1)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if warm:
        from .render import pdf as render_pdf
        render_pdf.warm()


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop at once: drop what has not started and kill the workers (a killed build leaves the earlier
    outputs as they were: outputs are replaced as a set)."""
    workers = list((getattr(pool, "_processes", None) or {}).values())    # shutdown() forgets them
    for proc in workers:
        try:
            proc.kill()
        except (OSError, AttributeError):
            pass
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in workers:
        proc.join(timeout=5)


def build_many(inputs: list[Path], out_root: Path | None, formats: tuple[str, ...], progress=None,
               workers: int | None = None) -> list[Outcome]:
    """Build every input; `progress(outcome)` is called as each finishes. Results in input order."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    workers = min(workers or cores, len(inputs))       # never more workers than inputs
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
    if jobs:
        pool = ProcessPoolExecutor(max_workers=max(1, min(workers, len(jobs))), initializer=_worker_init,
                                   initargs=("pdf" in formats,))
        try:
            futures = {pool.submit(build_one, p, (out_root or Path("output")) / p.stem, formats): p for p in jobs}
            for fut in as_completed(futures):
                try:
                    outcome = fut.result()
                except Exception as exc:      # a worker that died: that input fails, the others go on
                    outcome = Outcome(input=futures[fut], problems=[Problem(
                        "build-failed", str(futures[fut]), f"the build stopped: {type(exc).__name__}",
                        expected="a build that completes")])
                outcomes[futures[fut]] = outcome
                if progress:
                    progress(outcome)
        except KeyboardInterrupt:
            _stop(pool)
            for p in inputs:
                outcomes.setdefault(p, Outcome(input=p, interrupted=True))
            raise Interrupted([outcomes[p] for p in inputs]) from None
        pool.shutdown(wait=True)
    return [outcomes[p] for p in inputs]


class Interrupted(Exception):
    """Ctrl-C during a batch: the outcomes so far, the rest marked interrupted (nothing written)."""

    def __init__(self, outcomes: list[Outcome]):
        super().__init__("interrupted")
        self.outcomes = outcomes
