"""OCR of scanned pages with Tesseract (installed by setup.sh), for PDFs with no text layer."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

OCR_DPI = 300


class OCRUnavailable(RuntimeError):
    pass


def ocr_page(page) -> str:
    """Text of one pypdfium2 page, read by Tesseract at 300 dpi (--psm 6: rows kept as lines)."""
    exe = shutil.which("tesseract")
    if exe is None:
        raise OCRUnavailable("tesseract is not installed (./setup.sh installs it)")
    image = page.render(scale=OCR_DPI / 72, grayscale=True).to_pil()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "page.png"
        image.save(path)
        proc = subprocess.run([exe, str(path), "stdout", "--psm", "6", "-l", "eng", "--dpi", str(OCR_DPI)],
                              capture_output=True, text=True, timeout=120,
                              env={"OMP_THREAD_LIMIT": "1", "PATH": "/usr/bin:/bin"})
    if proc.returncode != 0:
        raise OCRUnavailable(f"tesseract failed: {proc.stderr.strip()[:200]}")
    return proc.stdout
