"""The filing template as Jinja compiles it (templates/filing.html.j2.compiled), shipped so that a build
that lays out a form (the first build ever, a new variant) need not compile the template: render/pdf.py
uses it only when its first line names the template's bytes, Jinja's version and the environment's
options as they are, and compiles the template otherwise. test_pdf_template.py checks the shipped file
is what this makes.

    python tests/templatemake.py      regenerates it
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def main() -> None:
    from focusgen.render import pdf
    pdf.COMPILED.write_text(pdf.compiled_source(), encoding="utf-8")
    print(f"wrote {pdf.COMPILED}")


if __name__ == "__main__":
    main()
