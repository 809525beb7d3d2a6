"""Excel workbooks and several currencies (issue 13).

Every expected figure here is worked by hand (or with Fraction arithmetic in the test), never by the
code under test. Workbooks are written with tests/xlsxmake.py, which stores numbers and formula values
as Excel does."""

import json
import random
import re
import shutil
import subprocess
import sys
import zipfile
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from xml.sax.saxutils import quoteattr

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import INPUTS
import xlsx_reference
import xlsxmake
from focusgen.inputs import xlsx
from xlsxmake import Error, Formatted, Formula, Num, write_book

FOCUS_HEAD = """report: focus-ii
as_of: 2020-11-30
firm: {name: TEST FCM}
"""


def build_json(run, tmp_path, source, *extra):
    out = tmp_path / "out"
    status, _, err = run("build", source, *extra, "--out", out, "--format", "json")
    assert status == 0, err
    return json.loads(next(p for p in out.glob("*.json") if p.name != "manifest.json").read_text())


# --- the examples ----------------------------------------------------------------------------------

def test_the_workbook_example_builds_the_reference_filing_exactly(run, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for source, out in ((INPUTS / "2020-11-workbook.yaml", a), (INPUTS / "2020-11.yaml", b)):
        status, _, err = run("build", source, "--out", out, "--format", "txt,json")
        assert status == 0, err
    assert json.loads((a / "2020-11-workbook.json").read_text())["lines"] == \
        json.loads((b / "2020-11.json").read_text())["lines"]
    assert next(a.glob("*.txt")).read_text() == next(b.glob("*.txt")).read_text()


def test_the_example_workbooks_are_what_the_generator_writes(tmp_path, monkeypatch):
    """The committed workbooks are reproducible (fixed zip dates): regenerating gives the same bytes."""
    import xlsxmake
    for name in ("2020-11-workbook/balances.xlsx", "2020-11-fx/trial-balance.xlsx"):
        before = (INPUTS / name).read_bytes()
        copy = tmp_path / "inputs"
        shutil.copytree(INPUTS, copy, dirs_exist_ok=True)
        monkeypatch.setattr(xlsxmake, "ROOT", tmp_path)
        xlsxmake.examples()
        assert (copy / name).read_bytes() == before, name


def test_the_currency_example_builds_and_ties_out(run, tmp_path):
    doc = build_json(run, tmp_path, INPUTS / "2020-11-fx.yaml")
    cur = doc["currencies"]
    assert cur["fx"] == {"as_of": "2020-11-30", "source": "illustrative rates for this example",
                         "rates": {"CAD": "0.76998", "EUR": "1.1933", "GBP": "1.3327", "JPY": "0.009591"}}
    # 7315 is two accounts: 303150 (USD) 46,268,945.67 and 303151 EUR 38,773,942.29 at 1.1933
    # = 46,268,945.334657 USD; both flipped (credits). Total 92,537,891.004657 -> 92,537,891.
    assert cur["lines"]["7315"] == [
        {"currency": "USD", "amount": "46268945.67", "rate": "1", "dollars": "46268945.67", "accounts": 1},
        {"currency": "EUR", "amount": "38773942.29", "rate": "1.1933", "dollars": "46268945.334657", "accounts": 1}]
    assert doc["lines"]["7315"] == 92537891
    # every line's dollars are the rounded exact sum of its parts' dollars
    for code, parts in cur["lines"].items():
        total = sum(Decimal(p["dollars"]) for p in parts)
        assert doc["lines"][code] == int(total.quantize(Decimal(1), rounding=ROUND_HALF_UP)), code


# --- reading cells exactly ----------------------------------------------------------------------------

def balances_book(path, rows, sheet="Balances", **kw):
    cells = {"A1": "line", "B1": "amount", "C1": "label"}
    for i, (code, value) in enumerate(rows, 2):
        cells[f"A{i}"] = code
        cells[f"B{i}"] = value
    return write_book(path, {sheet: cells}, **kw)


def meta(tmp_path, text=FOCUS_HEAD):
    path = tmp_path / "meta.yaml"
    path.write_text(text)
    return path


def test_a_workbook_built_directly_with_meta_equals_the_csv(run, tmp_path):
    import csv
    rows = list(csv.DictReader((INPUTS / "daily-seg-2017-12-26.csv").open()))
    book = balances_book(tmp_path / "seg.xlsx", [(r["line"], r["amount"]) for r in rows])
    head = "".join(line for line in (INPUTS / "daily-seg-2017-12-26.yaml").read_text().splitlines(True)
                   if not line.startswith("ledger:"))
    a = build_json(run, tmp_path / "a", book, "--meta", meta(tmp_path, head))
    b = build_json(run, tmp_path / "b", INPUTS / "daily-seg-2017-12-26.yaml")
    assert a["lines"] == b["lines"]


@pytest.mark.parametrize("stored, dollars", [
    # a float would read 1234.4999999999999999 as 1234.5 and round it up to 1235
    (Num("1234.4999999999999999"), 1234),
    (Num("0.49999999999999999"), 0),
    (Num("1443907046.5"), 1443907047),
    (Num("-52837332.5"), -52837333),           # half up is away from zero
    (Num("1.5E+3"), 1500),
    ("(52,837,332.40)", -52837332),           # numeric text in accounting format
    ("1,443,907,046", 1443907046),
    (Formula("SUM(D2:D3)", "2675.5000000000000001"), 2676),
    (17, 17),
])
def test_numbers_are_read_from_the_text_the_file_stores(run, tmp_path, stored, dollars):
    book = balances_book(tmp_path / "b.xlsx", [("7010", stored)])
    doc = build_json(run, tmp_path, book, "--meta", meta(tmp_path))
    assert doc["lines"]["7010"] == dollars


def test_an_empty_cell_is_a_blank_line(run, tmp_path):
    book = balances_book(tmp_path / "b.xlsx", [("7010", None), ("7020", Num("5"))])
    doc = build_json(run, tmp_path, book, "--meta", meta(tmp_path))
    assert doc["lines"]["7010"] is None and doc["lines"]["7020"] == 5


def test_a_trial_balance_sum_that_float_would_round_the_other_way(run, tmp_path):
    # 0.7 + (-0.2) is 0.49999999999999994 in binary floating point, 0.5 exactly: half up gives 1.
    write_book(tmp_path / "tb.xlsx", {"TB": {"A1": "account", "B1": "amount", "A2": "1001", "B2": Num("0.7"),
                                             "A3": "1002", "B3": Num("-0.2")}})
    (tmp_path / "map.yaml").write_text('accounts:\n  - {range: ["1000", "1999"], line: 7010}\n')
    (tmp_path / "in.yaml").write_text(FOCUS_HEAD + "trial_balance: tb.xlsx\nmapping: map.yaml\n")
    assert build_json(run, tmp_path, tmp_path / "in.yaml")["lines"]["7010"] == 1


def test_cells_and_defined_names(run, tmp_path):
    write_book(tmp_path / "book.xlsx",
               {"Work Paper": {"C14": Num("1443907046.25"), "C15": Num("200"), "D1": Num("7")},
                "Other": {"A1": Num("3")}},
               names={"CashAtBanks": "'Work Paper'!$C$15", "Other3": "Other!$A$1"})
    (tmp_path / "in.yaml").write_text(FOCUS_HEAD + "ledger:\n  file: book.xlsx\n  cells: {7010: \"'Work Paper'!C14\", "
                                      "7020: CashAtBanks, 7030: Other3, 7032: \"'Work Paper'!$D$1\"}\n")
    lines = build_json(run, tmp_path, tmp_path / "in.yaml")["lines"]
    assert (lines["7010"], lines["7020"], lines["7030"], lines["7032"]) == (1443907046, 200, 3, 7)


# --- every named error, with its sheet and cell ---------------------------------------------------------

def errors_of(run, tmp_path, source, *extra):
    status, _, err = run("build", source, *extra, "--out", tmp_path / "out")
    assert status == 2, err
    assert "Traceback" not in err and not (tmp_path / "out").exists()
    return err


@pytest.mark.parametrize("value, code, where", [
    (Error("#REF!"), "cell-error", "Balances!B2"),
    (Error("#DIV/0!"), "cell-error", "Balances!B2"),
    (Formula("SUM(D1:D9)", None), "uncached-formula", "Balances!B2"),
    (date(2020, 11, 30), "cell-not-amount", "Balances!B2"),
    ("twelve", "bad-amount", "Balances!B2"),
    (True, "cell-not-amount", "Balances!B2"),
])
def test_a_cell_that_is_no_amount_is_named_with_its_cell(run, tmp_path, value, code, where):
    book = balances_book(tmp_path / "b.xlsx", [("7010", value), ("7020", Num("1"))])
    err = errors_of(run, tmp_path, book, "--meta", meta(tmp_path))
    assert f"error[{code}]" in err and where in err, err


def test_an_amount_in_merged_cells_is_named(run, tmp_path):
    book = balances_book(tmp_path / "b.xlsx", [("7010", Num("5")), ("7020", Num("6"))],
                         merged={"Balances": ["B2:C2"]})
    err = errors_of(run, tmp_path, book, "--meta", meta(tmp_path))
    assert "error[merged-cell]" in err and "Balances!B2" in err, err


def test_every_cell_problem_is_listed_at_once(run, tmp_path):
    book = balances_book(tmp_path / "b.xlsx", [("7010", Error("#N/A")), ("7020", Formula("A1", None)),
                                              ("7030", date(2020, 1, 1))])
    err = errors_of(run, tmp_path, book, "--meta", meta(tmp_path))
    assert all(w in err for w in ("Balances!B2", "Balances!B3", "Balances!B4")) and "3 problem(s)" in err, err


@pytest.mark.parametrize("cells, code, shown", [
    ({"7010": "Nowhere!C14"}, "missing-sheet", "Nowhere"),
    ({"7010": "NoSuchName"}, "missing-name", "NoSuchName"),
    ({"7010": "TwoCells"}, "name-not-one-cell", "TwoCells"),
    ({"7010": "Balances!C14:C15"}, "bad-cell-ref", "C14:C15"),
    ({"7010": "Balances!ZZZZ1"}, "bad-cell-ref", "ZZZZ1"),
    ({"7010": "Balances!ZZZ1"}, "bad-cell-ref", "ZZZ1"),          # past column XFD
    ({"7010": "Balances!C1048577"}, "bad-cell-ref", "C1048577"),  # past the last row
    ({"7010": "Balances!C14"}, None, None),
])
def test_references_that_lead_nowhere_are_named(run, tmp_path, cells, code, shown):
    write_book(tmp_path / "book.xlsx", {"Balances": {"C14": Num("10"), "C15": Num("11")}},
               names={"TwoCells": "Balances!$C$14:$C$15"})
    refs = ", ".join(f"{k}: \"{v}\"" for k, v in cells.items())
    (tmp_path / "in.yaml").write_text(FOCUS_HEAD + f"ledger: {{file: book.xlsx, cells: {{{refs}}}}}\n")
    if code is None:
        assert build_json(run, tmp_path, tmp_path / "in.yaml")["lines"]["7010"] == 10
        return
    err = errors_of(run, tmp_path, tmp_path / "in.yaml")
    assert f"error[{code}]" in err and shown in err, err


def test_a_missing_sheet_of_a_table_is_named(run, tmp_path):
    balances_book(tmp_path / "b.xlsx", [("7010", Num("1"))])
    (tmp_path / "in.yaml").write_text(FOCUS_HEAD + "ledger: {file: b.xlsx, sheet: Seg}\n")
    err = errors_of(run, tmp_path, tmp_path / "in.yaml")
    assert "error[missing-sheet]" in err and "'Seg'" in err and "'Balances'" in err, err


@pytest.mark.parametrize("name, data, code", [
    ("old.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "not-a-workbook"),
    ("random.xlsx", random.Random(3).randbytes(5000), "not-a-workbook"),
    ("empty.xlsx", b"", "not-a-workbook"),
])
def test_a_file_that_is_no_workbook_is_named(run, tmp_path, name, data, code):
    (tmp_path / name).write_bytes(data)
    err = errors_of(run, tmp_path, tmp_path / name, "--meta", meta(tmp_path))
    assert f"error[{code}]" in err, err


def test_a_zip_bomb_is_refused_before_it_is_inflated(run, tmp_path):
    import zipfile
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/sharedStrings.xml", b"<a>" + b" " * (600 * 2**20) + b"</a>")
    assert path.stat().st_size < 2 * 2**20
    err = errors_of(run, tmp_path, path, "--meta", meta(tmp_path))
    assert "error[file-too-large]" in err, err


def test_a_workbook_without_the_columns_is_named(run, tmp_path):
    write_book(tmp_path / "b.xlsx", {"S": {"A1": "code", "B1": "value", "A2": "7010", "B2": Num("1")}})
    err = errors_of(run, tmp_path, tmp_path / "b.xlsx", "--meta", meta(tmp_path))
    assert "error[table-header]" in err, err


# --- currencies ---------------------------------------------------------------------------------------

TB_HEAD = "account,amount,description,currency\n"
MAP = ('accounts:\n  - {range: ["1000", "1999"], line: 7010}\n  - {range: ["2000", "2999"], line: 7020}\n'
       '  - {range: ["3000", "3999"], line: 7030}\n')


def fx_input(tmp_path, tb_rows, fx, extra=""):
    (tmp_path / "tb.csv").write_text(TB_HEAD + "".join(f"{a},{m},,{c}\n" for a, m, c in tb_rows))
    (tmp_path / "map.yaml").write_text(MAP)
    path = tmp_path / "in.yaml"
    path.write_text(FOCUS_HEAD + "trial_balance: tb.csv\nmapping: map.yaml\n" + (f"fx: {fx}\n" if fx else "") + extra)
    return path


def test_conversion_worked_by_hand(run, tmp_path):
    rows = [("1001", "1000.00", "EUR"),          # 1000 x 1.0842 = 1084.2
            ("1002", "0.30", "EUR"),             # 0.30 x 1.0842 = 0.32526 -> line 7010: 1084.52526 -> 1085
            ("2001", "150000", "JPY"),           # 150000 x 0.006634 = 995.1
            ("2002", "-0.5", ""),                # USD (empty): 995.1 - 0.5 = 994.6 -> 995
            ("3001", "2", "CHF"),                # 2 x 0.25 = 0.5 exactly -> half up -> 1
            ("3002", "1", "KWD")]                # 1 x 3.271234567891234567 -> 3.771234567891234567 -> 4
    path = fx_input(tmp_path, rows, '{EUR: "1.0842", JPY: "0.006634", CHF: "0.25", '
                    'KWD: "3.271234567891234567", as_of: 2020-11-30, source: test}')
    doc = build_json(run, tmp_path, path)
    assert (doc["lines"]["7010"], doc["lines"]["7020"], doc["lines"]["7030"]) == (1085, 995, 4)
    parts = {p["currency"]: p for p in doc["currencies"]["lines"]["7030"]}
    assert parts["KWD"]["dollars"] == "3.271234567891234567" and parts["CHF"]["dollars"] == "0.50"
    (eur,) = doc["currencies"]["lines"]["7010"]
    assert (eur["currency"], Decimal(eur["amount"]), eur["rate"], Decimal(eur["dollars"]), eur["accounts"]) == \
        ("EUR", Decimal("1000.30"), "1.0842", Decimal("1084.52526"), 2)


def test_the_per_currency_statement(run, tmp_path):
    # Segregation: 7010 customer cash (requirement side), 7070 bank cash (funds side).
    (tmp_path / "tb.csv").write_text(TB_HEAD + "1001,1000,,EUR\n1002,500,,USD\n7001,900,,EUR\n7002,700,,USD\n")
    (tmp_path / "map.yaml").write_text('accounts:\n  - {range: ["1000", "1999"], line: 7010}\n'
                                       '  - {range: ["7000", "7999"], line: 7070}\n')
    (tmp_path / "in.yaml").write_text(FOCUS_HEAD + "trial_balance: tb.csv\nmapping: map.yaml\n"
                                      "fx: {EUR: \"1.5\", as_of: 2020-11-30}\nlines: {7194: 0}\n")
    status, out, err = run("explain", tmp_path / "in.yaml", "7190", "--by-currency", "--json")
    assert status == 0, err
    seg = next(s for s in json.loads(out)["statements"] if s["lines"]["excess"] == "7190")
    rows = {r["currency"]: r for r in seg["currencies"]}
    # EUR: requirement 1000, funds 900, excess -100 (= -150 dollars); USD: 500, 700, 200
    assert (rows["EUR"]["requirement"], rows["EUR"]["funds"], rows["EUR"]["excess"]) == (1000, 900, -100)
    assert rows["EUR"]["dollars"]["excess"] == -150
    assert (rows["USD"]["requirement"], rows["USD"]["funds"], rows["USD"]["excess"]) == (500, 700, 200)
    # filed: requirement 1500 + 500 = 2000 dollars, funds 1350 + 700 = 2050, excess 50
    assert seg["filed"] == {"requirement": 2000, "funds": 2050, "excess": 50}
    status, out, err = run("explain", tmp_path / "in.yaml", "7190", "--by-currency")
    assert status == 0 and "EUR" in out and "(100)" in out and "(150)" in out and "Regulation 1.32(a)" in out


@pytest.mark.parametrize("fx, rows, code, shown", [
    ('{as_of: 2020-11-30}', [("1001", "5", "EUR")], "missing-rate", "EUR"),
    (None, [("1001", "5", "GBP")], "missing-rate", "GBP"),
    ('{EUR: "-1.08", as_of: 2020-11-30}', [("1001", "5", "EUR")], "bad-rate", "EUR"),
    ('{EUR: "0", as_of: 2020-11-30}', [("1001", "5", "EUR")], "bad-rate", "EUR"),
    ('{EUR: "one", as_of: 2020-11-30}', [("1001", "5", "EUR")], "bad-rate", "EUR"),
    ('{EUR: "1e3", as_of: 2020-11-30}', [("1001", "5", "EUR")], "bad-rate", "EUR"),
    ('{EUR: .inf, as_of: 2020-11-30}', [("1001", "5", "EUR")], "bad-rate", "EUR"),
    ('{EUR: "1.08", as_of: 2020-11-27}', [("1001", "5", "EUR")], "fx-date", "2020-11-27"),
    ('{EUR: "1.08"}', [("1001", "5", "EUR")], "bad-fx", "fx.as_of"),
    ('{EUR: "1.08", as_of: 2020-11-30}', [("1001", "5", "EURO")], "bad-currency", "EURO"),
    ('{EUR: "1.08", as_of: 2020-11-30}', [("1001", "5", "eur")], "bad-currency", "eur"),
    ('{EURO: "1.08", as_of: 2020-11-30}', [("1001", "5", "USD")], "bad-fx", "EURO"),
    ('{USD: "1.01", as_of: 2020-11-30}', [("1001", "5", "USD")], "bad-rate", "USD"),
])
def test_currency_errors_are_named(run, tmp_path, fx, rows, code, shown):
    err = errors_of(run, tmp_path, fx_input(tmp_path, rows, fx))
    assert f"error[{code}]" in err and shown in err, err


def test_a_rate_of_another_date_is_allowed_only_when_the_input_says_so(run, tmp_path):
    path = fx_input(tmp_path, [("1001", "10", "EUR")], '{EUR: "1.1", as_of: 2020-11-27, allow_other_date: true}')
    doc = build_json(run, tmp_path, path)
    assert doc["lines"]["7010"] == 11 and doc["currencies"]["fx"]["as_of"] == "2020-11-27"


def test_a_workbook_trial_balance_with_currencies_names_its_cells(run, tmp_path):
    write_book(tmp_path / "tb.xlsx", {"TB": {"A1": "account", "B1": "amount", "C1": "currency",
                                             "A2": "1001", "B2": Num("5"), "C2": "XYZ",
                                             "A3": "1002", "B3": Error("#VALUE!"), "C3": "USD"}})
    (tmp_path / "map.yaml").write_text(MAP)
    (tmp_path / "in.yaml").write_text(FOCUS_HEAD + "trial_balance: tb.xlsx\nmapping: map.yaml\n")
    err = errors_of(run, tmp_path, tmp_path / "in.yaml")
    assert "error[missing-rate]" in err and "TB!B2" in err and "XYZ" in err, err
    assert "error[cell-error]" in err and "TB!B3" in err and "#VALUE!" in err, err


# --- the invariant: a line is the rounded exact sum of its converted accounts, in any order -------------

RATES = {"EUR": "1.0842", "JPY": "0.006634", "GBP": "1.33275", "CHF": "1.1", "USD": "1"}


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(sorted(RATES)), st.integers(-10**13, 10**13), st.integers(0, 3)),
                min_size=1, max_size=12), st.randoms(use_true_random=False))
