"""Tables of `KEY, amount[, NOTE][, currency]` rows, from any table format.

Ledger balances are `line, amount[, label]`; a trial balance `account, amount[, description][, currency]`.
A format is a module with a `records()` generator and one line in FORMATS: the header and every
check of the columns live here, once, whatever the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from ..problems import Problem
from . import csvtable


class Row(NamedTuple):
    key: str
    amount: Any           # text (CSV, a text cell), Decimal (a number cell) or None (an empty cell)
    where: str            # "row 4" or "Balances!B4"
    note: str = ""
    currency: str = ""


def _xlsx():
    from . import xlsx      # openpyxl takes about 0.13 s to import: only a workbook pays it
    return xlsx


def _workbook_records(*args):
    return _xlsx().records(*args)


FORMATS = {".csv": csvtable.records, ".xlsx": _workbook_records, ".xlsm": _workbook_records}


def is_table(path: Path) -> bool:
    return path.suffix.lower() in FORMATS


def read_table(path: Path, problems: list[Problem], key: str = "line", note: str = "label",
               currency: bool = False, sheet: str | None = None, field: str = "ledger") -> tuple[list[Row], bytes]:
    """The rows of a table file and its bytes (for the manifest's hash)."""
    name = str(path)
    reader = FORMATS.get(path.suffix.lower())
    if reader is None:
        problems.append(Problem("unknown-format", name, f"{path.suffix or 'no suffix'} is not a table format",
                                field, f"one of {', '.join(sorted(FORMATS))}"))
        return [], b""
    # a CSV's cells are text (or None); only a workbook's cells can raise CellError
    CellError = _xlsx().CellError if reader is _workbook_records else ()
    found: list[Problem] = []
    rows: list[Row] = []
    wanted = [key, "amount", note] + (["currency"] if currency else [])
    columns: list[str] | None = None
    data = b""
    title_rows = 0
    for where, cells in reader(path, found, sheet, field):
        if isinstance(cells, bytes):      # the reader's last record: the file's bytes
            data = cells
            continue
        try:
            texts = [_text(c) for c in cells] if columns is None else None
        except CellError as exc:
            found.append(Problem(exc.code, name, exc.message, where, exc.expected))
            continue
        if columns is None:
            if not any(t.strip() for t in texts):
                continue
            names = [t.strip().lower() for t in texts]
            if not isinstance(cells[0], str) and not (key in names and "amount" in names) and title_rows < 20 \
                    and not any(c.kind == "n" for c in cells):
                title_rows += 1       # a workbook's title rows above the header: text only, never a number
                continue
            columns = names
            while columns and not columns[-1]:
                columns.pop()       # a sheet's empty trailing header cells
            if key not in columns or "amount" not in columns:
                # the row is not quoted: a file that is not an input must not have its contents echoed
                found.append(Problem("csv-header" if path.suffix.lower() == ".csv" else "table-header", name,
                                     f"the first row ({len(columns)} cells) has no {key!r} and 'amount' columns",
                                     where, f"a header row {', '.join(wanted[:2])} (and optionally "
                                     f"{' and '.join(wanted[2:])})"))
                break
            twice = sorted({c for c in columns if columns.count(c) > 1})
            unknown = [c for c in columns if c not in wanted]
            if twice or unknown:
                found.append(Problem("csv-header" if path.suffix.lower() == ".csv" else "table-header", name,
                                     f"column(s) {', '.join(twice)} named twice" if twice else
                                     f"unknown column(s) {', '.join(unknown)}", where,
                                     f"columns {', '.join(wanted)}, each once"))
                if twice:
                    break
            index = {c: columns.index(c) for c in wanted if c in columns}
            continue
        if not any(_blank(c) is False for c in cells):
            continue
        if isinstance(cells[0] if cells else "", str) and len(cells) != len(columns):
            found.append(Problem("csv-syntax", name, f"has {len(cells)} cells, the header {len(columns)}",
                                 where, f"{len(columns)} cells per row"))
            continue
        cells = list(cells) + [None] * (len(columns) - len(cells))
        at = cells[index["amount"]]
        workbook_cell = at is not None and not isinstance(at, str)
        where = at.where if workbook_cell else where
        try:
            amount = at.amount() if workbook_cell else at
            row = Row(_text(cells[index[key]]).strip(), amount, where,
                      _text(cells[index[note]]).strip() if note in index else "",
                      _text(cells[index["currency"]]).strip() if "currency" in index else "")
        except CellError as exc:
            found.append(Problem(exc.code, name, exc.message, where, exc.expected))
            continue
        rows.append(row)
    if columns is None and not any(p.code in ("file-not-found", "file-unreadable", "not-a-regular-file",
                                                "file-too-large", "not-text", "empty-file", "csv-syntax",
                                                "not-a-workbook", "missing-sheet") for p in found):
        found.append(Problem("csv-header" if path.suffix.lower() == ".csv" else "table-header", name,
                             "has no header row", expected=f"a header row {key},amount"))
    problems.extend(found)
    return rows, data


def _text(cell) -> str:
    if cell is None:
        return ""
    return cell if isinstance(cell, str) else cell.text()      # a CSV's text, or a workbook's cell


def _blank(cell) -> bool:
    if cell is None:
        return True
    if not isinstance(cell, str):
        return cell.kind == ""
    return not cell.strip()
