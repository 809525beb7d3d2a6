"""The terminal shows user text literally.

Every console focusgen prints on has rich's markup, emoji codes and highlighting off, so a firm named
`[red]X` or a file named `:x:.yaml` prints as written; styles come only from Text objects focusgen
makes itself. Control and format characters (a newline in a file name, an escape sequence, a
right-to-left override) are shown escaped, so no user text can forge a line or move the cursor.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text


def literal(value: object) -> str:
    """str(value) with every control or format character written as an escape (\\n, \\x1b, \\u202e)."""
    text = str(value)
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() or (c == " ") else
                   (repr(c)[1:-1] if unicodedata.category(c)[0] in "CZ" else c) for c in text)


def lit(value: object, style: str = "") -> Text:
    """User text as a rich Text: printed as written, never read as markup."""
    from rich.text import Text
    return Text(literal(value), style=style)


def console(stderr: bool = False) -> Console:
    # soft_wrap: long lines (problems, alerts) wrap at the terminal, never inside a word or number
    from rich.console import Console
    return Console(stderr=stderr, highlight=False, markup=False, emoji=False, soft_wrap=True)


class LazyConsole:
    """A console made when first used: a build that prints nothing (--quiet) never imports rich.

    Attribute access is forwarded to the real console; rich's own objects (a progress bar, a live
    display) are given `.real`, the console itself, since they use it as a context manager and
    Python looks such methods up on the type, never through __getattr__."""

    def __init__(self, stderr: bool = False) -> None:
        self._stderr = stderr
        self._console: Console | None = None

    @property
    def real(self) -> Console:
        if self._console is None:
            self._console = console(self._stderr)
        return self._console

    def __getattr__(self, name: str):
        return getattr(self.real, name)

    def __enter__(self):
        return self.real.__enter__()

    def __exit__(self, *exc):
        return self.real.__exit__(*exc)


def real(c) -> Console:
    """The rich Console behind a LazyConsole (or the console itself)."""
    return c.real if isinstance(c, LazyConsole) else c
