"""Words with their boxes: what a page shows, and where.

A text layer gives characters with boxes (pypdfium2); Tesseract gives words with boxes (TSV). Both
become Words in points from the page's top-left corner, so the reader rebuilds rows and columns by
position, whatever order the PDF or the OCR wrote them in.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    y0: float          # top
    x1: float
    y1: float          # bottom
    conf: float = 100.0    # OCR confidence, 0-100 (a text layer is 100)
    alt: str | None = None # OCR: a number's second Tesseract reading (a number's characters); "" when none
    alt_conf: float = 0.0  # its confidence, 0-100
    wit: str | None = None # OCR: the second witness's reading of a number (witness.py); None when none
    wit_conf: float = 0.0  # its confidence, 0-1 (the least of its digits'); 1.0 for a dash seen by its shape
    group: int = -1        # OCR: words the witness read as one number (a number cut in pieces) share it
    skipped: bool = False  # OCR: marks the page reading skipped, read on their own (text is alt)

    @property
    def yc(self) -> float:
        return (self.y0 + self.y1) / 2

    @property
    def h(self) -> float:
        return self.y1 - self.y0


def text_layer_words(textpage, page_height: float) -> list[Word]:
    """Words of a pypdfium2 text page: characters joined while they sit on one baseline with no
    space between them (a gap wider than a third of the character height breaks a word too)."""
    n = textpage.count_chars()
    if n <= 0:
        return []
    text = textpage.get_text_range(0, n)
    words: list[Word] = []
    cur: list = []          # [chars, x0, top, x1, bottom]

    def flush():
        if cur and cur[0].strip():
            words.append(Word(cur[0], cur[1], page_height - cur[2], cur[3], page_height - cur[4]))
        cur.clear()

    for i, ch in enumerate(text[:n]):
        if ch.isspace() or ord(ch) < 32:
            flush()
            continue
        left, bottom, right, top = textpage.get_charbox(i, loose=True)   # advance boxes: no gaps inside a word
        if right <= left and top <= bottom:      # a generated character with no box
            flush()
            continue
        if cur:
            height = max(cur[2] - cur[4], top - bottom, 1.0)
            same_line = abs(((top + bottom) / 2) - ((cur[2] + cur[4]) / 2)) < height * 0.5
            if not same_line or left - cur[3] > height / 4 or left < cur[1] - 0.5:
                flush()
        if cur:
            cur[0] += ch
            cur[2], cur[3], cur[4] = max(cur[2], top), max(cur[3], right), min(cur[4], bottom)
        else:
            cur.extend([ch, left, top, right, bottom])
    flush()
    return words


def tsv_words(tsv: str, scale: float) -> list[Word]:
    """Words of Tesseract's TSV output (level 5 rows), pixels times `scale` to points."""
    words = []
    for line in tsv.splitlines()[1:]:
        parts = line.split("\t")
        if len(parts) < 12 or parts[0] != "5":
            continue
        text = parts[11].strip()
        if not text:
            continue
        try:
            left, top, width, height = (int(p) for p in parts[6:10])
            conf = float(parts[10])
        except ValueError:
            continue
        words.append(Word(text, left * scale, top * scale, (left + width) * scale, (top + height) * scale, conf))
    return words
