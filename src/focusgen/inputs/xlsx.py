"""Excel workbooks (.xlsx, .xlsm) as inputs, read with openpyxl in read-only mode.

Values, never formulas: a formula cell gives the value Excel cached when it last saved the file, and a
formula without a cached value is an error (focusgen never calculates a workbook, and never runs a
macro). Numbers are taken from the text the file stores (`<v>1443907046.25</v>`) straight into Decimal:
openpyxl would turn it into a binary float first, which can move a cent.

Every problem names the sheet and cell (`Balances!C14`).

openpyxl reads the workbook's structure: its sheets, defined names and which styles are dates. The
cells and the shared strings are streamed with expat here instead, for two reasons: openpyxl gives a
number only as a binary float, and its element-tree reading of 100,000 rows takes many seconds (the
issue's benchmark asks for a 100,000-row trial balance in 5 s). The reader hooks into openpyxl at one
point (ExcelReader.read_strings); pyproject pins openpyxl to the 3.1 series, and the tests check the
exact reading.

The hostile-file limits come first:
- a workbook is a zip, so its declared uncompressed sizes are capped (zipfile never inflates a member
  past its declared size, so a zip bomb is refused before any of it is inflated);
- a DOCTYPE is refused outright in the parts read here (no entity can be declared, so none can
  expand), and openpyxl parses the rest with defusedxml.
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
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

_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")     # Excel's limits: XFD, row 1,048,576


class CellError(Exception):
    """A cell that cannot give what is asked of it: (code, message, expected)."""

    def __init__(self, code: str, message: str, expected: str):
        super().__init__(message)
        self.code, self.message, self.expected = code, message, expected


@functools.lru_cache(maxsize=256)
def _quoted(sheet: str) -> str:
    """A sheet's title as a reference writes it: Balances, or 'Seg 1' quoted."""
    return sheet if re.fullmatch(r"[A-Za-z0-9_.]+", sheet) else "'" + sheet.replace("'", "''") + "'"


class Cell:
    """One cell: kind n number, s text, b boolean, e error, d date, f formula without a value, "" empty;
    raw the text the file stores (the number as written; the text; the error)."""
    __slots__ = ("sheet", "row", "col", "kind", "raw", "merged")

    def __init__(self, sheet: str, row: int, col: int, kind: str, raw: str | None, merged: bool = False):
        self.sheet, self.row, self.col, self.kind, self.raw, self.merged = sheet, row, col, kind, raw, merged

    @property
    def ref(self) -> str:
        return f"{_letters(self.col)}{self.row}"

    @property
    def where(self) -> str:
        return f"{_quoted(self.sheet)}!{_letters(self.col)}{self.row}"

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
        if self.kind == "n" and not self.merged:      # the usual amount: a number in a cell of its own
            try:
                return Decimal(self.raw)
            except InvalidOperation:
                pass                                    # named below
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


_MAIN = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main", "http://purl.oclc.org/ooxml/spreadsheetml/main")
CHUNK = 1 << 20


class XmlRefused(Exception):
    pass


def _parser():
    import xml.parsers.expat

    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True

    def refuse(*_):
        raise XmlRefused("a DOCTYPE (entity declarations) in a workbook part")
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    return parser


# The elements read here, by their expanded names ("namespace local"); any other element is skipped.
_C, _V, _F, _IS, _T, _RPH, _ROW, _MERGE, _SI = ({f"{ns} {local}" for ns in _MAIN} for local in
                                              ("c", "v", "f", "is", "t", "rPh", "row", "mergeCell", "si"))


def _feed(stream, start, end, text) -> Iterator[None]:
    """Parse an XML part in chunks through the handlers, pausing after each chunk (memory stays bounded:
    the caller drains what the handlers collected)."""
    parser = _parser()
    parser.StartElementHandler, parser.EndElementHandler, parser.CharacterDataHandler = start, end, text
    while chunk := stream.read(CHUNK):
        parser.Parse(chunk, False)
        yield
    parser.Parse(b"", True)
    yield


def shared_strings(stream) -> list[str]:
    """The shared-string table: each <si>'s text, rich-text runs joined, phonetic runs (<rPh>) left out."""
    strings: list[str] = []
    parts: list[str] = []
    in_si = in_t = False
    phonetic = 0

    def start(name, attrs):
        nonlocal in_si, in_t, phonetic
        if name in _T:
            if in_si and not phonetic:
                in_t = True
        elif name in _SI:
            in_si = True
            parts.clear()
        elif name in _RPH:
            phonetic += 1

    def end(name):
        nonlocal in_si, in_t, phonetic
        if name in _T:
            in_t = False
        elif name in _SI:
            strings.append("".join(parts))
            in_si = False
        elif name in _RPH:
            phonetic -= 1

    def text(data):
        if in_t:
            parts.append(data)
    for _ in _feed(stream, start, end, text):
        pass
    return strings


