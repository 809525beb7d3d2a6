"""Scans of a print: each page rasterised at the scan's resolution (100-300 dpi) and damaged as real
scans, faxes and phone photos are, wrapped as an image-only PDF; and which cells the damage hides.

    scan(print_, dpi, damage, seed) -> Scanned(pdf, hidden)

Every scan has a little skew, noise and JPEG loss; its `damage` adds one of:
  clean   nothing more
  skew    up to 3 degrees
  blur    a soft focus
  jpeg    heavy JPEG loss
  noise   grain and specks
  fax     black and white at half the vertical resolution, thresholded, with streaks and specks
  photo   a phone photo: the page in perspective on a desk, uneven light, a soft focus
  stamp   a RECEIVED stamp (with its date) somewhere on a page, often over amounts
  tick    a reviewer's tick marks over or beside a few amounts
  cut     a page cut short (a fax or a feeder that stopped): the rest of it, and any pages after, lost
`hidden`: code -> "obscured" (a stamp or a tick over its amount: the page may or may not still show
it) or "lost" (not on the scan at all).
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass, field
import time

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

DAMAGES = ("clean", "skew", "blur", "jpeg", "noise", "fax", "photo", "stamp", "tick", "cut")
FONT = __import__("pathlib").Path(__file__).resolve().parents[2] / "templates" / "assets" / "fonts" / \
    "LiberationSans-Bold.ttf"


@dataclass
class Scanned:
    pdf: bytes
    hidden: dict = field(default_factory=dict)
    pages: int = 0


def _boxes_px(cells, page: int, dpi: int, H: float):
    """The cells of a page, as pixel boxes (x0, y0, x1, y1), y down."""
    k = dpi / 72
    out = {}
    for code, c in cells.items():
        if c.page == page:
            x0, y0, x1, y1 = c.box
            out[code] = (x0 * k, (H - y1) * k, x1 * k, (H - y0) * k)
    return out


def _hit(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _stamp(img: Image.Image, rnd: random.Random, boxes: dict, dpi: int, when: str) -> set:
    """A RECEIVED stamp: a bordered box, RECEIVED, the date, the agency, in a mid-grey ink (red or
    blue ink on a grey scan), turned a little. Placed over an amount cell more often than not."""
    k = dpi / 72
    w, h = int(150 * k), int(62 * k)
    stamp = Image.new("L", (w, h), 0)
    d = ImageDraw.Draw(stamp)
    t = max(2, int(2.2 * k))
    d.rounded_rectangle((t, t, w - t, h - t), radius=int(8 * k), outline=255, width=t)
    big = ImageFont.truetype(str(FONT), int(20 * k))
    small = ImageFont.truetype(str(FONT), int(10 * k))
    d.text((w / 2, h * 0.33), "RECEIVED", font=big, fill=255, anchor="mm")
    d.text((w / 2, h * 0.62), when, font=small, fill=255, anchor="mm")
    d.text((w / 2, h * 0.82), rnd.choice(["CFTC", "NFA - COMPLIANCE", "DIVISION OF CLEARING & RISK"]),
           font=small, fill=255, anchor="mm")
    stamp = stamp.rotate(rnd.uniform(-18, 18), resample=Image.BICUBIC, expand=True)
    W, H = img.size
    cands = [b for b in boxes.values() if b[2] - b[0] > 2]
    if cands and rnd.random() < 0.75:
        b = rnd.choice(cands)
        cx, cy = (b[0] + b[2]) / 2 + rnd.uniform(-40, 40) * k, (b[1] + b[3]) / 2 + rnd.uniform(-15, 15) * k
    else:
        cx, cy = rnd.uniform(0.2, 0.8) * W, rnd.uniform(0.1, 0.9) * H
    x0, y0 = int(cx - stamp.width / 2), int(cy - stamp.height / 2)
    ink = rnd.uniform(70, 150)          # how dark the ink scans
    a = np.asarray(img, dtype=np.float32)
    m = np.zeros_like(a)
    sx0, sy0 = max(0, x0), max(0, y0)
    sx1, sy1 = min(W, x0 + stamp.width), min(H, y0 + stamp.height)
    if sx1 <= sx0 or sy1 <= sy0:
        return set()
    sm = np.asarray(stamp, dtype=np.float32)[sy0 - y0:sy1 - y0, sx0 - x0:sx1 - x0] / 255.0
    sm *= rnd.uniform(0.6, 1.0)                             # ink coverage
    m[sy0:sy1, sx0:sx1] = sm
    a = a * (1 - m) + np.minimum(a, ink) * m
    img.paste(Image.fromarray(np.clip(a, 0, 255).astype(np.uint8)))
    # the cells under the stamp's ink
    rows = np.where(m.max(axis=1) > 0.2)[0]
    cols = np.where(m.max(axis=0) > 0.2)[0]
    if not len(rows):
        return set()
    area = (cols.min(), rows.min(), cols.max(), rows.max())
    hit = set()
    for code, b in boxes.items():
        if _hit(area, b):
            sub = m[int(b[1]):int(b[3]) + 1, int(b[0]):int(b[2]) + 1]
            if sub.size and sub.max() > 0.2:
                hit.add(code)
    return hit


def _ticks(img: Image.Image, rnd: random.Random, boxes: dict, dpi: int) -> set:
    """A reviewer's tick marks, in pen, over or just beside a few amounts."""
    k = dpi / 72
    d = ImageDraw.Draw(img)
    hit = set()
    cands = [(c, b) for c, b in boxes.items() if b[2] - b[0] > 2]
    for code, b in rnd.sample(cands, min(len(cands), rnd.randint(1, 4))):
        over = rnd.random() < 0.6
        x = (b[0] + b[2]) / 2 + rnd.uniform(-0.3, 0.3) * (b[2] - b[0]) if over else b[2] + rnd.uniform(4, 12) * k
        y = (b[1] + b[3]) / 2
        s = rnd.uniform(6, 11) * k
        pts = [(x - s * 0.5, y - s * 0.1), (x - s * 0.1, y + s * 0.45), (x + s * 0.7, y - s * 0.8)]
        d.line(pts, fill=int(rnd.uniform(20, 90)), width=max(1, int(rnd.uniform(0.8, 1.6) * k)), joint="curve")
        if over:
            hit.add(code)
        elif _hit((pts[0][0], pts[2][1], pts[2][0], pts[1][1]), b):
            hit.add(code)
    return hit


