"""The plain baseline as a whole process: import WeasyPrint the ordinary way, render the filing
with the table-based template, write the PDF. Usage: plain_baseline.py INPUT.yaml OUT.pdf"""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
os.environ["FONTCONFIG_FILE"] = str(ROOT / "templates" / "assets" / "fonts.conf")
sys.path.insert(0, str(ROOT / "src"))

import jinja2  # noqa: E402
from weasyprint import HTML  # noqa: E402

from focusgen.render import view  # noqa: E402
from focusgen.report.compute import compute  # noqa: E402
from focusgen.inputs.load import load_input  # noqa: E402
from focusgen.money import fmt_amount  # noqa: E402


def plain_html(filing) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent), autoescape=True)
    env.filters["money"] = lambda v: fmt_amount(v, "parens")
    return env.get_template("plain_table.html.j2").render(
        pages=view.pages(filing), firm=filing.header.firm.name, as_of=view.mmddyy(filing.header.as_of))


if __name__ == "__main__":
    f = compute(load_input(sys.argv[1]))
    Path(sys.argv[2]).write_bytes(HTML(string=plain_html(f)).write_pdf())
