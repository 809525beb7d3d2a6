"""Tables of `KEY, amount[, NOTE][, currency]` rows, from any table format.

Ledger balances are `line, amount[, label]`; a trial balance `account, amount[, description][, currency]`.
A format is a module with a `records()` generator and one line in FORMATS: the header and every
check of the columns live here, once, whatever the file.
"""

from __future__ import annotations

import functools
import gc
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

from ..problems import Problem
from . import csvtable, xlsx
from .xlsx import Cell, CellError


class Row(NamedTuple):
    key: str
    amount: Any           # text (CSV, a text cell), Decimal (a number cell) or None (an empty cell)
    where: str            # "row 4" or "Balances!B4"
    note: str = ""
    currency: str = ""
    extra: str = ""       # the value of read_table's `extra` column (a daily export's date), if asked for


FORMATS = {".csv": csvtable.records, ".xlsx": xlsx.records, ".xlsm": xlsx.records}


@contextmanager
def gc_paused():
    """The cyclic garbage collector paused while a big table is read: its rows are hundreds of
    thousands of small acyclic objects (freed by reference counting alone), and every collection
    would re-scan all those already read (a third of the time of a 100,000-row workbook)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def is_table(path: Path) -> bool:
    return path.suffix.lower() in FORMATS


def _reader(path: Path, problems: list[Problem], field: str):
    """The reader of a table file's format (FORMATS), or None with an `unknown-format` problem."""
    reader = FORMATS.get(path.suffix.lower())
    if reader is None:
        problems.append(Problem("unknown-format", str(path), f"{path.suffix or 'no suffix'} is not a table format",
                                field, f"one of {', '.join(sorted(FORMATS))}"))
    return reader


def read_table(path: Path, problems: list[Problem], key: str = "line", note: str = "label",
               currency: bool = False, sheet: str | None = None, field: str = "ledger",
               extra: str | None = None) -> tuple[list[Row], bytes]:
    """The rows of a table file and its bytes (for the manifest's hash); `extra`: one more column the
    table must have, its text kept in each Row's `extra`."""
    name = str(path)
    reader = _reader(path, problems, field)
    if reader is None:
        return [], b""
    wanted = [key, "amount", note] + (["currency"] if currency else []) + ([extra] if extra else [])
    with gc_paused():
        return _read(path, reader, problems, key, note, sheet, field, wanted, extra)


def _read(path, reader, problems, key, note, sheet, field, wanted, extra=None) -> tuple[list[Row], bytes]:
    name = str(path)
    found: list[Problem] = []
    rows: list[Row] = []
    columns: list[str] | None = None
    data = b""
    title_rows = 0
    records = reader(path, found, sheet, field)
    for where, cells in records:
        if isinstance(cells, bytes):      # the reader's last record: the file's bytes
            data = cells
            continue
        try:
            texts = [_text(c) for c in cells]
            if not any(t.strip() for t in texts):
                continue
            if cells[0].__class__ is Cell and cells[-1].col != len(cells):
                cells = xlsx.spread(cells)     # a workbook row with gaps: its cells from column A
                texts = [_text(c) for c in cells]
        except CellError as exc:
            found.append(Problem(exc.code, name, exc.message, where, exc.expected))
            continue
        names = [t.strip().lower() for t in texts]
        if not isinstance(cells[0], str) and not (key in names and "amount" in names) and title_rows < 20 \
                and not any(c.kind == "n" for c in cells):
            title_rows += 1       # a workbook's title rows above the header: text only, never a number
            continue
        columns = names
        while columns and not columns[-1]:
            columns.pop()       # a sheet's empty trailing header cells
        required = [key, "amount"] + ([extra] if extra else [])
        if any(c not in columns for c in required):
            # the row is not quoted: a file that is not an input must not have its contents echoed
            found.append(Problem("csv-header" if path.suffix.lower() == ".csv" else "table-header", name,
                                 f"the first row ({len(columns)} cells) has no "
                                 f"{' and '.join(repr(c) for c in required if c not in columns)} column"
                                 f"{'s' if sum(c not in columns for c in required) > 1 else ''}",
                                 where, f"a header row {', '.join(required)} (and optionally "
                                 f"{' and '.join(c for c in wanted if c not in required)})"))
            break
        counted = Counter(columns)
        twice = sorted(c for c, n in counted.items() if n > 1)
        unknown = [c for c in columns if c not in wanted]
        if twice or unknown:
            found.append(Problem("csv-header" if path.suffix.lower() == ".csv" else "table-header", name,
                                 f"column(s) {', '.join(twice)} named twice" if twice else
                                 f"unknown column(s) {', '.join(unknown)}", where,
                                 f"columns {', '.join(wanted)}, each once"))
            if twice:
                break
        index = {c: columns.index(c) for c in wanted if c in columns}
        data = _rows(records, rows, found, name, len(columns), index[key], index["amount"], index.get(note),
                     index.get("currency"), index[extra] if extra else None)
        break
    if columns is None and not any(p.code in ("file-not-found", "file-unreadable", "not-a-regular-file",
                                                "file-too-large", "not-text", "empty-file", "csv-syntax",
                                                "not-a-workbook", "missing-sheet") for p in found):
        found.append(Problem("csv-header" if path.suffix.lower() == ".csv" else "table-header", name,
                             "has no header row", expected=f"a header row {key},amount"))
    problems.extend(found)
    return rows, data


