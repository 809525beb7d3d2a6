"""The Segregation Investment Detail Report (SIDR): a second form definition (form/sidr.yaml) checked at
load, its holdings input (CSV, workbook, YAML) with every bad row named, the example built into its PDF,
text and JSON, and its dates on the business-day calendar. Expected figures are worked out by hand from
the filed Credit Suisse Daily Seg of 12/26/2017 (tests/fixtures) and the example's holdings."""

import copy
import datetime
import json
import shutil
import subprocess

import pytest
import yaml

from conftest import INPUTS
from focusgen.form import formdef
from focusgen.form.formdef import FormDefinitionError, load_definition
from sidrmake import holding, write_input
from xlsxmake import write_book


# --- the form definition ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def raw():
    return yaml.safe_load((formdef.FORM_DIR / "sidr.yaml").read_text())


def _line(raw, statement, code):
    for row in raw["statements"][statement]["rows"]:
        for line in row.get("lines") or []:
            if line["code"] == code:
                return line
    raise KeyError(code)


def _mutated(raw, change):
    broken = copy.deepcopy(raw)
    change(broken)
    return broken


def test_each_definition_file_declares_its_report_kinds():
    assert formdef.load_definition(yaml.safe_load(formdef.FORM_FILE.read_text())).keys() == {"focus-ii", "daily-seg"}
    assert formdef.report("sidr").source == "holdings" and formdef.report("daily-seg").source == "lines"
    assert [s.name for s in formdef.report("sidr").statements] == ["secured", "segregation", "cleared_swaps"]


def test_the_sidr_revision_follows_the_as_of_date():
    before = formdef.report("sidr", datetime.date(2025, 3, 28))
    after = formdef.report("sidr", datetime.date(2025, 3, 31))
    assert "seg.certificates_of_deposit" in before.lines and "seg.certificates_of_deposit" not in after.lines
    assert "seg.sovereign_japan" in after.lines and "seg.sovereign_japan" not in before.lines
    with pytest.raises(formdef.UnsupportedRevision, match="2014-01-13"):
        formdef.report("sidr", datetime.date(2014, 1, 10))       # before the 2013 rule took effect


@pytest.mark.parametrize("change,match", [
    # a total that misses a part
    (lambda r: _line(r, "sidr_seg", "seg.investments")["sum"].remove("seg.mmf"),
     "seg.investments .*misses Money market funds comprising only U.S. government securities"),
    (lambda r: _line(r, "sidr_seg", "seg.total")["sum"].remove("seg.cash_on_hand"), "seg.total .*misses Cash at Funds on hand"),
    # a part counted twice
    (lambda r: _line(r, "sidr_seg", "seg.mmf")["holdings"]["instrument"].append("treasury_etf"),
     "counts U.S. Treasury exchange-traded funds .* twice \\(seg.mmf, seg.other\\)"),
    # a part outside its total
    (lambda r: _line(r, "sidr_seg", "seg.us_government")["holdings"].update(instrument=["us_government", "cash"]),
     "part seg.us_government takes Cash .*which the total does not cover"),
    # a total of another statement's lines, a line with neither holdings nor covers
    (lambda r: _line(r, "sidr_seg", "seg.total")["sum"].append("swp.cash_banks"), "adds swp.cash_banks, which is no holdings line"),
    (lambda r: _line(r, "sidr_seg", "seg.cash_banks").pop("holdings"), "seg.cash_banks: a holdings line, or a sum with covers"),
    # the detail table's total column
    (lambda r: r["statements"]["sidr_secured"]["rows"][-1]["detail"]["columns"][3]["sum"].remove("investments"),
     "column total: misses U.S. government securities"),
    # vocabulary and selectors
    (lambda r: _line(r, "sidr_seg", "seg.cash_banks")["holdings"].update(depository="vault"), "unknown \\['vault'\\]"),
    (lambda r: r["holdings"]["instruments"]["cash"].update({"class": "money"}), "class 'money'"),
    (lambda r: r["statements"]["sidr_seg"].update(depositories=["bank", "moon"]), "a holdings statement has"),
    # the reconciliation: a Daily Seg line it leaves out, one it names twice, a kind of holding no tie takes
    (lambda r: r["reconciliation"]["origins"]["segregation"]["outside"].pop(), "misses \\['7132', '7133'\\]"),
    (lambda r: r["reconciliation"]["origins"]["secured"]["ties"][0]["lines"].append(7520), "names \\['7520'\\] twice"),
    (lambda r: r["reconciliation"]["origins"]["cleared_swaps"]["ties"].pop(), "ties: misses Customer-owned securities at Funds on hand"),
    (lambda r: r["reconciliation"]["origins"]["segregation"]["outside"][0]["lines"].append(7777),
     "names \\['7777'\\], which it does not add"),
    # the limits
    (lambda r: r["limits"][0]["rules"][0].update(kind="vibes"), "kind 'vibes' is not one of"),
    (lambda r: r["limits"][0]["rules"][0].pop("percent"), "an asset rule needs percent"),
    (lambda r: r["limits"][0]["rules"][0].update(percent=150), "percent 150 is not above 0"),
    (lambda r: r["limits"][1]["effective"].update({"from": "2025-01-01"}), "overlap"),
    (lambda r: r["limits"][0].update(permitted=["cash"]), "are not investments"),
])
def test_a_wrong_definition_fails_at_load(raw, change, match):
    with pytest.raises(FormDefinitionError, match=match):
        load_definition(_mutated(raw, change))


