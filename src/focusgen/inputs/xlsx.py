"""Excel workbooks (.xlsx, .xlsm) as inputs, read with expat alone: the package's structure, the styles,
the shared strings and the cells. No spreadsheet library is used (openpyxl is only a test dependency,
to write test workbooks and to check the structure read here).

Values, never formulas: a formula cell gives the value Excel cached when it last saved the file, and a
formula without a cached value is an error (focusgen never calculates a workbook, and never runs a
macro). Numbers are taken from the text the file stores (`<v>1443907046.25</v>`) straight into Decimal,
never through a binary float, which can move a cent. Every problem names the sheet and cell
(`Balances!C14`).

What is read:
- the package: `_rels/.rels` names the workbook part (its officeDocument relationship; without one, a
  part whose content type in [Content_Types].xml is a workbook's, as openpyxl finds it), and that
  part's content type must be a workbook's (.xlsx, .xlsm or their templates; a binary .xlsb is named);
- the workbook part: the sheets in tab order (name, sheetId, state visible / hidden / veryHidden, r:id
  leading through the workbook's relationships to the sheet's part and its kind: worksheet, chart
  sheet, dialog or macro sheet) and the defined names (workbook-level, or local to the sheet whose
  index localSheetId gives), with the text of each;
- the styles: which cell formats (cellXfs, by index) are dates, decided as openpyxl 3.1 decides it (a
  cell format's numFmtId is a custom numFmt's code when the file defines that id, else the built-in
  format; a code is a date when its first section, with quoted text and bracketed locale or colour
  parts taken out, has a d, m, h, y or s not after _ or a backslash). A number formatted as a date is
  a date here (`cell-not-amount`), never its serial number. The structure parts are read by local
  element names, whatever their namespace, as openpyxl reads them; the cells only in SpreadsheetML's.

Which sheet is read:
- none named (`ledger: book.xlsx`, `trial_balance: tb.xlsx`, `focusgen build book.xlsx --meta m.yaml`):
  the first visible worksheet, the first tab a user sees. A hidden or very hidden sheet is never read
  unless it is named; a chart, dialog or macro sheet holds no table and is passed over. A workbook
  without a visible worksheet is `missing-sheet` (the message says which sheets are hidden).
- named (`sheet: X`, `cells: {7010: "X!C14"}`): that sheet, hidden or not: the user named it.
- a defined name (`cells: {7020: CashAtBanks}`): the one cell it names, on whichever sheet, hidden or
  not. A name is the user's explicit choice of a cell, and Excel resolves it the same way (`=CashAtBanks`
  in any cell shows that value); workpapers often keep their workings on hidden sheets and name the
  results. The figure's source is still said as the sheet and cell (`Calc!C15`), not the name.
  Unqualified, a name is a workbook-level one; `Sheet!Name` is the name local to that sheet (Name
  Manager's scope). Names match regardless of case, as in Excel. A name that is not one cell on one
  sheet of this workbook (a range, several areas, a constant, a formula, another workbook, #REF!, a
  name defined twice) is `name-not-one-cell`; `Sheet!ZZZZ1`, past column XFD, is `bad-cell-ref`.

Memory is bounded by the cells, not a sheet's width or length: a row is the list of the cells the file
stores, left to right (a cell at column XFD is one cell, not 16,384: `pick()` gives a column's cell,
empty when the file stores none), and rows are streamed, never all held. The merged ranges, which the
file gives after the rows, are found first by a cheap pass: the inflated part is searched for the
bytes `mergeCell` (0.05 s for the 17 MB sheet of benchmarks/bench_workbook.py), and only where they
occur does expat read the part, its elements handed to Python from the first occurrence on (0.2 s; a
whole expat pass would take 0.7 s, and holding the rows to the end doubled the peak memory). The
ranges are kept one integer each and swept row by row; a cell inside one is marked merged whether the
file stores it or not (`pick()` asks the sweep); overlapping ranges (which Excel never writes) are
refused, as are cells given twice or out of order and rows that do not go down the sheet.

The hostile-file limits come first:
- a workbook is a zip, so its declared uncompressed sizes are capped (zipfile never inflates a member
  past its declared size, so a zip bomb is refused before any of it is inflated); a structure part
  (content types, relationships, workbook, styles) is at most MAX_PART bytes; a zip naming two members
  alike is refused;
- a DOCTYPE is refused outright in every part parsed (no entity can be declared, so none can expand);
- at most MAX_ROWS rows and MAX_MERGED merged ranges a sheet.

This module imports the standard library, ..problems and .formats only. A new cell kind is a branch of
_cell() (and Cell.amount/text); a new structure fact is one more path given to _elements().
"""

from __future__ import annotations

import functools
import heapq
import io
import posixpath
import re
import zipfile
from bisect import bisect_left
from decimal import Decimal, InvalidOperation
from operator import attrgetter
from pathlib import Path
from typing import Iterator, NamedTuple

from ..problems import Problem
from .formats import MAX_BYTES, read_bytes

