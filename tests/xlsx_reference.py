"""The simple ways that tests/test_fast_paths.py checks the fast workbook reader (xlsx.py) against. Not
used by focusgen itself.

- sheet_rows: the cell reader as it was before its fast path (commit 36f39c9, xlsx.py): every state in
  a dict, each cell a list until its row has been parsed, one call per cell (to xlsx._cell, which the
  fast reader calls too but for shared strings and plain numbers, made inline); a row is the cells it
  stores, and rows go down the sheet;
- merges: every <mergeCell> by a plain expat pass over the whole part, overlaps found by trying every
  pair; covered: a cell against every range;
- read: a sheet as the fast reader is documented to read it (the merges first when the part holds the
  bytes `mergeCell` or is not plain UTF-8, then the rows, each cell marked by trying every range);
- structure: a workbook's sheets, names and date styles as openpyxl reads them.
Column letters are converted here by their own arithmetic."""

from __future__ import annotations

import re
import xml.parsers.expat
from typing import Iterator

from focusgen.inputs import xlsx
from focusgen.inputs.xlsx import _MAIN, Cell, CellError, _cell

_KNOWN = {f"{ns} {local}": local for ns in _MAIN for local in ("c", "v", "f", "is", "t", "rPh", "row", "mergeCell", "si")}
_local = _KNOWN.get
_CELL_REF = re.compile(r"^([A-Z]{1,3})([0-9]{1,7})$")


def column(letters: str) -> int:
    return sum((ord(ch) - 64) * 26 ** i for i, ch in enumerate(reversed(letters)))


def letters(col: int) -> str:
    out = ""
    while col:
        col, r = divmod(col - 1, 26)
        out = chr(65 + r) + out
    return out


def _feed(stream, start, end, text):
    """expat over the part in xlsx.CHUNK pieces, a DOCTYPE refused (as the fast reader parses)."""
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True

    def refuse(*_):
        raise xlsx.XmlRefused("a DOCTYPE")
    parser.StartDoctypeDeclHandler = parser.EntityDeclHandler = refuse
    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, text
    while chunk := stream.read(xlsx.CHUNK):
        parser.Parse(chunk, False)
        yield
    parser.Parse(b"", True)
    yield


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


def merges(stream, title: str) -> list[tuple[int, int, int, int]]:
    """Every merged range (min_row, max_row, min_col, max_col) of a sheet's part, by a whole expat pass;
    at most xlsx.MAX_MERGED; two that overlap refused."""
    found: list[tuple[int, int, int, int]] = []

    def start(name, attrs):
        if _local(name) == "mergeCell":
            a, _, b = attrs.get("ref", "").partition(":")
            ma, mb = _CELL_REF.match(a), _CELL_REF.match(b or a)
            if ma and mb:
                if len(found) >= xlsx.MAX_MERGED:
                    raise CellError("file-too-large", f"sheet {title!r} has more than {xlsx.MAX_MERGED:,} merged "
                                    "ranges", f"at most {xlsx.MAX_MERGED:,} merged ranges a sheet")
                found.append((int(ma.group(2)), int(mb.group(2)), column(ma.group(1)), column(mb.group(1))))
    for _ in _feed(stream, start, lambda name: None, lambda data: None):
        pass
    for i, a in enumerate(found):
        for b in found[:i]:
            if max(a[0], b[0]) <= min(a[1], b[1]) and max(a[2], b[2]) <= min(a[3], b[3]):
                raise CellError("not-a-workbook", f"sheet {title!r} has merged ranges that overlap",
                                "a workbook saved by Excel")
    return found


def covered(ranges, row: int, col: int) -> bool:
    return any(r1 <= row <= r2 and c1 <= col <= c2 for r1, r2, c1, c2 in ranges)


def sheet_rows(stream, title: str, strings: list[str], date_styles: set, ranges=()) -> Iterator[tuple[int, list]]:
    """(row number, the cells it stores) for each row of a sheet's XML, streamed in chunks; each cell in
    one of `ranges` marked merged."""
    ready: list[tuple[int, list]] = []
    st = {"row": 0, "cells": None, "col": 0, "cell": None, "text": None, "is": False, "rph": 0}
    buf: list[str] = []

    def start(name, attrs):
        local = _KNOWN.get(name)
        if local == "c":
            ref = attrs.get("r")
            m = _CELL_REF.match(ref) if ref else None
            col = column(m.group(1)) if m else st["col"] + 1
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
    previous = 0
    for _ in _feed(stream, start, end, text):
        for number, raw_cells in ready:
            count += 1
            if count > xlsx.MAX_ROWS:
                raise CellError("file-too-large", f"sheet {title!r} has more than {xlsx.MAX_ROWS:,} rows",
                                f"at most {xlsx.MAX_ROWS:,} rows")
            if number <= previous:
                raise CellError("not-a-workbook", f"sheet {title!r} gives row {number} out of order",
                                "a workbook saved by Excel")
            previous = number
            row: list[Cell] = []
            for c in raw_cells:
                col = c[0]
                if row and col <= row[-1].col:        # a cell given twice or out of order: the file is damaged
                    raise CellError("not-a-workbook", f"sheet {title!r} gives cell {letters(col)}{number} "
                                    "out of order", "a workbook saved by Excel")
                cell = _cell(title, number, tuple(c), strings, date_styles)
                cell.merged = covered(ranges, number, col)
                row.append(cell)
            yield number, row
        ready.clear()


def plain(xml: bytes) -> bool:
    """Whether the part is UTF-8 (or ASCII, or Latin-1) as written: then the bytes mergeCell are in it
    wherever the element is."""
    declared = re.match(rb'<\?xml[^>]*?encoding\s*=\s*["\']([^"\']*)["\']', xml.removeprefix(b"\xef\xbb\xbf"))
    return xml.removeprefix(b"\xef\xbb\xbf")[:1] == b"<" and (
        declared is None or declared.group(1).lower() in (b"utf-8", b"utf8", b"us-ascii", b"ascii", b"iso-8859-1",
                                                          b"latin-1", b"latin1"))


def read(xml: bytes, title: str, strings: list[str], date_styles: set):
    """A sheet as documented: (ranges, rows iterator)."""
    import io
    ranges = merges(io.BytesIO(xml), title) if b"mergeCell" in xml or not plain(xml) else []
    return ranges, sheet_rows(io.BytesIO(xml), title, strings, date_styles, ranges)


def structure(path):
    """(sheets as (title, state), {(scope title or None, name): text}, date style indexes) by openpyxl."""
    import warnings

    import openpyxl
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    sheets = [(ws.title, ws.sheet_state) for ws in wb.worksheets]
    names = {(None, n): d.attr_text for n, d in wb.defined_names.items()}
    for ws in wb.worksheets:
        names.update({(ws.title, n): d.attr_text for n, d in getattr(ws, "defined_names", {}).items()})
    dates = set(wb._date_formats)
    wb.close()
    return sheets, names, dates
