"""The workbook cell reader as it was before its fast path (commit 36f39c9, xlsx.py), kept as the
simple reference that tests/test_fast_paths.py compares the fast reader with: every state in a dict,
each cell a list until its row has been parsed, one call per cell (to xlsx._cell, which the fast
reader calls too but for shared strings and plain numbers, made inline). Not used by focusgen itself."""

from __future__ import annotations

import re
from typing import Iterator

from focusgen.inputs import xlsx
from focusgen.inputs.xlsx import _MAIN, Cell, CellError, _cell, _column, _feed, _letters

_KNOWN = {f"{ns} {local}": local for ns in _MAIN for local in ("c", "v", "f", "is", "t", "rPh", "row", "mergeCell", "si")}
_local = _KNOWN.get
_CELL_REF = re.compile(r"^([A-Z]{1,3})([0-9]{1,7})$")


def shared_strings(stream) -> list[str]:
    """The shared-string table: each <si>'s text, rich-text runs joined, phonetic runs (<rPh>) left out."""
    strings: list[str] = []
    parts: list[str] = []
    state = {"si": False, "t": False, "rph": 0}

    def start(name, attrs):
        local = _local(name)
        if local == "si":
            state["si"] = True
            parts.clear()
        elif local == "rPh":
            state["rph"] += 1
        elif local == "t" and state["si"] and not state["rph"]:
            state["t"] = True

    def end(name):
        local = _local(name)
        if local == "si":
            strings.append("".join(parts))
            state["si"] = False
        elif local == "rPh":
            state["rph"] -= 1
        elif local == "t":
            state["t"] = False

    def text(data):
        if state["t"]:
            parts.append(data)
    for _ in _feed(stream, start, end, text):
        pass
    return strings


def sheet_rows(stream, title: str, strings: list[str], date_styles: set, merged: list) -> Iterator[tuple[int, list]]:
    """(row number, cells from column A) for each row of a sheet's XML, streamed in chunks. The merged
    ranges (<mergeCells>, after the rows) are appended to `merged` as (min_row, max_row, min_col, max_col)."""
    ready: list[tuple[int, list]] = []
    st = {"row": 0, "cells": None, "col": 0, "cell": None, "text": None, "is": False, "rph": 0}
    buf: list[str] = []

    columns: dict[str, int] = {}

    def start(name, attrs):
        local = _KNOWN.get(name)
        if local == "c":
            ref = attrs.get("r")
            m = _CELL_REF.match(ref) if ref else None
            if m:
                letters = m.group(1)
                col = columns.get(letters) or columns.setdefault(letters, _column(letters))
            else:
                col = st["col"] + 1
            st["col"] = col
            st["cell"] = [col, attrs.get("t", "n"), attrs.get("s"), None, False, None]
        elif local == "v" and st["cell"] is not None:
            buf.clear()
            st["text"] = "v"
        elif local == "f" and st["cell"] is not None:
            st["cell"][4] = True
        elif local == "is" and st["cell"] is not None:
            st["is"] = True
            buf.clear()
        elif local == "rPh":
            st["rph"] += 1
        elif local == "t" and st["is"] and not st["rph"]:
            st["text"] = "t"
        elif local == "row":
            r = attrs.get("r")
            st["row"] = int(r) if r and r.isdigit() and len(r) <= 7 else st["row"] + 1
            st["cells"], st["col"] = [], 0
        elif local == "mergeCell":
            ref = attrs.get("ref", "")
            a, _, b = ref.partition(":")
            ma, mb = _CELL_REF.match(a), _CELL_REF.match(b or a)
            if ma and mb:
                merged.append((int(ma.group(2)), int(mb.group(2)), _column(ma.group(1)), _column(mb.group(1))))

    def end(name):
        local = _KNOWN.get(name)
        if local == "v" and st["text"] == "v":
            st["cell"][3] = "".join(buf)
            st["text"] = None
        elif local == "t" and st["text"] == "t":
            st["text"] = None
        elif local == "rPh":
            st["rph"] -= 1
        elif local == "is":
            st["is"] = False
            st["cell"][5] = "".join(buf)
        elif local == "c" and st["cell"] is not None:
            if st["cells"] is not None:
                st["cells"].append(st["cell"])
            st["cell"] = None
        elif local == "row":
            ready.append((st["row"], st["cells"] or []))
            st["cells"] = None

    def text(data):
        if st["text"]:
            buf.append(data)
    count = 0
    for _ in _feed(stream, start, end, text):
        for number, raw_cells in ready:
            count += 1
            if count > xlsx.MAX_ROWS:
                raise CellError("file-too-large", f"sheet {title!r} has more than {xlsx.MAX_ROWS:,} rows",
                                f"at most {xlsx.MAX_ROWS:,} rows")
            row: list[Cell] = []
            for c in raw_cells:
                col = c[0]
                if col <= len(row):        # a cell given twice or out of order: the file is damaged
                    raise CellError("not-a-workbook", f"sheet {title!r} gives cell {_letters(col)}{number} "
                                    "out of order", "a workbook saved by Excel")
                while len(row) < col - 1:
                    row.append(Cell(title, number, len(row) + 1, "", None))
                row.append(_cell(title, number, c, strings, date_styles))
            yield number, row
        ready.clear()
