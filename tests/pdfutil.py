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
