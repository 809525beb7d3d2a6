"""Helpers for the PDF tests: text and page images through pypdfium2."""

from pathlib import Path

import pypdfium2 as pdfium

GOLDEN = Path(__file__).with_name("golden")
GOLDEN_DPI = 40


def pdf_text(data: bytes) -> str:
    pdf = pdfium.PdfDocument(data)
    try:
        return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    finally:
        pdf.close()


def page_images(data: bytes, dpi: int = GOLDEN_DPI):
    pdf = pdfium.PdfDocument(data)
    try:
        return [pdf[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for i in range(len(pdf))]
    finally:
        pdf.close()
