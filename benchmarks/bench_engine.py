"""Benchmarks of the filing engine (issue 2). Not a test: run by hand, figures go in the notes.

    .venv/bin/python benchmarks/bench_engine.py [--runs 7]

1. compute-only throughput in one process (target >= 10,000 filings/s): compute_values() on the
   HSBC example's input lines, and, for scale, the whole in-process pipeline (read + validate +
   compute + text + JSON).
2. whole-process time of `focusgen build inputs/2020-11.yaml --format txt,json` (target < 0.5 s),
   beside a baseline measured in the same run: a bare `python -c pass` start-up.
Each figure is the median of several runs; this machine is noisy.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import ROOT, median_time



def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()

    from focusgen.report.compute import compute
    from focusgen.report.values import compute_values
    from focusgen.inputs.load import load_input
    from focusgen.render.jsondoc import render_json
    from focusgen.render.text import render_text

    example = ROOT / "inputs" / "2020-11.yaml"
    fi = load_input(example)
    n = 20_000

    def compute_batch():
        for _ in range(n):
            compute_values("focus-ii", fi.amounts, fi.percents)

    t = median_time(compute_batch, args.runs)
    print(f"compute only:          {n / t:>10,.0f} filings/s  (median of {args.runs} x {n:,})")

    m = 300

    def pipeline():
        for _ in range(m):
            f = compute(load_input(example))
            render_text(f)
            render_json(f)

    t = median_time(pipeline, args.runs)
    print(f"read+compute+txt+json: {m / t:>10,.0f} filings/s  (median of {args.runs} x {m})")

    exe = str(Path(sys.executable).with_name("focusgen"))
    with tempfile.TemporaryDirectory() as out:
        cmd = [exe, "build", str(example), "--format", "txt,json", "--out", out, "--quiet"]
        subprocess.run(cmd, check=True)          # warm the OS file cache
        build = median_time(lambda: subprocess.run(cmd, check=True), args.runs)
        base = median_time(lambda: subprocess.run([sys.executable, "-c", "pass"], check=True), args.runs)
    print(f"focusgen build (txt,json) process: {build:.3f} s  (median of {args.runs})")
    print(f"baseline `python -c pass`:         {base:.3f} s  -> build is {build / base:.1f}x the bare start-up")


if __name__ == "__main__":
    main()
