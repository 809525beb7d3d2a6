"""The SIDR reconciled to the Daily Seg of the same date (`focusgen reconcile`, and a SIDR input's
`daily_seg:`): the example agrees with the filed Credit Suisse Daily Seg from its input, its JSON and its
filed print; a planted difference on either side is named with both sides and exits 1, as check does."""

import json
import shutil

import pytest
import yaml

from conftest import FIXTURES, INPUTS


@pytest.fixture
def copies(tmp_path):
    """The example and the Daily Seg it ties to, copied where a test may change them."""
    for name in ("sidr-2017-12-26.yaml", "sidr-2017-12-26.csv", "daily-seg-2017-12-26.yaml", "daily-seg-2017-12-26.csv"):
        shutil.copy(INPUTS / name, tmp_path / name)
    return tmp_path


def _replace(path, old, new):
    text = path.read_text()
    assert text.count(old) == 1
    path.write_text(text.replace(old, new))


def test_the_example_agrees_with_the_daily_seg_input(run):
    status, out, err = run("reconcile", INPUTS / "sidr-2017-12-26.yaml", "--against", INPUTS / "daily-seg-2017-12-26.yaml")
    assert status == 0, err
    assert "every tie agrees" in out
    assert "segregation: holdings 5,624,977,047 + outside the holdings 163,403,141 = 5,788,380,188; daily-seg 7180 " \
           "5,788,380,188" in out


def test_the_example_agrees_with_the_daily_seg_json_and_its_filed_print(run, tmp_path):
    assert run("build", INPUTS / "daily-seg-2017-12-26.yaml", "--out", tmp_path, "--format", "json")[0] == 0
    for against in (tmp_path / "daily-seg-2017-12-26.json", FIXTURES / "cs-daily-seg-2017-12-26.txt"):
        status, out, err = run("reconcile", INPUTS / "sidr-2017-12-26.yaml", "--against", against, "--json")
        assert status == 0, err
        doc = json.loads(out)
        assert doc["agrees"] and all(t["difference"] == 0 for t in doc["ties"])
        # the lines outside the holdings, with their amounts as filed
        assert {(o["line"], o["value"]) for o in doc["outside"] if o["origin"] == "segregation"} == {
            ("7130", 47_535_907), ("7132", 433_106_330), ("7133", -317_239_096)}


def test_a_dollar_planted_in_the_holdings_is_named_with_both_sides(run, copies):
    _replace(copies / "sidr-2017-12-26.csv", '"200,000,000"', '"200,000,001"')
    status, out, _ = run("reconcile", copies / "sidr-2017-12-26.yaml", "--against", copies / "daily-seg-2017-12-26.yaml")
    assert status == 1
    assert "segregation: Cash at banks and custodians: holdings 618,144,549 (row 2, row 3), daily-seg 7070 " \
           "618,144,548: difference 1" in out
    assert "segregation: holdings 5,624,977,048 + outside the holdings 163,403,141 = 5,788,380,189; daily-seg 7180 " \
           "5,788,380,188: difference 1" in out
    # within a tolerance of a dollar it agrees; the JSON says the same
    assert run("reconcile", copies / "sidr-2017-12-26.yaml", "--against", copies / "daily-seg-2017-12-26.yaml",
               "--tolerance", "1")[0] == 0
    status, out, _ = run("reconcile", copies / "sidr-2017-12-26.yaml", "--against", copies / "daily-seg-2017-12-26.yaml",
                         "--json")
    doc = json.loads(out)
    [tie] = [t for t in doc["ties"] if t["difference"]]
    assert (tie["origin"], tie["lines"], tie["holdings"], tie["other"], tie["rows"]) == (
        "segregation", ["7070"], 618_144_549, 618_144_548, ["row 2", "row 3"])
    assert doc["agrees"] is False


def test_a_difference_planted_in_the_daily_seg_is_named_with_both_sides(run, copies):
    # 7120 (customer securities at DCOs) 377,515,143 keyed as 377,515,000: the Daily Seg's 7180 moves with it
    _replace(copies / "daily-seg-2017-12-26.csv", '7120,"377,515,143"', '7120,"377,515,000"')
    status, out, _ = run("reconcile", copies / "sidr-2017-12-26.yaml", "--against", copies / "daily-seg-2017-12-26.yaml")
    assert status == 1
    assert "segregation: Customer-owned securities at DCOs: holdings 377,515,143 (row 6, row 9), daily-seg 7120 " \
           "377,515,000: difference 143" in out
    assert "daily-seg 7180 5,788,380,045: difference 143" in out


def test_the_build_states_the_reconciliation_its_input_asks_for(run, copies):
    _replace(copies / "sidr-2017-12-26.csv", '"660,204,851"', '"660,204,850"')       # a dollar short at a broker
    status, out, err = run("build", copies / "sidr-2017-12-26.yaml", "--out", copies / "out")
    assert status == 0, err            # the report is built: the difference is for the filer to resolve
    assert "DIFFERENCES" in out and "secured: Cash with members of foreign boards of trade: holdings 1,660,204,850" in out
    doc = json.loads((copies / "out" / "sidr-2017-12-26.json").read_text())["reconciliation"]
    assert doc["agrees"] is False and doc["against"].endswith("daily-seg-2017-12-26.yaml")
    # the Daily Seg it reconciled to is hashed with the inputs
    manifest = json.loads((copies / "out" / "manifest.json").read_text())
    assert any(i["path"].endswith("daily-seg-2017-12-26.yaml") for i in manifest["inputs"])


@pytest.mark.parametrize("change,code", [
    (lambda d: d.update(as_of="2017-12-27", submit_date="2017-12-28"), "reconcile-other-date"),
    (lambda d: d["firm"].update(name="Another Securities LLC"), "reconcile-other-firm"),
])
def test_a_daily_seg_of_another_date_or_firm_is_refused(run, copies, change, code):
    path = copies / "daily-seg-2017-12-26.yaml"
    doc = yaml.safe_load(path.read_text())
    change(doc)
    path.write_text(yaml.safe_dump(doc))
    status, _, err = run("reconcile", copies / "sidr-2017-12-26.yaml", "--against", path)
    assert status == 2 and f"error[{code}]" in err


def test_only_a_daily_seg_and_only_a_holdings_report(run):
    status, _, err = run("reconcile", INPUTS / "sidr-2017-12-26.yaml", "--against", INPUTS / "2020-11.yaml")
    assert status == 2 and "error[report-mismatch]: is a focus-ii filing; the sidr reconciles to a daily-seg" in err
    status, _, err = run("reconcile", INPUTS / "daily-seg-2017-12-26.yaml", "--against", INPUTS / "daily-seg-2017-12-26.yaml")
    assert status == 2 and "error[bad-option]" in err
    assert run("reconcile", INPUTS / "sidr-2017-12-26.yaml", "--against", INPUTS / "daily-seg-2017-12-26.yaml",
               "--tolerance", "-1")[0] == 2


def test_a_daily_seg_line_not_shown_is_not_compared(run, tmp_path):
    assert run("build", INPUTS / "daily-seg-2017-12-26.yaml", "--out", tmp_path, "--format", "json")[0] == 0
    path = tmp_path / "daily-seg-2017-12-26.json"
    doc = json.loads(path.read_text())
    del doc["lines"]["7090"]                         # a JSON that does not state 7090 at all
    path.write_text(json.dumps(doc))
    status, out, _ = run("reconcile", INPUTS / "sidr-2017-12-26.yaml", "--against", path)
    assert status == 0
    assert "segregation: Customer-owned securities at banks and custodians: not compared (7090 not legible in the " \
           "daily-seg)" in out
