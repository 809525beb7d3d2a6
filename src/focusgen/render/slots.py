"""Values placed into a laid-out form, rather than laid out with it.

The filing's PDF is laid out once per form revision and variant (layout.py) and each build's values
are then placed into the laid-out pages (pdfwrite.py). Every per-filing text the pages show is a
*slot*, named: an amount (`L7010`), the input's hash, a date, a check mark, a line of a text box
(`firm.name#0`: a firm name, address, bank name, describe text, broken into lines by fit.py). The
template prints a slot through `slot(name, kind)`; each kind has a *placeholder*, what is laid out:
for an amount, every character an amount can hold; for a line of text, one letter. So the laid-out
HTML holds nothing of a filing but its variant (pdf.py's context), and a layout is reused by every
filing of that variant.

Outside a recording (the review pack, text previews) nothing is a slot.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

AMOUNT = "(-0123456789,)"       # every character fmt_amount writes, in either sign convention
HEX = "0123456789abcdef"        # a hash's digits

ATTRIBUTE = "data-fg-slot"
FIXED = "data-fg-fixed"         # a slot every value of which is exactly as wide as its placeholder

# kind -> (placeholder, fixed width, the characters its values may hold: None for any printable text)
KINDS = {
    "amount": (AMOUNT, False, AMOUNT),
    "hex": (HEX, False, HEX),
    "date6": ("00/00/00", True, "0123456789/"),           # MM/DD/YY: figures are all one width
    "date8": ("00/00/0000", True, "0123456789/"),         # MM/DD/YYYY
    "text": ("X", False, None),                           # a date as WinJammer writes it, a status
    "line": ("X", False, None),                           # one line of a text box (fit.py)
    "mark": ("X", False, "X"),                            # a check mark, or nothing
}


@dataclass(frozen=True)
class Value:
    """What a slot shows: its text and, for a line of a text box set smaller to fit, its size (CSS px)."""
    text: str
    size: float | None = None


class Recorder:
    """One rendering's slots in template order. mode "slots" prints placeholders (what is laid out);
    "direct" prints each slot's value in the same span (a document laid out with its values, when
    placing is not possible, and the tests' reference for placing)."""

    def __init__(self, mode: str, values: dict[str, Value] | None = None) -> None:
        assert mode in ("slots", "direct")
        self.mode = mode
        self.values = values or {}
        self.names: list[str] = []
        self.kinds: dict[str, str] = {}

    def slot(self, name: str, kind: str):
        from markupsafe import Markup, escape      # only when a template is rendered: not when placing
        placeholder, fixed, alphabet = KINDS[kind]
        if name in self.kinds:
            raise ValueError(f"slot {name!r} printed twice")
        self.names.append(name)
        self.kinds[name] = kind
        # a line of a text box is a block of its own (its strut keeps the box's size and baseline)
        attrs = f'class="{"ln sl" if kind == "line" else "sl"}" {ATTRIBUTE}="{escape(name)}"' \
            + (f' {FIXED}=""' if fixed else "")
        if self.mode == "slots":
            return Markup(f"<span {attrs}>{escape(placeholder)}</span>")
        value = self.values[name]
        if alphabet is not None and set(value.text) - set(alphabet):
            # a programming error, never an input's: the formats write only these characters
            raise ValueError(f"slot {name!r}: {value.text!r} holds characters outside {alphabet!r}")
        if fixed and value.text and (len(value.text) != len(placeholder) or not all(
                a == b or a.isdigit() and b.isdigit() for a, b in zip(value.text, placeholder))):
            raise ValueError(f"slot {name!r}: {value.text!r} is not as wide as {placeholder!r}")
        # an empty line or mark keeps its line box (and so its baseline): a space no glyph is drawn for
        shown = escape(value.text) if value.text or kind not in ("line", "mark") else Markup("&nbsp;")
        if value.size is not None:      # set smaller, on the line of the box's size
            shown = Markup(f'<span style="font-size:{value.size!r}px">{shown}</span>')
        return Markup(f"<span {attrs}>{shown}</span>")


_active: ContextVar[Recorder | None] = ContextVar("focusgen_slots", default=None)


@contextmanager
def recording(mode: str = "slots", values: dict[str, Value] | None = None):
    rec = Recorder(mode, values)
    token = _active.set(rec)
    try:
        yield rec
    finally:
        _active.reset(token)


def slot(name: str, kind: str):
    """The template's slot(): a placeholder while laying out, the value when laying out with values."""
    rec = _active.get()
    if rec is None:
        raise RuntimeError("slot() outside a recording")
    return rec.slot(name, kind)
