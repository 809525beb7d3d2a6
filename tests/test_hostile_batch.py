"""Class 7 of issue 19: one dead worker never breaks the batch.

With ProcessPoolExecutor, one worker killed broke the whole pool: 258 to 390 of 400 inputs came back
`build-failed`. Now each worker builds one input at a time; when a worker dies, only the input it was
building is affected: its leftovers are tidied, it is built once more by a new worker, and named as
failed (build-failed) only if that worker dies too. Every other input builds, and every output folder
is a whole set.

Drawn: workers killed with SIGKILL at random moments during batches of many inputs (a subprocess, as a
user runs it, and at a terminal); in process, random inputs whose worker dies once, always, or whose
build raises.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import INPUTS
from drawn import rng, seeded
from ptyrun import run as pty_run

FOCUSGEN = [sys.executable, "-m", "focusgen.cli"]


def _inputs(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "daily-seg-2017-12-26.csv").write_text((INPUTS / "daily-seg-2017-12-26.csv").read_text())
    text = (INPUTS / "daily-seg-2017-12-26.yaml").read_text()
    paths = []
    for i in range(n):
        p = folder / f"f{i:03d}.yaml"
        p.write_text(text)
        paths.append(p)
    return paths


def _children(pid: int) -> list[int]:
    found = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(d.name))
    return found


def _whole_sets(out: Path, stems: list[str], failed: set[str]) -> None:
    """Every input built has its whole set; one named as failed has none, or a whole set (its worker was
    killed after the set was in place, before it could say so)."""
    names = sorted(p.name for p in out.iterdir())
    assert set(names) - set(failed) == {s for s in stems if s not in failed}, names
    for stem in names:
        folder = out / stem
        assert sorted(p.name for p in folder.iterdir()) == sorted([f"{stem}.json", f"{stem}.txt", "manifest.json"])
        manifest = json.loads((folder / "manifest.json").read_text())
        import hashlib
        for o in manifest["outputs"]:
            assert hashlib.sha256((folder / o["path"]).read_bytes()).hexdigest() == o["sha256"], (stem, o["path"])


def _failed(stderr: str) -> set[str]:
    return {Path(ln.split(": error[build-failed]")[0]).stem for ln in stderr.splitlines() if "error[build-failed]" in ln}


def test_workers_killed_at_random_moments(tmp_path):
    r = rng("batch:kills")
    for case in range(3):
        n = r.randint(150, 300)      # a text build takes ~15 ms: enough for the kills to land
        src = tmp_path / f"in{case}"
        paths = _inputs(src, n)
        out = tmp_path / f"out{case}"
        proc = subprocess.Popen(FOCUSGEN + ["build", str(src), "--out", str(out), "--format", "txt,json", "--jobs",
                                            "2", "--quiet"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        kills, workers_seen = 0, set()
        deadline = time.monotonic() + 300
        while not _children(proc.pid) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        # moments from the first worker's start: the first while the batch surely runs, the others anywhere
        plan = sorted([r.uniform(0.02, 0.3)] + [r.uniform(0.02, 3.0) for _ in range(r.randint(1, 7))])
        started = time.monotonic()
        for at in plan:
            while time.monotonic() - started < at and proc.poll() is None:
                time.sleep(0.01)
            if proc.poll() is not None:
                break
            workers = _children(proc.pid)
            workers_seen.update(workers)
            if not workers:
                continue
            try:
                os.kill(r.choice(sorted(workers)), signal.SIGKILL)
                kills += 1
            except ProcessLookupError:
                pass
            time.sleep(0.25)            # a new worker starts before the next kill
        stdout, stderr = proc.communicate(timeout=max(10, deadline - time.monotonic()))
        label = seeded(f"case {case}: {n} inputs, {kills} kills")
        assert "Traceback" not in stderr, (label, stderr[-3000:])
        failed = _failed(stderr)
        # an input fails only if two workers died building it: at most one per two kills
        assert len(failed) <= kills // 2, (label, failed)
        assert proc.returncode == (2 if failed else 0), (label, proc.returncode, stderr[-3000:])
        assert stderr.count("error[") == len(failed), (label, stderr[-3000:])
        _whole_sets(out, [p.stem for p in paths], failed)
        assert not [p for p in out.iterdir() if p.name.startswith(".")]        # no staging folder left
        time.sleep(0.3)
        assert not [w for w in workers_seen if Path(f"/proc/{w}").exists() and
                    (Path(f"/proc/{w}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z")], label
        assert kills >= 1, label


# --- in process: inputs whose worker dies, drawn -----------------------------------------------------

def _patched(monkeypatch, tmp_path, die_once: set[str], die_always: set[str], raises: set[str]):
    """batch.build_one, as the (forked) workers inherit it: each attempt is marked in a file, then an
    input of `die_once` kills its worker the first time, of `die_always` every time, of `raises` raises."""
    from focusgen import batch
    real = batch.build_one
    marks = tmp_path / "marks"
    marks.mkdir()

    def build_one(path, out_dir, formats, meta=None, settings=None):
        stem = Path(path).stem
        with open(marks / stem, "a") as fh:
            fh.write("x")
        tries = len((marks / stem).read_text())
        if stem in die_always or (stem in die_once and tries == 1):
            os.kill(os.getpid(), signal.SIGKILL)
        if stem in raises:
            raise ValueError("a bug")
        return real(path, out_dir, formats, meta, settings)
    monkeypatch.setattr(batch, "build_one", build_one)
    return lambda stem: len((marks / stem).read_text()) if (marks / stem).exists() else 0


def test_drawn_dying_inputs(tmp_path, monkeypatch):
    from focusgen import batch
    r = rng("batch:dying")
    paths = _inputs(tmp_path / "in", 40)
    stems = [p.stem for p in paths]
    die_once = set(r.sample(stems, 8))
    rest = [s for s in stems if s not in die_once]
    die_always = set(r.sample(rest, 3))
    raises = set(r.sample([s for s in rest if s not in die_always], 2))
    tries = _patched(monkeypatch, tmp_path, die_once, die_always, raises)
    seen = []
    outcomes = batch.build_many(paths, tmp_path / "out", ("txt", "json"), progress=seen.append, workers=2)
    label = seeded(f"once {sorted(die_once)}, always {sorted(die_always)}, raises {sorted(raises)}")
    by = {o.input.stem: o for o in outcomes}
    assert len(seen) == len(paths), label               # each input reported once
    for stem in stems:
        o = by[stem]
        if stem in die_always:
            assert [p.code for p in o.problems] == ["build-failed"] and "died (killed by SIGKILL)" in \
                o.problems[0].message and "once more" in o.problems[0].message, (label, stem, o.problems)
            assert tries(stem) == 2, (label, stem)      # retried exactly once
        elif stem in raises:
            assert [p.code for p in o.problems] == ["build-failed"] and "ValueError" in o.problems[0].message
            assert tries(stem) == 1, (label, stem)      # a failing build is not retried
        else:
            assert not o.problems and o.written, (label, stem, o.problems)
            assert tries(stem) == (2 if stem in die_once else 1), (label, stem)
    _whole_sets(tmp_path / "out", stems, die_always | raises)


def test_a_rebuild_after_a_death_leaves_the_earlier_set_when_it_fails(tmp_path, monkeypatch):
    """An input whose worker always dies: its earlier outputs are exactly as they were."""
    from focusgen import batch
    paths = _inputs(tmp_path / "in", 4)
    first = batch.build_many(paths, tmp_path / "out", ("txt", "json"), workers=2)
    assert not any(o.problems for o in first)
    before = {p.name: p.read_bytes() for p in (tmp_path / "out" / "f001").iterdir()}
    _patched(monkeypatch, tmp_path, set(), {"f001"}, set())
    again = batch.build_many(paths, tmp_path / "out", ("txt", "json"), workers=2)
    assert [o.input.stem for o in again if o.problems] == ["f001"]
    assert {p.name: p.read_bytes() for p in (tmp_path / "out" / "f001").iterdir()} == before
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]


def test_a_worker_killed_at_a_terminal(tmp_path):
    src = tmp_path / "in"
    _inputs(src, 40)
    out = tmp_path / "out"
    argv = ["build", src, "--out", out, "--format", "txt,json", "--jobs", "2"]
    killed = []

    def killer():
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(killed) < 2:
            mine = []
            for d in Path("/proc").iterdir():
                if d.name.isdigit():
                    try:
                        cmd = (d / "cmdline").read_bytes()
                        ppid = int((d / "stat").read_text().rsplit(")", 1)[1].split()[1])
                    except (OSError, ValueError):
                        continue
                    if str(out).encode() in cmd:
                        mine.append((int(d.name), ppid))
            pids = {p for p, _ in mine}
            workers = [p for p, ppid in mine if ppid in pids]
            if workers and out.exists():
                os.kill(workers[0], signal.SIGKILL)
                killed.append(workers[0])
                time.sleep(0.5)
            time.sleep(0.05)
    t = threading.Thread(target=killer)
    t.start()
    ran = pty_run(argv, cwd=tmp_path, timeout=240)
    t.join()
    assert killed
    assert "Traceback" not in ran.text and ran.cursor_restored
    failed = {Path(ln.split(": error[build-failed]")[0].strip()).stem for ln in ran.text.splitlines()
              if "error[build-failed]" in ln}
    assert ran.status == (2 if failed else 0), ran.text[-2000:]
    assert len(failed) <= len(killed) // 2
    _whole_sets(out, [f"f{i:03d}" for i in range(40)], failed)
