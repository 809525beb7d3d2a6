"""The PDF of a report computed from holdings (the SIDR): its own template (the report's `template:`,
templates/holdings.html.j2), because its depository tables' rows are data, which the FOCUS II and Daily
Seg forms laid out once and placed into (pdf.py, layout_cache.py) do not have.

It is laid out at each build by the same locked-down, reproducible engine (engine.py: the bundled fonts
only, a fetcher that serves only the package's assets, document dates from the as-of date) with the same
form stylesheet, from the same page model (view.py: pages, rows, cells, detail tables). Autoescaped: a
depository named `A&B <Trust>` prints literally."""

from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache

from .. import __version__
from ..money import fmt_amount
from ..report.model import Filing
from ..resources import TEMPLATES
from . import view


@lru_cache(maxsize=1)
def _environment():
    import jinja2
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=False)
    env.filters["money_wj"] = lambda v: fmt_amount(v, "minus")        # WinJammer: -52,837,332
    return env


def _epoch(filing: Filing) -> int:
    d = filing.header.as_of
    return int(datetime(d.year, d.month, d.day, tzinfo=timezone.utc).timestamp())


def render_html(filing: Filing, public: bool = False) -> str:
    """public: without the audit footer (as the other reports' public copies)."""
    h = filing.header
    c = h.firm.contact
    stamp = datetime.fromtimestamp(_epoch(filing), tz=timezone.utc)
    return _environment().get_template(filing.report.template).render(
        title=f"{h.firm.name} - {filing.form_name} as of {view.mmddyyyy(h.as_of)}", firm=h.firm,
        version=__version__, stamp=stamp.strftime("%Y-%m-%dT%H:%M:%SZ"), as_of=view.mmddyyyy(h.as_of),
        input_hash=filing.input.digest[:12], banner=view.banner(filing), status=h.filing_status,
        cover=filing.report.cover, public=public,
        contact=[("Name of Company", h.firm.name), ("Contact Name", c.name or ""),
                 ("Contact Phone Number", c.phone or ""), ("Contact Email Address", c.email or "")],
        pages=view.pages(filing))


def render_pdf(filing: Filing, public: bool = False) -> bytes:
    from .engine import html_to_pdf
    return html_to_pdf(render_html(filing, public), _epoch(filing))
