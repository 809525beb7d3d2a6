"""CSV tables: each record as a list of text cells, after the header row."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Iterator

from ..problems import Problem, quote
from .formats import read_text


def records(path: Path, problems: list[Problem], sheet: str | None, field: str) -> Iterator[tuple[str, list]]:
    """(where, cells) for each record, the header first; then ("", the file's bytes). A CSV has no sheets."""
    name = str(path)
    if sheet is not None:
        problems.append(Problem("bad-field", name, f"{field}: a CSV has no sheet {quote(sheet)}", f"{field}.sheet",
                                "sheet: only for a workbook"))
        return
    read = read_text(path, problems)
    if read is None:
        return
    text, data = read
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        for record in reader:
            yield f"row {reader.line_num}", record
    except csv.Error as exc:
        problems.append(Problem("csv-syntax", name, f"CSV syntax error: {exc}", f"row {reader.line_num}",
                                "valid CSV"))
    yield "", data
