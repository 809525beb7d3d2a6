"""The FOCUS II cover's boxes as on the form (issue 11, point 7): PART II [11], the address boxes
street [20], city [21], state [22], zip [23] from a structured address (a one-line address prints whole
in box 20), the subsidiaries or affiliates consolidated [32]-[39], the audited-report box [42] and the
execution block with its date and signatures left blank. The wording is the form's, as filed
(tests/fixtures/hsbc-focus-ii-2020-11.txt)."""

import json

import pytest

from conftest import FIXTURES, INPUTS
from pdfutil import pdf_text


def _build(run, tmp_path, text, formats="txt,json,pdf"):
    path = tmp_path / "c.yaml"
    path.write_text(text)
    status, out, err = run("build", path, "--out", tmp_path / "o", "--format", formats)
    return status, err, tmp_path / "o"


def _outputs(run, tmp_path, text):
    status, err, out = _build(run, tmp_path, text)
    assert status == 0, err
    return (out / "c.txt").read_text(), json.loads((out / "c.json").read_text()), pdf_text((out / "c.pdf").read_bytes())


def test_the_example_prints_the_filings_address_boxes(run, tmp_path):
    text, doc, pdf = _outputs(run, tmp_path, (INPUTS / "2020-11.yaml").read_text())
    # the filed cover: "452 FIFTH AVENUE ... [20] ... NEW YORK CITY 21 NY 22 10018 23"
    filed = (FIXTURES / "hsbc-focus-ii-2020-11.txt").read_text()
    assert "452 FIFTH AVENUE\t(No. and Street) [20]" in filed and "NEW YORK CITY\t21 NY 22 10018 23" in filed
    for value, box in (("452 FIFTH AVENUE", "20"), ("NEW YORK CITY", "21"), ("NY", "22"), ("10018", "23")):
        assert f": {value} [{box}]" in text
        assert f"{value} {box}" in pdf          # the value, then its box number on the same line
    assert doc["firm"]["address"] == {"street": "452 FIFTH AVENUE", "city": "NEW YORK CITY", "state": "NY",
                                      "zip": "10018"}
    assert "SINGLE REPORT) PART II [11]" in text and "PART II 11" in pdf
    # the execution block as filed, its date and signatures blank
    for words in ("EXECUTION:", "Manual Signatures of:", "1) Principal Executive Officer or Managing Partner",
                  "2) Principal Financial Officer or Partner", "3) Principal Operations Officer or Partner",
                  "ATTENTION - Intentional misstatements or omissions of facts constitute Federal Criminal"):
        assert words in filed and words in text and words in pdf
    assert "Dated the ______ day of ______________ 20____" in text
    assert "[ ] CHECK HERE IF RESPONDENT IS FILING AN AUDITED REPORT [42]" in text
    assert "[X] YES [40]  [ ] NO [41]" in text
    for box in range(32, 40):
        assert f"[{box}]" in text


def test_a_one_line_address_prints_whole_in_box_20(run, tmp_path):
    text, doc, pdf = _outputs(run, tmp_path, (INPUTS / "2020-11.yaml").read_text().replace(
        'address: {street: 452 FIFTH AVENUE, city: NEW YORK CITY, state: NY, zip: "10018"}',
        "address: 452 FIFTH AVENUE, NEW YORK CITY, NY 10018"))
    assert "(No. and Street): 452 FIFTH AVENUE, NEW YORK CITY, NY 10018 [20]" in text
    assert "(City):  [21]" in text and "(State):  [22]" in text and "(Zip Code):  [23]" in text
    assert doc["firm"]["address"] == "452 FIFTH AVENUE, NEW YORK CITY, NY 10018"
    assert "452 FIFTH AVENUE, NEW YORK CITY, NY 10018 20" in pdf


def test_consolidated_affiliates_and_the_audited_box(run, tmp_path):
    extra = ("consolidated:\n  - {name: HSBC AFFILIATE ONE LLC, sec_file_no: 8-12345}\n"
             "  - {name: HSBC AFFILIATE TWO LLC}\naudited_report: true\ncarries_customer_accounts: false\n")
    text, doc, pdf = _outputs(run, tmp_path, (INPUTS / "2020-11.yaml").read_text() + extra)
    assert "    HSBC AFFILIATE ONE LLC (SEC file no. 8-12345) [32]  OFFICIAL USE: [33]" in text
    assert "    HSBC AFFILIATE TWO LLC [34]  OFFICIAL USE: [35]" in text
    assert "     [36]  OFFICIAL USE: [37]" in text
    assert "[X] CHECK HERE IF RESPONDENT IS FILING AN AUDITED REPORT [42]" in text
    assert "[ ] YES [40]  [X] NO [41]" in text
    assert "HSBC AFFILIATE ONE LLC (SEC file no. 8-12345)" in pdf and "X CHECK HERE IF RESPONDENT" in pdf
    assert doc["firm"]["name"] == "HSBC SECURITIES (USA) INC."


@pytest.mark.parametrize("edit,code,says", [
    (lambda t: t.replace('zip: "10018"', "zip: 2110"), "bad-field", "write it in quotes"),
    (lambda t: t.replace('zip: "10018"', 'zip: "10018", suite: 4'), "unknown-key", "street, city, state, zip"),
    (lambda t: t + "consolidated:\n" + "".join(f"  - {{name: A{i}}}\n" for i in range(5)), "bad-field", "consolidated"),
    (lambda t: t + "consolidated: [{name: A, file: 1}]\n", "unknown-key", "name, sec_file_no"),
    (lambda t: t + "audited_report: maybe\n", "bad-field", "audited_report"),
])
def test_bad_cover_fields_are_named(run, tmp_path, edit, code, says):
    status, err, out = _build(run, tmp_path, edit((INPUTS / "2020-11.yaml").read_text()))
    assert status == 2 and f"error[{code}]" in err and says in err, err
    assert not out.exists()


def test_a_quoted_zip_keeps_its_leading_zero(run, tmp_path):
    text, doc, _ = _outputs(run, tmp_path, (INPUTS / "2020-11.yaml").read_text().replace('zip: "10018"', 'zip: "02110"'))
    assert "(Zip Code): 02110 [23]" in text and doc["firm"]["address"]["zip"] == "02110"


@pytest.mark.parametrize("key", ["consolidated: [{name: A}]", "audited_report: true"])
def test_focus_ii_cover_boxes_on_a_daily_seg_are_refused(run, tmp_path, key):
    import shutil
    shutil.copy(INPUTS / "daily-seg-2017-12-26.csv", tmp_path)
    status, err, out = _build(run, tmp_path, (INPUTS / "daily-seg-2017-12-26.yaml").read_text() + key + "\n")
    assert status == 2 and "error[bad-field]" in err and "FOCUS II cover" in err, err