# What a workbook may inflate to. 100,000 trial-balance rows are about 15 MB of sheet XML.
MAX_UNCOMPRESSED = 512 * 2**20
MAX_MEMBER = 256 * 2**20
MAX_PART = 32 * 2**20           # a structure part: Excel's largest style sheet (64,000 formats) is ~10 MB
MAX_ROWS = 2_000_000
MAX_MERGED = 200_000            # merged ranges a sheet
MAX_COL, MAX_ROW = 16384, 1048576       # Excel's limits: XFD, row 1,048,576
SUFFIXES = (".xlsx", ".xlsm")

_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")
_CELL_LIKE = re.compile(r"^\$?[A-Za-z]+\$?[0-9]+$")         # Sheet!ZZZZ1 is a bad cell, not a name
_NAME = re.compile(r"^(?:[^\W\d]|\\)[\w.\\]*$")            # a defined name's shape
# A defined name of one cell: Sheet!$C$14 or 'Work Paper'!$C$14 (quotes doubled inside).
_ONE_CELL = re.compile(r"(?:'((?:[^']|'')+)'|([\w.]+))!\$?([A-Za-z]{1,3})\$?([0-9]{1,7})")


class CellError(Exception):
    """A cell (or a sheet, or the workbook) that cannot give what is asked of it: (code, message, expected)."""

    def __init__(self, code: str, message: str, expected: str):
        super().__init__(message)
        self.code, self.message, self.expected = code, message, expected


def _damaged(message: str) -> CellError:
    return CellError("not-a-workbook", message, "a workbook saved by Excel")


@functools.lru_cache(maxsize=256)
def _quoted(sheet: str) -> str:
    """A sheet's title as a reference writes it: Balances, or 'Seg 1' quoted."""
    return sheet if re.fullmatch(r"[A-Za-z0-9_.]+", sheet) else "'" + sheet.replace("'", "''") + "'"


