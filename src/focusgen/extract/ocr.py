"""OCR of scanned pages: make the page readable, then read it with Tesseract (installed by setup.sh).

Each page is rendered at 300 dpi (Tesseract reads best at about 30 pixels a capital letter), then,
with OpenCV rather than pixel loops:
1. deskewed: the angle whose rows of ink are sharpest (projection profile on a small copy);
2. cleaned of what is not text, found on an Otsu binary copy and whitened in the grey page:
   ruled lines and code boxes, runs of dots and dashes (leaders; a lone comma or period beside a
   digit stays), and specks;
3. read by Tesseract as one uniform block (--psm 6, rows kept) into words with boxes (TSV);
4. every number read a second time, alone, binarised on its own and with only a number's
   characters, and the marks the first reading skipped read the same way.
Pages run in parallel, one Tesseract thread each, on as many cores as there are.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .words import Word, tsv_words

OCR_DPI = 300
TIMEOUT = 120                 # seconds a page; a page that takes longer is refused, not waited for


class OCRUnavailable(RuntimeError):
    pass


def tesseract() -> str:
    exe = shutil.which("tesseract")
    if exe is None:
        raise OCRUnavailable("tesseract is not installed (./setup.sh installs it)")
    return exe


def render(page):
    """A pypdfium2 page as a grey image (numpy array) at OCR_DPI."""
    return page.render(scale=OCR_DPI / 72, grayscale=True).to_numpy().copy()


def _ink(gray):
    """Ink as white on black: Otsu's threshold after a light blur (noise and JPEG blocks away)."""
    import cv2
    _, ink = cv2.threshold(cv2.GaussianBlur(gray, (3, 3), 0), 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return ink


def skew_angle(binary) -> float:
    """Degrees to rotate by so rows of text are level: the angle that makes the row sums of ink
    most uneven (text lines and the gaps between them sharpest), searched coarse then fine."""
    import cv2
    import numpy as np
    small = cv2.resize(binary, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    h, w = small.shape
    centre = (w / 2, h / 2)

    def sharpness(angle: float) -> float:
        m = cv2.getRotationMatrix2D(centre, angle, 1.0)
        rows = cv2.warpAffine(small, m, (w, h), flags=cv2.INTER_NEAREST, borderValue=0).sum(axis=1, dtype=np.float64)
        return float(np.square(np.diff(rows)).sum())

    best = max(np.arange(-3.0, 3.01, 0.25), key=sharpness)
    return float(max(np.arange(best - 0.25, best + 0.26, 0.05), key=sharpness))


def clean(gray):
    """The page ready for OCR: deskewed, and without ruled lines, boxes, leaders and specks, which
    are whitened in the grey image (Tesseract binarises a grey page better than we do: measured on
    the foreign scans, 80% of amounts read exactly against 55% from our own binary image).
    Returns (image, angle): the grey page and the angle it was rotated by."""
    import cv2
    import numpy as np
    ink = _ink(gray)
    angle = skew_angle(ink)
    if abs(angle) >= 0.05:
        h, w = ink.shape
        m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        gray = cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
        ink = _ink(gray)
    drop = not_text(ink)
    out = gray.copy()
    out[cv2.dilate(drop, np.ones((3, 3), np.uint8)) > 0] = 255
    return out, angle


def _cap_height(stats) -> float:
    """A capital's or a digit's height in pixels: the upper quartile of the character-sized blobs."""
    import numpy as np
    hs, ws = stats[1:, 3], stats[1:, 2]          # cv2.CC_STAT_HEIGHT, cv2.CC_STAT_WIDTH
    chars = hs[(hs >= 8) & (hs <= 120) & (ws <= 120)]
    return float(np.percentile(chars, 75)) if chars.size else 28.0


def not_text(ink):
    """The ink that is not text (white on black mask): ruled lines and box sides (long thin runs),
    runs of dots or dashes (leaders; a lone comma or period beside a digit stays), and specks."""
    import cv2
    import numpy as np
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    xh = _cap_height(stats)

    horiz = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (int(7 * xh), 1)))
    vert = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, int(1.6 * xh))))
    # a scanned rule is blurred wider than the run that found it: take its fringe too
    fringe = max(3, int(0.15 * xh) | 1)
    lines = cv2.bitwise_or(cv2.dilate(horiz, np.ones((fringe, 3), np.uint8)),
                           cv2.dilate(vert, np.ones((3, fringe), np.uint8)))
    rest = cv2.bitwise_and(ink, cv2.bitwise_not(lines))

    n, labels, stats, cent = cv2.connectedComponentsWithStats(rest, connectivity=8)
    if n <= 1:
        return lines
    st = stats[1:]
    w_, h_, a_ = st[:, cv2.CC_STAT_WIDTH], st[:, cv2.CC_STAT_HEIGHT], st[:, cv2.CC_STAT_AREA]
    speck = a_ < max(4, (xh * 0.08) ** 2)
    small = (w_ <= 0.32 * xh) & (h_ <= 0.32 * xh) & ~speck        # a dot: far below a lower-case letter
    dash = (h_ <= 0.2 * xh) & (w_ <= 1.2 * xh) & (w_ > 0.32 * xh)
    mark = small | dash
    # a run of marks: the marks dilated sideways join into a blob several characters long
    lut = np.zeros(n, np.uint8)
    lut[1:][mark] = 255
    runs = cv2.dilate(lut[labels], cv2.getStructuringElement(cv2.MORPH_RECT, (int(1.0 * xh), 1)))
    rn, rlabels, rstats, _ = cv2.connectedComponentsWithStats(runs, connectivity=8)
    long_run = np.zeros(rn, bool)
    # a leader is a long, flat run (its marks on one baseline); the pieces of letters a poor scan
    # broke apart stand at every height
    long_run[1:] = (rstats[1:, cv2.CC_STAT_WIDTH] >= 3.5 * xh) & (rstats[1:, cv2.CC_STAT_HEIGHT] <= 0.45 * xh)
    cx = cent[1:, 0].astype(int).clip(0, ink.shape[1] - 1)
    cy = cent[1:, 1].astype(int).clip(0, ink.shape[0] - 1)
    in_run = long_run[rlabels[cy, cx]] & mark
    # a separator right beside a digit is not a leader
    big = np.zeros(n, np.uint8)
    big[1:][(h_ > 0.6 * xh) & ~mark] = 255
    near_big = cv2.dilate(big[labels], cv2.getStructuringElement(cv2.MORPH_RECT, (int(0.5 * xh), int(0.6 * xh))))
    beside = near_big[cy, cx] > 0
    rule = (h_ <= 0.2 * xh) & (w_ >= 2 * xh)                      # the rest of a box or an underline
    drop = speck | rule | (in_run & ~beside)
    lut = np.zeros(n, np.uint8)
    lut[1:][drop] = 255
    out = cv2.bitwise_or(lines, lut[labels])
    # a code's box: in a blob the size of a word or two, the rows and columns that are nearly all
    # ink are its sides (digits that touch the box keep their other pixels)
    for k in np.flatnonzero((h_ >= 0.8 * xh) & (h_ <= 3 * xh) & (w_ >= 1.5 * xh) & (w_ <= 15 * xh)):
        x, y, w, h = st[k, 0], st[k, 1], st[k, 2], st[k, 3]
        blob = labels[y:y + h, x:x + w] == k + 1
        full_rows = blob.mean(axis=1) >= 0.85
        full_cols = blob.mean(axis=0) >= 0.85
        top = np.flatnonzero(full_rows[: max(1, h // 4)])
        bottom = np.flatnonzero(full_rows[-max(1, h // 4):])
        if not (top.size and bottom.size and full_cols[: max(1, w // 8)].any() and full_cols[-max(1, w // 8):].any()):
            continue
        # a box is hollow: just inside its top line, across the middle, there is no ink (letters
        # merged by a blurred scan, serifs and stems, are not)
        inside = blob[top[-1] + 1: top[-1] + 1 + max(2, h // 6), w // 5: w - w // 5]
        if inside.size and inside.mean() < 0.6:        # measured: boxes 0-0.51 (digits touching), letters 0.69+
            side = np.zeros_like(blob)
            side[full_rows, :] = True
            side[:, full_cols] = True
            region = out[y:y + h, x:x + w]
            region[side & blob] = 255
    return out


def _run_tesseract(exe: str, image, folder: Path, name: str, *config: str) -> str:
    import cv2
    path = folder / f"{name}.png"
    cv2.imwrite(str(path), image)
    proc = subprocess.run([exe, str(path), "stdout", "--psm", "6", "-l", "eng", "--dpi", str(OCR_DPI),
                           "-c", "tessedit_do_invert=0", *config, "tsv"],
                          capture_output=True, text=True, timeout=TIMEOUT,
                          env={"OMP_THREAD_LIMIT": "1", "PATH": os.environ.get("PATH", "/usr/bin:/bin")})
    if proc.returncode != 0:
        raise OCRUnavailable(f"tesseract failed: {proc.stderr.strip()[:200]}")
    return proc.stdout


NUMBER_CHARS = "0123456789,.()-$"
_PAD = 8          # pixels around a number's box in its second reading


def _second_reading(exe: str, page, words_px: list[tuple], folder: Path, name: str) -> dict[int, str]:
    """Every number on the page read again, alone on a line and with only the characters a number
    has (Tesseract's whitelist): {word index: text}. Two readings that agree are a number read
    whole; two that differ leave it to the arithmetic."""
    import cv2
    import numpy as np
    crops, bands, y = [], [], 0
    for k, (text, x0, y0, x1, y1) in words_px:
        crop = page[max(0, y0 - _PAD):y1 + _PAD, max(0, x0 - _PAD):x1 + _PAD]
        if crop.size == 0:
            continue
        # binarised on its own (Otsu on the crop alone): an opinion independent of the page's
        # reading, which Tesseract binarised globally (measured: it settles 5 against 8 and 3
        # against 8 where the page's reading and a grey crop agree on the wrong digit)
        _, crop = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        crops.append((crop, y))
        bands.append((y, y + crop.shape[0], k))
        y += crop.shape[0] + 3 * _PAD
    if not crops:
        return {}
    width = max(c.shape[1] for c, _ in crops) + 4 * _PAD
    sheet = np.full((y + 2 * _PAD, width), 255, np.uint8)
    for crop, top in crops:
        sheet[top + _PAD: top + _PAD + crop.shape[0], 2 * _PAD: 2 * _PAD + crop.shape[1]] = crop
    found: dict[int, list] = {}
    for w in tsv_words(_run_tesseract(exe, sheet, folder, name, "-c", f"tessedit_char_whitelist={NUMBER_CHARS}"), 1.0):
        yc = w.yc - _PAD
        for top, bottom, k in bands:
            if top <= yc < bottom:
                found.setdefault(k, []).append(w)
                break
    return {k: "".join(w.text for w in sorted(ws, key=lambda w: w.x0)) for k, ws in found.items()}


def _marks(ink) -> tuple[list[tuple], float]:
    """Boxes (pixels) of the marks left on the cleaned page big enough to be characters: what a
    cell holds even where OCR read nothing (a faint 0, a dash, a smudged number); and the height
    of a capital."""
    import cv2
    import numpy as np
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if n <= 1:
        return [], 28.0
    st = stats[1:]
    hs = st[:, cv2.CC_STAT_HEIGHT]
    xh = _cap_height(stats)
    keep = (np.maximum(hs, st[:, cv2.CC_STAT_WIDTH]) >= 0.3 * xh) & (st[:, cv2.CC_STAT_AREA] >= (0.1 * xh) ** 2)
    return [(int(x), int(y), int(x + w), int(y + h)) for x, y, w, h, _ in st[keep]], xh


def _unread(marks: list[tuple], words: list[Word], xh: float) -> list[tuple]:
    """Groups of marks no word covers, joined along a row: what OCR skipped (a lone 0, a dash)."""
    left = [m for m in marks if not any(w.x0 - 2 <= m[0] and m[2] <= w.x1 + 2 and w.y0 - 2 <= m[1] and m[3] <= w.y1 + 2
                                        for w in words)]
    groups: list[list] = []
    for m in sorted(left, key=lambda m: (m[1] + m[3]) / 2):
        yc = (m[1] + m[3]) / 2
        for g in groups:
            if abs(yc - g[4]) <= 0.5 * xh and m[0] - g[2] <= 1.2 * xh and g[0] - m[2] <= 1.2 * xh:
                g[0], g[1], g[2], g[3] = min(g[0], m[0]), min(g[1], m[1]), max(g[2], m[2]), max(g[3], m[3])
                break
        else:
            groups.append([m[0], m[1], m[2], m[3], yc])
    return [tuple(g[:4]) for g in groups if g[2] - g[0] <= 20 * xh and g[3] - g[1] <= 2 * xh]


def read_page(exe: str, image, folder: Path, index: int):
    """(words, marks) of one page: cleaned, read, every number read a second time, and what the
    reading skipped read on its own (a word of no confidence: only the arithmetic can confirm it)."""
    import cv2
    page, _ = clean(image)
    words = tsv_words(_run_tesseract(exe, page, folder, f"page{index}"), 1.0)
    _, ink = cv2.threshold(page, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    marks, xh = _marks(ink)
    skipped = _unread(marks, words, xh)
    numeric = [(k, (w.text, int(w.x0), int(w.y0), int(w.x1), int(w.y1))) for k, w in enumerate(words)
               if sum(ch.isdigit() for ch in w.text) >= 1 or w.text in ("-", "—", "–")]
    numeric += [(len(words) + j, ("", *g)) for j, g in enumerate(skipped)]
    alt = _second_reading(exe, page, numeric, folder, f"numbers{index}")
    scale = 72 / OCR_DPI
    is_number = dict(numeric)
    out = [Word(w.text, w.x0 * scale, w.y0 * scale, w.x1 * scale, w.y1 * scale, w.conf,
                alt.get(k, "") if k in is_number else None) for k, w in enumerate(words)]
    for j, (x0, y0, x1, y1) in enumerate(skipped):
        text = alt.get(len(words) + j, "")
        if text and re.fullmatch(r"[-—–]|\(?-?\$?\d[\d,.]*\)?", text):
            out.append(Word(text, x0 * scale, y0 * scale, x1 * scale, y1 * scale, 0.0, text))
    return out, [(a * scale, b * scale, c * scale, d * scale) for a, b, c, d in marks]


def workers(pages: int, asked: int | None = None) -> int:
    """Tesseract processes to run at once: one a core (FOCUSGEN_OCR_WORKERS to say otherwise)."""
    n = asked or int(os.environ.get("FOCUSGEN_OCR_WORKERS", "0") or 0) or len(os.sched_getaffinity(0))
    return max(1, min(pages, n))


def ocr_images(images, n_workers: int | None = None) -> list[tuple[list[Word], list[tuple]]]:
    """(words, marks) in points of each grey page image rendered at OCR_DPI, pages in parallel."""
    exe = tesseract()
    images = list(images)
    n = workers(len(images), n_workers)
    with tempfile.TemporaryDirectory(prefix="focusgen-ocr-") as tmp:
        # OpenCV and the Tesseract process both run outside the GIL: threads are enough
        with ThreadPoolExecutor(n) as pool:
            return list(pool.map(lambda a: read_page(exe, a[1], Path(tmp), a[0]), enumerate(images)))