@functools.lru_cache(maxsize=None)
def _column(letters: str) -> int:
    """openpyxl's column helpers, cached, imported when a workbook is first read: "C" -> 3."""
    from openpyxl.utils.cell import column_index_from_string
    return column_index_from_string(letters)


@functools.lru_cache(maxsize=None)
def _letters(col: int) -> str:
    """3 -> "C"."""
    from openpyxl.utils.cell import get_column_letter
    return get_column_letter(col)


_CELL_REF = re.compile(r"^([A-Z]{1,3})([0-9]{1,7})$")
_DIGITS = "0123456789"


def sheet_rows(stream, title: str, strings: list[str], date_styles: set, merged: list) -> Iterator[tuple[int, list]]:
    """(row number, cells from column A) for each row of a sheet's XML, streamed in chunks. The merged
    ranges (<mergeCells>, after the rows) are appended to `merged` as (min_row, max_row, min_col, max_col).

    The handlers run once per element of a 100,000-row sheet, so they keep their state in local
    variables and make each cell where it ends, the common ones (a shared string, a plain number)
    without a call. A damaged row is named once the chunk it ends in has been parsed (an XML error
    later in that chunk is named instead, as it would be by reading the chunk first)."""
    ready: list[tuple[int, list]] = []
    columns: dict[str, int] = {}        # column letters seen -> number ("C" -> 3), checked once
    n_strings = len(strings)
    row_number = 0
    cells: list | None = None           # the open row's cells
    col = 0
    in_cell = False                     # the open <c>: its t and s, its <v> text, a <f>, an inline string
    t = style = value = inline = None
    formula = False
    mode = ""                           # collecting text: "v" in a <v>, "t" in an inline string's <t>
    buf: list[str] = []                 # ... into this (a list: a long text comes in many pieces)
    clear, join = buf.clear, "".join
    in_inline = False
    phonetic = 0
    damage: str | None = None           # the open row gives a cell out of order: the cell
    count = 0
    failed: CellError | None = None

    def start(name, attrs):
        nonlocal row_number, cells, col, in_cell, t, style, value, inline, formula, mode, in_inline, phonetic
        nonlocal damage
        if name in _C:
            ref = attrs.get("r")
            if ref:
                letters = ref.rstrip(_DIGITS)
                known = columns.get(letters)
                if known is not None and 0 < len(ref) - len(letters) <= 7:
                    col = known
                else:
                    m = _CELL_REF.match(ref)
                    col = columns.setdefault(m.group(1), _column(m.group(1))) if m else col + 1
            else:
                col += 1
            in_cell = True
            t, style, value, formula, inline = attrs.get("t", "n"), attrs.get("s"), None, False, None
        elif name in _V:
            if in_cell:
                clear()
                mode = "v"
        elif name in _ROW:
            r = attrs.get("r")
            row_number = int(r) if r and r.isdigit() and len(r) <= 7 else row_number + 1
            cells, col, damage = [], 0, None
        elif name in _F:
            if in_cell:
                formula = True
        elif name in _IS:
            if in_cell:
                in_inline = True
                clear()
        elif name in _RPH:
            phonetic += 1
        elif name in _T:
            if in_inline and not phonetic:
                mode = "t"
        elif name in _MERGE:
            a, _, b = attrs.get("ref", "").partition(":")
            ma, mb = _CELL_REF.match(a), _CELL_REF.match(b or a)
            if ma and mb:
                merged.append((int(ma.group(2)), int(mb.group(2)), _column(ma.group(1)), _column(mb.group(1))))

    def end(name):
        nonlocal cells, in_cell, value, inline, mode, in_inline, phonetic, damage, count, failed
        if name in _C:
            if in_cell and cells is not None and damage is None:
                if col != len(cells) + 1:
                    if col <= len(cells):        # a cell given twice or out of order: the file is damaged
                        damage = f"{_letters(col)}{row_number}"
                        in_cell = False
                        return
                    while len(cells) < col - 1:
                        cells.append(Cell(title, row_number, len(cells) + 1, "", None))
                if t == "s" and value is not None and not formula and value.isdigit() and len(value) < 12:
                    index = int(value)
                    cells.append(Cell(title, row_number, col, "s", strings[index]) if index < n_strings else
                                 _cell(title, row_number, (col, t, style, value, formula, inline), strings,
                                       date_styles))
                elif t == "n" and value and style is None:
                    cells.append(Cell(title, row_number, col, "n", value.strip()))
                else:
                    cells.append(_cell(title, row_number, (col, t, style, value, formula, inline), strings,
                                       date_styles))
            in_cell = False
        elif name in _V:
            if mode == "v":
                value, mode = join(buf), ""
        elif name in _ROW:
            if failed is None:
                count += 1
                if count > MAX_ROWS:
                    failed = CellError("file-too-large", f"sheet {title!r} has more than {MAX_ROWS:,} rows",
                                       f"at most {MAX_ROWS:,} rows")
                elif damage is not None:
                    failed = CellError("not-a-workbook", f"sheet {title!r} gives cell {damage} out of order",
                                       "a workbook saved by Excel")
                else:
                    ready.append((row_number, cells or []))
            cells = None
        elif name in _T:
            if mode == "t":
                mode = ""
        elif name in _RPH:
            phonetic -= 1
        elif name in _IS:
            in_inline = False
            if in_cell:
                inline = join(buf)

    def text(data):
        if mode:
            buf.append(data)
    for _ in _feed(stream, start, end, text):
        yield from ready
        ready.clear()
        if failed is not None:
            raise failed