def test_a_report_kind_declared_twice_fails(tmp_path, monkeypatch):
    for name in ("cftc.yaml", "sidr.yaml"):
        shutil.copy(formdef.FORM_DIR / name, tmp_path / name)
    (tmp_path / "again.yaml").write_text((formdef.FORM_DIR / "sidr.yaml").read_text())
    monkeypatch.setattr(formdef, "definition_files", lambda: sorted(tmp_path.glob("*.yaml")))
    formdef._definitions.cache_clear()
    try:
        with pytest.raises(FormDefinitionError, match="report sidr is declared by again.yaml and sidr.yaml"):
            formdef._definitions()
    finally:
        monkeypatch.undo()
        formdef._definitions.cache_clear()


# --- the holdings input: every bad row named --------------------------------------------------------

GOOD = holding("segregation", "Hudson Trust Company", "bank", "cash", "100", location="New York, NY")
# (what is wrong, the row, the problem's code, the column it names)
BAD = [
    ("unknown origin", holding("futures", value="1"), "unknown-origin", "origin"),
    ("unknown instrument", holding(instrument="bitcoin", value="1"), "unknown-instrument", "instrument"),
    ("unknown depository kind", holding(kind="vault", value="1"), "unknown-depository-kind", "depository_kind"),
    ("no 30.7 funds at a DCO", holding("secured", "CME", "dco", value="1"), "not-allowed", "depository_kind"),
    ("no location", holding(value="1", location=""), "missing-field", "location"),
    ("not an amount", holding(value="12,34x"), "bad-amount", "market_value"),
    ("a negative security", holding(instrument="us_government", value="-5", issuer="U.S. Treasury"), "wrong-sign",
     "market_value"),
    ("not a currency", holding(value="1", currency="EURO"), "bad-currency", "currency"),
    ("no rate for the currency", holding(value="1", currency="JPY"), "missing-rate", "currency"),
    ("not yes or no", holding(value="1", depository_affiliate="maybe"), "bad-field", "depository_affiliate"),
    ("no issuer", holding(instrument="agency", value="1"), "missing-field", "issuer"),
    ("a fund without its size", holding(instrument="mmf_government", value="1", issuer="Fund", fund_family="F",
                                        manager_assets="1"), "missing-field", "fund_assets"),
    ("cash under an agreement", holding(value="1", agreement="reverse_repo", counterparty="Dealer"), "not-allowed",
     "agreement"),
    ("an agreement without a counterparty", holding(instrument="us_government", issuer="U.S. Treasury", value="1",
                                                    agreement="reverse_repo"), "missing-field", "counterparty"),
    ("no market value", holding(value=""), "missing-field", "market_value"),
]


def _rows(bad):
    return [GOOD, *[row for _, row, _, _ in bad]]


def _problems(run, path, out):
    status, _, err = run("build", path, "--out", out)
    assert status == 2 and not out.exists()             # nothing written
    return err


