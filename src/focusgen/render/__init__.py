"""The outputs: a computed filing (report.model.Filing) formatted, never computed further.

Holds: view.py (the filing laid out as the form prints it: pages, rows, cells, the cover), text.py
(WinJammer-style text), jsondoc.py (the JSON, written by report/jsonio's schema), pdf.py with slots.py,
layout.py, pdfwrite.py, layout_cache.py and engine.py (the PDF: laid out once, values placed), review.py
and review_out.py (the review pack), summary.py, check_views.py and terminal.py (the terminal), disclose.py
(the posting's index page), glyphs.py (what the bundled fonts draw).

May import: report/ (the model it formats), form/ (wording), money (formatting), resources, settings.
Never compare/, extract/, inputs/ loading or anything that computes: a renderer that needs a number the
model lacks is a sign the number belongs in report/.

To add an output format: a module here with render_X(filing) -> bytes, a branch in render_outputs(), and
its name in cli.FORMATS.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..settings import DEFAULT, Settings

if TYPE_CHECKING:       # the package's face imports nothing heavy: the CLI imports render.terminal first
    from ..report.model import Filing


def public_name(stem: str) -> str:
    """The public copy's name, beside the audit copy <stem>.pdf."""
    return f"{stem}-public.pdf"


def published_name(stem: str) -> str:
    """The CFTC's published row of a month-end filing, beside its JSON."""
    return f"{stem}-cftc-data.csv"


def published_csv(published: dict) -> bytes:
    """The row the CFTC publishes ("Selected FCM Financial Data"): its headings, then the firm's values
    (whole dollars, blank where the filing or the input gives none)."""
    import csv
    import io
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(published["columns"])
    writer.writerow(["" if v is None else v for v in published["row"]])
    return out.getvalue().encode("utf-8")


def render_outputs(filing: Filing, out_dir: Path, stem: str, formats: tuple[str, ...], history=None,
                   settings: Settings = DEFAULT) -> dict[Path, bytes]:
    files: dict[Path, bytes] = {}
    for fmt in formats:
        if fmt == "txt":
            from .text import render_text
            files[out_dir / f"{stem}.txt"] = render_text(filing).encode("utf-8")
        elif fmt == "json":
            from .jsondoc import render_json
            files[out_dir / f"{stem}.json"] = render_json(filing)
            if filing.published is not None:    # what the CFTC will publish about the firm, as a CSV row
                files[out_dir / published_name(stem)] = published_csv(filing.published)
        elif fmt == "pdf":
            from .pdf import render_pdf
            files[out_dir / f"{stem}.pdf"] = render_pdf(filing, layout_cache=settings.layout_cache)
        elif fmt == "public":
            # the copy posted under Regulation 1.55(o): the filing PDF without the audit footer
            from .pdf import render_pdf
            files[out_dir / public_name(stem)] = render_pdf(filing, public=True, layout_cache=settings.layout_cache)
        elif fmt == "review":
            from .review_out import render_review
            html, pdf = render_review(filing, history or [])
            files[out_dir / f"{stem}-review.html"] = html.encode("utf-8")
            files[out_dir / f"{stem}-review.pdf"] = pdf
    return files
