"""Scans of foreign prints: each page rasterised at the scanner's resolution and damaged as a real
scan is (skew, noise, blur, JPEG loss), from a fixed seed, then wrapped as an image-only PDF.

    scan(pdf_bytes, quality, seed) -> PDF bytes        quality: "200" (clean) or "150" (poor)
    damaged(pdf_bytes, kind, seed) -> PDF bytes        kind: "fax", "photo" or "stamp"

A fax: 200 x 100 dpi (half the lines), black and white by a fixed threshold, stretched back.
A photo: a phone's picture of the page: a slight perspective, uneven light, blur, JPEG.
A stamp: a RECEIVED stamp (a box of large grey letters and a date) over the amount column.
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


def damaged(pdf: bytes, kind: str, seed: int = 0) -> bytes:
    import pypdfium2 as pdfium
    from PIL import ImageDraw, ImageFont
    rnd = random.Random(seed)
    rng = np.random.default_rng(seed)
    doc = pdfium.PdfDocument(pdf)
    dpi = 200
    pages = []
    try:
        for i in range(len(doc)):
            img = doc[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            w, h = img.size
            if kind == "fax":
                img = img.resize((w, h // 2), Image.BILINEAR).point(lambda v: 255 if v > 150 else 0)
                img = img.resize((w, h), Image.NEAREST).rotate(rnd.uniform(-0.6, 0.6), fillcolor=255)
            elif kind == "photo":
                dx, dy = w * 0.015, h * 0.012
                quad = (rnd.uniform(0, dx), rnd.uniform(0, dy), rnd.uniform(0, dx), h - rnd.uniform(0, dy),
                        w - rnd.uniform(0, dx), h - rnd.uniform(0, dy), w - rnd.uniform(0, dx), rnd.uniform(0, dy))
                img = img.transform((w, h), Image.QUAD, quad, Image.BICUBIC, fillcolor=255)
                a = np.asarray(img, dtype=np.float32)
                yy, xx = np.mgrid[0:h, 0:w]
                light = 0.80 + 0.2 * (xx / w) * (1 - 0.5 * yy / h)          # a lamp to one side
                a = 255 - (255 - a) * 0.9
                a = a * light + rng.normal(0, 5, a.shape)
                img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(0.9))
                buf = io.BytesIO()
                img.save(buf, "JPEG", quality=60)
                img = Image.open(io.BytesIO(buf.getvalue())).convert("L")
            elif kind == "stamp":
                draw = ImageDraw.Draw(img)
                font = ImageFont.truetype(_FONT, int(0.35 * dpi))
                x, y = int(w * rnd.uniform(0.45, 0.55)), int(h * rnd.uniform(0.25, 0.55))
                box = (x, y, x + int(3.2 * dpi), y + int(1.1 * dpi))
                for k in range(3):
                    draw.rectangle((box[0] - k, box[1] - k, box[2] + k, box[3] + k), outline=150)
                draw.text((x + 20, y + 10), "RECEIVED", fill=160, font=font)
                small = ImageFont.truetype(_FONT, int(0.2 * dpi))
                draw.text((x + 40, y + int(0.6 * dpi)), "DEC 14 2020", fill=160, font=small)
            else:
                raise ValueError(kind)
            pages.append(img)
    finally:
        doc.close()
    out = io.BytesIO()
    pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=dpi)
    return out.getvalue()


_FONT = str(__import__("pathlib").Path(__file__).resolve().parents[2] / "templates" / "assets" / "fonts"
            / "LiberationSans-Regular.ttf")
