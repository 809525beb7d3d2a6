"""Reading input files as text, YAML or CSV rows, with every problem collected as a Problem.

The lowest layer of inputs/: the ledger mapping and the filing loader both read through here, so
limits and refusals apply to every file an input names."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import yaml

from ..problems import Problem
from . import yamlsafe

def read_text(path: Path, problems: list[Problem]) -> tuple[str, bytes] | None:
    name = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        problems.append(Problem("file-not-found", name, "no such file", expected="an existing input file"))
        return None
    except IsADirectoryError:
        problems.append(Problem("file-unreadable", name, "is a directory", expected="a file"))
        return None
    except OSError as exc:
        problems.append(Problem("file-unreadable", name, f"cannot be read: {exc.strerror}",
                                expected="a readable file"))
        return None
    if b"\x00" in data:
        problems.append(Problem("not-text", name, "contains NUL bytes: not a text file",
                                expected="UTF-8 text (YAML or CSV)"))
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(Problem("not-text", name, f"is not UTF-8 text (byte {exc.start})",
                                expected="UTF-8 text (YAML or CSV)"))
        return None
    if not text.strip():
        problems.append(Problem("empty-file", name, "is empty", expected="a filing input"))
        return None
    return text, data


def read_yaml(path: Path, problems: list[Problem]) -> tuple[dict | None, bytes]:
    read = read_text(path, problems)
    if read is None:
        return None, b""
    text, data = read
    name = str(path)
    try:
        doc, duplicates = yamlsafe.load(text)
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        where = f"yaml line {mark.line + 1}" if mark else ""
        tag = "tag" in str(exc.problem)
        problems.append(Problem("yaml-tag" if tag else "yaml-syntax", name,
                                f"refused: {exc.problem}" if tag else str(exc.problem), where,
                                "plain YAML values (no !!python or other object tags)" if tag else "valid YAML"))
        return None, data
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"yaml line {mark.line + 1}" if mark else ""
        problems.append(Problem("yaml-syntax", name, f"YAML syntax error: {getattr(exc, 'problem', exc)}",
                                where, "valid YAML"))
        return None, data
    for key, first, again in duplicates:
        problems.append(Problem("duplicate-key", name, f"key {key!r} is given twice (first at yaml line {first})",
                                f"yaml line {again}", "each key once"))
    if not isinstance(doc, dict):
        problems.append(Problem("not-a-mapping", name,
                                f"the top level is {type(doc).__name__ if doc is not None else 'empty'}, not a mapping",
                                expected="a mapping with report, as_of, firm and lines"))
        return None, data
    return doc, data


def read_table(path: Path, problems: list[Problem], key: str = "line",
               note: str = "label") -> tuple[list[tuple[str, Any, str, str]], bytes]:
    """Rows of a `KEY,amount[,NOTE]` CSV as (key, amount text, where, note). Ledger balances use
    line,amount,label; a trial balance account,amount,description."""
    read = read_text(path, problems)
    if read is None:
        return [], b""
    text, data = read
    name = str(path)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[str, Any, str, str]] = []
    try:
        header = next(reader)
        columns = [c.strip().lower() for c in header]
        if key not in columns or "amount" not in columns:
            problems.append(Problem("csv-header", name, f"the first row {','.join(header)!r} is not a header",
                                    "row 1", f"a header row {key},amount (and optionally {note})"))
            return [], data
        unknown = [c for c in columns if c not in (key, "amount", note)]
        if unknown:
            problems.append(Problem("csv-header", name, f"unknown column(s) {', '.join(unknown)}", "row 1",
                                    f"columns {key}, amount and optionally {note}"))
        i_key, i_amount = columns.index(key), columns.index("amount")
        i_note = columns.index(note) if note in columns else None
        for record in reader:
            where = f"row {reader.line_num}"
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(columns):
                problems.append(Problem("csv-syntax", name, f"has {len(record)} cells, the header {len(columns)}",
                                        where, f"{len(columns)} cells per row"))
                continue
            rows.append((record[i_key].strip(), record[i_amount], where,
                         record[i_note].strip() if i_note is not None else ""))
    except StopIteration:
        problems.append(Problem("csv-header", name, "has no header row", expected=f"a header row {key},amount"))
    except csv.Error as exc:
        problems.append(Problem("csv-syntax", name, f"CSV syntax error: {exc}", f"row {reader.line_num}",
                                "valid CSV"))
    return rows, data