def _rows(records, rows: list[Row], found: list[Problem], name: str, width: int, k: int, a: int,
          n: int | None, c: int | None, e: int | None = None) -> bytes:
    """The rows after the header (key, amount, note, currency and extra at columns k, a, n, c, e) into
    `rows`; the file's bytes. One pass of plain indexing per row: a trial balance has 100,000 of them. A
    workbook's row is the cells it stores: indexed directly when they fill the columns from A (the
    usual row), else each column's cell picked (a sparse row costs its cells, not its width)."""
    data = b""
    pick = xlsx.pick
    for where, cells in records:
        first = cells[0] if cells and cells.__class__ in (list, xlsx.Row) else None
        if first.__class__ is Cell:       # a workbook's row (all Cells)
            if not any([x.kind for x in cells]):
                continue
            get = cells.__getitem__ if len(cells) >= width and cells[width - 1].col == width else \
                functools.partial(pick, cells)
            at = get(a)
            where = at.where
            try:
                amount = at.amount()
                x = get(k)
                key_text = x.raw if x.kind == "s" else x.text()
                note_text = cur_text = ""
                if n is not None:
                    x = get(n)
                    note_text = x.raw if x.kind == "s" else x.text()
                if c is not None:
                    x = get(c)
                    cur_text = x.raw if x.kind == "s" else x.text()
                extra_text = ""
                if e is not None:
                    x = get(e)
                    extra_text = x.raw if x.kind == "s" else x.text()
                rows.append(Row(key_text.strip(), amount, where, note_text.strip(), cur_text.strip(),
                                extra_text.strip()))
            except CellError as exc:
                found.append(Problem(exc.code, name, exc.message, where, exc.expected))
            continue
        if first.__class__ is str:      # text cells (CSV)
            if not "".join(cells).strip():
                continue
            if len(cells) != width:
                found.append(Problem("csv-syntax", name, f"has {len(cells)} cells, the header {width}",
                                     where, f"{width} cells per row"))
                continue
            rows.append(Row(cells[k].strip(), cells[a], where, cells[n].strip() if n is not None else "",
                            cells[c].strip() if c is not None else "", cells[e].strip() if e is not None else ""))
            continue
        if isinstance(cells, bytes):      # the reader's last record: the file's bytes
            data = cells
            continue
        if all(_blank(x) for x in cells):
            continue
        if len(cells) < width:
            cells = list(cells) + [None] * (width - len(cells))
        at = cells[a]
        if isinstance(at, Cell):
            where = at.where
        try:
            amount = at.amount() if isinstance(at, Cell) else at
            rows.append(Row(_text(cells[k]).strip(), amount, where, _text(cells[n]).strip() if n is not None else "",
                            _text(cells[c]).strip() if c is not None else "",
                            _text(cells[e]).strip() if e is not None else ""))
        except CellError as exc:
            found.append(Problem(exc.code, name, exc.message, where, exc.expected))
    return data



def _text(cell) -> str:
    if cell.__class__ is Cell:
        return cell.raw if cell.kind == "s" else cell.text()     # text, the usual cell: as text() gives it
    return "" if cell is None else cell


def _blank(cell) -> bool:
    if cell is None:
        return True
    if isinstance(cell, Cell):
        return cell.kind == ""
    return not cell.strip()


