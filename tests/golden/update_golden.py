"""Regenerate the golden page images after an approved layout change:

    .venv/bin/python tests/golden/update_golden.py

Each example input is built and its PDF pages rendered (pypdfium2, grayscale, 40 dpi) into
tests/golden/<input stem>-p<N>.png. Review the new images before committing them."""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from pdfutil import page_images  # noqa: E402

from focusgen.report.compute import compute  # noqa: E402
from focusgen.inputs.load import load_input  # noqa: E402
from focusgen.render.pdf import render_pdf  # noqa: E402

EXAMPLES = ("2020-11", "daily-seg-2017-12-26")

if __name__ == "__main__":
    for old in HERE.glob("*.png"):
        old.unlink()
    for stem in EXAMPLES:
        pdf = render_pdf(compute(load_input(HERE.parents[1] / "inputs" / f"{stem}.yaml")))
        for n, image in enumerate(page_images(pdf), 1):
            image.save(HERE / f"{stem}-p{n}.png", optimize=True)
            print(f"wrote {stem}-p{n}.png")