def test_a_line_is_the_rounded_exact_sum_of_its_converted_accounts(tmp_path_factory, rows, rnd):
    from focusgen.inputs.load import load_input
    tmp = tmp_path_factory.mktemp("fx")
    entries = [(f"{1000 + i}", Fraction(cents, 10**places), cur) for i, (cur, cents, places) in enumerate(rows)]
    shuffled = entries[:]
    rnd.shuffle(shuffled)

    def text(f: Fraction) -> str:      # the exact decimal, written by hand
        sign = "-" if f < 0 else ""
        f = abs(f)
        whole, frac = divmod(f.numerator * 10**3 // f.denominator, 10**3)
        return f"{sign}{whole}.{frac:03d}"
    fx = "{" + ", ".join(f'{c}: "{r}"' for c, r in RATES.items() if c != "USD") + ", as_of: 2020-11-30}"
    path = fx_input(tmp, [(a, text(m), c) for a, m, c in shuffled], fx)
    exact = sum(m * Fraction(Decimal(RATES[c])) for _, m, c in entries)
    expected = int(exact) + (1 if exact - int(exact) >= Fraction(1, 2) else 0) if exact >= 0 else \
        -(int(-exact) + (1 if -exact - int(-exact) >= Fraction(1, 2) else 0))
    assert load_input(path).amounts["7010"] == expected


def test_the_review_pack_shows_each_currency_and_rate(run, tmp_path):
    out = tmp_path / "out"
    status, _, err = run("build", INPUTS / "2020-11-fx.yaml", "--out", out, "--format", "review")
    assert status == 0, err
    html = (out / "2020-11-fx-review.html").read_text()
    section = html[html.index("Currency by currency (Regulation 1.32(a))"):]
    assert "EUR 1.1933" in section and "JPY 0.009591" in section
    # 7315's EUR part, its rate and its exact dollars (worked in test_the_currency_example_builds_and_ties_out)
    assert "38,773,942.29" in section and "46,268,945.334657" in section and "Filed (USD)" in section


# --- the structure, read as openpyxl reads it -----------------------------------------------------------
# focusgen reads the package itself (xlsx.py); openpyxl, a test dependency, is the independent reader the
# sheets, their states, the defined names and the date formats are checked against.

_TITLES = st.text(alphabet=st.sampled_from(list("AbZz09 _.'-()&é")), min_size=1, max_size=10).filter(
    lambda t: t.strip() == t and t[0] != "'" and t[-1] != "'" and t.lower() != "history")
_NAMES = st.from_regex(r"[A-Za-z_][A-Za-z0-9_.]{0,7}", fullmatch=True).filter(
    lambda n: not re.fullmatch(r"[A-Za-z]{1,3}[0-9]+|[RrCc]|[Rr][0-9]*[Cc][0-9]*", n))
_CODES = ["mm-dd-yy", "0.00", "General", "h:mm", "#,##0.00_);[Red](#,##0.00)", "yyyy-mm-dd", '"Date:" 0',
          "[$-409]d-mmm-yy", "0.00_m", "\\d0", "[h]:mm", "dd;0", "0;dd", "[Red]0", '"y"0', "General;@", "mmss.0",
          "[mm]:ss", "#,##0", "@"]


def _quote(title):
    return title if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", title) else "'" + title.replace("'", "''") + "'"


@st.composite
def _structures(draw):
    titles = draw(st.lists(_TITLES, min_size=1, max_size=4, unique_by=str.lower))
    states = {t: draw(st.sampled_from(["visible", "hidden", "veryHidden"])) for t in titles}
    if "visible" not in states.values():        # openpyxl writes no workbook without a visible sheet
        states[draw(st.sampled_from(titles))] = "visible"

    def target():
        t = _quote(draw(st.sampled_from(titles)))
        return draw(st.sampled_from([f"{t}!$C$14", f"{t}!B2", f"{t}!$A$1:$B$2", f"{t}!$A$1,{t}!$B$2", "0.5",
                                     "#REF!", f"SUM({t}!$A$1:$A$2)", f"[1]{t}!$A$1", f"{t}!$XFD$1048576",
                                     f"{t}!$XFE$1"]))
    names = {n: target() for n in draw(st.lists(_NAMES, max_size=4, unique_by=str.lower))}
    local = {t: {n: target() for n in draw(st.lists(_NAMES, max_size=2, unique_by=str.lower))} for t in titles}
    cells = {t: {f"B{r}": Formatted(draw(st.integers(1, 40000)), draw(st.sampled_from(_CODES)))
                 for r in range(2, 2 + draw(st.integers(0, 4)))} for t in titles}
    return titles, states, names, local, cells


@settings(max_examples=30, deadline=None)
@given(_structures())
def test_the_structure_is_read_as_openpyxl_reads_it(tmp_path_factory, drawn):
    import openpyxl
    titles, states, names, local, cells = drawn
    path = write_book(tmp_path_factory.mktemp("s") / "b.xlsx", {t: cells[t] for t in titles}, names=names,
                      states=states, local_names=local)
    sheets, defined, dates = xlsx_reference.structure(path)
    problems = []
    book = xlsx.Workbook.open(path, problems)
    assert problems == []
    with book:
        assert [(s.title, s.state) for s in book.sheets] == sheets
        mine = {(None if n.scope is None else book.sheets[n.scope].title, n.name): n.text for n in book.names}
        assert mine == defined
        assert book.date_styles == dates
        # a number formatted as a date is a date, as openpyxl reads the cell
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        for t in titles:
            theirs = {(c.row, c.column): c.value for row in wb[t].iter_rows() for c in row
                      if getattr(c, "value", None) is not None}
            for row in book.rows(t):
                for c in row:
                    is_date = not isinstance(theirs[(c.row, c.col)], (int, float))
                    assert (c.kind == "d") == is_date, (t, c.ref, c.raw)
        wb.close()
        # a name of one cell resolves to the cell openpyxl's destinations give
        for (scope, name), text in mine.items():
            got = []
            ref = name if scope is None else f"{_quote(scope)}!{name}"
            found = book.cells({"7010": ref}, got, "in.yaml")
            dest = openpyxl.workbook.defined_name.DefinedName(name, attr_text=text)
            try:
                one = list(dest.destinations) if dest.type == "RANGE" else []
            except Exception:       # openpyxl's tokenizer refuses some (an external reference)
                one = []
            cell = re.fullmatch(r"\$?([A-Z]{1,3})\$?([0-9]+)", one[0][1]) if len(one) == 1 else None
            if cell and one[0][0].replace("''", "'") in titles and xlsx_reference.column(cell[1]) <= 16384:
                cell = found["7010"]
                assert (cell.sheet, cell.ref) == (one[0][0].replace("''", "'"), one[0][1].replace("$", "")), text
            else:
                assert found == {} and [p.code for p in got] in (["name-not-one-cell"], ["missing-sheet"]), text


_FORMAT_CODES = st.one_of(st.sampled_from(_CODES), st.text(alphabet=list('dmyhsDMHYS0#,.;"[]\\_ $-@E+AMP/:'),
                                                           max_size=12))


@st.composite
def _styles(draw):
    custom = draw(st.lists(st.tuples(st.sampled_from([14, 15, 22, 164, 165, 166, 200]), _FORMAT_CODES), max_size=5))
    numfmts = "".join(f"<numFmt numFmtId={quoteattr(str(i))} formatCode={quoteattr(c)}/>" for i, c in custom)
    ids = st.sampled_from(["0", "1", "9", "12", "14", "17", "22", "45", "46", "47", "49", "50", "164", "165", "166",
                           "200", " 14", "1_4", None])
    xfs = "".join("<xf/>" if i is None else f'<xf numFmtId="{i}" fontId="0"/>'
                  for i in draw(st.lists(ids, max_size=8)))
    extra = draw(st.sampled_from(["", '<dxfs><dxf><numFmt numFmtId="164" formatCode="yyyy"/></dxf></dxfs>',
                                  '<cellStyleXfs><xf numFmtId="14"/></cellStyleXfs>',
                                  '<cellXfs><xf numFmtId="15"/></cellXfs>', '<numFmts/>']))
    before = draw(st.booleans())
    body = f"<numFmts>{numfmts}</numFmts><cellXfs>{xfs}</cellXfs>"
    body = extra + body if before else body + extra
    return f'<styleSheet xmlns="{xlsxmake.MAIN_NS}">{body}</styleSheet>'.encode()


@settings(max_examples=400, deadline=None)
@given(_styles())
def test_the_date_formats_are_decided_as_openpyxl_decides_them(xml):
    from openpyxl.styles.stylesheet import Stylesheet
    from openpyxl.xml.functions import fromstring
    assert xlsx.date_styles(xml) == Stylesheet.from_tree(fromstring(xml)).date_formats


@settings(max_examples=400, deadline=None)
@given(_FORMAT_CODES)
def test_a_format_code_is_a_date_as_openpyxl_says(code):
    from openpyxl.styles.numbers import is_date_format
    assert xlsx.is_date_format(code) == is_date_format(code)


def test_the_built_in_date_formats_are_openpyxls():
    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
    assert xlsx.BUILTIN_DATES == {i for i, code in BUILTIN_FORMATS.items() if is_date_format(code)}


@pytest.mark.parametrize("xml", [
    b'<styleSheet><numFmts><numFmt numFmtId="164"/></numFmts><cellXfs><xf numFmtId="164"/></cellXfs></styleSheet>',
    b'<styleSheet><numFmts><numFmt formatCode="yy"/></numFmts><cellXfs/></styleSheet>',
    b'<styleSheet><cellXfs><xf numFmtId="x"/></cellXfs></styleSheet>',
])
def test_styles_openpyxl_refuses_are_refused(xml):
    from openpyxl.styles.stylesheet import Stylesheet
    from openpyxl.xml.functions import fromstring
    with pytest.raises(Exception):
        Stylesheet.from_tree(fromstring(xml))
    with pytest.raises((xlsx.CellError, ValueError)):
        xlsx.date_styles(xml)


# --- the package: found as Excel finds it, every part refused when damaged or hostile ----------------

def _ledger_sheet(figure, line="7010"):
    return b"".join(xlsxmake.sheet_xml([(1, [("A1", "<v>0</v>", "s"), ("B1", "<v>1</v>", "s")]),
                                        (2, [("A2", f"<v>{line}</v>", ""), ("B2", f"<v>{figure}</v>", "")])]))


def _open(path):
    problems = []
    book = xlsx.Workbook.open(path, problems)
    return book, problems


@pytest.mark.parametrize("part, change, code, shown", [
    ("[Content_Types].xml", None, "not-a-workbook", "Content_Types"),
    ("[Content_Types].xml", lambda d: d.replace(xlsxmake.TYPES["workbook"].encode(),
                                                b"application/vnd.ms-excel.sheet.binary.macroEnabled.main"),
     "not-a-workbook", ".xlsb"),
    ("[Content_Types].xml", lambda d: d.replace(b"spreadsheetml.sheet.main+xml", b"wordprocessingml.document.main+xml"),
     "not-a-workbook", "not a workbook"),
    ("xl/workbook.xml", None, "not-a-workbook", "xl/workbook.xml"),
    ("xl/_rels/workbook.xml.rels", None, "not-a-workbook", "relationships"),
    ("xl/workbook.xml", lambda d: d.replace(b'name="B"', b'name="A"'), "not-a-workbook", "two sheets named 'A'"),
    ("xl/workbook.xml", lambda d: d.replace(b' name="B"', b""), "not-a-workbook", "without a name"),
    ("xl/styles.xml", lambda d: b'<styleSheet><cellXfs><xf numFmtId="x"/></cellXfs></styleSheet>', "not-a-workbook",
     "ValueError"),
    ("xl/styles.xml", lambda d: b"x" * (xlsx.MAX_PART + 1), "file-too-large", "xl/styles.xml"),
])
def test_a_damaged_package_is_named(tmp_path, part, change, code, shown):
    path = xlsxmake.raw_book(tmp_path / "a.xlsx", [{"title": "A", "xml": _ledger_sheet(1)},
                                                   {"title": "B", "xml": _ledger_sheet(2)}], strings=["line", "amount"])
    broken = tmp_path / "b.xlsx"
    with zipfile.ZipFile(path) as src:
        parts = {n: src.read(n) for n in src.namelist()}
    parts[part] = None if change is None else change(parts[part])
    xlsxmake.raw_book(broken, [], parts=parts)
    book, problems = _open(broken)
    assert book is None and [p.code for p in problems] == [code] and shown in problems[0].message, problems


@pytest.mark.parametrize("part", ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                                  "xl/styles.xml", "xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"])
def test_a_doctype_is_refused_in_every_part_read(run, tmp_path, part):
    path = xlsxmake.raw_book(tmp_path / "a.xlsx", [{"title": "A", "xml": _ledger_sheet(1)}], strings=["line", "amount"])
    with zipfile.ZipFile(path) as src:
        parts = {n: src.read(n) for n in src.namelist()}
    parts[part] = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>' + parts[part]
    xlsxmake.raw_book(tmp_path / "b.xlsx", [], parts=parts)
    err = errors_of(run, tmp_path, tmp_path / "b.xlsx", "--meta", meta(tmp_path))
    assert "error[not-a-workbook]" in err and "DOCTYPE" in err, err


