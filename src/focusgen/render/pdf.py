"""The filing as a form-faithful PDF: Jinja2 template, laid out by WeasyPrint once per form and header.

- Placed, not laid out: the template's values (amounts, the input's hash) are slots (slots.py); the
  HTML with placeholders is laid out once (layout.py) and kept as data (layout_cache.py), and each
  build writes its values into the laid-out pages (pdfwrite.py). A build from a kept layout needs no
  WeasyPrint at all.
- Locked down: autoescaping is on (a firm named `AT&T <Clearing>` prints literally), and the URL
  fetcher serves only the bundled files under templates/assets (engine.py).
- Reproducible: bundled fonts, dates from the as-of date; the same input gives the same bytes in any
  process and any cache state.
"""

from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache

from .. import __version__
from . import view
from .slots import AMOUNT, HEX, placed, recording
from ..money import fmt_amount
from ..report.model import Filing
from ..resources import TEMPLATES


def __getattr__(name: str):
    # the locked-down WeasyPrint pipeline, imported only when used
    if name in ("AssetFetcher", "RefusedURL"):
        from . import engine
        return getattr(engine, name)
    raise AttributeError(name)


@lru_cache(maxsize=1)
def _environment():
    import jinja2
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=False)
    # every value the filing prints through these is placed into the laid-out pages
    env.filters["money"] = lambda v: placed(fmt_amount(v, "parens"), AMOUNT)     # the SEC form: (52,837,332)
    env.filters["money_wj"] = lambda v: placed(fmt_amount(v, "minus"), AMOUNT)   # WinJammer: -52,837,332
    env.filters["digest"] = lambda v: placed(v, HEX)
    return env


def _template():
    return _environment().get_template("filing.html.j2")


def render_html(filing: Filing, public: bool = False) -> str:
    """public: the copy posted under Regulation 1.55(o), without the audit footer."""
    template = _template()
    h = filing.header
    stamp = datetime(h.as_of.year, h.as_of.month, h.as_of.day, tzinfo=timezone.utc)
    daily = filing.report.kind == "daily-seg"
    contact = []
    if daily:
        c = h.firm.contact
        contact = [("Name of Company", h.firm.name)]
        if not public:      # the public copy names no person (the cover's `private` boxes)
            contact += [("Contact Name", c.name or ""), ("Contact Phone Number", c.phone or ""),
                        ("Contact Email Address", c.email or "")]
    return template.render(
        title=f"{h.firm.name} - {filing.form_name} as of {view.mmddyyyy(h.as_of)}",
        firm=h.firm, version=__version__, stamp=stamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
        as_of=view.mmddyyyy(h.as_of), as_of_short=view.mmddyy(h.as_of),
        input_hash=filing.input.digest[:12], winjammer=daily, banner=view.banner(filing),
        status=h.filing_status,
        cover=filing.report.cover, cover_fields=[] if daily else view.cover_fields(filing, public),
        pursuant=view.pursuant(filing), filed_by=view.filed_by(filing), focus=None if daily else view.focus_cover(filing), public=public,
        contact=contact,
        targets=view.residual_interest_targets(filing) if daily else [],
        pages=view.pages(filing))


def html_to_pdf(html: str, epoch: int = 0, form_stylesheet: bool = True) -> bytes:
    """Any HTML through the locked-down WeasyPrint pipeline, laid out now (engine.py)."""
    from .engine import html_to_pdf as lay_out_and_write
    return lay_out_and_write(html, epoch, form_stylesheet)


def _epoch(filing: Filing) -> int:
    as_of = filing.header.as_of
    return int(datetime(as_of.year, as_of.month, as_of.day, tzinfo=timezone.utc).timestamp())


def render_pdf(filing: Filing, public: bool = False, layout_cache: bool = True) -> bytes:
    """public: the copy posted under Regulation 1.55(o), without the audit footer. layout_cache: keep and
    reuse layouts in the cache folder (settings.Settings; the same bytes either way)."""
    from . import layout_cache as cache, pdfwrite
    epoch = _epoch(filing)
    with recording("slots") as rec:
        html = render_html(filing, public)
    plan = cache.plan_for(html, rec.alphabets, epoch, use_folder=layout_cache)
    if plan["placeable"]:
        return pdfwrite.assemble(plan, rec.texts)
    return render_pdf_laid_out(filing, public)


def render_pdf_laid_out(filing: Filing, public: bool = False) -> bytes:
    """The filing laid out with its values, the slots holding them (a form whose slots cannot be
    placed; and the tests' reference for placing)."""
    with recording("direct"):
        html = render_html(filing, public)
    return html_to_pdf(html, _epoch(filing))
