"""The starter files `focusgen init` copies (src/focusgen/starters/<report>/), made from the form
definition so they list exactly its input lines: a filing input, the ledger balances as a CSV and as a
workbook (every input line of the form with its label, amounts left blank), a trial balance and a
mapping skeleton. test_init.py checks the shipped files are what this makes.

    python tests/startermake.py      regenerates them
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "focusgen" / "starters"
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))

FIRM = "YOUR FIRM NAME LLC"

FILING = {
    "focus-ii": """\
# A starter FOCUS II filing input (CFTC pages), made by `focusgen init`. Build it as it is:
#     focusgen build filing.yaml
# then make it yours: the firm and the dates below, and your ledger balances in balances.csv (every input
# line of the form is listed there, blank). Every key is described in focusgen's README ("The YAML input").
report: focus-ii
as_of: 2020-11-30              # the statement date, written YYYY-MM-DD
period_begin: 2020-11-01       # optional
firm:
  name: {firm}
  sec_file_no: 8-00000         # optional, as are the rest of firm
  firm_id: "00000"
  address: {{street: 1 MAIN STREET, city: NEW YORK, state: NY, zip: "10001"}}
  contact: {{name: YOUR NAME, phone: (212) 555-0100, email: you@example.com}}
lines:
  # management targets of the three statements: dollars (122000000), a percentage of the requirement
  # line ("5%"), a dollar range {{range: [low, high]}} or a percentage range {{percent_range: ["5%", "8%"]}}
  7194: "5%"
  7780: "5%"
  8760: "5%"
ledger: balances.csv           # the input lines (line,amount,label); or balances.xlsx, the same as a workbook
# From the general ledger instead of balances.csv: delete ledger: above, and map accounts to lines
#   (fill trial-balance.csv from the general ledger and mapping.yaml with your accounts):
# trial_balance: trial-balance.csv
# mapping: mapping.yaml
# adjusted_net_capital: 600000000   # optional: the capital alerts (below minimum, early warning)
""",
    "daily-seg": """\
# A starter Daily Seg filing input, made by `focusgen init --report daily-seg`. Build it as it is:
#     focusgen build filing.yaml
# then make it yours: the firm and the dates below, and your ledger balances in balances.csv (every input
# line of the form is listed there, blank). Every key is described in focusgen's README ("The YAML input").
# One filing a day from one CSV a day: `focusgen build exports/*.csv --meta daily.yaml` (README, "Daily
# Seg: one CSV a day").
report: daily-seg
as_of: 2020-11-30              # the statement date, written YYYY-MM-DD
submit_date: 2020-12-01        # optional: printed in the banner
firm:
  name: {firm}
  contact: {{name: YOUR NAME, phone: (212) 555-0100, email: you@example.com}}
lines:
  # management targets of the three statements (required on a Daily Seg where the statement has
  # activity): dollars, a percentage of the requirement line ("5%"), {{range: [low, high]}} or
  # {{percent_range: ["5%", "8%"]}}
  7194: "5%"
  7780: "5%"
  8760: "5%"
ledger: balances.csv           # the input lines (line,amount,label); or balances.xlsx, the same as a workbook
# From the general ledger instead of balances.csv: delete ledger: above, and map accounts to lines
#   (fill trial-balance.csv from the general ledger and mapping.yaml with your accounts):
# trial_balance: trial-balance.csv
# mapping: mapping.yaml
""",
}

MAPPING = """\
# Which general-ledger accounts make which line of the form (focusgen README, "General-ledger mapping").
# Each account of trial-balance.csv with a balance must be mapped exactly once; a line is the exact sum
# of its accounts, rounded to whole dollars once. Entries:
#   {account: "100100", line: 7010}                one account
#   {range: ["100700", "100709"], line: 7070}      a range of accounts, inclusive
#   {pattern: "10010?", line: 7010}                a glob (? one character, * any)
#   {account: "210000", line: 7033, flip: true}    flip: the ledger's sign is reversed (credit balances)
#   {range: ["900000", "999999"], line: none}      house accounts, deliberately off the form
accounts:
  - {account: "100100", line: {cash}, flip: true}     # customer cash (a credit balance in the ledger)
  - {account: "100200", line: {bank}}                 # cash at banks
  - {range: ["900000", "999999"], line: none}         # everything else, off the form
"""

TRIAL_BALANCE = """\
account,amount,description
100100,0.00,Customer cash (credit balance)
100200,0.00,Cash at banks
900000,0.00,House accounts
"""


def _lines(kind: str) -> list[tuple[str, str]]:
    """The form's input lines in the order it prints them, with their labels (targets are in the YAML)."""
    from focusgen.form import formdef
    rep = formdef.report(kind)
    seen: dict[str, str] = {}
    for st in rep.statements:
        for row in st.rows:
            for ln in row.lines:
                line = rep.lines[ln.code]
                if line.kind == "input" and not line.target_of and ln.code not in seen:
                    seen[ln.code] = line.label
    return list(seen.items())


def files(kind: str) -> dict[str, bytes]:
    from xlsxmake import write_book
    lines = _lines(kind)
    text = io.StringIO()
    w = csv.writer(text, lineterminator="\n")
    w.writerow(["line", "amount", "label"])
    for code, label in lines:
        w.writerow([code, "", label])
    cells: dict[str, object] = {"A1": "Line", "B1": "Amount", "C1": "Label"}
    for i, (code, label) in enumerate(lines, 2):
        cells[f"A{i}"], cells[f"C{i}"] = code, label
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        book = write_book(Path(tmp) / "balances.xlsx", {"Balances": cells}).read_bytes()
    cash, bank = "7010", "7070"      # segregation: customer cash, and cash at banks
    return {"filing.yaml": FILING[kind].format(firm=FIRM).encode(),
            "balances.csv": text.getvalue().encode(),
            "balances.xlsx": book,
            "mapping.yaml": MAPPING.replace("{cash}", cash).replace("{bank}", bank).encode(),
            "trial-balance.csv": TRIAL_BALANCE.encode()}


def main() -> None:
    for kind in FILING:
        folder = OUT / kind
        folder.mkdir(parents=True, exist_ok=True)
        for name, data in files(kind).items():
            (folder / name).write_bytes(data)
            print(folder / name)


if __name__ == "__main__":
    main()
