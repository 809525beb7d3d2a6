"""Scans of foreign prints: each page rasterised at the scanner's resolution and damaged as a real
scan is (skew, noise, blur, JPEG loss), from a fixed seed, then wrapped as an image-only PDF.

    scan(pdf_bytes, quality, seed) -> PDF bytes        quality: "200" (clean) or "150" (poor)
"""

from __future__ import annotations

import io
import random

import numpy as np
from PIL import Image, ImageFilter

QUALITIES = {
    #        dpi, skew (degrees, either way), noise sigma, blur radius, JPEG quality
    "200": (200, 0.4, 6.0, 0.5, 85),
    "150": (150, 1.1, 12.0, 0.8, 55),
}


def scan(pdf: bytes, quality: str, seed: int = 0) -> bytes:
    import pypdfium2 as pdfium
    dpi, skew, sigma, blur, jpeg = QUALITIES[quality]
    rnd = random.Random(seed)
    rng = np.random.default_rng(seed)
    doc = pdfium.PdfDocument(pdf)
    pages = []
    try:
        for i in range(len(doc)):
            img = doc[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            angle = rnd.uniform(0.6, 1.0) * skew * rnd.choice((-1, 1))
            img = img.rotate(angle, resample=Image.BICUBIC, expand=False, fillcolor=255)
            img = img.filter(ImageFilter.GaussianBlur(blur))
            a = np.asarray(img, dtype=np.float32)
            a = a + rng.normal(0, sigma, a.shape) + rnd.uniform(-12, 0)       # noise, a greyer paper
            img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
            buf = io.BytesIO()
            img.save(buf, "JPEG", quality=jpeg)
            pages.append(Image.open(io.BytesIO(buf.getvalue())).convert("L"))
    finally:
        doc.close()
    out = io.BytesIO()
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=dpi)
    return out.getvalue()
