"""focusgen check: differences against a prior filing, and the prior's own edit checks."""

import json
import re
import shutil

import pytest

from conftest import FIXTURES, INPUTS
from focusgen.form import formdef


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from focusgen.cli import main
    out = tmp_path_factory.mktemp("built")
    assert main(["build", str(INPUTS / "2020-11.yaml"), "--out", str(out), "--quiet"]) == 0
    return out


def test_same_filing_has_no_differences(run, built):
    for prior in ("2020-11.pdf", "2020-11.txt", "2020-11.json"):
        status, out, err = run("check", INPUTS / "2020-11.yaml", "--against", built / prior)
        assert status == 0, (prior, out, err)
        assert "0 line(s) differ" in out


def test_against_the_filed_ocr_text(run):
    status, out, _ = run("check", INPUTS / "2020-11.yaml", "--against", FIXTURES / "hsbc-focus-ii-2020-11.txt",
                         "--json")
    data = json.loads(out)
    assert status == 0 and data["differences"] == []
    # the truncated capital page cannot be compared: said, never taken as equal
    assert set(data["not_compared"]) == {"7415", "7425", "7465"}


INPUT_LINES = [c for c, line in formdef.report("focus-ii").lines.items() if line.kind == "input"
               and not line.target_of and c not in ("7415", "7435", "7465", "7475")]


@pytest.mark.parametrize("code", INPUT_LINES)
def test_a_one_dollar_change_on_any_input_line_is_found(run, built, tmp_path, code):
    text = (INPUTS / "2020-11.yaml").read_text()
    m = re.search(rf"^  {code}: (-?\d+)", text, re.M)
    if m:
        value = int(m.group(1))
        # a dollar toward zero for a negative line (an offset may not exceed its deficit), up otherwise
        nonpositive = formdef.report("focus-ii").lines[code].sign == "nonpositive"
        changed = text.replace(m.group(0), f"  {code}: {value - 1 if value == 0 and nonpositive else value + 1}")
    else:   # a blank line given a dollar
        sign = -1 if formdef.report("focus-ii").lines[code].sign == "nonpositive" else 1
        changed = text.replace("\nlines:\n", f"\nlines:\n  {code}: {sign}\n")
    (tmp_path / "changed.yaml").write_text(changed)
    status, out, _ = run("check", tmp_path / "changed.yaml", "--against", built / "2020-11.pdf", "--json")
    data = json.loads(out)
    assert status == 1
    diff = {d["line"]: d["difference"] for d in data["differences"]}
    assert abs(diff[code]) == 1


def test_tolerance(run, built, tmp_path):
    text = (INPUTS / "2020-11.yaml").read_text().replace("7010: 1443907046", "7010: 1443907056")
    (tmp_path / "c.yaml").write_text(text)
    assert run("check", tmp_path / "c.yaml", "--against", built / "2020-11.json", "--tolerance", "10")[0] == 0
    assert run("check", tmp_path / "c.yaml", "--against", built / "2020-11.json", "--tolerance", "9")[0] == 1


def test_broken_total_fails_the_edit_checks(run, built, tmp_path):
    text = (built / "2020-11.txt").read_text().replace("3,893,682,134 [7180]", "3,893,682,135 [7180]")
    (tmp_path / "broken.txt").write_text(text)
    status, out, _ = run("check", built / "2020-11.json", "--against", tmp_path / "broken.txt", "--json")
    data = json.loads(out)
    assert status == 1
    failed = {f["line"] for f in data["prior_edit_checks"]}
    assert "7180" in failed
    # text of unknown origin (often OCR): the value its own arithmetic doubts is unconfirmed, shown to
    # compare by eye with what the text shows, never taken as equal or as different (issue 22)
    assert any(d["line"] == "7180" and d["prior_shows"] == 3893682135 for d in data["compare_by_eye"])
    assert not any(d["line"] == "7180" for d in data["differences"])


def test_report_kind_mismatch_is_unusable(run):
    status, _, err = run("check", INPUTS / "2020-11.yaml", "--against", FIXTURES / "cs-daily-seg-2017-12-26.txt")
    assert status == 2 and "error[report-mismatch]" in err


def test_many_at_once_pairs_by_kind_and_date(run, built, tmp_path):
    cur, filed = tmp_path / "cur", tmp_path / "filed"
    cur.mkdir()
    filed.mkdir()
    shutil.copy(INPUTS / "2020-11.yaml", cur / "nov.yaml")
    for name in ("daily-seg-2017-12-26.yaml", "daily-seg-2017-12-26.csv"):
        shutil.copy(INPUTS / name, cur / name)
    shutil.copy(built / "2020-11.pdf", filed / "nov-filed.pdf")
    shutil.copy(FIXTURES / "cs-daily-seg-2017-12-26.txt", filed / "cs.txt")
    text = (INPUTS / "2020-11.yaml").read_text().replace("2020-11-30", "2020-10-31").replace("2020-11-01", "2020-10-01")
    (cur / "oct.yaml").write_text(text)            # no prior for October
    status, out, err = run("check", cur, "--against", filed, "--json")
    data = json.loads(out)
    assert status == 1
    assert len(data["pairs"]) == 2 and all(p["differences"] == [] for p in data["pairs"])
    assert [p.split("/")[-1] for p in data["current_without_prior"]] == ["oct.yaml"]
    status, out, _ = run("check", cur, "--against", filed)
    assert "2 pair(s)" in out and "1 without a partner" in out


def test_a_one_dollar_change_on_any_line_of_the_prior(run, built, tmp_path):
    """Every line of the form, computed ones included, moved by a dollar in the prior."""
    doc = json.loads((built / "2020-11.json").read_text())
    for code in formdef.report("focus-ii").amount_codes:
        changed = json.loads(json.dumps(doc))
        changed["lines"][code] = (changed["lines"][code] or 0) + 1
        (tmp_path / "prior.json").write_text(json.dumps(changed))
        status, out, _ = run("check", built / "2020-11.json", "--against", tmp_path / "prior.json", "--json")
        data = json.loads(out)
        assert status == 1, code
        assert [(d["line"], d["difference"]) for d in data["differences"]] == [(code, -1)]
