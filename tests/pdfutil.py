"""Helpers for the PDF tests: text and page images through pypdfium2, and a strict reading of every PDF
(qpdf --check, from Debian's qpdf, which `setup.sh --test` installs: pdfium repairs broken files
silently, qpdf reports them)."""

import shutil
import subprocess
import tempfile
from pathlib import Path

import pypdfium2 as pdfium

GOLDEN = Path(__file__).with_name("golden")
GOLDEN_DPI = 40


def strict(data: bytes) -> None:
    """Fails unless qpdf reads `data` with no error and no warning."""
    qpdf = shutil.which("qpdf")
    assert qpdf, "qpdf is not installed (./setup.sh --test installs it)"
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        proc = subprocess.run([qpdf, "--check", f.name], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "No syntax or stream encoding errors" in proc.stdout, (
        f"qpdf --check: exit {proc.returncode}\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}")


def pdf_text(data: bytes) -> str:
    strict(data)
    pdf = pdfium.PdfDocument(data)
    try:
        return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()


def page_images(data: bytes, dpi: int = GOLDEN_DPI):
    strict(data)
    pdf = pdfium.PdfDocument(data)
    try:
        return [pdf[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for i in range(len(pdf))]
    finally:
        pdf.close()


def char_boxes(data: bytes) -> list[tuple[int, str, tuple[float, ...]]]:
    """(page, character, box) of every character drawn, in pdfium's order."""
    doc = pdfium.PdfDocument(data)
    found = []
    for i in range(len(doc)):
        tp = doc[i].get_textpage()
        for c in range(tp.count_chars()):
            ch = tp.get_text_range(c, 1)
            if ch.strip():
                found.append((i, ch, tp.get_charbox(c)))
    doc.close()
    return found


def assert_placed_as_laid_out(f, public=False):
    """The filing's PDF is placed (not laid out) and every glyph stands within 0.05 pt of where laying
    the same values out puts it, with the same text layer."""
    from focusgen.render import layout_cache, pdf
    p = pdf.prepare(f, public)
    assert p.exact and layout_cache.plan_for(p.ctx, p.kinds, pdf.lay_out_variant)[0] is not None      # placed, not laid out
    placed, laid_out = pdf.render_pdf(f, public), pdf.render_pdf_laid_out(f, public)
    assert pdf_text(placed) == pdf_text(laid_out)
    a, b = char_boxes(placed), char_boxes(laid_out)
    assert [(p, ch) for p, ch, _ in a] == [(p, ch) for p, ch, _ in b]
    worst = max(max(abs(u - v) for u, v in zip(x[2], y[2])) for x, y in zip(a, b))
    assert worst < 0.05, worst
    return placed