def test_a_package_laid_out_otherwise_is_found(tmp_path):
    """No officeDocument relationship (the content types name the workbook, as openpyxl finds it), a
    workbook part elsewhere, member names in another case, targets absolute and relative."""
    path = xlsxmake.raw_book(tmp_path / "a.xlsx", [{"title": "A", "xml": _ledger_sheet(5)}], strings=["line", "amount"])
    with zipfile.ZipFile(path) as src:
        parts = {n: src.read(n) for n in src.namelist()}
    moved = {"[Content_Types].xml": parts["[Content_Types].xml"].replace(b"/xl/workbook.xml", b"/Book/Main.xml"),
             "Book/Main.xml": parts["xl/workbook.xml"],
             "Book/_rels/Main.xml.rels": parts["xl/_rels/workbook.xml.rels"].replace(
                 b'Target="worksheets/sheet1.xml"', b'Target="/XL/Worksheets/Sheet1.xml"').replace(
                 b'Target="sharedStrings.xml"', b'Target="../xl/sharedStrings.xml"'),
             "xl/worksheets/sheet1.xml": None, "XL/Worksheets/Sheet1.XML": parts["xl/worksheets/sheet1.xml"],
             "_rels/.rels": None, "xl/workbook.xml": None, "xl/_rels/workbook.xml.rels": None}
    xlsxmake.raw_book(tmp_path / "b.xlsx", [], parts={**parts, **moved})
    book, problems = _open(tmp_path / "b.xlsx")
    assert problems == []
    with book:
        assert [[(c.ref, c.raw) for c in row] for row in book.rows("A")] == [[("A1", "line"), ("B1", "amount")],
                                                                            [("A2", "7010"), ("B2", "5")]]


