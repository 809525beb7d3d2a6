"""Building many filings at once: a folder or several inputs, in parallel on the available cores.

Each input is built in a worker process exactly as a single build is (read, check, compute,
render, write atomically). One bad input never stops the others: its problems come back with
its file name. Workers are reused across inputs, so the PDF engine starts once per core. A worker
that dies (killed, out of memory) takes only the input it was building with it: that input is built
once more by a new worker, then named as failed (build-failed); the rest build as if nothing happened.
"""

from __future__ import annotations

import gc
import os
import resource
from dataclasses import dataclass, field
from pathlib import Path

from .problems import InputProblems, Problem, quote
from .settings import DEFAULT, Settings


@dataclass
class Outcome:
    input: Path
    written: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    summary: tuple = ()                                   # report.jsonio.Summary of each statement
    alerts: tuple = ()                                    # the alerts that fired (problems.Finding)
    max_rss_kb: int = 0          # the worker's peak memory after this build
    worker: int = 0              # the process id of the worker that built it
    interrupted: bool = False    # Ctrl-C came before this input was built: nothing written for it
    changed: int | None = None   # an amended filing: how many lines changed (listed in its JSON and review pack)


def build_one(path: Path, out_dir: Path, formats: tuple[str, ...], meta: Path | None = None,
              settings: Settings = DEFAULT) -> Outcome:
    from .build import build

    outcome = Outcome(input=path)
    try:
        built = build(path, out_dir, formats, meta, settings=settings)
    except InputProblems as exc:
        outcome.problems = exc.problems
        return outcome
    filing = built.filing
    outcome.written = built.written
    outcome.summary = filing.summary
    outcome.alerts = filing.alerts
    if filing.amendment is not None:
        outcome.changed = len(filing.amendment.changes)
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


TABLES = (".csv", ".xlsx", ".xlsm")


def expand(paths: list[Path], tables: bool = False) -> list[Path]:
    """Folders become the YAML inputs directly inside them (with `tables`, for --meta: their CSVs and
    workbooks), in name order."""
    found: list[Path] = []
    suffixes = TABLES if tables else (".yaml", ".yml")
    for p in paths:
        if p.is_dir():
            found += sorted(q for q in p.iterdir() if q.suffix.lower() in suffixes and q.is_file())
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
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})    # blocked while it was started
    if warm:
        from .render import pdf as render_pdf
        render_pdf.warm()


def _serve(conn, warm: bool) -> None:
    """A worker's life: build each input the parent sends, send back its Outcome, until told to stop
    (None) or the parent is gone. A build that raises is that input's failure, never the worker's."""
    try:
        _worker_init(warm)
        while True:
            try:
                job = conn.recv()
            except (EOFError, OSError):
                break
            if job is None:
                break
            path, out_dir, formats, meta, settings = job
            conn.send(_STARTED)      # from here on the input is in flight: if this worker dies, it is retried
            try:
                outcome = build_one(path, out_dir, formats, meta, settings)
            except Exception as exc:      # a bug in one build: that input fails, the others go on
                outcome = Outcome(input=path, problems=[Problem(
                    "build-failed", str(path), f"the build stopped: {type(exc).__name__}",
                    expected="a build that completes")])
            conn.send(outcome)
    finally:
        os._exit(0)         # nothing of the parent's (its streams, its threads' locks) is touched on the way out


_STARTED = "started"


class _Worker:
    """One worker process and the parent's end of its pipe; `job` is the input given to it, `started`
    whether the worker has said it took it."""

    def __init__(self, ctx, warm: bool):
        import signal
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_serve, args=(child, warm))
        # Ctrl-C stays blocked from the fork until the worker ignores it: a key at that moment reaches the
        # parent alone, never a worker half started (which would print a traceback)
        old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            self.proc.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)
        child.close()
        self.job: Path | None = None
        self.started = False

    def give(self, job: tuple) -> bool:
        self.job, self.started = job[0], False
        try:
            self.conn.send(job)
            return True
        except OSError:           # it died before it could take it
            return False

    def stop(self, kill: bool) -> None:
        try:
            if kill:
                self.proc.kill()
            else:
                self.conn.send(None)
        except (OSError, ValueError, AttributeError):
            pass
        self.proc.join(timeout=5 if not kill else 10)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(timeout=10)
        self.conn.close()


def _died(worker: _Worker) -> str:
    code = worker.proc.exitcode
    if code is not None and code < 0:
        import signal
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"it ended with status {code}" if code is not None else "it stopped answering"


