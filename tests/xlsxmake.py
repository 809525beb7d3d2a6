"""Writing test workbooks (and the example workbooks under inputs/) as Excel saves them.

openpyxl writes formulas without cached values and numbers through Python's repr, so a workbook as
Excel leaves it (a formula with its saved value, a number stored as "1234.4999999999999999") is made by
writing placeholders with openpyxl and then patching the sheet XML. The zip is written with fixed dates,
so the same call gives the same bytes.

    python tests/xlsxmake.py      regenerates the example workbooks under inputs/
"""

from __future__ import annotations

import io
import re
import sys
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Iterator
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]


class Num:
    """A number cell stored exactly as this text: Num("1234.4999999999999999")."""

    def __init__(self, text: str):
        self.text = text


class Formula:
    """A formula cell; cached=None leaves it without a saved value (never recalculated)."""

    def __init__(self, formula: str, cached: str | None):
        self.formula, self.cached = formula.lstrip("="), cached


class Error:
    def __init__(self, code: str):
        self.code = code


class Formatted:
    """A number cell with a number format (a built-in one by its code, or a custom code)."""

    def __init__(self, value, number_format: str):
        self.value, self.number_format = value, number_format


def write_book(path: Path, sheets: dict[str, dict[str, object]], names: dict[str, str] | None = None,
               merged: dict[str, list[str]] | None = None, shared: bool = True,
               states: dict[str, str] | None = None, local_names: dict[str, dict[str, str]] | None = None) -> Path:
    """sheets: {title: {"C14": value}}; a value is str, int, Num, Formula, Error, Formatted, date or None.
    names: workbook-level defined names {name: "Sheet!$C$14"}; merged: {title: ["A1:C1"]}; shared: text in
    a shared-string table as Excel writes it (else inline, as openpyxl does); states: {title: "hidden" or
    "veryHidden"}; local_names: names of one sheet {title: {name: "Sheet!$C$14"}}."""
    import openpyxl
    from openpyxl.workbook.defined_name import DefinedName

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    patches: dict[str, dict[str, str]] = {}
    for index, (title, cells) in enumerate(sheets.items(), 1):
        ws = wb.create_sheet(title)
        ws.sheet_state = (states or {}).get(title, "visible")
        for name, target in (local_names or {}).get(title, {}).items():
            ws.defined_names[name] = DefinedName(name, attr_text=target)
        sheet_patch = patches.setdefault(f"xl/worksheets/sheet{index}.xml", {})
        for ref, value in cells.items():
            if isinstance(value, Formatted):
                ws[ref] = value.value
                ws[ref].number_format = value.number_format
            elif isinstance(value, Num):
                ws[ref] = f"=N{len(sheet_patch)}"
                sheet_patch[ref] = f'<c r="{ref}" t="n"><v>{value.text}</v></c>'
            elif isinstance(value, Formula):
                ws[ref] = f"=F{len(sheet_patch)}"
                cached = "<v />" if value.cached is None else f"<v>{value.cached}</v>"
                sheet_patch[ref] = f'<c r="{ref}"><f>{value.formula}</f>{cached}</c>'
            elif isinstance(value, Error):
                ws[ref] = f"=E{len(sheet_patch)}"
                sheet_patch[ref] = f'<c r="{ref}" t="e"><v>{value.code}</v></c>'
            elif isinstance(value, date):
                ws[ref] = value
                ws[ref].number_format = "yyyy-mm-dd"
            else:
                ws[ref] = value
        for span in (merged or {}).get(title, []):
            ws.merge_cells(span)
    for name, target in (names or {}).items():
        wb.defined_names[name] = DefinedName(name, attr_text=target)
    wb.properties.creator = "focusgen tests"
    wb.properties.created = wb.properties.modified = datetime(2020, 12, 1)
    buffer = io.BytesIO()
    wb.save(buffer)
    out = io.BytesIO()
    strings: dict[str, int] = {}
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in sorted(src.infolist(), key=lambda i: i.filename):
            data = src.read(item.filename).decode()
            patch = patches.get(item.filename)
            if patch:       # one pass over the sheet: each placeholder cell replaced by its XML
                done = []
                data = re.sub(r'<c r="([A-Z]+[0-9]+)"[^>]*>(?:(?!</c>).)*</c>',
                              lambda m: done.append(1) or patch[m.group(1)] if m.group(1) in patch else m.group(0),
                              data)
                assert len(done) == len(patch), item.filename
            if shared and item.filename.startswith("xl/worksheets/sheet"):
                # Excel keeps text in a shared-string table (<c t="s"><v>index</v>); openpyxl writes it inline
                def to_shared(m):
                    text = m.group(2)
                    if text not in strings:
                        strings[text] = len(strings)
                    return f'<c r="{m.group(1)}" t="s"><v>{strings[text]}</v></c>'
                data = re.sub(r'<c r="([A-Z]+[0-9]+)" t="inlineStr"><is><t>([^<]*)</t></is></c>', to_shared, data)
            if shared and item.filename == "[Content_Types].xml":
                data = data.replace("</Types>", '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
            if shared and item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace("</Relationships>", '<Relationship Id="rIdSST" Type="http://schemas.openxml'
                                    'formats.org/officeDocument/2006/relationships/sharedStrings" '
                                    'Target="sharedStrings.xml"/></Relationships>')
            if item.filename == "docProps/core.xml":
                data = re.sub(r"(<dcterms:(created|modified)[^>]*>)[^<]*", r"\g<1>2020-12-01T00:00:00Z", data)
            info = zipfile.ZipInfo(item.filename, date_time=(2020, 12, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, data.encode())
        if shared:
            items = "".join(f"<si><t>{t}</t></si>" for t in strings)
            info = zipfile.ZipInfo("xl/sharedStrings.xml", date_time=(2020, 12, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info,
                         f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                         f'count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>'.encode())
    path.write_bytes(out.getvalue())
    return path


# --- workbooks written part by part -------------------------------------------------------------------
# For what openpyxl cannot write (a sheet of 100,000 sparse rows in a second, a chart sheet, a package
# laid out otherwise) and for damaging one part at a time.

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPES = {"workbook": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
         "worksheet": "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml",
         "chartsheet": "application/vnd.openxmlformats-officedocument.spreadsheetml.chartsheet+xml",
         "sharedStrings": "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml",
         "styles": "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"}


def sheet_xml(rows, merged=()) -> "Iterator[bytes]":
    """A worksheet's XML in pieces: rows is an iterable of (row number, [(ref, cell XML body or None,
    t)]); a body None is an empty cell, t its type ("" for a number, "s" a shared string index,
    "inlineStr" a body of <is>...)."""
    yield f'<worksheet xmlns="{MAIN_NS}"><sheetData>'.encode()
    for number, cells in rows:
        parts = [f'<row r="{number}">']
        for ref, body, t in cells:
            kind = f' t="{t}"' if t else ""
            parts.append(f'<c r="{ref}"{kind}/>' if body is None else f'<c r="{ref}"{kind}>{body}</c>')
        parts.append("</row>")
        yield "".join(parts).encode()
    yield b"</sheetData>"
    merged = iter(merged)
    first = next(merged, None)
    if first is not None:
        yield b"<mergeCells>"
        yield f'<mergeCell ref="{first}"/>'.encode()
        for ref in merged:
            yield f'<mergeCell ref="{ref}"/>'.encode()
        yield b"</mergeCells>"
    yield b"</worksheet>"


def raw_book(path: Path, sheets: list[dict], names: list[tuple] = (), strings: list[str] = (),
             styles: bytes | None = None, parts: dict[str, bytes] | None = None) -> Path:
    """A workbook written part by part. sheets: [{"title", "state" (omitted: no attribute), "kind"
    (worksheet or chartsheet), "xml" (bytes or an iterable of bytes, streamed into the zip)}]; names:
    [(name, text, localSheetId or None, hidden)]; parts: a part's bytes put in place of (or beside) the
    ones written here, by zip name (None leaves the part out)."""
    rels = [f'<Relationship Id="rId{i}" Type="{REL_NS}/{s.get("kind", "worksheet")}" '
            f'Target="{"worksheets" if s.get("kind", "worksheet") == "worksheet" else "chartsheets"}/sheet{i}.xml"/>'
            for i, s in enumerate(sheets, 1)]
    rels.append(f'<Relationship Id="rIdS" Type="{REL_NS}/sharedStrings" Target="sharedStrings.xml"/>')
    rels.append(f'<Relationship Id="rIdT" Type="{REL_NS}/styles" Target="styles.xml"/>')
    listed = "".join(f'<sheet name="{escape(s["title"], {chr(34): "&quot;"})}" sheetId="{i}"'
                     + (f' state="{s["state"]}"' if "state" in s else "") + f' r:id="rId{i}"/>'
                     for i, s in enumerate(sheets, 1))
    defined = "".join(f'<definedName name="{n}"' + (f' localSheetId="{scope}"' if scope is not None else "")
                      + (' hidden="1"' if hidden else "") + f">{escape(text)}</definedName>"
                      for n, text, scope, hidden in names)
    overrides = [("/xl/workbook.xml", TYPES["workbook"]), ("/xl/sharedStrings.xml", TYPES["sharedStrings"]),
                 ("/xl/styles.xml", TYPES["styles"])]
    overrides += [(f'/xl/{"worksheets" if s.get("kind", "worksheet") == "worksheet" else "chartsheets"}/sheet{i}.xml',
                   TYPES[s.get("kind", "worksheet")]) for i, s in enumerate(sheets, 1)]
    out: dict[str, object] = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            + "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides) + "</Types>").encode(),
        "_rels/.rels": (f'<Relationships xmlns="{PKG_NS}"><Relationship Id="rId1" Type="{REL_NS}/officeDocument" '
                        'Target="xl/workbook.xml"/></Relationships>').encode(),
        "xl/workbook.xml": (f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets>{listed}</sheets>'
                            + (f"<definedNames>{defined}</definedNames>" if defined else "") + "</workbook>").encode(),
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{PKG_NS}">{"".join(rels)}</Relationships>'.encode(),
        "xl/sharedStrings.xml": (f'<sst xmlns="{MAIN_NS}">' + "".join(f"<si><t>{escape(t)}</t></si>" for t in strings)
                                 + "</sst>").encode(),
        "xl/styles.xml": styles or (f'<styleSheet xmlns="{MAIN_NS}"><cellXfs count="1"><xf numFmtId="0"/></cellXfs>'
                                    "</styleSheet>").encode(),
    }
    for i, s in enumerate(sheets, 1):
        folder = "worksheets" if s.get("kind", "worksheet") == "worksheet" else "chartsheets"
        out[f"xl/{folder}/sheet{i}.xml"] = s.get("xml", b"")
    out.update(parts or {})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in out.items():
            if data is None:
                continue
            info = zipfile.ZipInfo(name, date_time=(2020, 12, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with z.open(info, "w", force_zip64=True) as dst:
                for piece in ([data] if isinstance(data, bytes) else data):
                    dst.write(piece)
    return path


def _hsbc_lines() -> dict[str, object]:
    import yaml
    doc = yaml.safe_load((ROOT / "inputs" / "2020-11.yaml").read_text())
    return {str(k): v for k, v in doc["lines"].items()}


def examples() -> list[Path]:
    """inputs/2020-11-workbook/balances.xlsx: the HSBC filing's input lines as a workpaper; and the
    multi-currency trial balance inputs/2020-11-fx/tb.xlsx."""
    out = []
    lines = _hsbc_lines()
    folder = ROOT / "inputs" / "2020-11-workbook"
    folder.mkdir(exist_ok=True)
    # A workpaper: a title, a merged heading, line / description / amount rows. 7010 is the sum of
    # two sub-ledgers (a formula with its saved value), two lines are read through defined names.
    rows: dict[str, object] = {"A1": "HSBC Securities (USA) Inc. - CFTC pages workpaper, 30 November 2020",
                               "A3": "Line", "B3": "Amount", "C3": "Label"}
    subledgers: dict[str, object] = {"A1": "Sub-ledger", "B1": "Balance"}
    r = 4
    for code, value in lines.items():
        rows[f"A{r}"] = int(code)
        rows[f"C{r}"] = f"FOCUS II line {code}"
        if code == "7010":      # the sum of two sub-ledgers: a formula with the value Excel saved
            rows[f"B{r}"] = Formula("SubLedgers!B2+SubLedgers!B3", str(value))
            subledgers.update({"A2": "Customer cash, futures", "B2": Num(str(value - 400_000_000)),
                               "A3": "Customer cash, options", "B3": 400_000_000})
        elif value is not None:
            rows[f"B{r}"] = Num(str(value))
        r += 1
    out.append(fx_example())
    out.append(write_book(folder / "balances.xlsx", {"Balances": rows, "SubLedgers": subledgers}, merged={"Balances": ["A1:C1"]}))
    return out


# Illustrative rates, dollars per unit (close to the 30 November 2020 fixings; not a quoted source).
FX_RATES = {"EUR": "1.1933", "GBP": "1.3327", "JPY": "0.009591", "CAD": "0.76998"}


def fx_example() -> Path:
    """inputs/2020-11-fx/trial-balance.xlsx: the HSBC general-ledger example with the second account of
    each secured-amount (30.7) line held in a foreign currency. Illustrative: the foreign balances are
    the dollar balances at FX_RATES, rounded to the currency's minor unit, so the filing is close to,
    not equal to, the HSBC filing."""
    import csv
    from decimal import ROUND_HALF_UP, Decimal

    folder = ROOT / "inputs" / "2020-11-fx"
    folder.mkdir(exist_ok=True)
    cells: dict[str, object] = {"A1": "account", "B1": "amount", "C1": "description", "D1": "currency"}
    cycle = list(FX_RATES)
    n = 0
    with open(ROOT / "inputs" / "2020-11-gl" / "trial-balance.csv", newline="") as fh:
        for r, row in enumerate(csv.DictReader(fh), 2):
            text = row["amount"].replace(",", "")
            value = -Decimal(text.strip("()")) if text.startswith("(") else Decimal(text)
            currency = ""
            if row["account"][:3] in ("303", "405", "406", "407") and row["account"].endswith("1") and value:
                currency = cycle[n % len(cycle)]
                n += 1
                unit = Decimal(1) if currency == "JPY" else Decimal("0.01")
                value = (value / Decimal(FX_RATES[currency])).quantize(unit, rounding=ROUND_HALF_UP)
            cells.update({f"A{r}": row["account"], f"B{r}": Num(str(value)), f"C{r}": row["description"],
                          f"D{r}": currency or "USD"})
    return write_book(folder / "trial-balance.xlsx", {"TB": cells})


if __name__ == "__main__":
    for path in examples():
        print(path.relative_to(ROOT))
    sys.exit(0)