def test_every_bad_csv_row_is_named_by_row_and_column(run, tmp_path):
    err = _problems(run, write_input(tmp_path, _rows(BAD), csv_file=True), tmp_path / "out")
    for n, (what, _, code, column) in enumerate(BAD, start=3):      # the header is row 1, the good row 2
        assert f"row {n}, column {column}: error[{code}]" in err, what


def test_every_bad_workbook_row_is_named_by_its_cell(run, tmp_path):
    columns = ["origin", "depository", "depository_kind", "instrument", "market_value", "location",
               "depository_affiliate", "issuer", "fund_family", "fund_assets", "manager_assets", "agreement",
               "counterparty", "currency"]
    cells = {f"{chr(65 + i)}1": c for i, c in enumerate(columns)}
    cells["A1"] = "Holdings of customer funds"                   # a title row above the header
    cells.update({f"{chr(65 + i)}2": c for i, c in enumerate(columns)})
    for r, row in enumerate(_rows(BAD), start=3):
        for i, c in enumerate(columns):
            if row.get(c):
                cells[f"{chr(65 + i)}{r}"] = row[c]
    book = write_book(tmp_path / "holdings.xlsx", {"Holdings": cells})
    path = write_input(tmp_path, [], holdings={"file": book.name, "sheet": "Holdings"})
    err = _problems(run, path, tmp_path / "out")
    for n, (what, _, code, column) in enumerate(BAD, start=4):
        assert f"Holdings!{chr(65 + columns.index(column))}{n}: error[{code}]" in err, what


def test_every_bad_yaml_holding_is_named_by_its_key_and_yaml_line(run, tmp_path):
    err = _problems(run, write_input(tmp_path, _rows(BAD)), tmp_path / "out")
    text = (tmp_path / "sidr.yaml").read_text().splitlines()
    for n, (what, row, code, column) in enumerate(BAD, start=1):
        # a key given is named with its line; a key not given, by the holding's own line
        where = f"holdings[{n}].{column} (yaml line " if column in row else f"holdings[{n}] (yaml line "
        assert any(where in e and f"error[{code}]" in e for e in err.splitlines()), what
    # the line named is the line the key is on
    line = int(err.split("holdings[2].instrument (yaml line ")[1].split(")")[0])
    assert text[line - 1].strip().startswith("instrument: bitcoin")


def test_a_depository_described_two_ways_is_refused(run, tmp_path):
    rows = [GOOD, holding("secured", "Hudson Trust Company", "custodian", "cash", "5", location="New York, NY")]
    err = _problems(run, write_input(tmp_path, rows, csv_file=True), tmp_path / "out")
    assert "row 3: error[conflicting-holding]: depository 'Hudson Trust Company': depository_kind differ from row 2" in err


@pytest.mark.parametrize("header,code,where", [
    ("origin,depository,depository_kind,market_value", "csv-header", "no column(s) instrument"),
    ("origin,depository,depository_kind,instrument,market_value,colour", "csv-header", "unknown column(s) colour"),
    ("origin,origin,depository,depository_kind,instrument,market_value", "csv-header", "origin named twice"),
])
def test_a_bad_header_is_named(run, tmp_path, header, code, where):
    path = write_input(tmp_path, [])
    (tmp_path / "h.csv").write_text(header + "\nsegregation,Bank,bank,cash,1\n")
    doc = yaml.safe_load(path.read_text())
    doc["holdings"] = "h.csv"
    path.write_text(yaml.safe_dump(doc))
    err = _problems(run, path, tmp_path / "out")
    assert f"error[{code}]" in err and where in err


