"""Which characters the bundled fonts can draw. A character no bundled font has would print as an
empty box in the PDF (fontconfig sees no other font, by design), so a build with a PDF refuses user
text holding one, by name, before anything is rendered; text and JSON outputs take any character."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from ..resources import FONTS  # noqa: E402


@lru_cache(maxsize=1)
def drawable() -> frozenset[int]:
    """Code points every bundled face (regular and bold) can draw."""
    from fontTools.ttLib import TTFont
    sets = [set(TTFont(path, lazy=True).getBestCmap()) for path in sorted(FONTS.glob("*.ttf"))]
    return frozenset(set.intersection(*sets)) if sets else frozenset()


def undrawable(text: str) -> list[str]:
    """The characters of `text` no bundled font can draw (ASCII is always drawable: no font load)."""
    if text.isascii():
        return []
    have = drawable()
    return list(dict.fromkeys(c for c in text if ord(c) not in have and not c.isspace()))


def describe(c: str) -> str:
    return f"{c!r} (U+{ord(c):04X} {unicodedata.name(c, 'unnamed')})"
