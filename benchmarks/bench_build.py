"""Benchmarks of whole `focusgen build` processes (issue 12). Not a test: run by hand, figures go in the notes.

    .venv/bin/python benchmarks/bench_build.py [--runs 11] [--batch 250] [--batch-runs 3]

Each figure is the median of interleaved runs beside the plain baseline measured in the same rounds
(benchmarks/plain_baseline.py: the same filing through a plain table-based WeasyPrint template, as a whole
process), and the median of the per-round ratios. Targets: the default build at most 0.35x the baseline; a
batch of 250 Daily Seg filings at most 20 s on 2 cores, the workers' memory flat.

1. `focusgen build inputs/2020-11.yaml` as a user runs it (default outputs: PDF, text, JSON, manifest; the
   terminal summary), the form's layout kept in the cache (warm): the everyday case.
2. the same with no layout kept (FOCUSGEN_NO_CACHE=1: an empty or absent cache lays the form out).
3. the PDF alone (--format pdf), warm; 4. text and JSON alone (--format txt,json).
5. 250 Daily Seg filings from a folder, `focusgen build DIR` on both cores, starting from an empty cache,
   and the workers' peak memory after their first and last filings.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import ROOT

from bench_pdf import make_daily_seg_inputs


def run_once(argv: list[str], env: dict) -> tuple[float, float]:
    """(wall, cpu) seconds of one whole process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(argv, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def interleaved(commands: dict[str, tuple[list[str], dict]], runs: int) -> dict[str, list[tuple[float, float]]]:
    """Every command once per round, the order rotated each round; one warm-up round first."""
    names = list(commands)
    for name in names:
        run_once(*commands[name])
    times: dict[str, list[tuple[float, float]]] = {n: [] for n in names}
    for i in range(runs):
        for name in names[i % len(names):] + names[:i % len(names)]:
            times[name].append(run_once(*commands[name]))
    return times


def report(label: str, times: list[tuple[float, float]], base: list[tuple[float, float]]) -> None:
    wall = statistics.median(t[0] for t in times)
    cpu = statistics.median(t[1] for t in times)
    ratio = statistics.median(a[0] / b[0] for a, b in zip(times, base))
    ratio_cpu = statistics.median(a[1] / b[1] for a, b in zip(times, base))
    print(f"{label:<46} wall {wall:6.3f} s  cpu {cpu:6.3f} s   ratio to baseline: wall {ratio:.3f}x, "
          f"cpu {ratio_cpu:.3f}x")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=11)
    ap.add_argument("--batch", type=int, default=250)
    ap.add_argument("--batch-runs", type=int, default=3)
    args = ap.parse_args()

    exe = str(Path(sys.executable).with_name("focusgen"))
    example = str(ROOT / "inputs" / "2020-11.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        warm = {**os.environ, "XDG_CACHE_HOME": f"{tmp}/cache"}
        warm.pop("FOCUSGEN_NO_CACHE", None)
        cold = {**warm, "FOCUSGEN_NO_CACHE": "1"}
        commands = {
            "baseline": ([sys.executable, str(ROOT / "benchmarks" / "plain_baseline.py"), example, f"{tmp}/plain.pdf"],
                         warm),
            "default": ([exe, "build", example, "--out", f"{tmp}/default"], warm),
            "default, no layout kept": ([exe, "build", example, "--out", f"{tmp}/cold"], cold),
            "pdf": ([exe, "build", example, "--out", f"{tmp}/pdf", "--format", "pdf", "--quiet"], warm),
            "txt,json": ([exe, "build", example, "--out", f"{tmp}/txt", "--format", "txt,json", "--quiet"], warm),
        }
        times = interleaved(commands, args.runs)
        base = times["baseline"]
        print(f"median of {args.runs} interleaved rounds; plain baseline process: wall "
              f"{statistics.median(t[0] for t in base):.3f} s, cpu {statistics.median(t[1] for t in base):.3f} s")
        report("1. focusgen build (default outputs), warm", times["default"], base)
        report("2. focusgen build (default outputs), no layout", times["default, no layout kept"], base)
        report("3. --format pdf, warm", times["pdf"], base)
        report("4. --format txt,json", times["txt,json"], base)

    if not args.batch:
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "in"
        folder.mkdir()
        make_daily_seg_inputs(folder, args.batch)
        elapsed = []
        for n in range(args.batch_runs):
            env = {**os.environ, "XDG_CACHE_HOME": f"{tmp}/cache{n}"}      # an empty cache each run
            env.pop("FOCUSGEN_NO_CACHE", None)
            t = time.perf_counter()
            subprocess.run([exe, "build", str(folder), "--out", f"{tmp}/out{n}", "--quiet"], check=True, env=env)
            elapsed.append(time.perf_counter() - t)
        built = len(list(Path(tmp, "out0").glob("*/*.pdf")))
        print(f"5. {built} Daily Seg filings (pdf, txt, json each), focusgen build DIR on "
              f"{len(os.sched_getaffinity(0))} cores, empty cache: median {statistics.median(elapsed):.1f} s of "
              f"{args.batch_runs} ({', '.join(f'{e:.1f}' for e in elapsed)})")

        os.environ["XDG_CACHE_HOME"] = f"{tmp}/cache-memory"
        from focusgen.batch import build_many, expand
        seen: dict[int, list[int]] = {}
        build_many(expand([folder]), Path(tmp) / "memory", ("pdf", "txt", "json"), workers=2,
                   progress=lambda o: seen.setdefault(o.worker, []).append(o.max_rss_kb))
        for pid, rss in sorted(seen.items()):
            print(f"   worker {pid}: {len(rss)} filings, peak RSS after its first {rss[0] / 1024:.1f} MiB, "
                  f"after its last {rss[-1] / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