def test_a_zip_naming_two_members_alike_is_refused(tmp_path):
    path = tmp_path / "a.xlsx"
    xlsxmake.raw_book(path, [{"title": "A", "xml": _ledger_sheet(5)}], strings=["line", "amount"])
    with zipfile.ZipFile(path, "a") as z, pytest.warns(UserWarning):
        z.writestr("xl/worksheets/sheet1.xml", _ledger_sheet(6))       # a second sheet1: which is it?
    book, problems = _open(path)
    assert book is None and problems[0].code == "not-a-workbook" and "two parts" in problems[0].message


def test_a_sheet_without_its_part_is_named_when_read(run, tmp_path):
    path = xlsxmake.raw_book(tmp_path / "a.xlsx", [{"title": "A", "xml": _ledger_sheet(5)}], strings=["line", "amount"],
                             parts={"xl/worksheets/sheet1.xml": None})
    err = errors_of(run, tmp_path, path, "--meta", meta(tmp_path))
    assert "error[not-a-workbook]" in err and "sheet 'A' has no part" in err, err


def test_overlapping_merged_ranges_are_named(run, tmp_path):
    xml = b"".join(xlsxmake.sheet_xml([(1, [("A1", "<v>0</v>", "s"), ("B1", "<v>1</v>", "s")]),
                                       (2, [("A2", "<v>7010</v>", ""), ("B2", "<v>5</v>", "")])],
                                      ["C1:D4", "A9:B9", "D3:E3"]))
    path = xlsxmake.raw_book(tmp_path / "a.xlsx", [{"title": "A", "xml": xml}], strings=["line", "amount"])
    err = errors_of(run, tmp_path, path, "--meta", meta(tmp_path))
    assert "error[not-a-workbook]" in err and "C1:D4 and D3:E3 that overlap" in err, err


