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


def shorten(text: str, width: int) -> str:
    """`text` in at most `width` characters, cut at a word boundary with "..." (never inside a word)."""
    text = literal(text)
    if len(text) <= width:
        return text
    cut = text[:max(1, width - 3) + 1].rsplit(" ", 1)[0].rstrip(" ,;:-(")
    return (cut if cut and len(cut) <= width - 3 else text[:max(1, width - 3)]) + "..."


LABEL_MIN = 28          # a label column narrower than this is no use: the rows go on two lines instead


def line_listing(width: int, columns: list[tuple[str, str]], rows: list[tuple[str, str, list]]):
    """Lines of the form with their figures, fitted to a terminal `width` without cutting anything:
    `columns` are (header, "right"|"left") of the figures, `rows` (code, label, [cell, ...]) with cells
    str or rich Text. Where a label column of LABEL_MIN fits, one table row per line, the label wrapped
    at word boundaries; otherwise each line's label, then its figures under it, beside its code."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    def cell(v) -> Text:
        return v if isinstance(v, Text) else Text(literal("" if v is None else v))

    cells = [[cell(v) for v in r[2]] for r in rows]
    widths = [max([len(h)] + [c[i].cell_len for c in cells]) for i, (h, _) in enumerate(columns)]
    code_width = max([4] + [len(r[0]) for r in rows])
    fixed = code_width + sum(widths) + 3 * (len(columns) + 1)
    if width - fixed >= LABEL_MIN:
        table = Table(show_edge=False, pad_edge=False)
        table.add_column("Line", no_wrap=True)
        table.add_column("Label")                   # the one column that wraps (at word boundaries)
        for header, justify in columns:
            table.add_column(header, justify=justify, no_wrap=True)
        for (code, label, _), row in zip(rows, cells):
            table.add_row(literal(code), literal(label), *row)
        return table
    def figures(row: list[Text]) -> Text:
        out = Text()
        for i, (c, (_, justify)) in enumerate(zip(row, columns)):
            pad = " " * (widths[i] - c.cell_len)
            if i:
                out.append("  ")
            out.append_text(Text.assemble(pad, c) if justify == "right" else Text.assemble(c, pad))
        out.rstrip()
        return out

    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True)
    grid.add_column()                   # the label wraps at word boundaries, under itself
    grid.add_row(Text("Line", style="bold"), Group(Text("Label", style="bold"),
                                                   figures([Text(h, style="bold") for h, _ in columns])))
    for (code, label, _), row in zip(rows, cells):
        grid.add_row(literal(code), Group(Text(literal(label)), figures(row)))
    return grid
