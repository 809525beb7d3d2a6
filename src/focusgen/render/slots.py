"""Values placed into a laid-out form, rather than laid out with it.

The filing's PDF is laid out once per form revision and header (layout.py) and each build's
amounts are then placed into the laid-out pages (pdfwrite.py). The template marks what is placed
through the filters that print it (`money`, `money_wj`, `digest`): each such value becomes a slot,
a `<span data-fg-slot="N">` holding its *placeholder*, the alphabet of every character the value
can hold (so the embedded font carries each glyph a value may need). The HTML with placeholders
is what is laid out, and what keys the layout: it holds everything else the page shows, so a
layout is reused exactly when nothing but placed values differ.

Outside a recording the filters print the value itself (the review pack, text previews).
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from markupsafe import Markup, escape

AMOUNT = "(-0123456789,)"       # every character fmt_amount writes, in either sign convention
HEX = "0123456789abcdef"        # a hash's digits

ATTRIBUTE = "data-fg-slot"


class Recorder:
    """One rendering's slots in template order: the text each one shows and its alphabet.
    mode "slots" prints placeholders (what is laid out); "direct" prints the values themselves in
    the same spans (a document laid out with its values, when placing is impossible, and the test
    that placing gives what laying out does)."""

    def __init__(self, mode: str) -> None:
        assert mode in ("slots", "direct")
        self.mode = mode
        self.texts: list[str] = []
        self.alphabets: list[str] = []

    def add(self, text: str, alphabet: str) -> Markup:
        stray = set(text) - set(alphabet)
        if stray:       # a programming error, never an input's: the alphabets cover what the formats write
            raise ValueError(f"placed value {text!r} holds {sorted(stray)} outside its alphabet {alphabet!r}")
        k = len(self.texts)
        self.texts.append(text)
        self.alphabets.append(alphabet)
        shown = alphabet if self.mode == "slots" else text
        return Markup(f'<span {ATTRIBUTE}="{k}">{escape(shown)}</span>')


_active: ContextVar[Recorder | None] = ContextVar("focusgen_slots", default=None)


@contextmanager
def recording(mode: str = "slots"):
    rec = Recorder(mode)
    token = _active.set(rec)
    try:
        yield rec
    finally:
        _active.reset(token)


def placed(text: str, alphabet: str):
    """A value the template prints: a slot while recording, the text itself otherwise."""
    rec = _active.get()
    return text if rec is None else rec.add(text, alphabet)