def test_building_from_a_workbook_never_imports_openpyxl(tmp_path):
    code = ("import sys; from focusgen.cli import main; "
            f"status = main(['build', {str(INPUTS / '2020-11-workbook.yaml')!r}, '--out', {str(tmp_path / 'o')!r}, "
            "'--format', 'json', '--quiet']); print(status, 'openpyxl' in sys.modules, 'defusedxml' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, timeout=300).stdout
    assert out.split() == ["0", "False", "False"]


# --- which sheet is read: a hidden sheet never, unless named --------------------------------------------

def _figure(i):
    return 7_000_000 + 111_111 * (i + 1)        # 7111111, 7222222, ...: each sheet's figure, found by its digits


@st.composite
def _hidden_books(draw):
    n = draw(st.integers(1, 5))
    sheets = []
    for i in range(n):
        kind = draw(st.sampled_from(["worksheet"] * 5 + ["chartsheet"]))
        state = draw(st.sampled_from([None, "visible", "hidden", "hidden", "veryHidden", "veryHidden"]))
        sheet = {"title": f"S{i} x" if draw(st.booleans()) else f"S{i}", "kind": kind}
        if state:
            sheet["state"] = state
        sheets.append(sheet)
    use = draw(st.sampled_from(["ledger", "trial_balance", "direct", "sheet", "cells", "name"]))
    named = draw(st.integers(0, n - 1))
    if use in ("sheet", "cells", "name"):
        sheets[named]["kind"] = "worksheet"         # a sheet named is one to read
    return sheets, use, named


@settings(max_examples=40, deadline=None)
@given(_hidden_books())
def test_hidden_sheets_are_never_read_unless_named(tmp_path_factory, drawn):
    from focusgen.cli import main
    from focusgen.inputs.load import load_input
    from focusgen.problems import InputProblems
    sheets, use, named = drawn
    tmp = tmp_path_factory.mktemp("h")
    trial = use == "trial_balance"
    for i, s in enumerate(sheets):
        if s["kind"] == "worksheet":
            s["xml"] = _ledger_sheet(_figure(i), "1001" if trial else "7010")
        else:
            s["xml"] = b'<chartsheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
    worksheets = [i for i, s in enumerate(sheets) if s["kind"] == "worksheet"]
    target = named
    title = sheets[target]["title"]
    names = [("Figure", f"{_quote(title)}!$B$2", None, False)] if use == "name" and title else []
    xlsxmake.raw_book(tmp / "book.xlsx", sheets, names=names, strings=["account" if trial else "line", "amount"])
    (tmp / "map.yaml").write_text('accounts:\n  - {range: ["1000", "1999"], line: 7010}\n')
    meta_text = FOCUS_HEAD
    source = {"ledger": "ledger: book.xlsx\n", "trial_balance": "trial_balance: book.xlsx\nmapping: map.yaml\n",
              "direct": "", "sheet": f"ledger: {{file: book.xlsx, sheet: {json.dumps(title)}}}\n",
              "cells": f"ledger: {{file: book.xlsx, cells: {{7010: {json.dumps(_quote(str(title)) + '!B2')}}}}}\n",
              "name": "ledger: {file: book.xlsx, cells: {7010: Figure}}\n"}[use]
    (tmp / "in.yaml").write_text(meta_text + source)
    args = (tmp / "book.xlsx", tmp / "in.yaml") if use == "direct" else (tmp / "in.yaml",)
    # what is read, worked by hand: a sheet named (by title, cell or defined name) whatever its state;
    # else the first worksheet whose state is visible (or not given); else nothing, a named error
    if use in ("sheet", "cells", "name"):
        expected = target
    else:
        expected = next((i for i in worksheets if sheets[i].get("state", "visible") == "visible"), None)
    if expected is None:
        with pytest.raises(InputProblems) as caught:
            load_input(*args)
        (problem,) = caught.value.problems
        assert problem.code == "missing-sheet", problem
        assert ("hidden" in problem.message) == bool(worksheets), problem
        return
    assert load_input(*args).amounts["7010"] == _figure(expected)
    out = tmp / "out"
    argv = ["build", str(args[0]), "--out", str(out), "--format", "json,txt", "--quiet"]
    if use == "direct":
        argv += ["--meta", str(args[1])]
    assert main(argv) == 0
    written = "".join(p.read_text() for p in out.iterdir() if p.suffix in (".json", ".txt"))
    for i in worksheets:
        shown = str(_figure(i)) in written or f"{_figure(i):,}" in written
        assert shown == (i == expected), (i, expected)


def test_a_workbook_whose_sheets_are_all_hidden_is_named(run, tmp_path):
    path = xlsxmake.raw_book(tmp_path / "b.xlsx", [{"title": "Seg", "state": "hidden", "xml": _ledger_sheet(5)},
                                                   {"title": "Old", "state": "veryHidden", "xml": _ledger_sheet(6)}],
                             strings=["line", "amount"])
    err = errors_of(run, tmp_path, path, "--meta", meta(tmp_path))
    assert "error[missing-sheet]" in err and "no visible worksheet" in err and "'Seg' (hidden)" in err \
        and "'Old' (very hidden)" in err, err


def test_a_chart_sheet_is_passed_over_and_named_when_asked_for(run, tmp_path):
    chart = b'<chartsheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'
    xlsxmake.raw_book(tmp_path / "b.xlsx", [{"title": "Chart", "kind": "chartsheet", "xml": chart},
                                           {"title": "Seg", "xml": _ledger_sheet(5)}], strings=["line", "amount"])
    (tmp_path / "in.yaml").write_text(FOCUS_HEAD + "ledger: b.xlsx\n")
    assert build_json(run, tmp_path, tmp_path / "in.yaml")["lines"]["7010"] == 5
    (tmp_path / "in.yaml").write_text(FOCUS_HEAD + "ledger: {file: b.xlsx, sheet: Chart}\n")
    (tmp_path / "second").mkdir()
    err = errors_of(run, tmp_path / "second", tmp_path / "in.yaml")
    assert "error[missing-sheet]" in err and "'Chart' is a chart sheet, not a worksheet" in err, err


# --- defined names ------------------------------------------------------------------------------------

@pytest.mark.parametrize("ref, names, expected", [
    ("Cash", [("Cash", "Seg!$B$2", None, False)], 5),
    ("cash", [("Cash", "Seg!$B$2", None, False)], 5),                                # as Excel: any case
    ("Cash", [("Cash", "Calc!$B$2", None, False)], 6),                               # into a hidden sheet: named
    ("Cash", [("Cash", "Calc!$B$2", None, True)], 6),                                # a hidden name, named
    ("Seg!Cash", [("Cash", "Seg!$B$2", 0, False), ("Cash", "Calc!$B$2", None, False)], 5),   # local to Seg
    ("Calc!Cash", [("Cash", "Calc!$B$2", 1, False)], 6),
    ("Cash", [("Cash", "'Calc'!B2", None, False)], 6),                               # quoted, relative
    ("Cash", [("Cash", "Seg!$B$2", 0, False)], "missing-name:a name of sheet 'Seg' only: write Seg!Cash"),
    ("Seg!Cash", [("Cash", "Seg!$B$2", None, False)], "missing-name:a workbook-level name: write Cash alone"),
    ("Nope", [], "missing-name:has no defined name 'Nope'"),
    ("Cash", [("Cash", "Seg!$B$2", None, False), ("CASH", "Seg!$B$3", None, False)], "name-not-one-cell:2 times"),
    ("Cash", [("Cash", "Seg!$B$2:$B$3", None, False)], "name-not-one-cell:not one cell"),
    ("Cash", [("Cash", "Seg!$B$2,Seg!$B$3", None, False)], "name-not-one-cell:not one cell"),
    ("Cash", [("Cash", "0.25", None, False)], "name-not-one-cell:not one cell"),
    ("Cash", [("Cash", "#REF!", None, False)], "name-not-one-cell:not one cell"),
    ("Cash", [("Cash", "[1]Seg!$B$2", None, False)], "name-not-one-cell:not one cell"),
    ("Cash", [("Cash", "'Seg:Calc'!$B$2", None, False)], "name-not-one-cell:not one cell"),    # 3-D
    ("Cash", [("Cash", "Seg!$XFE$1", None, False)], "name-not-one-cell:not one cell"),
    ("Cash", [("Cash", "Gone!$B$2", None, False)], "missing-sheet:has no sheet 'Gone'"),
    ("Seg!ZZZZ1", [], "bad-cell-ref:not a cell reference"),
    ("Seg!C0", [], "bad-cell-ref:past column XFD or row"),
    ("Seg!B2", [], 5),
    ("Calc!B2", [], 6),                                                              # a hidden sheet, named
])
def test_defined_names(tmp_path, ref, names, expected):
    path = xlsxmake.raw_book(tmp_path / "b.xlsx", [{"title": "Seg", "xml": _ledger_sheet(5)},
                                                   {"title": "Calc", "state": "hidden", "xml": _ledger_sheet(6)}],
                             names=names, strings=["line", "amount"])
    book, problems = _open(path)
    with book:
        found = book.cells({"7010": ref}, problems, "in.yaml")
    if isinstance(expected, int):
        assert problems == [] and found["7010"].amount() == expected
    else:
        code, _, shown = expected.partition(":")
        assert found == {} and [p.code for p in problems] == [code] and shown in problems[0].message, problems


# --- memory bounded by the cells, not a sheet's width or length --------------------------------------
# Each workbook is read in a process of its own (address space capped at 1.5 GiB, so a regression fails
# rather than swapping), which reports its peak resident memory (VmHWM) and the lines or the problems'
# codes.

MEASURE = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1536 * 2**20, 1536 * 2**20))
from focusgen.inputs.load import load_input
from focusgen.problems import InputProblems
try:
    out = {"lines": {k: v for k, v in load_input(sys.argv[1]).amounts.items() if v is not None}}
