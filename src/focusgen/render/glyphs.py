"""Which texts the bundled fonts can draw, grapheme cluster by grapheme cluster. A cluster no bundled
face draws as itself would print as an empty box, or (a letter with stacked combining marks the font
cannot compose) print with a mark lost while its text layer reads otherwise; fontconfig sees no other
font, by design. So a build with a PDF refuses user text holding one, by name, before anything is
rendered; text and JSON outputs take any character.

A cluster (fit.clusters: a character and the combining marks after it) is drawable when, in Unicode
NFC, it is one character that every bundled face (regular and bold) has a glyph for: "é" typed as e
and a combining acute is the font's é; a letter with two stacked marks the font has no single glyph
for is refused, and so is a mark on nothing. Imports only render.fonts and render.fit (no WeasyPrint, no
fontTools).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from . import fonts
from .fit import clusters, nfc


@lru_cache(maxsize=1)
def drawable() -> frozenset[int]:
    """Code points every bundled face (regular and bold) can draw."""
    sets = [set(fonts.face(name).cmap) for name in fonts.FACES]
    return frozenset(set.intersection(*sets)) if sets else frozenset()


def undrawable(text: str) -> list[str]:
    """The grapheme clusters of `text` no bundled font can draw as themselves (ASCII is always
    drawable: no font is read)."""
    if text.isascii():
        return []
    have = drawable()
    found = []
    for cluster in clusters(text):
        composed = nfc(cluster)
        if cluster.isspace() or len(composed) == 1 and ord(composed) in have \
                and not unicodedata.category(composed).startswith("M"):       # a mark on nothing is not drawable
            continue
        found.append(cluster)
    return list(dict.fromkeys(found))


def describe(cluster: str) -> str:
    """`'é' (U+0065 U+0301 LATIN SMALL LETTER E, COMBINING ACUTE ACCENT)`, for a problem message."""
    codes = " ".join(f"U+{ord(c):04X}" for c in cluster)
    names = ", ".join(unicodedata.name(c, "unnamed") for c in cluster)
    return f"{cluster!r} ({codes} {names})"
