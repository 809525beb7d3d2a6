"""Benchmark of extraction's promise on the drawn corpus (tests/docgen). Not a test: run by hand,
figures go in the notes.

    .venv/bin/python benchmarks/bench_drawn.py [--workers N] [--limit SECONDS] [--quick] [--keep DIR]

The corpus: 540 documents from fixed seeds, built once into benchmarks/.corpus-drawn (gitignored;
rebuilt when the generator's VERSION changes): 240 text-layer prints in drawn layouts, 80 OCR texts
as other programs write them, 170 scans (every damage of docgen.scanner at 100-300 dpi: clean, skew,
blur, JPEG, noise, fax, phone photo, RECEIVED stamp, tick marks, cut short), 20 whole FOCUS II
filings (cover, SEC pages, then the CFTC pages), 10 of them scanned and 20 as OCR text. Each document is built and
extracted in a process pool on every core (one Tesseract thread per document), and judged by
docgen.checker: per class (text layer, OCR text, whole filings, scans by dpi band and by damage) the
share of printed values claimed as printed, the wrong claims (target: zero), the documents with a
wrong claim, blank-for-0 confusions, tracebacks, refusals and the seconds of extraction per document;
then the wall time. --quick: a tenth of it. --keep DIR: copy every failing document there with its
truth; --markdown FILE: list the failing documents there. The outcomes are written to
benchmarks/results/drawn.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import asdict
from pathlib import Path

from timing import ROOT

sys.path.insert(0, str(ROOT / "tests"))

FULL = dict(text=240, ocrtext=80, scans=170, whole=20, whole_scans=10, whole_ocrtext=20)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    ap.add_argument("--limit", type=int, default=900, help="seconds per document before it counts as a hang")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--keep", type=Path)
    ap.add_argument("--markdown", type=Path, help="write the failing documents there as a markdown list")
    ap.add_argument("--report-only", action="store_true",
                    help="no extraction: the tables and lists again from benchmarks/results/drawn.json, "
                         "the claims judged again by the checker as it is now")
    args = ap.parse_args()
    if args.report_only:
        return report_only(args)

    from docgen.corpus import sample
    from docgen.pool import classes_table, describe, keep, markdown, outcomes, table

    counts = {k: (max(1, v // 10) if args.quick else v) for k, v in FULL.items()}
    specs = sample(**counts)
    # the slow ones first, so both cores stay busy to the end
    specs.sort(key=lambda s: (s.cls not in ("whole-scan", "scan"), s.cls != "whole-scan"))
    folder = ROOT / "benchmarks" / ".corpus-drawn"
    print(f"{len(specs)} documents ({', '.join(f'{k} {v}' for k, v in counts.items())}), "
          f"{args.workers} workers, corpus in {folder}", flush=True)
    t0 = time.perf_counter()
    results, failing = [], []
    for i, (doc, o) in enumerate(outcomes(specs, folder, args.workers, args.limit), 1):
        results.append(o)
        mark = "WRONG" if o.wrong else "TRACEBACK" if o.traceback else "refused" if o.refused else ""
        print(f"[{i:3d}/{len(specs)}] {o.id:42s} {o.recovered:3d}/{o.legible:<3d} {o.seconds:6.1f}s {mark}", flush=True)
        if o.wrong or o.traceback:
            failing.append((doc, o))
            if args.keep:
                keep(doc, args.keep)
    wall = time.perf_counter() - t0
    print()
    for doc, o in sorted(failing, key=lambda f: f[1].id):
        print(describe(doc, o))
    print()
    print(table(results))
    print()
    print(classes_table(failing))
    print(f"\nwall time {wall:.0f} s for {len(results)} documents on {args.workers} workers "
          f"({sum(o.seconds for o in results):.0f} s of extraction in all)")
    if args.markdown:
        args.markdown.write_text(markdown(failing, args.keep))
    out = ROOT / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    (out / "drawn.json").write_text(json.dumps({"wall": wall, "workers": args.workers,
                                                "outcomes": [asdict(o) for o in results]}, indent=1))


def report_only(args) -> None:
    from docgen.checker import Outcome, rejudge
    from docgen.corpus import Spec, make
    from docgen.pool import classes_table, describe, keep, markdown, table
    data = json.loads((ROOT / "benchmarks" / "results" / "drawn.json").read_text())
    folder = ROOT / "benchmarks" / ".corpus-drawn"
    results, failing = [], []
    for d in data["outcomes"]:
        t = json.loads((folder / f"{d['id']}.truth.json").read_text())
        o = rejudge(Outcome(**d), t)             # by the checker as it is now
        results.append(o)
        if o.wrong or o.traceback:
            doc = make(Spec(**t["spec"]), folder)
            failing.append((doc, o))
            if args.keep:
                keep(doc, args.keep)
    for doc, o in sorted(failing, key=lambda f: f[1].id):
        print(describe(doc, o))
    print()
    print(table(results))
    print()
    print(classes_table(failing))
    print(f"\nwall time {data['wall']:.0f} s for {len(results)} documents on {data['workers']} workers")
    if args.markdown:
        args.markdown.write_text(markdown(failing, args.keep))


if __name__ == "__main__":
    main()