except InputProblems as exc:
    out = {"codes": sorted({p.code for p in exc.problems}), "first": str(exc.problems[0])}
# the peak of this process's own memory: ru_maxrss would count the parent's, from before exec
status = open("/proc/self/status").read()
out["peak_mib"] = int(status.split("VmHWM:")[1].split()[0]) / 1024
print(json.dumps(out))
"""
PEAK_MIB = 120      # the reading process's peak; Python and focusgen alone are about 40 MiB, these sheets 40-55


def _measured(path):
    proc = subprocess.run([sys.executable, "-c", MEASURE, str(path)], capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    return json.loads(proc.stdout)


def _half_up(total: Fraction) -> int:
    whole = int(abs(total)) + (1 if abs(total) - int(abs(total)) >= Fraction(1, 2) else 0)
    return whole if total >= 0 else -whole


@st.composite
def _sparse_books(draw):
    """A trial balance (account in A, amount in B) in a sheet shaped to cost memory if a row cost its
    width or the rows were held: far columns, many rows, very wide rows, many merged ranges."""
    shape = draw(st.sampled_from(["far", "tall", "wide", "merged", "merged-amount", "too-many-merged"]))
    return shape, draw(st.integers(0, 2**32))


@settings(max_examples=10, deadline=None)
@given(_sparse_books())
def test_sparse_wide_and_tall_sheets_cost_their_cells(tmp_path_factory, drawn):
    shape, seed = drawn
    rnd = random.Random(seed)
    tmp = tmp_path_factory.mktemp("m")
    data = [(1_000_000 + i, rnd.randint(-10**9, 10**9), rnd.randint(0, 99)) for i in range(rnd.randint(50, 3000))]
    body = {}      # row number -> the row's cells: (ref, XML body or None for an empty cell, t)
    r = 2
    for account, whole, cents in data:
        body[r] = [("A%d" % r, f"<v>{account}</v>", ""), ("B%d" % r, f"<v>{whole}.{cents:02d}</v>", "")]
        r += rnd.randint(1, 3)
    last = r
    merged: list[str] = []
    expected_error = None
    if shape == "far":          # a cell at a far column on every row (and rows of nothing else)
        for n in range(2, last + rnd.randint(1000, 5000)):
            col = xlsx_reference.letters(rnd.randint(3000, 16384))
            value = None if n not in body and rnd.random() < .5 else "<v>9</v>"
            body.setdefault(n, []).append((f"{col}{n}", value, ""))
        # a row of nothing but a far value has no account: named; far cells beside the table are not read
        alone = any(len(cells) == 1 and cells[0][1] is not None for cells in body.values())
        expected_error = "bad-account" if alone else None
    elif shape == "tall":       # many rows that hold one empty cell at XFD
        for n in range(last, last + rnd.randint(100_000, 250_000)):
            body[n] = [(f"XFD{n}", None, "")]
    elif shape == "wide":       # rows of every column, empty, and data rows that go on to XFD
        for n in range(last, last + rnd.randint(5, 30)):
            body[n] = [(f"{xlsx_reference.letters(c)}{n}", None, "") for c in range(1, 16385)]
        for n in rnd.sample(sorted(k for k in body if k < last), 5):
            body[n] += [(f"{xlsx_reference.letters(c)}{n}", "<v>1</v>", "") for c in range(3, 16385)]
    elif shape.startswith("merged") or shape == "too-many-merged":
        count = xlsx.MAX_MERGED + 1 if shape == "too-many-merged" else rnd.randint(20_000, xlsx.MAX_MERGED)
        merged = [f"XA{n}:XD{n}" for n in range(1, count + 1)]       # beside the table, one a row
        if shape == "merged-amount":        # one range over an amount: that line is named, with its cell
            hit = rnd.choice(sorted(k for k in body if k < last))
            merged.append(f"B{hit}:C{hit}")
            expected_error = ("merged-cell", f"TB!B{hit}")
        if shape == "too-many-merged":
            expected_error = ("file-too-large", "merged ranges")
    rows = [(1, [("A1", "<is><t>account</t></is>", "inlineStr"), ("B1", "<is><t>amount</t></is>", "inlineStr")])]
    rows += sorted(body.items())
    xlsxmake.raw_book(tmp / "tb.xlsx", [{"title": "TB", "xml": xlsxmake.sheet_xml(rows, merged)}])
    (tmp / "map.yaml").write_text('accounts:\n  - {range: ["1000000", "1999999"], line: 7010}\n')
    (tmp / "in.yaml").write_text(FOCUS_HEAD + "trial_balance: tb.xlsx\nmapping: map.yaml\n")
    got = _measured(tmp / "in.yaml")
    assert got["peak_mib"] < PEAK_MIB, (shape, got)
    if expected_error is None:
        total = sum(Fraction(w) + Fraction(c if w >= 0 else -c, 100) for _, w, c in data)
        assert got.get("lines", {}).get("7010") == _half_up(total), (shape, got)
    elif isinstance(expected_error, str):
        assert expected_error in got["codes"], (shape, got)
    else:
        code, shown = expected_error
        assert got["codes"] == [code] and shown in got["first"], (shape, got)


def test_a_cell_at_xfd_on_each_of_3000_rows_costs_its_cells(tmp_path):
    """The workbook that took 2.9 GB: 30 KB, one cell at column XFD on each of 3,000 rows."""
    rows = [(n, [(f"XFD{n}", "<v>1</v>", "")]) for n in range(1, 3001)]
    xlsxmake.raw_book(tmp_path / "b.xlsx", [{"title": "Seg", "xml": xlsxmake.sheet_xml(rows)}])
    assert (tmp_path / "b.xlsx").stat().st_size < 40_000
    (tmp_path / "in.yaml").write_text(FOCUS_HEAD + "ledger: b.xlsx\n")
    got = _measured(tmp_path / "in.yaml")
    assert got["peak_mib"] < PEAK_MIB and got["codes"] == ["table-header"], got
    # the same cells read by reference: found, in a sheet of 3,000 rows
    (tmp_path / "in.yaml").write_text(FOCUS_HEAD + "ledger: {file: b.xlsx, cells: {7010: Seg!XFD2999}}\n")
    got = _measured(tmp_path / "in.yaml")
    assert got["peak_mib"] < PEAK_MIB and got["lines"]["7010"] == 1, got