@pytest.mark.parametrize("doc,code,where", [
    ({"lines": {"7010": 5}}, "bad-field", "lines"),
    ({"ledger": "x.csv"}, "bad-field", "ledger"),
    ({"holdings": None}, "missing-field", "holdings"),
    ({"holdings": "../outside.csv"}, "path-outside", "holdings"),
    ({"customer_balances": {"futures": {"EUR": "1"}}}, "unknown-origin", "customer_balances.futures"),
    ({"customer_balances": {"secured": {"EUR": "1"}}}, "missing-rate", "customer_balances.secured.EUR"),
    ({"as_of": "2017-12-23"}, "not-a-business-day", "as_of"),       # a Saturday
    ({"as_of": "2013-12-31"}, "unsupported-revision", "as_of"),
    ({"report": "sidrx"}, "unknown-report", "report"),
    ({"daily_seg": "nowhere.yaml"}, "file-not-found", ""),
])
def test_a_bad_sidr_input_is_refused_by_name(run, tmp_path, doc, code, where):
    path = write_input(tmp_path, [GOOD], as_of="2017-12-29")
    data = {**yaml.safe_load(path.read_text()), **doc}
    path.write_text(yaml.safe_dump(data))
    err = _problems(run, path, tmp_path / "out")
    assert f"error[{code}]" in err and where in err
    if code == "unknown-report":
        assert "focus-ii or daily-seg or sidr" in err


def test_a_line_report_takes_no_holdings(run, tmp_path):
    doc = yaml.safe_load((INPUTS / "daily-seg-2017-12-26.yaml").read_text())
    shutil.copy(INPUTS / "daily-seg-2017-12-26.csv", tmp_path)
    doc["holdings"] = "h.csv"
    path = tmp_path / "d.yaml"
    path.write_text(yaml.safe_dump(doc))
    err = _problems(run, path, tmp_path / "out")
    assert "holdings: error[bad-field]: holdings: is not an input of the daily-seg" in err


def test_a_holding_in_a_currency_is_converted_exactly_and_rounded_once(tmp_path):
    from sidrmake import filing
    # EUR 1,000.005 at 1.1 = $1,100.0055 -> $1,100; EUR 0.45 at 1.1 = $0.495 -> $0 (half up: 0.5 would be 1)
    rows = [holding(value="1000.005", currency="EUR"), holding(depository="Other Bank", value="0.45", currency="EUR"),
            holding(depository="Third Bank", value="0.5")]
    f = filing(write_input(tmp_path, rows, as_of="2017-12-29", fx={"EUR": "1.1", "as_of": "2017-12-29"}))
    assert [h.dollars for h in f.input.holdings.rows] == [1100, 0, 1]
    assert f.values["seg.cash_banks"] == 1101           # the whole dollars summed: every table foots


# --- the example: PDF, text and JSON ------------------------------------------------------------------

