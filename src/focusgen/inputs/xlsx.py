"""Excel workbooks (.xlsx, .xlsm) as inputs, read with openpyxl in read-only mode.

Values, never formulas: a formula cell gives the value Excel cached when it last saved the file, and a
formula without a cached value is an error (focusgen never calculates a workbook, and never runs a
macro). Numbers are taken from the text the file stores (`<v>1443907046.25</v>`) straight into Decimal:
openpyxl would turn it into a binary float first, which can move a cent.

Every problem names the sheet and cell (`Balances!C14`).

The hostile-file limits come first, before openpyxl parses anything:
- a workbook is a zip, so its declared uncompressed sizes are capped (zipfile never inflates a member
  past its declared size, so a zip bomb is refused before any of it is inflated);
- XML entity expansion is refused by defusedxml, which openpyxl uses when it is installed.

openpyxl's public read-only API gives only the float, so the sheet is streamed through its
WorkSheetParser with parse_cell extended to keep the stored text. That is a private class; pyproject
pins openpyxl to the 3.1 series, and the tests check the exact reading.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Iterator

from ..problems import Problem
from .formats import MAX_BYTES, read_bytes

# What a workbook may inflate to. 100,000 trial-balance rows are about 15 MB of sheet XML.
MAX_UNCOMPRESSED = 512 * 2**20
MAX_MEMBER = 256 * 2**20
MAX_ROWS = 2_000_000
SUFFIXES = (".xlsx", ".xlsm")

_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")


class CellError(Exception):
    """A cell that cannot give what is asked of it: (code, message, expected)."""

    def __init__(self, code: str, message: str, expected: str):
        super().__init__(message)
        self.code, self.message, self.expected = code, message, expected


@dataclass(frozen=True)
class Cell:
    sheet: str
    ref: str                  # "C14"
    kind: str                 # n number, s text, b boolean, e error, d date, f formula without a value, "" empty
    raw: str | None           # the text the file stores (the number as written; the text; the error)
    merged: bool = False

    @property
    def where(self) -> str:
        sheet = self.sheet if re.fullmatch(r"[A-Za-z0-9_.]+", self.sheet) else "'" + self.sheet.replace("'", "''") + "'"
        return f"{sheet}!{self.ref}"

    def _check(self) -> None:
        if self.merged:
            raise CellError("merged-cell", f"{self.where} is part of merged cells",
                            "one unmerged cell per value")
        if self.kind == "e":
            raise CellError("cell-error", f"{self.where} holds the error {self.raw}",
                            "a value (fix the formula in Excel and save)")
        if self.kind == "f":
            raise CellError("uncached-formula", f"{self.where} holds a formula without a saved value",
                            "a value: open the workbook in Excel and save it, so each formula's value is stored")

    def amount(self) -> Decimal | str | None:
        """The amount: Decimal from the stored number, or the text (accounting format) for parse_amount;
        None for an empty cell (a blank line)."""
        self._check()
        if self.kind == "":
            return None
        if self.kind == "n":
            try:
                value = Decimal(self.raw)
            except InvalidOperation:
                raise CellError("cell-not-amount", f"{self.where} stores {self.raw[:40]!r}, not a number",
                                "a number") from None
            return value
        if self.kind == "s":
            return self.raw
        if self.kind == "d":
            raise CellError("cell-not-amount", f"{self.where} holds a date, not an amount",
                            "an amount (the cell is formatted as a date)")
        raise CellError("cell-not-amount", f"{self.where} holds {'TRUE' if self.raw == '1' else 'FALSE'}, "
                        "not an amount", "an amount")

    def text(self) -> str:
        """The cell as text (an account number, a label, a currency): a number as stored, whole numbers
        without a decimal point (an account 100100 saved as a number is "100100"). A label merged across
        columns is fine: only an amount must sit in a cell of its own."""
        if self.kind in ("e", "f"):
            self._check()
        if self.kind in ("", None):
            return ""
        if self.kind == "n":
            try:
                value = Decimal(self.raw)
            except InvalidOperation:
                return self.raw
            return str(int(value)) if value == value.to_integral_value() and abs(value) < 10**20 else self.raw
        if self.kind == "d":
            raise CellError("cell-not-text", f"{self.where} holds a date", "text or a number")
        if self.kind == "b":
            return "TRUE" if self.raw == "1" else "FALSE"
        return self.raw


def _parser_class():
    from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

    class ExactParser(WorkSheetParser):
        """openpyxl's streaming sheet parser, keeping each cell's stored text."""

        def parse_cell(self, element):
            has_formula = element.find(FORMULA_TAG) is not None
            stored = element.findtext(VALUE_TAG, None)
            cell = super().parse_cell(element)     # data_only: the cached value, typed
            kind = cell["data_type"]
            value = cell["value"]
            if has_formula and not stored and kind != "inlineStr":     # openpyxl writes <v/> for none
                kind, raw = "f", None
            elif value is None:
                kind, raw = "", None
            elif kind == "n":
                raw = stored.strip()
            elif kind == "d":
                raw = stored
            elif kind == "b":
                raw = "1" if value else "0"
            elif kind == "e":
                raw = str(value)
            else:
                kind, raw = "s", str(value)
            cell["value"] = (kind, raw)
            return cell

    return ExactParser


class Workbook:
    """An open workbook; use `with Workbook.open(path, problems) as wb:` (None if it cannot be read)."""

    def __init__(self, path: Path, book, data: bytes):
        self.path, self.book, self.data = path, book, data
        self.name = str(path)
        self.merged: list = []

    @classmethod
    def open(cls, path: Path, problems: list[Problem]) -> "Workbook | None":
        data = read_bytes(path, problems, MAX_BYTES["table"], expected="workbook")
        if data is None:
            return None
        name = str(path)
        expected = "an Excel workbook saved as .xlsx"
        if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            problems.append(Problem("not-a-workbook", name, "is an old-style .xls or a password-protected "
                                    "workbook", expected=expected + " without a password"))
            return None
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            members = archive.infolist()
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            problems.append(Problem("not-a-workbook", name, "is not a workbook (not a zip archive)",
                                    expected=expected))
            return None
        total = sum(m.file_size for m in members)
        largest = max((m.file_size for m in members), default=0)
        if total > MAX_UNCOMPRESSED or largest > MAX_MEMBER or len(members) > 10_000:
            problems.append(Problem("file-too-large", name, f"would inflate to {total:,} bytes in "
                                    f"{len(members):,} parts", expected=f"at most {MAX_UNCOMPRESSED:,} bytes "
                                    f"({MAX_MEMBER:,} in one part)"))
            return None
        try:
            import warnings

            import openpyxl
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")       # openpyxl warns about unsupported extensions
                book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True,
                                              keep_vba=False, keep_links=False)
        except Exception as exc:        # openpyxl raises many kinds on a damaged file; none is a traceback here
            problems.append(Problem("not-a-workbook", name, f"cannot be read as a workbook "
                                    f"({type(exc).__name__})", expected=expected))
            return None
        return cls(path, book, data)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.book.close()

    def sheet(self, title: str | None, problems: list[Problem], where: str) -> str | None:
        """The sheet's title (the first sheet when none is named), or None with a problem."""
        titles = self.book.sheetnames
        if title is None:
            if not titles:
                problems.append(Problem("missing-sheet", self.name, "has no sheets", where, "a worksheet"))
                return None
            return titles[0]
        if title not in titles:
            problems.append(Problem("missing-sheet", self.name, f"has no sheet {title!r}", where,
                                    f"one of {', '.join(repr(t) for t in titles[:10])}"))
            return None
        return title

    def rows(self, title: str) -> Iterator[list[Cell]]:
        """The sheet's rows as cells, left to right from column A (missing cells are empty)."""
        from openpyxl.utils import get_column_letter
        ws = self.book[title]
        parser = _parser_class()(ws._get_source(), self.book.shared_strings, data_only=True,
                                 epoch=self.book.epoch, date_formats=self.book._date_formats,
                                 timedelta_formats=self.book._timedelta_formats)
        pending: list[list[Cell]] = []
        merged_cells = None
        count = 0
        for number, values in parser.parse():
            count += 1
            if count > MAX_ROWS:
                raise CellError("file-too-large", f"sheet {title!r} has more than {MAX_ROWS:,} rows",
                                f"at most {MAX_ROWS:,} rows")
            row: list[Cell] = []
            for value in values:
                col = value["column"]
                while len(row) < col - 1:
                    row.append(Cell(title, f"{get_column_letter(len(row) + 1)}{number}", "", None))
                kind, raw = value["value"]
                row.append(Cell(title, f"{get_column_letter(col)}{number}", kind, raw))
            pending.append((number, row))
        # <mergeCells> follows the rows in the sheet's XML: mark the merged cells once it is known
        merged_cells = parser.merged_cells
        ranges = []
        if merged_cells is not None:
            from openpyxl.worksheet.cell_range import CellRange
            ranges = [CellRange(m.ref) for m in merged_cells.mergeCell]
        self.merged = ranges
        for number, row in pending:
            spans = [r for r in ranges if r.min_row <= number <= r.max_row]
            if spans:
                row = [Cell(c.sheet, c.ref, c.kind, c.raw, merged=True)
                       if any(r.min_col <= i + 1 <= r.max_col for r in spans) else c for i, c in enumerate(row)]
            yield row

    def cells(self, wanted: dict[str, str], problems: list[Problem], file: str) -> dict[str, Cell]:
        """Cells named by `Sheet!C14` references or defined names (one cell each), keyed as given.
        The workbook is streamed once per sheet named."""
        places: dict[str, tuple[str, str]] = {}
        for key, ref in wanted.items():
            place = self._place(key, ref, problems, file)
            if place is not None:
                places[key] = place
        found: dict[str, Cell] = {}
        by_sheet: dict[str, dict[str, list[str]]] = {}
        for key, (sheet, coord) in places.items():
            by_sheet.setdefault(sheet, {}).setdefault(coord, []).append(key)
        for sheet, coords in by_sheet.items():
            for row in self.rows(sheet):
                for cell in row:
                    for key in coords.get(cell.ref, ()):
                        found[key] = cell
            for coord, keys in coords.items():
                for key in keys:
                    if key not in found:     # a cell the file does not store: empty, or inside merged cells
                        col, row = _REF.match(coord).groups()
                        from openpyxl.utils import column_index_from_string
                        c = column_index_from_string(col)
                        merged = any(r.min_row <= int(row) <= r.max_row and r.min_col <= c <= r.max_col
                                     for r in self.merged)
                        found[key] = Cell(sheet, coord, "", None, merged=merged)
        return found

    def _place(self, key: str, ref: str, problems: list[Problem], file: str) -> tuple[str, str] | None:
        where = f"line {key}"
        if "!" in ref:
            sheet, _, coord = ref.rpartition("!")
            sheet = sheet.strip()
            if len(sheet) >= 2 and sheet[0] == sheet[-1] == "'":
                sheet = sheet[1:-1].replace("''", "'")
            m = _REF.match(coord.strip())
            if not m or not sheet:
                problems.append(Problem("bad-cell-ref", file, f"{ref!r} is not a cell reference", where,
                                        "Sheet!C14 or a defined name"))
                return None
            if self.sheet(sheet, problems, where) is None:
                return None
            return sheet, f"{m.group(1).upper()}{int(m.group(2))}"
        name = self.book.defined_names.get(ref.strip())
        if name is None:
            problems.append(Problem("missing-name", self.name, f"has no defined name {ref!r}", where,
                                    "a defined name (Formulas > Name Manager) or Sheet!C14"))
            return None
        try:
            destinations = list(name.destinations)
        except Exception:
            destinations = []
        if len(destinations) != 1:
            problems.append(Problem("name-not-one-cell", self.name, f"the name {ref!r} refers to "
                                    f"{name.attr_text!r}, not one cell", where, "a name of one cell"))
            return None
        sheet, coord = destinations[0]
        m = _REF.match(coord.strip())
        if not m:
            problems.append(Problem("name-not-one-cell", self.name, f"the name {ref!r} refers to {sheet}!{coord}, "
                                    "not one cell", where, "a name of one cell"))
            return None
        if self.sheet(sheet, problems, where) is None:
            return None
        return sheet, f"{m.group(1).upper()}{int(m.group(2))}"


def records(path: Path, problems: list[Problem], sheet: str | None, field: str) -> Iterator[tuple[str, object]]:
    """(where, cells) for each row of the sheet (the first sheet if none is named), the header first;
    then ("", the file's bytes)."""
    book = Workbook.open(path, problems)
    if book is None:
        return
    with book:
        title = book.sheet(sheet, problems, f"{field}.sheet" if sheet else field)
        if title is None:
            return
        try:
            for row in book.rows(title):
                yield (f"{row[0].where.rsplit('!', 1)[0]} row {row[0].ref.lstrip('ABCDEFGHIJKLMNOPQRSTUVWXYZ')}"
                       if row else title, row)
        except CellError as exc:
            problems.append(Problem(exc.code, book.name, exc.message, field, exc.expected))
            return
    yield "", book.data
