"""Renders a computed filing into the requested output formats, in memory, before anything is
written. The PDF renderer is imported only when a PDF is asked for (it is the heavy one)."""

from __future__ import annotations

from pathlib import Path

from ..compute import Filing


def public_name(stem: str) -> str:
    """The public copy's name, beside the audit copy <stem>.pdf."""
    return f"{stem}-public.pdf"


def render_outputs(filing: Filing, out_dir: Path, stem: str, formats: tuple[str, ...], built=None,
                   history=None) -> dict[Path, bytes]:
    files: dict[Path, bytes] = {}
    for fmt in formats:
        if fmt == "txt":
            from .text import render_text
            files[out_dir / f"{stem}.txt"] = render_text(filing).encode("utf-8")
        elif fmt == "json":
            from .jsondoc import render_json
            files[out_dir / f"{stem}.json"] = render_json(filing, built).encode("utf-8")
        elif fmt == "pdf":
            from .pdf import render_pdf
            files[out_dir / f"{stem}.pdf"] = render_pdf(filing)
        elif fmt == "public":
            # the copy posted under Regulation 1.55(o): the filing PDF without the audit footer
            from .pdf import render_pdf
            files[out_dir / public_name(stem)] = render_pdf(filing, public=True)
        elif fmt == "review":
            from .review_out import render_review
            html, pdf = render_review(filing, built, history or [])
            files[out_dir / f"{stem}-review.html"] = html.encode("utf-8")
            files[out_dir / f"{stem}-review.pdf"] = pdf
    return files
