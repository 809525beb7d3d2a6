"""Exploration: drawn documents from new seeds, judged as the tests judge them, printing every
failure with its seed so it can become an explicit example (tests/test_drawn_priors.py).

    .venv/bin/python benchmarks/explore_drawn.py --seed-from N --count M [--classes text,ocrtext,scan,whole,whole-scan]
                                                 [--workers W] [--keep DIR] [--folder DIR]

Seeds N .. N+M-1; each seed makes one document of a class taken in turn from --classes (default
text, ocrtext, scan), its report kind drawn from the seed, a scan's resolution (100-300 dpi) and
damage drawn from the seed too. The same seed always makes the same document: a failure printed here
is reproduced by `Spec(cls, kind, seed, dpi, damage)` (docgen.corpus), shown on each failure.
Documents go to --folder (default a temporary folder, removed at the end); --keep DIR copies each
failing one there with its truth.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
from pathlib import Path

from timing import ROOT

sys.path.insert(0, str(ROOT / "tests"))


def specs_for(seed_from: int, count: int, classes: list[str]):
    from docgen.corpus import DPIS, Spec, _kind
    from docgen.scanner import DAMAGES
    out = []
    for i in range(count):
        seed = seed_from + i
        cls = classes[i % len(classes)]
        rnd = random.Random(f"explore/{seed}")
        kind = "focus-ii" if cls.startswith("whole") else _kind(seed)
        if cls in ("scan", "whole-scan"):
            out.append(Spec(cls, kind, seed, rnd.choice(DPIS + (rnd.randint(100, 300),)), rnd.choice(DAMAGES)))
        else:
            out.append(Spec(cls, kind, seed))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed-from", type=int, required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--classes", default="text,ocrtext,scan")
    ap.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    ap.add_argument("--limit", type=int, default=900)
    ap.add_argument("--keep", type=Path)
    ap.add_argument("--folder", type=Path)
    args = ap.parse_args()

    from docgen.pool import classes_table, describe, keep, outcomes, table

    specs = specs_for(args.seed_from, args.count, args.classes.split(","))
    folder = args.folder or Path(tempfile.mkdtemp(prefix="docgen-explore-"))
    results, failing = [], []
    try:
        for doc, o in outcomes(specs, folder, args.workers, args.limit):
            results.append(o)
            if o.wrong or o.traceback:
                failing.append((doc, o))
                s = doc.spec
                print(describe(doc, o))
                print(f"  reproduce: Spec({s.cls!r}, {s.kind!r}, {s.seed}, {s.dpi!r}, {s.damage!r})\n", flush=True)
                if args.keep:
                    keep(doc, args.keep)
    finally:
        if not args.folder:
            shutil.rmtree(folder, ignore_errors=True)
    print(table(results))
    print()
    print(classes_table(failing))
    print(f"\n{len(failing)} of {len(results)} documents with a wrong claim or a traceback")
    sys.exit(1 if failing else 0)


if __name__ == "__main__":
    main()