def _photo(img: Image.Image, rnd: random.Random) -> Image.Image:
    """A phone photo: the page in perspective on a darker desk, light falling off across it."""
    import cv2
    a = np.asarray(img, dtype=np.float32)
    h, w = a.shape
    pad = int(0.04 * max(w, h))
    canvas = np.full((h + 2 * pad, w + 2 * pad), rnd.uniform(60, 120), dtype=np.float32)
    canvas[pad:pad + h, pad:pad + w] = a
    H2, W2 = canvas.shape
    j = 0.03
    src = np.float32([[pad, pad], [pad + w, pad], [pad + w, pad + h], [pad, pad + h]])
    dst = np.float32([[pad + rnd.uniform(-j, j) * w, pad + rnd.uniform(-j, j) * h],
                      [pad + w + rnd.uniform(-j, j) * w, pad + rnd.uniform(-j, j) * h],
                      [pad + w + rnd.uniform(-j, j) * w, pad + h + rnd.uniform(-j, j) * h],
                      [pad + rnd.uniform(-j, j) * w, pad + h + rnd.uniform(-j, j) * h]])
    M = cv2.getPerspectiveTransform(src, dst)
    warped = cv2.warpPerspective(canvas, M, (W2, H2), flags=cv2.INTER_LINEAR, borderValue=float(canvas[0, 0]))
    # the light, worked out on a coarse grid and spread over the page (it varies slowly)
    gh, gw = 64, int(64 * W2 / H2) + 1
    yy, xx = np.mgrid[0:gh, 0:gw].astype(np.float32)
    ang = rnd.uniform(0, 2 * math.pi)
    grad = np.cos(ang) * (xx / gw - 0.5) + np.sin(ang) * (yy / gh - 0.5)
    light = rnd.uniform(0.75, 0.9) + rnd.uniform(0.1, 0.3) * grad
    light = light - rnd.uniform(0.05, 0.2) * np.hypot(xx / gw - 0.5, yy / gh - 0.5) ** 2
    light = cv2.resize(np.clip(light, 0.45, 1.1).astype(np.float32), (W2, H2), interpolation=cv2.INTER_LINEAR)
    out = cv2.multiply(warped, light)
    out = out * rnd.uniform(0.85, 1.0) + rnd.uniform(0, 20)          # less contrast
    out = cv2.resize(out[pad // 2:H2 - pad // 2, pad // 2:W2 - pad // 2], (w, h), interpolation=cv2.INTER_AREA)
    return Image.fromarray(np.clip(out, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(rnd.uniform(0.4, 1.0)))


def _fax(img: Image.Image, rnd: random.Random) -> Image.Image:
    """Black and white at half the vertical resolution (a standard-mode fax), thresholded, with the
    streaks a dirty glass or a bad line leaves and a few specks."""
    w, h = img.size
    small = img.resize((w, max(1, h // 2)), Image.BILINEAR)
    a = np.asarray(small, dtype=np.float32)
    a = a + np.random.default_rng(rnd.randint(0, 2**31)).normal(0, 10, a.shape)
    bw = np.where(a < rnd.uniform(120, 175), 0, 255).astype(np.uint8)
    for _ in range(rnd.randint(0, 3)):                  # vertical streaks (dirt on the glass)
        x = rnd.randrange(w)
        bw[:, x:x + rnd.randint(1, 2)] = 0
    for _ in range(rnd.randint(0, 4)):                  # horizontal dropouts (a bad line)
        y = rnd.randrange(bw.shape[0])
        bw[y:y + rnd.randint(1, 2), :] = 255 if rnd.random() < 0.6 else 0
    rng = np.random.default_rng(rnd.randint(0, 2**31))
    specks = rng.random(bw.shape) < 0.0008
    bw[specks] = 0
    return Image.fromarray(bw).resize((w, h), Image.NEAREST)


def scan(pr, dpi: int, damage: str, seed: int, when: str = "DEC 03 2020") -> Scanned:
    """A scan of a drawn print (printer.Print), with the cells its damage hides."""
    return scan_pdf(pr.pdf, dpi, damage, seed, pr.cells, pr.sec_cells, when)


def scan_pdf(pdf: bytes, dpi: int, damage: str, seed: int, cells: dict | None = None,
             sec_cells: dict | None = None, when: str = "DEC 03 2020") -> Scanned:
    """A scan of any PDF (focusgen's own filings too); cells (code -> printer.CellAt), when known,
    say which lines the damage hides."""
    import pypdfium2 as pdfium

    cells, sec_cells = cells or {}, sec_cells or {}
    rnd = random.Random(f"scan/{seed}/{dpi}/{damage}")
    rng = np.random.default_rng(rnd.randint(0, 2**31))
    doc = pdfium.PdfDocument(pdf)
    hidden: dict[str, str] = {}
    pages = []
    n = len(doc)
    cut_page, cut_at = None, None
    if damage == "cut":
        cut_page = rnd.randrange(n) if rnd.random() < 0.5 else n - 1
        cut_at = rnd.uniform(0.35, 0.9)            # the share of the page that came through
    stamp_page = rnd.randrange(n)
    try:
        for i in range(n):
            if cut_page is not None and i > cut_page:
                break
            H = doc[i].get_size()[1]
            img = doc[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            boxes = _boxes_px(cells, i, dpi, H)
            if damage == "stamp" and i == stamp_page:
                for code in _stamp(img, rnd, {**boxes, **_boxes_px(sec_cells, i, dpi, H)}, dpi, when):
                    if code in cells:
                        hidden[code] = "obscured"
            if damage == "tick" and (i == stamp_page or rnd.random() < 0.4):
                for code in _ticks(img, rnd, boxes, dpi):
                    hidden[code] = "obscured"
            if i == cut_page:
                keep = int(img.height * cut_at)
                for code, b in boxes.items():
                    if b[3] > keep - 2:
                        hidden[code] = "lost"
                page = Image.new("L", img.size, 255)
                page.paste(img.crop((0, 0, img.width, keep)), (0, 0))
                img = page
            skew = rnd.uniform(1.0, 3.0) if damage == "skew" else rnd.uniform(0, 0.4)
            img = img.rotate(skew * rnd.choice((-1, 1)), resample=Image.BICUBIC, expand=False, fillcolor=255)
            if damage == "photo":
                img = _photo(img, rnd)
            blur = {"blur": rnd.uniform(0.9, 1.6)}.get(damage, rnd.uniform(0.0, 0.5)) * dpi / 200
            if blur > 0.05:
                img = img.filter(ImageFilter.GaussianBlur(blur))
            if damage == "fax":
                img = _fax(img, rnd)
            else:
                sigma = rnd.uniform(14, 28) if damage == "noise" else rnd.uniform(2, 7)
                a = np.asarray(img, dtype=np.float32) + rng.normal(0, sigma, (img.height, img.width))
                a += rnd.uniform(-14, 0)                                 # greyer paper
                if damage == "noise":
                    a[rng.random(a.shape) < 0.002] = 0
                img = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
            pages.append(img)
        for i in range(len(pages), n):                     # the pages a cut scan lost
            for code, c in cells.items():
                if c.page == i:
                    hidden[code] = "lost"
    finally:
        doc.close()
    quality = rnd.randint(15, 40) if damage == "jpeg" else rnd.randint(60, 90)
    out = io.BytesIO()
    fixed = time.gmtime(1606986000)              # the PDF's dates (3 Dec 2020): the same bytes every run
    meta = {"creationDate": fixed, "modDate": fixed, "producer": "docgen scanner"}
    if damage == "fax":
        pages = [p.convert("1") for p in pages]
        pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=dpi, **meta)
    else:
        # each page through JPEG at the scan's quality, and stored so (DCT) in the PDF
        pages[0].save(out, "PDF", save_all=True, append_images=pages[1:], resolution=dpi, quality=quality,
                      **meta)
    return Scanned(out.getvalue(), hidden, len(pages))
