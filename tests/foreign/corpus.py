"""The foreign corpus: every reference filing in every foreign layout, as a text-layer PDF and as
scans at 200 dpi (clean) and 150 dpi (poor), from fixed seeds; and how to score an extraction
against what was printed.

    build(folder, layouts=..., qualities=...) -> list[Doc]
    score(extraction, doc) -> Score
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from pathlib import Path

from .printer import LAYOUTS, Filing, print_filing, reference_filings
from .scanner import scan

QUALITIES = ("text", "200", "150")


@dataclass
class Doc:
    path: Path
    filing: Filing
    layout: str
    quality: str            # text | 200 | 150

    @property
    def name(self) -> str:
        return self.path.name


def build(folder: Path, layouts=LAYOUTS, qualities=QUALITIES, filings=None) -> list[Doc]:
    folder.mkdir(parents=True, exist_ok=True)
    docs = []
    for filing in filings or reference_filings():
        for layout in layouts:
            text = folder / f"{filing.key}-{layout}.pdf"
            if not text.exists():
                text.write_bytes(print_filing(filing, layout))
            for q in qualities:
                if q == "text":
                    docs.append(Doc(text, filing, layout, q))
                    continue
                path = folder / f"{filing.key}-{layout}-{q}.pdf"
                if not path.exists():
                    path.write_bytes(scan(text.read_bytes(), q, zlib.crc32(f"{filing.key}{layout}{q}".encode())))
                docs.append(Doc(path, filing, layout, q))
    return docs


@dataclass
class Score:
    lines: int
    recovered: int = 0                   # the printed value (or a blank for an empty cell)
    wrong_claimed: list = field(default_factory=list)     # any value claimed (or blank) and not what was printed
    wrong_other: list = field(default_factory=list)       # (kept empty: every claim counts above)
    unconfirmed: list = field(default_factory=list)       # null, with a candidate shown for the eye
    unknown: list = field(default_factory=list)

    @property
    def percent(self) -> float:
        return 100.0 * self.recovered / self.lines if self.lines else 0.0


def score(e, doc: Doc) -> Score:
    printed = doc.filing.values
    s = Score(len(printed))
    for code, want in printed.items():
        got, how = e.lines.get(code), e.how.get(code)
        if how == "blank":
            ok = want is None
        elif got is None:
            s.unknown.append(code)
            if how == "unconfirmed":
                s.unconfirmed.append(code)
            continue
        else:
            # the arithmetic's 0 for an empty cell is the same amount (reconstructed, never read)
            ok = got == want or (how == "reconstructed" and got == 0 and want is None)
        if ok:
            s.recovered += 1
        else:
            s.wrong_claimed.append((code, str(how), got, want))
    return s
