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


def write_book(path: Path, sheets: dict[str, dict[str, object]], names: dict[str, str] | None = None,
               merged: dict[str, list[str]] | None = None, shared: bool = True) -> Path:
    """sheets: {title: {"C14": value}}; a value is str, int, Num, Formula, Error, date or None.
    names: workbook-level defined names {name: "Sheet!$C$14"}; merged: {title: ["A1:C1"]}; shared: text in
    a shared-string table as Excel writes it (else inline, as openpyxl does)."""
    import openpyxl
    from openpyxl.workbook.defined_name import DefinedName

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    patches: dict[str, dict[str, str]] = {}
    for index, (title, cells) in enumerate(sheets.items(), 1):
        ws = wb.create_sheet(title)
        sheet_patch = patches.setdefault(f"xl/worksheets/sheet{index}.xml", {})
        for ref, value in cells.items():
            if isinstance(value, Num):
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
