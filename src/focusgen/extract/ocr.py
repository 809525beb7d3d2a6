"""OCR of scanned pages: make the page readable, then read it with Tesseract (installed by setup.sh).

Each page is rendered at 300 dpi (Tesseract reads best at about 30 pixels a capital letter), then,
with OpenCV rather than pixel loops:
1. deskewed: the angle whose rows of ink are sharpest (projection profile on a small copy);
2. cleaned of what is not text, found on an Otsu binary copy and whitened in the grey page:
   ruled lines and code boxes, runs of dots and dashes (leaders; a lone comma or period beside a
   digit stays), and specks;
3. read by Tesseract as one uniform block (--psm 6, rows kept) into words with boxes (TSV);
4. every number read a second time by Tesseract, alone, binarised on its own and with only a
   number's characters (`alt`), and the marks the first reading skipped read the same way;
5. every number read by the second witness (witness.py: another recogniser, another image
   preparation) on its grey crop widened to the ink around it that no other word accounts for, so
   a number the page reading cut or a sign it lost is seen whole (`wit`, `wit_conf`).
Pages run in parallel, one Tesseract thread each, on as many cores as there are.

A page or a region the recognisers cannot take (Tesseract fails on it, a crop it refuses, a page
that runs past the hang guard) is a finding, and its values stay unknown: the rest is read.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

from ..problems import Note
from .how import Found
from .words import Word, tsv_words

OCR_DPI = 300
# A hang guard, not a limit on a slow machine: a Tesseract run still going after this long has
# hung, and its page or crops are left unread with a finding (the document is still read).
HANG_GUARD = 900
MAX_SHEET = 12000             # pixels: the crops read together in one Tesseract run (its limit is 32,767)


class OCRUnavailable(RuntimeError):
    pass


class RegionFailed(RuntimeError):
    """Tesseract could not take one image (a page, a sheet of crops): its cause, for a finding."""


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
    """Tesseract's TSV of one image. A run it fails, or one that hangs, raises RegionFailed with
    its cause; Tesseract missing raises OCRUnavailable."""
    import cv2
    path = folder / f"{name}.png"
    if not cv2.imwrite(str(path), image):
        raise RegionFailed(f"an image of {image.shape[1]} x {image.shape[0]} pixels could not be written")
    try:
        proc = subprocess.run([exe, str(path), "stdout", "--psm", "6", "-l", "eng", "--dpi", str(OCR_DPI),
                               "-c", "tessedit_do_invert=0", *config, "tsv"],
                              capture_output=True, text=True, timeout=HANG_GUARD,
                              env={"OMP_THREAD_LIMIT": "1", "PATH": os.environ.get("PATH", "/usr/bin:/bin")})
    except subprocess.TimeoutExpired:
        raise RegionFailed(f"Tesseract did not finish in {HANG_GUARD} s (hung)") from None
    except FileNotFoundError:
        raise OCRUnavailable("tesseract is not installed (./setup.sh installs it)") from None
    finally:
        path.unlink(missing_ok=True)
    if proc.returncode != 0:
        lines = [x for x in proc.stderr.strip().splitlines() if x.strip()]
        raise RegionFailed(f"Tesseract failed on an image of {image.shape[1]} x {image.shape[0]} pixels: "
                           f"{(lines[-1] if lines else 'exit status ' + str(proc.returncode))[:160]}")
    return proc.stdout


NUMBER_CHARS = "0123456789,.()-$"
_PAD = 8          # pixels around a number's box in its second reading


def _second_reading(exe: str, page, words_px: list[tuple], folder: Path, name: str,
                    findings: list) -> dict[int, tuple[str, float]]:
    """Every number on the page read again, alone on a line and with only the characters a number
    has (Tesseract's whitelist): {word index: (text, confidence 0-100)}. The crops are stacked into sheets of at most
    MAX_SHEET pixels; a sheet Tesseract cannot take leaves its numbers without this reading, with
    a finding."""
    import cv2
    import numpy as np
    crops, y = [], 0
    sheets: list[tuple[list, list]] = [([], [])]          # (crops with their top, bands) per sheet
    for k, (text, x0, y0, x1, y1) in words_px:
        crop = page[max(0, y0 - _PAD):y1 + _PAD, max(0, x0 - _PAD):x1 + _PAD]
        if crop.size == 0 or crop.shape[0] > MAX_SHEET // 4:
            continue
        # binarised on its own (Otsu on the crop alone): an opinion independent of the page's
        # reading, which Tesseract binarised globally (measured: it settles 5 against 8 and 3
        # against 8 where the page's reading and a grey crop agree on the wrong digit)
        _, crop = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        if y + crop.shape[0] + 3 * _PAD > MAX_SHEET and sheets[-1][0]:
            sheets.append(([], []))
            y = 0
        sheets[-1][0].append((crop, y))
        sheets[-1][1].append((y, y + crop.shape[0], k))
        y += crop.shape[0] + 3 * _PAD
    found: dict[int, list] = {}
    for n, (crops, bands) in enumerate(sheets):
        if not crops:
            continue
        height = bands[-1][1] + 4 * _PAD
        width = max(c.shape[1] for c, _ in crops) + 4 * _PAD
        sheet = np.full((height, width), 255, np.uint8)
        for crop, top in crops:
            sheet[top + _PAD: top + _PAD + crop.shape[0], 2 * _PAD: 2 * _PAD + crop.shape[1]] = crop
        try:
            tsv = _run_tesseract(exe, sheet, folder, f"{name}-{n}", "-c", f"tessedit_char_whitelist={NUMBER_CHARS}")
        except RegionFailed as exc:
            findings.append(f"the second Tesseract reading of {len(crops)} numbers failed ({exc}); they need "
                            "the other witnesses")
            continue
        for w in tsv_words(tsv, 1.0):
            yc = w.yc - _PAD
            for top, bottom, k in bands:
                if top <= yc < bottom:
                    found.setdefault(k, []).append(w)
                    break
    return {k: ("".join(w.text for w in sorted(ws, key=lambda w: w.x0)), min(w.conf for w in ws))
            for k, ws in found.items()}


def _widened(ink, box: tuple, others: list[tuple], xh: float) -> tuple:
    """A number's box widened sideways over the ink next to it that no other word accounts for
    (gaps under half a capital's height): what the page reading cut off or skipped beside it (the
    "968," of 968,253, a parenthesis) is then in the witness's crop."""
    x0, y0, x1, y1 = box
    h, w = ink.shape
    band = ink[max(0, y0):min(h, y1), :]
    if band.size == 0:
        return box
    cols = band.max(axis=0) > 0
    for (a0, b0, a1, b1) in others:
        if b0 < y1 and b1 > y0:          # a word on the same row: its ink is its own
            cols[max(0, a0 - 1):min(w, a1 + 1)] = False
    gap = max(2, int(0.5 * xh))
    limit = int(12 * xh)

    def walk(start: int, step: int) -> int:
        edge, run, x = start, 0, start + step
        while 0 <= x < w and abs(x - start) <= limit:
            if cols[x]:
                edge, run = x, 0
            else:
                run += 1
                if run > gap:
                    break
            x += step
        return edge

    right = walk(min(w - 1, x1), 1)
    left = walk(max(0, x0), -1)
    return (int(left), y0, int(max(x1, right + 1)), y1)


@lru_cache(maxsize=1)
def _all_codes() -> frozenset[str]:
    from ..form import formdef
    return frozenset(c for kind in formdef.REPORT_KINDS for c in formdef.report(kind).lines)


def _not_an_amount(text: str) -> bool:
    """Words the witness need not read: a line code of the form (bare or in brackets), an item's
    number ("12."), a date or a time. They are placed by the form, not claimed as amounts."""
    if not text:
        return False
    m = re.fullmatch(r"[\[({|]?(\d{4}[A-C]?)[\])}|]?[.,;:]?", text)
    if m and m.group(1) in _all_codes():
        return True
    return bool(re.fullmatch(r"\(?[0-9]{1,2}[.)]{1,2}|[\d/:.-]*[/:][\d/:.-]*", text))


DASHLIKE = ("-", "—", "–", "~", "=", "--")
_ZERO_LIKE = re.compile(r"[OoQDCUG@©®()\[\]|]{1,3}")     # what a page reading makes of a lone 0


def _only_digits(text: str | None) -> str:
    return re.sub(r"\D", "", text or "")


_OPENERS = ("[", "{", "(", "|")
_CLOSERS = ("]", "}", ")", "|")


def _groups(words_px: list[tuple], xh: float) -> list[list[int]]:
    """Numbers the page reading cut in pieces: words with digits side by side on a row, nearer than
    a capital's height (a cut at a separator), read by the witness as one. Codes and item numbers
    stay apart. Lists of positions in words_px."""
    order = sorted(range(len(words_px)), key=lambda i: (words_px[i][1][2], words_px[i][1][1]))
    groups: list[list[int]] = []
    rows: list[list[int]] = []
    for i in sorted(order, key=lambda i: (words_px[i][1][2] + words_px[i][1][4]) / 2):
        yc = (words_px[i][1][2] + words_px[i][1][4]) / 2
        if rows and abs(yc - sum((words_px[j][1][2] + words_px[j][1][4]) / 2 for j in rows[-1]) / len(rows[-1])) <= 0.5 * xh:
            rows[-1].append(i)
        else:
            rows.append([i])
    for row in rows:
        row.sort(key=lambda i: words_px[i][1][1])
        for i in row:
            text, x0 = words_px[i][1][0], words_px[i][1][1]
            # a piece of a number begins with a digit or a separator; a word that opens a bracket
            # after a number is a code OCR garbled ("[82]" for [8690]), never the number's rest
            joinable = text and not _not_an_amount(text) and text not in DASHLIKE and not text.startswith(_OPENERS)
            prev = groups[-1][-1] if groups else None
            if joinable and prev is not None and prev in row and words_px[prev][1][0] \
                    and not _not_an_amount(words_px[prev][1][0]) and words_px[prev][1][0] not in DASHLIKE \
                    and not words_px[prev][1][0].endswith(_CLOSERS) \
                    and 0 <= x0 - words_px[prev][1][3] <= xh:
                groups[-1].append(i)
            else:
                groups.append([i])
    return groups


def _dash(ink, box: tuple, others: list[tuple], xh: float) -> bool:
    """A geometric witness of a dash for nil: in the cell around the mark, one stroke of ink, flat
    (at most a quarter of a capital's height), a third of a capital to two capitals wide, standing
    in the middle of the row's height, and nothing else; no digit has that shape."""
    import cv2
    import numpy as np
    x0, y0, x1, y1 = box
    yc = (y0 + y1) / 2
    top, bottom = int(yc - 0.9 * xh), int(yc + 0.9 * xh)
    left, right = int(x0 - 0.6 * xh), int(x1 + 0.6 * xh)
    h, w = ink.shape
    top, bottom, left, right = max(0, top), min(h, bottom), max(0, left), min(w, right)
    cell = ink[top:bottom, left:right].copy()
    for (a0, b0, a1, b1) in others:
        if b0 < bottom and b1 > top and a0 < right and a1 > left:
            cell[max(0, b0 - top):max(0, b1 - top), max(0, a0 - left):max(0, a1 - left)] = 0
    if cell.size == 0:
        return False
    n, _, st, cent = cv2.connectedComponentsWithStats(cell, connectivity=8)
    big = [k for k in range(1, n) if st[k, cv2.CC_STAT_AREA] >= max(4, (0.08 * xh) ** 2)]
    if len(big) != 1:
        return False
    k = big[0]
    bw, bh = st[k, cv2.CC_STAT_WIDTH], st[k, cv2.CC_STAT_HEIGHT]
    cy = cent[k, 1] + top
    return bh <= 0.25 * xh and 0.33 * xh <= bw <= 2 * xh and abs(cy - yc) <= 0.45 * xh and bool(np.any(cell))


def _witness(page, ink, words_px: list[tuple], boxes: list[tuple], xh: float, findings: list) -> dict[int, tuple]:
    """The second witness's reading of each number (witness.py) on its grey crop, widened to the
    ink beside it that no other word accounts for, and of a number cut in pieces as one: {word
    index: (text, confidence 0-1, group)}, group the index of the number's first piece. A dash is
    witnessed by its shape (_dash)."""
    from .witness import WitnessUnavailable, witness
    crops, keys = [], []
    out: dict[int, tuple] = {}
    pad = max(2, int(0.15 * xh))
    for g in _groups(words_px, xh):
        members = [words_px[i] for i in g]
        text = "".join(m[1][0] for m in members)
        if len(g) == 1 and _not_an_amount(text):
            continue
        key = members[0][0]
        x0 = min(m[1][1] for m in members)
        y0 = min(m[1][2] for m in members)
        x1 = max(m[1][3] for m in members)
        y1 = max(m[1][4] for m in members)
        mine = {m[0] for m in members}
        others = [b for j, b in enumerate(boxes) if j not in mine]
        if len(g) == 1 and (text in DASHLIKE or not text):
            if _dash(ink, (x0, y0, x1, y1), others, xh):
                out[key] = ("-", 1.0, key)
                continue
        if len(g) == 1 and len(_only_digits(text)) <= 1:
            # a thin mark (a dash, a lone 0 OCR made letters of) is read in its row's band
            yc = (y0 + y1) // 2
            y0, y1 = min(y0, int(yc - 0.6 * xh)), max(y1, int(yc + 0.6 * xh))
        a0, b0, a1, b1 = _widened(ink, (x0, y0, x1, y1), others, xh)
        crop = page[max(0, b0 - pad):b1 + pad, max(0, a0 - pad):a1 + pad]
        if crop.size:
            crops.append(crop)
            keys.append((key, [m[0] for m in members]))
    if not crops:
        return out
    try:
        read = witness(crops)
    except WitnessUnavailable as exc:
        findings.append(f"{exc}: no number on this page has its second witness")
        return out
    except Exception as exc:          # noqa: BLE001 - a crop the model cannot take is a finding
        findings.append(f"the second OCR witness failed on this page ({type(exc).__name__}: {str(exc)[:120]}); "
                        "no number on it has its second witness")
        return out
    for (key, members), (text, conf) in zip(keys, read):
        for k in members:
            out[k] = (text, conf, key)
    return out


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
    """Groups of marks no word covers, joined along a row: what OCR skipped (a lone 0, a dash). A
    mark a word's box holds at least half of is that word's (at 150 dpi Tesseract's box of a long
    number may end in the middle of its last digit: that digit is no mark of its own)."""
    def covered(m: tuple, w: Word) -> bool:
        if not (w.y0 - 2 <= m[1] and m[3] <= w.y1 + 2):
            return False
        inside = min(m[2], w.x1 + 2) - max(m[0], w.x0 - 2)
        return inside >= 0.5 * max(1, m[2] - m[0])
    left = [m for m in marks if not any(covered(m, w) for w in words)]
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
    """(words, marks, findings) of one page: cleaned, read, every number read a second time by
    Tesseract and by the witness, and what the reading skipped read on its own (a word of no
    confidence of its own: its two later readings must agree). A page Tesseract cannot take gives
    no words and a finding (how.Found.OCR)."""
    import cv2
    findings: list[str] = []
    page, _ = clean(image)
    try:
        words = tsv_words(_run_tesseract(exe, page, folder, f"page{index}"), 1.0)
    except RegionFailed as exc:
        return [], [], [Note(Found.OCR, f"page {index + 1} could not be read: {exc}; its values are unknown")]
    _, ink = cv2.threshold(page, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    marks, xh = _marks(ink)
    skipped = _unread(marks, words, xh)
    numeric = [(k, (w.text, int(w.x0), int(w.y0), int(w.x1), int(w.y1))) for k, w in enumerate(words)
               if sum(ch.isdigit() for ch in w.text) >= 1 or w.text in DASHLIKE or _ZERO_LIKE.fullmatch(w.text)]
    numeric += [(len(words) + j, ("", *g)) for j, g in enumerate(skipped)]
    alt = _second_reading(exe, page, numeric, folder, f"numbers{index}", findings)
    boxes = [(int(w.x0), int(w.y0), int(w.x1), int(w.y1)) for w in words] + [tuple(g) for g in skipped]
    wit = _witness(page, ink, numeric, boxes, xh, findings)
    scale = 72 / OCR_DPI
    is_number = dict(numeric)
    no_alt = ("", 0.0)
    out = []
    for k, w in enumerate(words):
        a, seen = alt.get(k, no_alt) if k in is_number else (None, 0.0), wit.get(k, (None, 0.0, -1))
        if _ZERO_LIKE.fullmatch(w.text) and a[0] and re.fullmatch(r"\d{1,3}", a[0]) and _only_digits(seen[0]) == a[0]:
            # letters the page reading made of a lone digit ("QO" for a boxed 0): both crop readings
            # read the digit; it stands as they read it, a mark the page reading did not take
            out.append(Word(a[0], w.x0 * scale, w.y0 * scale, w.x1 * scale, w.y1 * scale, 0.0, *a, *seen,
                            skipped=True))
            continue
        out.append(Word(w.text, w.x0 * scale, w.y0 * scale, w.x1 * scale, w.y1 * scale, w.conf, *a, *seen))
    for j, (x0, y0, x1, y1) in enumerate(skipped):
        k = len(words) + j
        text, conf = alt.get(k, no_alt)
        seen = wit.get(k, (None, 0.0, -1))
        if seen[0] == "-" and seen[1] == 1.0 and not text:
            text = "-"                 # a dash the readings skipped, witnessed by its shape
        if text and re.fullmatch(r"[-—–]|\(?-?\$?\d[\d,.]*\)?", text):
            out.append(Word(text, x0 * scale, y0 * scale, x1 * scale, y1 * scale, 0.0, text, conf, *seen,
                            skipped=True))
    return out, [(a * scale, b * scale, c * scale, d * scale) for a, b, c, d in marks], \
        [Note(Found.OCR, f"page {index + 1}: {f}") for f in findings]


def workers(pages: int, asked: int | None = None) -> int:
    """Tesseract processes to run at once: one a core (FOCUSGEN_OCR_WORKERS to say otherwise)."""
    n = asked or int(os.environ.get("FOCUSGEN_OCR_WORKERS", "0") or 0) or len(os.sched_getaffinity(0))
    return max(1, min(pages, n))


def ocr_images(images, n_workers: int | None = None, pages: list[int] | None = None, progress=None):
    """(words, marks, findings) in points of each grey page image rendered at OCR_DPI, pages in
    parallel; `pages` are the images' page indices (for the findings); progress() is called as
    each page is done."""
    exe = tesseract()
    images = list(images)
    n = workers(len(images), n_workers)

    def one(a):
        out = read_page(exe, a[1], Path(tmp), pages[a[0]] if pages else a[0])
        if progress is not None:
            progress()
        return out

    with tempfile.TemporaryDirectory(prefix="focusgen-ocr-") as tmp:
        # OpenCV, onnxruntime and the Tesseract process all run outside the GIL: threads are enough
        with ThreadPoolExecutor(n) as pool:
            return list(pool.map(one, enumerate(images)))
