"""The review pack (not part of the filing) as HTML and PDF, from templates/review.html.j2.
The HTML is self-contained; the PDF goes through the same locked-down pipeline as the filing."""

from __future__ import annotations

from datetime import datetime, timezone

from ..report.model import Filing
from .review import pack


def render_review(filing: Filing, history: list[dict]) -> tuple[str, bytes]:
    from .pdf import _environment, html_to_pdf
    env = _environment()
    html = env.get_template("review.html.j2").render(p=pack(filing, history))
    as_of = filing.header.as_of
    epoch = int(datetime(as_of.year, as_of.month, as_of.day, tzinfo=timezone.utc).timestamp())
    return html, html_to_pdf(html, epoch, form_stylesheet=False)