def _cell(title: str, number: int, raw: list, strings: list[str], date_styles: set) -> "Cell":
    """A cell from what its XML gives: (column, t, s, <v> text, a <f>, inline text)."""
    col, t, style, value, formula, inline = raw
    if formula and not value and t != "inlineStr":
        return Cell(title, number, col, "f", None)
    if t == "inlineStr":
        return Cell(title, number, col, "s" if inline is not None else "", inline)
    if value is None:
        return Cell(title, number, col, "", None)
    if t == "s":
        index = int(value) if value.strip().isdigit() and len(value) < 12 else -1
        if not 0 <= index < len(strings):
            return Cell(title, number, col, "e", f"(a shared string {value[:20]!r} the file does not hold)")
        return Cell(title, number, col, "s", strings[index])
    if t == "str":
        return Cell(title, number, col, "s", value)
    if t == "b":
        return Cell(title, number, col, "b", "1" if value.strip() == "1" else "0")
    if t == "e":
        return Cell(title, number, col, "e", value)
    if t == "d":
        return Cell(title, number, col, "d", value)
    if style is not None and style.isdigit() and int(style) in date_styles:
        return Cell(title, number, col, "d", value)
    return Cell(title, number, col, "n", value.strip())


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

            from openpyxl.reader.excel import ExcelReader

            class Reader(ExcelReader):
                def read_strings(self):     # the shared strings by expat (fast, no DOCTYPE)
                    from openpyxl.reader.excel import SHARED_STRINGS
                    ct = self.package.find(SHARED_STRINGS)
                    self.shared_strings = []
                    if ct is not None:
                        with self.archive.open(ct.PartName[1:]) as src:
                            self.shared_strings = shared_strings(src)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")       # openpyxl warns about unsupported extensions
                reader = Reader(io.BytesIO(data), read_only=True, keep_vba=False, data_only=True,
                                keep_links=False)
                reader.read()
                book = reader.wb
                book.focusgen_strings = reader.shared_strings
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
        """The sheet's rows as cells, left to right from column A (missing cells are empty). A cell inside
        merged cells is marked, and the merged ranges follow the rows in the file, so the rows are
        held until the end of the sheet (plain tuples: about 100 bytes a cell)."""
        ws = self.book[title]
        merged: list = []
        try:
            with self.book._archive.open(ws._worksheet_path) as src:
                pending = list(sheet_rows(src, title, self.book.focusgen_strings, self.book._date_formats, merged))
        except XmlRefused as exc:
            raise CellError("not-a-workbook", f"sheet {title!r} holds {exc}", "a workbook saved by Excel") from None
        except Exception as exc:      # expat's errors, a damaged zip member
            if isinstance(exc, CellError):
                raise
            raise CellError("not-a-workbook", f"sheet {title!r} cannot be read ({type(exc).__name__})",
                            "a workbook saved by Excel") from None
        self.merged = merged
        if not merged:
            for _, row in pending:
                yield row
            return
        for number, row in pending:
            spans = [m for m in merged if m[0] <= number <= m[1]]
            if spans:
                row = [Cell(c.sheet, c.row, c.col, c.kind, c.raw, merged=True)
                       if any(m[2] <= c.col <= m[3] for m in spans) else c for c in row]
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
                        c = _column(col.upper())
                        merged = any(m[0] <= int(row) <= m[1] and m[2] <= c <= m[3] for m in self.merged)
                        found[key] = Cell(sheet, int(row), c, "", None, merged=merged)
        return found

    def _place(self, key: str, ref: str, problems: list[Problem], file: str) -> tuple[str, str] | None:
        where = f"line {key}"
        if "!" in ref:
            sheet, _, coord = ref.rpartition("!")
            sheet = sheet.strip()
            if len(sheet) >= 2 and sheet[0] == sheet[-1] == "'":
                sheet = sheet[1:-1].replace("''", "'")
            m = _REF.match(coord.strip())
            if not m or not sheet or _column(m.group(1).upper()) > 16384 or int(m.group(2)) > 1048576:
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
        if not m or _column(m.group(1).upper()) > 16384 or int(m.group(2)) > 1048576:
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
                yield f"{_quoted(title)} row {row[0].row}" if row else title, row
        except CellError as exc:
            problems.append(Problem(exc.code, book.name, exc.message, field, exc.expected))
            return
    yield "", book.data