class _Pool:
    """Workers building a queue of inputs, one input at a time each. A worker that dies (killed, out of
    memory) is replaced; the input it was building is tidied (its staging folder removed, the earlier
    outputs as they were) and built once more, then named as failed (build-failed) if its worker dies
    again. The other workers and inputs never notice."""

    RETRIES = 1

    def __init__(self, jobs: list[Path], out_dir, formats, settings, workers: int, record, meta: Path | None = None):
        import multiprocessing
        from collections import Counter, deque
        self.ctx = multiprocessing.get_context("fork")
        self.queue, self.attempts = deque(jobs), Counter()
        self.out_dir, self.formats, self.settings, self.record = out_dir, formats, settings, record
        self.meta = meta            # the YAML each table is built with (--meta), or None
        self.warm = "pdf" in formats
        self.size = workers
        self.workers: list[_Worker] = []
        self.stillborn = 0          # workers in a row that died before taking an input

    def _start(self) -> None:
        worker = _Worker(self.ctx, self.warm)
        self.workers.append(worker)
        self._next(worker)

    def _next(self, worker: _Worker) -> None:
        if self.queue:
            path = self.queue.popleft()
            if not worker.give((path, self.out_dir(path), self.formats, self.meta, self.settings)):
                self._lost(worker)
            return
        worker.job = None

    def _lost(self, worker: _Worker) -> None:
        """`worker` died building worker.job: tidy, retry or name it, and start another worker."""
        from .outputs import tidy
        path, started = worker.job, worker.started
        worker.stop(kill=True)
        why = _died(worker)
        worker.job = None
        self.workers.remove(worker)
        if started:
            tidy(self.out_dir(path))      # what the killed build left: the earlier outputs stay as they were
        self.stillborn = 0 if started else self.stillborn + 1
        if self.stillborn > 10:           # workers die before taking anything: no input can be built
            for p in [path, *self.queue]:
                self.record(Outcome(input=p, problems=[Problem("build-failed", str(p), f"no worker could start "
                                                               f"({why})", expected="a build that completes")]))
            self.queue.clear()
        elif not started or self.attempts[path] <= self.RETRIES:
            self.queue.appendleft(path)   # (an input its worker never took was not in flight: no attempt)
        else:
            self.record(Outcome(input=path, problems=[Problem(
                "build-failed", str(path), f"the worker building it died ({why}), and again when it was "
                "built once more", expected="a build that completes")]))
        if self.queue:
            self._start()

    def run(self) -> None:
        from multiprocessing.connection import wait
        for _ in range(self.size):
            self._start()
        while any(w.job is not None for w in self.workers):
            busy = [w for w in self.workers if w.job is not None]
            ready = set(wait([w.conn for w in busy] + [w.proc.sentinel for w in busy]))
            for worker in busy:
                if worker.conn not in ready and worker.proc.sentinel not in ready:
                    continue
                try:
                    message = worker.conn.recv() if worker.conn.poll() else None
                except (EOFError, OSError):
                    message = None
                if message == _STARTED:
                    worker.started = True
                    self.attempts[worker.job] += 1
                    self.stillborn = 0
                elif isinstance(message, Outcome):
                    worker.job = None
                    self.record(message)
                    self._next(worker)
                else:
                    self._lost(worker)

    def stop(self, kill: bool = False) -> None:
        for worker in self.workers:
            worker.stop(kill)
        self.workers = []


def build_many(inputs: list[Path], out_root: Path | None, formats: tuple[str, ...], progress=None,
               workers: int | None = None, settings: Settings = DEFAULT, meta: Path | None = None) -> list[Outcome]:
    """Build every input (tables each with the `meta` YAML, when given); `progress(outcome)` is called as
    each finishes. Results in input order."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    workers = min(workers or cores, len(inputs))       # never more workers than inputs
    stems = [p.stem for p in inputs]
    clash = {s for s in stems if stems.count(s) > 1}
    outcomes: dict[Path, Outcome] = {}

    def record(outcome: Outcome) -> None:
        outcomes[outcome.input] = outcome
        if progress:
            progress(outcome)

    jobs = []
    from .outputs import name_problems
    for p in inputs:
        if name_problems(p, p.stem):        # its outputs would land outside OUT/<stem>/ (`..yaml`): never started
            record(Outcome(input=p, problems=name_problems(p, p.stem)))
        elif p.stem in clash:
            record(Outcome(input=p, problems=[Problem(
                "duplicate-stem", str(p), f"another input is also named {quote(p.stem)}; their outputs would "
                "overwrite each other", expected="input files with distinct names")]))
        else:
            jobs.append(p)
    if jobs:
        out_dir = lambda p: (out_root or Path("output")) / p.stem  # noqa: E731
        pool = None
        try:
            pool = _Pool(jobs, out_dir, formats, settings, max(1, min(workers, len(jobs))), record, meta)
            pool.run()
        except KeyboardInterrupt:
            if pool is not None:
                pool.stop(kill=True)
            from .outputs import tidy
            for p in jobs:
                if p not in outcomes:       # in flight or not started: what a killed worker left is removed
                    tidy(out_dir(p))
            for p in inputs:
                outcomes.setdefault(p, Outcome(input=p, interrupted=True))
            raise Interrupted([outcomes[p] for p in inputs]) from None
        pool.stop()
    return [outcomes[p] for p in inputs]


class Interrupted(Exception):
    """Ctrl-C during a batch: the outcomes so far, the rest marked interrupted (nothing written)."""

    def __init__(self, outcomes: list[Outcome]):
        super().__init__("interrupted")
        self.outcomes = outcomes
