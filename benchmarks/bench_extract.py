"""Benchmark of extraction (issue 8). Not a test: run by hand, figures go in the notes.

    .venv/bin/python benchmarks/bench_extract.py [--runs 5] [--quick]

1. The foreign corpus (tests/foreign: both reference filings in five layouts unlike focusgen's own,
   as text-layer PDFs and as scans at 200 dpi and at 150 dpi with skew, noise, blur and JPEG loss,
   fixed seeds): per layout and quality, the share of lines recovered, the values wrongly claimed
   (reported read or blank and not what was printed) and the seconds per document.
   Targets: text 100%, 200 dpi >= 98%, 150 dpi >= 90%, wrongly claimed 0 everywhere.
2. A text-layer PDF extracted in-process (target <= 0.1 s), median of --runs.
3. A 6-page scan at 150 dpi, OCR on one core and on every core (target <= 15 s), median of 3,
   beside `tesseract` on the raw pages alone (the same pages, no preparation) measured in the same run.
The corpus is built once into benchmarks/.corpus (delete it to rebuild).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

from timing import ROOT, median_time

sys.path.insert(0, str(ROOT / "tests"))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="text layers and one scan per quality only")
    args = ap.parse_args()

    from foreign.corpus import Score, build, score

    from focusgen.extract import extract
    from focusgen.problems import InputProblems

    folder = ROOT / "benchmarks" / ".corpus"
    docs = build(folder)
    if args.quick:
        docs = [d for d in docs if d.quality == "text" or d.layout == "leaders"]
    table: dict[tuple, list] = defaultdict(list)
    print(f"{'document':28s} {'recovered':>10s} {'wrong':>6s} {'seconds':>8s}")
    for d in docs:
        t = time.perf_counter()
        try:
            e = extract(d.path)
        except InputProblems as exc:           # a filing refused (not-a-filing): nothing recovered
            e = None
            print(f"{d.name}: refused: {exc.problems[0].message}")
        dt = time.perf_counter() - t
        s = score(e, d) if e is not None else Score(len(d.filing.values), unknown=list(d.filing.values))
        table[(d.layout, d.quality)].append((s, dt))
        table[("all", d.quality)].append((s, dt))
        print(f"{d.name:28s} {s.recovered:>4d}/{s.lines:<4d}  {len(s.wrong_claimed):>5d} {dt:8.2f}"
              + (f"   wrongly claimed: {s.wrong_claimed}" if s.wrong_claimed else ""), flush=True)
    print("\nlayout     quality  recovered  wrong-claimed  s/doc")
    for (layout, q), rows in sorted(table.items()):
        rec = sum(s.recovered for s, _ in rows)
        lines = sum(s.lines for s, _ in rows)
        wrong = sum(len(s.wrong_claimed) for s, _ in rows)
        secs = sum(dt for _, dt in rows) / len(rows)
        print(f"{layout:10s} {q:7s}  {100 * rec / lines:8.1f}%  {wrong:13d}  {secs:5.2f}")

    text = folder / "hsbc-leaders.pdf"
    t = median_time(lambda: extract(text), args.runs)
    print(f"\n2. text-layer PDF ({text.name}), in-process: {t:.3f} s (median of {args.runs})")

    import subprocess
    import tempfile

    import pypdfium2 as pdfium

    from focusgen.extract import ocr
    six = folder / "hsbc-wrapped-150.pdf"          # 6 pages
    pdf = pdfium.PdfDocument(six.read_bytes())
    images = [ocr.render(pdf[i]) for i in range(len(pdf))]
    pdf.close()

    def raw_tesseract():
        import cv2
        with tempfile.TemporaryDirectory() as tmp:
            for i, img in enumerate(images):
                cv2.imwrite(f"{tmp}/p{i}.png", img)
                subprocess.run(["tesseract", f"{tmp}/p{i}.png", "stdout", "--psm", "6", "tsv"], capture_output=True,
                               env={"OMP_THREAD_LIMIT": "1", "PATH": os.environ["PATH"]}, check=True)

    cores = len(os.sched_getaffinity(0))
    for label, fn in (("baseline: tesseract on the raw pages, one core", raw_tesseract),
                      ("extract, OCR on one core", lambda: _one_core(extract, six)),
                      (f"extract, OCR on {cores} cores", lambda: extract(six))):
        t = median_time(fn, 3)
        print(f"3. {six.name} ({len(images)} pages), {label}: {t:.1f} s (median of 3)")


def _one_core(extract, path):
    os.environ["FOCUSGEN_OCR_WORKERS"] = "1"
    try:
        return extract(path)
    finally:
        del os.environ["FOCUSGEN_OCR_WORKERS"]


if __name__ == "__main__":
    main()
