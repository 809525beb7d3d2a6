"""The .txt another program writes of a scanned report (a user ran their scanner's OCR, or copied the
text out of a "searchable" PDF): what a print's strings become, line by line.

    ocr_text(print_, seed) -> (text, hidden)

Drawn per document: how the program separates fragments (tabs, runs of spaces as laid out, or
single spaces), whether it keeps leaders (as dots, or as dot-and-colon debris) or drops them, form
feeds between pages or blank lines. Then, here and there, what such programs do to a report:
numbers split by a tab or a space (`16,446\t,970`, `16, 446,970`), a code or an amount run into its
label (`gross amount16,446`, `7010Cash`), parentheses split away from their number, around other
text (`(\t52,837,332 [7033] )`), O for 0, l for 1, S for 5 inside numbers, a line dropped. Rarely a
digit is misread as another digit: that cell's text no longer shows what was printed (`misread`).
`hidden`: code -> "lost" (its line dropped) or "misread".
"""

from __future__ import annotations

import random
import re

LETTERS = {"0": "O", "1": "l", "5": "S", "8": "B"}
DIGIT_SLIPS = {"3": "8", "8": "3", "1": "7", "7": "1", "5": "6", "6": "5", "0": "8", "9": "0"}


def _lines(drawn, page: int):
    """The strings of a page grouped into text lines by their baselines, left to right."""
    items = sorted((d for d in drawn if d.page == page), key=lambda d: (-d.y, d.x0))
    lines: list[list] = []
    for d in items:
        if lines and abs(lines[-1][0].y - d.y) <= d.size * 0.35:
            lines[-1].append(d)
        else:
            lines.append([d])
    return [sorted(line, key=lambda d: d.x0) for line in lines]


def _split_number(t: str, rnd: random.Random) -> str:
    seps = [m.start() for m in re.finditer(",", t)]
    if seps:
        i = rnd.choice(seps)
        how = rnd.choice(["tab-before", "space-before", "space-after", "tab-after"])
        return {"tab-before": t[:i] + "\t" + t[i:], "space-before": t[:i] + " " + t[i:],
                "space-after": t[:i + 1] + " " + t[i + 1:], "tab-after": t[:i + 1] + "\t" + t[i + 1:]}[how]
    digits = [i for i, ch in enumerate(t) if ch.isdigit()]
    if len(digits) >= 4:
        i = digits[rnd.randrange(1, len(digits) - 1)]
        return t[:i] + rnd.choice([" ", "\t"]) + t[i:]
    return t


def ocr_text(pr, seed: int) -> tuple[str, dict]:
    rnd = random.Random(f"ocrtext/{seed}")
    style = rnd.choice(["tabs", "tabs", "spaces", "single"])
    leaders = rnd.choice(["drop", "drop", "keep", "debris"])
    page_break = rnd.choice(["\f", "\n\n", "\n"])
    rates = {"split": rnd.choice([0.0, 0.05, 0.15, 0.3]), "runin": rnd.choice([0.0, 0.1, 0.3]),
             "paren": rnd.choice([0.0, 0.3, 0.8]), "letters": rnd.choice([0.0, 0.0, 0.03, 0.1]),
             "drop": rnd.choice([0.0, 0.0, 0.01, 0.03]), "slip": rnd.choice([0.0, 0.0, 0.0, 0.01, 0.03])}
    hidden: dict[str, str] = {}
    pages = []
    for p in range(pr.pages):
        out_lines = []
        for line in _lines(pr.drawn, p):
            if rnd.random() < rates["drop"]:
                y = line[0].y
                for code, c in pr.cells.items():        # every cell on the line, an empty one too
                    if c.page == p and c.box[1] - 1 <= y <= c.box[3] + 1:
                        hidden[code] = "lost"
                continue
            frags: list[tuple[str, object]] = []          # (text, drawn)
            for d in line:
                t = d.text
                if d.role == "leader":
                    if leaders == "drop":
                        continue
                    if leaders == "debris":
                        t = "".join(rnd.choice(". . .:,'") for _ in range(max(3, len(t) // 3))).strip() or "..."
                if d.role == "amount" and d.code in pr.cells:
                    if any(ch.isdigit() for ch in t) and rnd.random() < rates["slip"]:
                        idx = [i for i, ch in enumerate(t) if ch in DIGIT_SLIPS]
                        if idx:
                            i = rnd.choice(idx)
                            t = t[:i] + DIGIT_SLIPS[t[i]] + t[i + 1:]
                            hidden[d.code] = "misread"
                    if rnd.random() < rates["letters"]:
                        idx = [i for i, ch in enumerate(t) if ch in LETTERS]
                        if idx:
                            i = rnd.choice(idx)
                            t = t[:i] + LETTERS[t[i]] + t[i + 1:]
                    if rnd.random() < rates["split"]:
                        t = _split_number(t, rnd)
                    if t.startswith("(") and t.endswith(")") and rnd.random() < rates["paren"]:
                        t = "(" + rnd.choice(["\t", " ", ""]) + t[1:-1] + rnd.choice([" ", "\t"]) + "\x00)"
                frags.append((t, d))
            # a paren split around other text: the closing one after the code that follows
            text = ""
            prev = None
            pending_close = False
            for t, d in frags:
                if t.endswith("\x00)"):
                    t = t[:-2]
                    pending_close = True
                    close_after = True
                else:
                    close_after = False
                if prev is None:
                    sep = " " * int(max(0, d.x0 - 30) / (d.size * 0.5)) if style == "spaces" else ""
                else:
                    gap = d.x0 - prev.x1
                    if gap < d.size * 0.6:
                        sep = " " if gap > d.size * 0.15 else ""
                    elif style == "tabs":
                        sep = "\t"
                    elif style == "spaces":
                        sep = " " * max(2, int(gap / (d.size * 0.5)))
                    else:
                        sep = " "
                    if rnd.random() < rates["runin"] and (
                            (prev.role == "label" and d.role in ("amount", "code"))
                            or (prev.role == "code" and d.role == "label")):
                        sep = ""
                text += sep + t
                if pending_close and not close_after:
                    text += " )" if rnd.random() < 0.5 else "\t)"
                    pending_close = False
                prev = d
            if pending_close:
                text += ")"
            if text.strip():
                out_lines.append(text.rstrip())
        pages.append("\n".join(out_lines))
    return page_break.join(pages) + "\n", hidden