# --- tables of named columns (a row per record: holdings) -----------------------------------------

class Record(NamedTuple):
    """One row of a table of named columns: where the row is ("row 4", "Holdings row 4") and, for each
    column of the header, its cell: text (CSV) or a Cell (workbook; an empty Cell where the row stores
    none), with where it is ("row 4, column market_value" or "Holdings!F4")."""
    where: str
    cells: dict             # column -> (text | Cell, where)


def read_columns(path: Path, problems: list[Problem], columns: tuple[str, ...], required: tuple[str, ...],
                 sheet: str | None = None, field: str = "holdings") -> tuple[list[Record], bytes]:
    """The rows of a table whose header names its columns (any order; `required` among them, the rest of
    `columns` optional, no other), and the file's bytes. The header is the first row that is not empty
    (in a workbook, after at most 20 title rows of text only). Every problem is appended: a header without
    a required column, an unknown or repeated column, a CSV row of another width."""
    name = str(path)
    reader = _reader(path, problems, field)
    if reader is None:
        return [], b""
    header_code = "csv-header" if path.suffix.lower() == ".csv" else "table-header"
    found: list[Problem] = []
    rows: list[Record] = []
    data, header, titles = b"", None, 0
    for where, cells in reader(path, found, sheet, field):
        if isinstance(cells, bytes):      # the reader's last record: the file's bytes
            data = cells
            continue
        if header is None:
            try:
                texts = [_text(c).strip().lower() for c in cells]
            except CellError as exc:
                found.append(Problem(exc.code, name, exc.message, where, exc.expected))
                break
            if not any(texts):
                continue
            positions = _positions(cells)
            named = {texts[i]: positions[i] for i in range(len(texts)) if texts[i]}
            if not isinstance(cells[0], str) and not set(required) <= set(named) and titles < 20 \
                    and not any(c.kind == "n" for c in cells):
                titles += 1       # a workbook's title rows above the header: text only, never a number
                continue
            header = _header(texts, named, columns, required, found, name, where, header_code)
            if header is None:
                break
            width = len(cells)
            continue
        record = _record(cells, header, width, found, name, where)
        if record is not None:
            rows.append(record)
    if header is None and not found:
        found.append(Problem(header_code, name, "has no header row", field,
                             f"a header row naming the columns {', '.join(required)} (and optionally the others)"))
    problems.extend(found)
    return rows, data


def _positions(cells) -> list[int]:
    """Each cell's column, counted from 0: its place in a CSV record, a workbook cell's own column."""
    if cells and cells[0].__class__ is Cell:
        return [c.col - 1 for c in cells]
    return list(range(len(cells)))


def _header(texts, named, columns, required, found, name, where, code) -> dict | None:
    """column -> its position, or None with a problem (the header's cells are not quoted: a file that
    is not a table of holdings must not have its contents echoed)."""
    twice = sorted({t for t in texts if t and texts.count(t) > 1})
    unknown = sorted(t for t in named if t not in columns)
    missing = [c for c in required if c not in named]
    if twice or unknown or missing:
        found.append(Problem(code, name, "; ".join(s for s in (
            f"column(s) {', '.join(twice)} named twice" if twice else "",
            f"unknown column(s) {', '.join(unknown)}" if unknown else "",
            f"no column(s) {', '.join(missing)}" if missing else "") if s), where,
            f"the columns {', '.join(required)}, and optionally {', '.join(c for c in columns if c not in required)}; "
            "each once"))
        return None
    return {c: named[c] for c in columns if c in named}


def _record(cells, header: dict, width: int, found, name: str, where: str) -> Record | None:
    if not cells:
        return None
    if cells[0].__class__ is Cell:
        by_col = {c.col - 1: c for c in cells}
        if not any(c.kind for c in cells):
            return None
        sheet, row = cells[0].sheet, cells[0].row
        got = {}
        for column, i in header.items():
            cell = by_col.get(i) or Cell(sheet, row, i + 1, "", None)
            got[column] = (cell, cell.where)
        return Record(where, got)
    if not "".join(cells).strip():
        return None
    if len(cells) != width:
        found.append(Problem("csv-syntax", name, f"has {len(cells)} cells, the header {width}", where,
                             f"{width} cells per row"))
        return None
    return Record(where, {column: (cells[i], f"{where}, column {column}") for column, i in header.items()})
