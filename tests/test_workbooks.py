"""Excel workbooks and several currencies (issue 13).

Every expected figure here is worked by hand (or with Fraction arithmetic in the test), never by the
code under test. Workbooks are written with tests/xlsxmake.py, which stores numbers and formula values
as Excel does."""

import json
import random
import shutil
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import INPUTS
from xlsxmake import Error, Formula, Num, write_book

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