@functools.lru_cache(maxsize=None)
def _column(letters: str) -> int:
    """"C" -> 3, "XFD" -> 16384 (upper-case letters; at most three, so the cache stays small)."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


@functools.lru_cache(maxsize=1 << 15)
def _letters(col: int) -> str:
    """3 -> "C"."""
    out = ""
    while col > 0:
        col, r = divmod(col - 1, 26)
        out = chr(65 + r) + out
    return out


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


class Row(list):
    """A row's cells in a sheet with merged ranges: `merged` is the sweep that marked them (pick() asks it
    whether a cell the file does not store lies in merged cells)."""
    __slots__ = ("merged",)


_COL = attrgetter("col")


def pick(cells: list[Cell], index: int) -> Cell:
    """The cell in column index + 1 (0 is A) of a row given as the cells it stores, left to right: the
    stored cell, or an empty one (marked merged when it lies in merged cells). The row has a cell."""
    col = index + 1
    if index < len(cells) and cells[index].col == col:
        return cells[index]
    i = bisect_left(cells, col, key=_COL)
    if i < len(cells) and cells[i].col == col:
        return cells[i]
    first = cells[0]
    sweep = getattr(cells, "merged", None)
    return Cell(first.sheet, first.row, col, "", None, sweep is not None and sweep.covers_at(first.row, col))


def spread(cells: list[Cell]) -> list[Cell]:
    """A row as every cell from column A to its last stored one (for a header or a title row only: it
    costs the row's width)."""
    if not cells or cells[-1].col == len(cells):
        return cells
    return [pick(cells, i) for i in range(cells[-1].col)]


# --- merged ranges ------------------------------------------------------------------------------------
# One range is one int: min_row << 56 | max_row << 32 | min_col << 16 | max_col (rows below 2**24, the
# seven digits a reference may have; columns below 2**16, three letters), so sorting sorts by first row.

def _unpack(key: int) -> tuple[int, int, int, int]:
    return key >> 56, key >> 32 & 0xFFFFFF, key >> 16 & 0xFFFF, key & 0xFFFF


def _span(key: int) -> str:
    r1, r2, c1, c2 = _unpack(key)
    return f"{_letters(c1)}{r1}" + ("" if (r1, c1) == (r2, c2) else f":{_letters(c2)}{r2}")


class Merged:
    """A sheet's merged ranges, sorted by first row; empty ones (a range written backwards) dropped, as
    they hold no cell. Ranges that overlap are refused: Excel never writes them."""

    def __init__(self, keys: list[int], title: str = ""):
        self.keys = sorted(k for k in keys if (k >> 56) <= (k >> 32 & 0xFFFFFF) and (k >> 16 & 0xFFFF) <= (k & 0xFFFF))
        sweep = Sweep(self)
        for key in self.keys:
            other = sweep.add(key, check=True)
            if other is not None:
                raise _damaged(f"sheet {title!r} has merged ranges {_span(other)} and {_span(key)} that overlap")

    def __bool__(self) -> bool:
        return bool(self.keys)

    def sweep(self) -> "Sweep":
        return Sweep(self)


class Sweep:
    """The merged ranges over one row, advanced row by row (rows only go down). The active ranges'
    columns are disjoint: their starts are bits of 64-column words (and a word's bit in `summary` when
    it has any), `active` gives each start's end and range, and a heap of (last row, start) retires
    them; so making a range active, retiring it and asking for a column are each a few integer
    operations, however many ranges are active (at most one per column)."""
    __slots__ = ("merged", "next", "row", "words", "summary", "active", "heap")

    def __init__(self, merged: Merged):
        self.merged, self.next, self.row = merged, 0, 0
        self.words = [0] * 1025          # columns below 2**16
        self.summary = 0
        self.active: dict[int, tuple[int, int]] = {}     # start -> (end, the range)
        self.heap: list[tuple[int, int]] = []

    def _before(self, col: int) -> int:
        """The last active start at or before the column, or -1."""
        w = col >> 6
        bits = self.words[w] & ((2 << (col & 63)) - 1)
        if not bits:
            below = self.summary & ((1 << w) - 1)
            if not below:
                return -1
            w = below.bit_length() - 1
            bits = self.words[w]
        return w << 6 | (bits.bit_length() - 1)

    def _after(self, col: int) -> int:
        """The first active start after the column, or -1."""
        w = col >> 6
        bits = self.words[w] >> ((col & 63) + 1) << ((col & 63) + 1)
        if not bits:
            above = self.summary >> (w + 1) << (w + 1)
            if not above:
                return -1
            w = (above & -above).bit_length() - 1
            bits = self.words[w]
        return w << 6 | ((bits & -bits).bit_length() - 1)

    def _retire(self, row: int) -> None:
        heap = self.heap
        while heap and heap[0][0] < row:
            _, start = heapq.heappop(heap)
            del self.active[start]
            w = start >> 6
            self.words[w] &= ~(1 << (start & 63))
            if not self.words[w]:
                self.summary &= ~(1 << w)

    def add(self, key: int, check: bool = False) -> int | None:
        """Make a range active from its first row (ranges come by first row); with check, the active
        range it overlaps (if any) instead."""
        r1, r2, c1, c2 = _unpack(key)
        self._retire(r1)
        if check:
            before = self._before(c1)
            if before >= 0 and self.active[before][0] >= c1:
                return self.active[before][1]
            after = self._after(c1)
            if 0 <= after <= c2:
                return self.active[after][1]
        self.active[c1] = (c2, key)
        self.words[c1 >> 6] |= 1 << (c1 & 63)
        self.summary |= 1 << (c1 >> 6)
        heapq.heappush(self.heap, (r2, c1))
        return None

    def advance(self, row: int) -> None:
        """To this row (at or below the last): the ranges it lies in made active."""
        keys, n = self.merged.keys, self.next
        while n < len(keys) and keys[n] >> 56 <= row:
            if (keys[n] >> 32 & 0xFFFFFF) >= row:
                self.add(keys[n])
            n += 1
        self.next = n
        self._retire(row)
        self.row = row

    def covers(self, col: int) -> bool:
        """Whether the column lies in a merged range of the current row."""
        before = self._before(col)
        return before >= 0 and self.active[before][0] >= col

    def covers_at(self, row: int, col: int) -> bool:
        """Whether the cell lies in merged cells: at once on the current row, else by a sweep of its own
        (this one belongs to the reader, which alone moves it on)."""
        if row == self.row:
            return self.covers(col)
        other = self.merged.sweep()
        other.advance(row)
        return other.covers(col)


NO_MERGES = Merged([])


# --- XML ---------------------------------------------------------------------------------------------

_MAIN = ("http://schemas.openxmlformats.org/spreadsheetml/2006/main", "http://purl.oclc.org/ooxml/spreadsheetml/main")
_RELS_NS = ("http://schemas.openxmlformats.org/officeDocument/2006/relationships",
            "http://purl.oclc.org/ooxml/officeDocument/relationships")
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
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    while chunk := stream.read(CHUNK):
        parser.Parse(chunk, False)
        yield
    parser.Parse(b"", True)
    yield


def _elements(data: bytes, paths: dict[tuple[str, ...], bool]) -> list[tuple[tuple[str, ...], dict, str]]:
    """(path, attributes, text) of each element of a structure part whose path of local names below the
    root is one of `paths` (namespaces aside, as openpyxl reads the structure), in document order; its
    text is collected when paths[path] is true. Attributes in a namespace are keyed "namespace local"."""
    found: list[tuple[tuple[str, ...], dict, list]] = []
    stack: list[str] = []
    depth = 0
    texts: list | None = None
    text_depth = 0

    def start(name, attrs):
        nonlocal depth, texts, text_depth
        if depth:
            stack.append(name.rpartition(" ")[2])
        depth += 1
        path = tuple(stack)
        want = paths.get(path)
        if want is not None:
            entry = (path, attrs, [])
            found.append(entry)
            if want and texts is None:
                texts, text_depth = entry[2], depth

    def end(name):
        nonlocal depth, texts
        if texts is not None and depth == text_depth:
            texts = None
        depth -= 1
        if stack:
            stack.pop()

    def text(data):
        if texts is not None:
            texts.append(data)
    for _ in _feed(io.BytesIO(data), start, end, text):
        pass
    return [(path, attrs, "".join(parts)) for path, attrs, parts in found]


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


# --- which cell formats are dates (openpyxl 3.1's decision) -------------------------------------------

# The built-in formats that are dates: 14-22 (mm-dd-yy ... m/d/yy h:mm), 45-47 (mm:ss, [h]:mm:ss,
# mmss.0). tests/test_workbooks.py checks these against openpyxl's table and rule.
BUILTIN_DATES = frozenset([14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47])
_STRIP = re.compile(r'".*?"|\[(?!hh?\]|mm?\]|ss?\])[^\]]*\]')      # quoted text, [locale] or [colour]
_DATE_LETTER = re.compile(r"(?<![_\\])[dmhysDMHYS]")


def is_date_format(code: str | None) -> bool:
    """openpyxl's is_date_format: the first section, quoted text and bracketed parts (but [h], [mm], [s])
    taken out, has a d, m, h, y or s not after _ or a backslash."""
    if code is None:
        return False
    return _DATE_LETTER.search(_STRIP.sub("", code.split(";")[0])) is not None


def date_styles(data: bytes) -> set[int]:
    """The indexes of the cell formats (cellXfs) that are dates, from the styles part. As openpyxl: the
    last <numFmts> and <cellXfs> count, a later numFmt of the same id wins, numFmtId is read by int()."""
    custom: dict[int, str] = {}
    formats: list[int] = []
    for path, attrs, _ in _elements(data, {("numFmts",): False, ("numFmts", "numFmt"): False,
                                           ("cellXfs",): False, ("cellXfs", "xf"): False}):
        if path == ("numFmts",):
            custom = {}
        elif path == ("cellXfs",):
            formats = []
        elif path[1] == "numFmt":
            if "numFmtId" not in attrs or "formatCode" not in attrs:
                raise _damaged("the styles give a number format without its id or code")
            custom[int(attrs["numFmtId"])] = attrs["formatCode"]
        else:
            formats.append(int(attrs.get("numFmtId", "0")))
    return {i for i, number in enumerate(formats)
            if (is_date_format(custom[number]) if number in custom else number in BUILTIN_DATES)}


# --- the cells ---------------------------------------------------------------------------------------

_CELL_REF = re.compile(r"^([A-Z]{1,3})([0-9]{1,7})$")
_DIGITS = "0123456789"
_MERGE_BYTES = b"mergeCell"
_PLAIN_ENCODINGS = {"utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1"}
_DECLARED = re.compile(rb'^(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*["\']([^"\']*)["\']')


def _merge_key(ref: str) -> int | None:
    a, _, b = ref.partition(":")
    ma, mb = _CELL_REF.match(a), _CELL_REF.match(b or a)
    if not (ma and mb):
        return None
    return int(ma.group(2)) << 56 | int(mb.group(2)) << 32 | _column(ma.group(1)) << 16 | _column(mb.group(1))


def _first_merge(src) -> int | None:
    """The offset of the first bytes `mergeCell` in the inflated part (0 when the part is not in an
    ASCII-compatible encoding, where the bytes tell nothing), or None."""
    head = src.read(CHUNK)
    declared = _DECLARED.match(head)
    if head.removeprefix(b"\xef\xbb\xbf")[:1] != b"<" or (
            declared is not None and declared.group(1).decode("ascii", "replace").lower() not in _PLAIN_ENCODINGS):
        return 0
    size = len(_MERGE_BYTES)
    at = head.find(_MERGE_BYTES)
    pos = len(head)
    tail = head[-size:]
    while at < 0 and (chunk := src.read(CHUNK)):
        seam = tail + chunk[:size]                  # the word split between two chunks
        at = seam.find(_MERGE_BYTES)
        if at >= 0:
            return pos - len(tail) + at
        at = chunk.find(_MERGE_BYTES)
        if at >= 0:
            return pos + at
        pos += len(chunk)
        tail = (tail + chunk)[-size:]
    return at if at >= 0 else None


def merged_ranges(open_part, title: str) -> Merged:
    """A sheet's merged ranges, before its rows are read. The inflated part is searched for the bytes
    `mergeCell` (an element's name is never escaped, so without them there is none); only where they
    occur does expat read the part, its elements handed over from the first of those bytes on (a tag
    that ends before them cannot be a mergeCell), so a sheet's 100,000 rows cost their tokens alone."""
    with open_part() as src:
        first = _first_merge(src)
    if first is None:
        return NO_MERGES
    keys: list[int] = []

    def start(name, attrs):
        if name in _MERGE:
            key = _merge_key(attrs.get("ref", ""))
            if key is not None:
                if len(keys) >= MAX_MERGED:
                    raise CellError("file-too-large", f"sheet {title!r} has more than {MAX_MERGED:,} merged ranges",
                                    f"at most {MAX_MERGED:,} merged ranges a sheet")
                keys.append(key)
    parser = _parser()
    pos = 0
    with open_part() as src:
        while chunk := src.read(CHUNK):
            if parser.StartElementHandler is None and pos + len(chunk) > first:
                parser.Parse(chunk[:max(first - pos, 0)], False)
                parser.StartElementHandler = start
                chunk = chunk[max(first - pos, 0):]
            parser.Parse(chunk, False)
            pos += len(chunk)
        parser.Parse(b"", True)
    return Merged(keys, title)


def sheet_rows(stream, title: str, strings: list[str], date_styles: set, merged: Merged = NO_MERGES
               ) -> Iterator[tuple[int, list[Cell]]]:
    """(row number, the cells the row stores, left to right) for each row of a sheet's XML, streamed in
    chunks; the cells in `merged` ranges marked. A row is a plain list, or a Row when the sheet has
    merged ranges.

    Long: the handlers run once per element of a 100,000-row sheet, so they keep their state in the
    local variables of this one function (closures, not attributes: a third of the time) and make each
    cell where it ends, the common ones (a shared string, a plain number)
    without a call. A damaged row (a cell given twice or out of order, a row number that does not go
    down the sheet) is named once the chunk it ends in has been parsed (an XML error later in that
    chunk is named instead, as it would be by reading the chunk first)."""
    ready: list[tuple[int, list]] = []
    columns: dict[str, int] = {}        # column letters seen -> number ("C" -> 3), checked once
    n_strings = len(strings)
    new_row = Row if merged else list
    row_number = 0
    last_row = 0                        # the previous row's number: rows go down the sheet
    cells: list | None = None           # the open row's cells
    col = 0
    last = 0                            # the open row's last cell's column
    in_cell = False                     # the open <c>: its t and s, its <v> text, a <f>, an inline string
    t = style = value = inline = None
    formula = False
    mode = ""                           # collecting text: "v" in a <v>, "t" in an inline string's <t>
    buf: list[str] = []                 # ... into this (a list: a long text comes in many pieces)
    clear, join = buf.clear, "".join
    in_inline = False
    phonetic = 0
    damage: str | None = None           # the open row gives a cell out of order: the cell
    row_damage = False                  # the open row's number does not go down the sheet
    count = 0
    failed: CellError | None = None

    def start(name, attrs):
        nonlocal row_number, last_row, cells, col, last, in_cell, t, style, value, inline, formula, mode
        nonlocal in_inline, phonetic, damage, row_damage
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
            row_damage = row_number <= last_row
            last_row = row_number
            cells, col, last, damage = new_row(), 0, 0, None
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

    def end(name):
        nonlocal cells, in_cell, value, inline, mode, in_inline, phonetic, damage, count, failed, last
        if name in _C:
            if in_cell and cells is not None and damage is None:
                if col <= last:         # a cell given twice or out of order: the file is damaged
                    damage = f"{_letters(col)}{row_number}"
                    in_cell = False
                    return
                last = col
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
                elif row_damage:
                    failed = _damaged(f"sheet {title!r} gives row {row_number} out of order")
                elif damage is not None:
                    failed = _damaged(f"sheet {title!r} gives cell {damage} out of order")
                else:
                    ready.append((row_number, cells))
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
    sweep = merged.sweep() if merged else None
    for _ in _feed(stream, start, end, text):
        if sweep is None:
            yield from ready
        else:
            for number, row in ready:       # marked as each is handed on: the sweep is at this row
                sweep.advance(number)
                if sweep.active:
                    covers = sweep.covers
                    for c in row:
                        if covers(c.col):
                            c.merged = True
                row.merged = sweep
                yield number, row
        ready.clear()
        if failed is not None:
            raise failed


def _cell(title: str, number: int, raw: tuple, strings: list[str], date_styles: set) -> "Cell":
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


# --- the package and the workbook part ----------------------------------------------------------------

_WORKBOOK_TYPES = (     # openpyxl's order, for a package without an officeDocument relationship
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")
_BINARY_TYPE = "application/vnd.ms-excel.sheet.binary.macroEnabled.main"
_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_KINDS = {"worksheet": "worksheet", "chartsheet": "chart sheet", "dialogsheet": "dialog sheet",
          "xlMacrosheet": "macro sheet", "xlIntlMacrosheet": "macro sheet"}
_OTHER = "sheet of another kind"


class Sheet(NamedTuple):
    """A sheet as the workbook part lists it, in tab order."""
    title: str
    sheet_id: str
    state: str              # as the file says: visible (also when absent), hidden, veryHidden; any other is hidden
    kind: str               # worksheet, chart sheet, dialog sheet, macro sheet, _OTHER; "" without a relationship
    part: str | None        # the zip member its relationship leads to

    @property
    def visible(self) -> bool:
        return self.state == "visible"


class Name(NamedTuple):
    """A defined name: scope None for the workbook, else the index of its sheet (localSheetId)."""
    name: str
    scope: int | None
    text: str
    hidden: bool


class Workbook:
    """An open workbook; use `with Workbook.open(path, problems) as wb:` (None if it cannot be read)."""

    def __init__(self, path: Path, data: bytes, archive: zipfile.ZipFile):
        self.path, self.data, self.archive = path, data, archive
        self.name = str(path)
        self.members = {m.filename: m for m in archive.infolist()}
        folded: dict[str, list] = {}
        for m in archive.infolist():
            folded.setdefault(m.filename.lower(), []).append(m)
        self.folded = {k: v[0] for k, v in folded.items() if len(v) == 1}
        self.sheets: list[Sheet] = []
        self.names: list[Name] = []
        self.strings: list[str] = []
        self.date_styles: set[int] = set()
        self.merged: dict[str, Merged] = {}

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
        except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
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
        book = cls(path, data, archive)
        try:
            if len(book.members) != len(members):
                raise _damaged("names two parts alike in its zip")
            book._read_structure()
        except CellError as exc:
            problems.append(Problem(exc.code, name, exc.message, expected=exc.expected))
        except XmlRefused as exc:
            problems.append(Problem("not-a-workbook", name, f"holds {exc}", expected=expected))
        except Exception as exc:        # expat's errors, a damaged zip member, a number that is not one
            problems.append(Problem("not-a-workbook", name, f"cannot be read as a workbook "
                                    f"({type(exc).__name__})", expected=expected))
        else:
            return book
        archive.close()
        return None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.archive.close()

    # the structure -----------------------------------------------------------------------------------

    def _member(self, part: str) -> zipfile.ZipInfo | None:
        """A part by its name (as OPC allows, regardless of case when that is unambiguous)."""
        return self.members.get(part) or self.folded.get(part.lower())

    def _part(self, part: str) -> bytes | None:
        """A structure part's bytes (None if the package has no such part)."""
        info = self._member(part)
        if info is None:
            return None
        if info.file_size > MAX_PART:
            raise CellError("file-too-large", f"its part {part} would inflate to {info.file_size:,} bytes",
                            f"at most {MAX_PART:,} bytes in a workbook's structure part")
        with self.archive.open(info) as src:
            return src.read(MAX_PART + 1)

    def _relationships(self, part: str) -> list[tuple[str, str, str | None]]:
        """(Id, the type's last word, the target part or None when external or outside the package)."""
        folder, base = posixpath.split(part)
        data = self._part(posixpath.join(folder, "_rels", base + ".rels"))
        if data is None:
            return []
        out = []
        for _, attrs, _ in _elements(data, {("Relationship",): False}):
            target = attrs.get("Target", "")
            if attrs.get("TargetMode") == "External" or not target:
                resolved = None
            else:
                resolved = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
                if resolved.startswith("../") or resolved in ("..", "."):
                    resolved = None
            out.append((attrs.get("Id", ""), attrs.get("Type", "").rpartition("/")[2], resolved))
        return out

    def _read_structure(self) -> None:
        types = self._part("[Content_Types].xml")
        if types is None:
            raise _damaged("has no [Content_Types].xml (not an Excel package)")
        defaults: dict[str, str] = {}
        overrides: dict[str, str] = {}
        for path, attrs, _ in _elements(types, {("Default",): False, ("Override",): False}):
            if path == ("Default",):
                defaults.setdefault(attrs.get("Extension", "").lower(), attrs.get("ContentType", ""))
            else:
                overrides.setdefault(attrs.get("PartName", "").lstrip("/").lower(), attrs.get("ContentType", ""))

        def content_type(part: str) -> str:
            return overrides.get(part.lower()) or defaults.get(part.rpartition(".")[2].lower(), "")
        main = next((target for _, kind, target in self._relationships("") if kind == "officeDocument"
                     and target), None)
        if main is None:
            main = next((part for kind in _WORKBOOK_TYPES for part, ct in overrides.items() if ct == kind), None)
        if main is None:
            raise _damaged("has no workbook part")
        kind = content_type(main)
        if kind not in _WORKBOOK_TYPES:
            raise _damaged("is a binary workbook (.xlsb)" if kind.startswith(_BINARY_TYPE) else
                           f"has a main part of type {kind[:80] or 'none'}, not a workbook")
        workbook = self._part(main)
        if workbook is None:
            raise _damaged(f"has no part {main}, its workbook")
        rels = self._relationships(main)
        if not rels and self._member(posixpath.join(posixpath.dirname(main), "_rels",
                                                    posixpath.basename(main) + ".rels")) is None:
            raise _damaged(f"has no relationships for its workbook part {main}")
        by_id = {rid: (kind, target) for rid, kind, target in reversed(rels)}     # the first of an Id
        titles: set[str] = set()
        for path, attrs, text in _elements(workbook, {("sheets", "sheet"): False,
                                                      ("definedNames", "definedName"): True}):
            if path[1] == "sheet":
                title = attrs.get("name")
                if not title:
                    raise _damaged("lists a sheet without a name")
                if title in titles:
                    raise _damaged(f"lists two sheets named {title!r}")
                titles.add(title)
                rid = next((attrs[f"{ns} id"] for ns in _RELS_NS if f"{ns} id" in attrs), None)
                rel_kind, target = by_id.get(rid, ("", None)) if rid is not None else ("", None)
                self.sheets.append(Sheet(title, attrs.get("sheetId", ""), attrs.get("state", "visible"),
                                         _KINDS.get(rel_kind, _OTHER if rel_kind else ""), target))
            else:
                local = attrs.get("localSheetId")
                scope = None if local is None else int(local) if re.fullmatch(r"\s*[0-9]{1,6}\s*", local) else -1
                self.names.append(Name(attrs.get("name", ""), scope, text.strip(),
                                       attrs.get("hidden", "0").strip().lower() in ("1", "true")))
        strings = next((target for _, kind, target in rels if kind == "sharedStrings" and target), None)
        if strings is None:
            strings = next((part for part, ct in overrides.items() if ct == _STRINGS_TYPE), None)
        info = self._member(strings) if strings else None
        if info is not None:
            with self.archive.open(info) as src:
                self.strings = shared_strings(src)
        styles = next((target for _, kind, target in rels if kind == "styles" and target), "xl/styles.xml")
        data = self._part(styles)
        if data is not None:
            self.date_styles = date_styles(data)

    # sheets ------------------------------------------------------------------------------------------

    @functools.cached_property
    def _index(self) -> tuple[dict[str, int], dict[str, list[Name]]]:
        """Each sheet's position by title, and the names by their case-folded text."""
        names: dict[str, list[Name]] = {}
        for n in self.names:
            names.setdefault(n.name.casefold(), []).append(n)
        return {s.title: i for i, s in enumerate(self.sheets)}, names

    def _sheet(self, title: str) -> Sheet | None:
        i = self._index[0].get(title)
        return None if i is None else self.sheets[i]

    def _listed(self) -> str:
        shown = [repr(s.title) if s.visible else
                 f"{s.title!r} ({'very hidden' if s.state == 'veryHidden' else 'hidden'})"
                 for s in self.sheets if s.kind in ("worksheet", "")]
        return ", ".join(shown[:10]) + (f" and {len(shown) - 10} more" if len(shown) > 10 else "")

    def sheet(self, title: str | None, problems: list[Problem], where: str) -> str | None:
        """The title of the worksheet named, or of the first visible worksheet when none is named (hidden
        sheets are read only when named); None with a problem."""
        if title is None:
            readable = [s for s in self.sheets if s.kind in ("worksheet", "")]
            first = next((s for s in readable if s.visible), None)
            if first is not None:
                return first.title
            if not readable:
                problems.append(Problem("missing-sheet", self.name, "has no worksheets", where, "a worksheet"))
            else:
                problems.append(Problem("missing-sheet", self.name, f"has no visible worksheet: its sheets "
                                        f"are hidden ({self._listed()})", where,
                                        "a visible worksheet, or the sheet named to read a hidden one: "
                                        f"{{file: {self.path.name}, sheet: ...}}"))
            return None
        entry = self._sheet(title)
        if entry is None:
            problems.append(Problem("missing-sheet", self.name, f"has no sheet {title!r}", where,
                                    f"one of {self._listed()}"))
            return None
        if entry.kind not in ("worksheet", ""):
            problems.append(Problem("missing-sheet", self.name, f"{title!r} is a {entry.kind}, not a worksheet",
                                    where, f"one of {self._listed()}"))
            return None
        return title

    def rows(self, title: str) -> Iterator[list[Cell]]:
        """The sheet's rows, each the cells it stores, left to right (pick() gives a column's cell), a
        cell inside merged cells marked. Raises CellError for a damaged or hostile sheet."""
        for _, cells in self._numbered(title):
            yield cells

    def _numbered(self, title: str) -> Iterator[tuple[int, list[Cell]]]:
        entry = self._sheet(title)
        info = self._member(entry.part) if entry is not None and entry.part else None
        if info is None:
            raise _damaged(f"sheet {title!r} has no part in the file")
        try:
            merged = merged_ranges(lambda: self.archive.open(info), title)
            self.merged[title] = merged
            with self.archive.open(info) as src:
                yield from sheet_rows(src, title, self.strings, self.date_styles, merged)
        except XmlRefused as exc:
            raise _damaged(f"sheet {title!r} holds {exc}") from None
        except CellError:
            raise
        except Exception as exc:      # expat's errors, a damaged zip member
            raise _damaged(f"sheet {title!r} cannot be read ({type(exc).__name__})") from None

    # cells by reference ------------------------------------------------------------------------------

    def cells(self, wanted: dict[str, str], problems: list[Problem], file: str) -> dict[str, Cell]:
        """Cells named by `Sheet!C14` references or defined names (one cell each), keyed as given.
        The workbook is streamed once per sheet named."""
        by_sheet: dict[str, dict[tuple[int, int], list[str]]] = {}
        for key, ref in wanted.items():
            place = self._place(key, ref, problems, file)
            if place is not None:
                sheet, row, col = place
                by_sheet.setdefault(sheet, {}).setdefault((row, col), []).append(key)
        found: dict[str, Cell] = {}
        for sheet, coords in by_sheet.items():
            try:
                for cells in self.rows(sheet):
                    for cell in cells:
                        for key in coords.get((cell.row, cell.col), ()):
                            found[key] = cell
            except CellError as exc:
                lines = sorted(k for keys in coords.values() for k in keys)
                problems.append(Problem(exc.code, self.name, exc.message, "line " + ", ".join(lines[:5]),
                                        exc.expected))
                continue
            sweep = self.merged[sheet].sweep()
            for (row, col), keys in sorted(coords.items()):
                if keys[0] not in found:     # a cell the file does not store: empty, or inside merged cells
                    sweep.advance(row)
                    for key in keys:
                        found[key] = Cell(sheet, row, col, "", None, merged=sweep.covers(col))
        return found

    def _place(self, key: str, ref: str, problems: list[Problem], file: str) -> tuple[str, int, int] | None:
        where = f"line {key}"
        ref = ref.strip()
        if "!" not in ref:
            return self._named(key, ref, None, problems, where)
        sheet, _, coord = ref.rpartition("!")
        sheet, coord = sheet.strip(), coord.strip()
        if len(sheet) >= 2 and sheet[0] == sheet[-1] == "'":
            sheet = sheet[1:-1].replace("''", "'")
        m = _REF.match(coord)
        bad = Problem("bad-cell-ref", file, f"{ref!r} is not a cell reference", where,
                      "Sheet!C14, a defined name, or Sheet!Name for a name of that sheet")
        if not sheet or not (m or _NAME.match(coord)):
            problems.append(bad)
            return None
        if m:
            col, row = _column(m.group(1).upper()), int(m.group(2))
            if col > MAX_COL or not 1 <= row <= MAX_ROW:
                problems.append(Problem("bad-cell-ref", file, f"{ref!r} is not a cell reference (past "
                                        "column XFD or row 1,048,576)", where, "Sheet!C14 or a defined name"))
                return None
        if self.sheet(sheet, problems, where) is None:
            return None
        if m:
            return sheet, row, col
        if _CELL_LIKE.match(coord) and coord.casefold() not in self._index[1]:
            problems.append(bad)        # Sheet!ZZZZ1: a cell past XFD, not a name
            return None
        return self._named(key, coord, sheet, problems, where)

    def _named(self, key: str, name: str, sheet: str | None, problems: list[Problem],
               where: str) -> tuple[str, int, int] | None:
        """The cell a defined name gives: workbook-level (sheet None) or local to the sheet."""
        scope = None if sheet is None else self._index[0][sheet]
        same = self._index[1].get(name.casefold(), [])
        matches = [n for n in same if n.scope == scope]
        shown = name if sheet is None else f"{_quoted(sheet)}!{name}"
        if not matches:
            local = sorted({self.sheets[n.scope].title for n in same if n.scope is not None
                            and 0 <= n.scope < len(self.sheets)})
            hint = ""
            if sheet is None and local:
                hint = f" (a name of sheet {local[0]!r} only: write {_quoted(local[0])}!{name})"
            elif sheet is not None and any(n.scope is None for n in same):
                hint = f" (a workbook-level name: write {name} alone)"
            problems.append(Problem("missing-name", self.name, f"has no defined name {shown!r}{hint}", where,
                                    "a defined name (Formulas > Name Manager) or Sheet!C14"))
            return None
        if len(matches) > 1:
            problems.append(Problem("name-not-one-cell", self.name, f"defines the name {shown!r} "
                                    f"{len(matches)} times", where, "a name defined once, of one cell"))
            return None
        text = matches[0].text
        m = _ONE_CELL.fullmatch(text)
        title = (m.group(1).replace("''", "'") if m.group(1) is not None else m.group(2)) if m else ""
        col, row = (_column(m.group(3).upper()), int(m.group(4))) if m else (0, 0)
        if not m or any(ch in title for ch in "[]:") or col > MAX_COL or not 1 <= row <= MAX_ROW:
            problems.append(Problem("name-not-one-cell", self.name, f"the name {shown!r} refers to "
                                    f"{text[:80]!r}, not one cell", where, "a name of one cell"))
            return None
        if self.sheet(title, problems, where) is None:
            return None
        return title, row, col


def records(path: Path, problems: list[Problem], sheet: str | None, field: str) -> Iterator[tuple[str, object]]:
    """(where, cells) for each row of the sheet (the first visible worksheet if none is named), the header
    first, each row the cells it stores (see pick()); then ("", the file's bytes)."""
    book = Workbook.open(path, problems)
    if book is None:
        return
    with book:
        title = book.sheet(sheet, problems, f"{field}.sheet" if sheet else field)
        if title is None:
            return
        quoted = _quoted(title)
        try:
            for number, row in book._numbered(title):
                yield f"{quoted} row {number}", row
        except CellError as exc:
            problems.append(Problem(exc.code, book.name, exc.message, field, exc.expected))
            return
    yield "", book.data
