"""Benchmarks of extraction (issue 4). Not a test: run by hand, figures go in the notes.

    .venv/bin/python benchmarks/bench_extract.py [--runs 7]

1. A PDF with a text layer (focusgen's FOCUS II PDF) extracted in-process (target <= 0.1 s).
2. A scanned 7-page filing (that PDF rasterised at 150 dpi, image-only) extracted with OCR
   (target <= 20 s), median of 3 runs.
Also the reference OCR text for scale.
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from pathlib import Path

from timing import ROOT, median_time


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()

    from PIL import Image

    from focusgen.compute import compute
    from focusgen.extract import extract
    from focusgen.inputs.load import load_input
    from focusgen.render.pdf import render_pdf

    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        pdf = tmp / "focus.pdf"
        pdf.write_bytes(render_pdf(compute(load_input(ROOT / "inputs" / "2020-11.yaml"))))
        extract(pdf)
        t = median_time(lambda: extract(pdf), args.runs)
        print(f"1. text-layer PDF (7 pages), in-process: {t:.3f} s  (median of {args.runs})")
        ref = ROOT / "tests" / "fixtures" / "hsbc-focus-ii-2020-11.txt"
        t = median_time(lambda: extract(ref), args.runs)
        print(f"   reference OCR text (HSBC):          {t:.3f} s")

        subprocess.run(["pdftoppm", "-r", "150", "-png", str(pdf), str(tmp / "p")], check=True)
        pages = [Image.open(p).convert("RGB") for p in sorted(tmp.glob("p-*.png"))]
        scan = tmp / "scan.pdf"
        pages[0].save(scan, save_all=True, append_images=pages[1:], resolution=150)
        t = median_time(lambda: extract(scan), 3)
        print(f"2. scanned {len(pages)}-page filing with OCR: {t:.1f} s  (median of 3)")


if __name__ == "__main__":
    main()