@pytest.fixture(scope="module")
def example(tmp_path_factory):
    """The example built once by the command line (a process of its own, as a user runs it)."""
    out = tmp_path_factory.mktemp("sidr")
    result = subprocess.run([shutil.which("focusgen") or str(INPUTS.parent / ".venv/bin/focusgen"), "build",
                             str(INPUTS / "sidr-2017-12-26.yaml"), "--out", str(out)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return out, result.stdout + result.stderr


def test_the_example_builds_its_pdf_text_and_json(example):
    out, _ = example
    assert {p.name for p in out.iterdir()} == {"sidr-2017-12-26.pdf", "sidr-2017-12-26.txt", "sidr-2017-12-26.json",
                                              "manifest.json"}
    assert (out / "sidr-2017-12-26.pdf").read_bytes().startswith(b"%PDF-")


def test_the_example_agrees_with_the_credit_suisse_daily_seg(example):
    data = json.loads((example[0] / "sidr-2017-12-26.json").read_text())
    values = data["uncoded"]
    # every figure from the filed Daily Seg of 12/26/2017, added by hand:
    # segregation: 7070 618,144,548 + 7100 3,816,788,964 + 7140 6,745,973 + customer securities 7090 805,782,419
    # and 7120 377,515,143 = 5,624,977,047; with 7130 47,535,907, 7132 433,106,330, 7133 -317,239,096 outside:
    # 5,788,380,188 = 7180
    assert values["seg.cash_banks"]["value"] == 618_144_548
    assert values["seg.cash_dcos"]["value"] == 3_816_788_964
    assert values["seg.customer_securities"]["value"] == 1_183_297_562
    assert values["seg.total"]["value"] == 5_624_977_047
    # secured: 7500 817,892,569 + 7520 319,541,064 + 7700 1,660,204,851 + 7540 877,873,206 = 3,675,511,690
    assert values["sec.total"]["value"] == 3_675_511_690
    # cleared swaps: 8600 557,182,344 + 8630 6,505,456,260 + 8620 536,902,959 + 8650 3,321,103,818
    assert values["swp.total"]["value"] == 10_920_645_381
    assert values["seg.investments"]["value"] == 0 and values["seg.reverse_repo"]["value"] == 0
    rec = data["reconciliation"]
    assert rec["agrees"] and {t["origin"]: (t["sum"], t["line"], t["other"]) for t in rec["totals"]} == {
        "segregation": (5_788_380_188, "7180", 5_788_380_188), "secured": (3_710_746_546, "7770", 3_710_746_546),
        "cleared_swaps": (10_792_045_668, "8720", 10_792_045_668)}
    assert data["lines"] == {}                    # WinJammer's SIDR codes are not public: no code is printed


def test_the_example_says_its_date_is_not_a_sidr_date_and_when_it_is_due(example):
    data = json.loads((example[0] / "sidr-2017-12-26.json").read_text())
    assert [w["code"] for w in data["warnings"]] == ["not-a-report-date"]
    assert "2017-12-15 and 2017-12-29" in data["warnings"][0]["message"]
    assert (data["deadline"]["date"], data["deadline"]["time"]) == ("2017-12-27", "11:59 p.m. ET")
    assert "not-a-report-date" in example[1] and "every tie agrees" in example[1]


def test_the_example_lists_each_depository(example):
    data = json.loads((example[0] / "sidr-2017-12-26.json").read_text())
    seg = data["depositories"]["sidr_seg"]
    cme = next(d for d in seg["depositories"] if d["depository"] == "Chicago Mercantile Exchange Inc.")
    assert (cme["kind"], cme["cash"], cme["customer"], cme["total"]) == ("dco", 2_900_000_000, 300_000_000, 3_200_000_000)
    assert seg["total"] == {"cash": 4_441_679_485, "investments": 0, "customer": 1_183_297_562, "total": 5_624_977_047}
    assert len(seg["depositories"]) == 6 and not any(d["affiliate"] for d in seg["depositories"])
    text = (example[0] / "sidr-2017-12-26.txt").read_text()
    assert "    Chicago Mercantile Exchange Inc., Chicago, IL         2,900,000,000                  0        " \
           "300,000,000      3,200,000,000" in text
    assert "Form:Segregation Investment Detail Report Submit Date:12/27/2017" in text


def test_the_example_pdf_shows_every_statement_and_depository(example):
    pdf = example[0] / "sidr-2017-12-26.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert text.count("\f") == 5                       # the filing page, the cover, a page per origin
    for wanted in ("WINJAMMER FILING", "Segregation Investment Detail Report - Cover Page",
                   "Segregation Investment Detail - Secured Amount Funds", "Sakura Futures Co., Ltd., Tokyo, Japan",
                   "Segregation Investment Detail - Cleared Swaps Customer Collateral", "LCH Limited",
                   "5,624,977,047", "Total funds held"):
        assert wanted in text, wanted


def test_the_sidr_pdf_is_the_same_bytes_every_build(run, tmp_path):
    for n in (1, 2):
        assert run("build", INPUTS / "sidr-2017-12-26.yaml", "--out", tmp_path / str(n), "--format", "pdf")[0] == 0
    assert (tmp_path / "1" / "sidr-2017-12-26.pdf").read_bytes() == (tmp_path / "2" / "sidr-2017-12-26.pdf").read_bytes()


def test_a_depository_name_prints_literally(run, tmp_path):
    rows = [holding(depository="A&B <Trust> Co.", value="5")]
    path = write_input(tmp_path, rows, as_of="2017-12-29")
    assert run("build", path, "--out", tmp_path / "out", "--format", "pdf,txt")[0] == 0
    text = subprocess.run(["pdftotext", str(tmp_path / "out" / "sidr.pdf"), "-"], capture_output=True, text=True).stdout
    assert "A&B <Trust> Co., Chicago, IL" in text


def test_the_sidr_has_no_public_copy_and_is_not_posted(run, tmp_path):
    status, _, err = run("build", INPUTS / "sidr-2017-12-26.yaml", "--out", tmp_path / "s", "--public")
    assert status == 2 and "--public: error[bad-option]" in err and not (tmp_path / "s").exists()
    assert run("build", INPUTS / "sidr-2017-12-26.yaml", "--out", tmp_path / "b" / "sidr", "--format", "json")[0] == 0
    assert run("build", INPUTS / "daily-seg-2017-12-26.yaml", "--out", tmp_path / "b" / "daily", "--public")[0] == 0
    status, out, err = run("disclose", tmp_path / "b", "--out", tmp_path / "posting")
    assert status == 0, err
    assert sorted(p.name for p in (tmp_path / "posting").glob("*.pdf")) == ["2017-12-26-daily-seg.pdf"]


# --- the report's dates ------------------------------------------------------------------------------

def test_the_sidr_dates_of_2017_on_the_calendar(run):
    status, out, _ = run("calendar", "2017", "--report", "sidr", "--json")
    assert status == 0
    found = [(d["as_of"], d["due_date"], d["due_time"]) for d in json.loads(out)["dates"]]
    # worked out by hand: the 15th or the next business day (1/15 a Sunday and 1/16 Martin Luther King Jr. Day;
    # 4/15, 7/15 Saturdays; 10/15 a Sunday), the last business day (4/30, 9/30, 12/31 weekend days), each due the
    # next business day (7/3 a Monday; 1/1/2018 New Year's Day) by 11:59 p.m. Eastern
    days = [("01-17", "01-18"), ("01-31", "02-01"), ("02-15", "02-16"), ("02-28", "03-01"), ("03-15", "03-16"),
            ("03-31", "04-03"), ("04-17", "04-18"), ("04-28", "05-01"), ("05-15", "05-16"), ("05-31", "06-01"),
            ("06-15", "06-16"), ("06-30", "07-03"), ("07-17", "07-18"), ("07-31", "08-01"), ("08-15", "08-16"),
            ("08-31", "09-01"), ("09-15", "09-18"), ("09-29", "10-02"), ("10-16", "10-17"), ("10-31", "11-01"),
            ("11-15", "11-16"), ("11-30", "12-01"), ("12-15", "12-18")]
    expected = [(f"2017-{a}", f"2017-{d}", "11:59 p.m. ET") for a, d in days] + [("2017-12-29", "2018-01-02", "11:59 p.m. ET")]
    assert found == expected


def test_a_sidr_as_of_a_sidr_date_has_no_date_warning(tmp_path):
    from sidrmake import filing
    f = filing(write_input(tmp_path, [GOOD], as_of="2017-12-15"))
    assert [w.code for w in f.input.warnings] == []
    assert str(f.input.due) == "by 11:59 p.m. the next business day: 12/18/2017 11:59 p.m. ET"


def test_an_overdraft_prints_with_a_minus_sign_as_winjammer_does(run, tmp_path):
    rows = [holding(value="-1234.50"), holding(depository="Other Bank", value="2000")]
    path = write_input(tmp_path, rows, as_of="2017-12-29")
    assert run("build", path, "--out", tmp_path / "out", "--format", "txt,json")[0] == 0
    text = (tmp_path / "out" / "sidr.txt").read_text()
    # -$1,234.50 rounds half up (away from zero) to -$1,235; the bank line is -1,235 + 2,000 = 765
    assert "    Prairie State Bank, Chicago, IL                              -1,235" in text
    assert json.loads((tmp_path / "out" / "sidr.json").read_text())["uncoded"]["seg.cash_banks"]["value"] == 765


def test_holdings_that_are_not_a_regular_file_are_refused(run, tmp_path):
    import os
    path = write_input(tmp_path, [], holdings="fifo.csv")
    os.mkfifo(tmp_path / "fifo.csv")
    err = _problems(run, path, tmp_path / "out")
    assert "error[not-a-regular-file]" in err


def test_a_folder_of_inputs_builds_the_sidr_beside_the_daily_seg(run, tmp_path):
    for name in ("sidr-2017-12-26.yaml", "sidr-2017-12-26.csv", "daily-seg-2017-12-26.yaml", "daily-seg-2017-12-26.csv"):
        shutil.copy(INPUTS / name, tmp_path / name)
    status, out, err = run("build", tmp_path, "--out", tmp_path / "out", "--format", "txt,json", "--jobs", "2")
    assert status == 0, err
    assert "Customer segregated funds 5,624,977,047" in out and "2 built, 0 failed" in out
