"""Golden tests: building the example inputs reproduces every filed value of the two reference
filings. Expected values are read from the hand transcriptions in tests/fixtures, never computed."""

import json
import re

import pytest

from conftest import INPUTS


def built(run, tmp_path, name):
    status, out, err = run("build", INPUTS / f"{name}.yaml", "--out", tmp_path)
    assert status == 0, err
    data = json.loads((tmp_path / f"{name}.json").read_text())
    text = (tmp_path / f"{name}.txt").read_text()
    return data, text


def text_values(text: str) -> dict:
    """code -> the amount printed before [code] in the text output (None when blank).
    An amount stands in its column, after at least two spaces; label words are single-spaced. A negative
    is in parentheses on FOCUS II (as the SEC form prints it), with a minus sign on a Daily Seg."""
    found = {}
    for m in re.finditer(r"(?:(?<=\s\s)(-?\(?\d{1,3}(?:,\d{3})*\)?))?\s+\[(\d{4}[A-C]?)\]", text):
        amount, code = m.groups()
        if amount:
            value = int(amount.strip("()-").replace(",", ""))
            found[code] = -value if amount.startswith(("(", "-")) else value
        else:
            found[code] = None
    return found


def test_hsbc_every_filed_value(run, tmp_path, hsbc):
    data, text = built(run, tmp_path, "2020-11")
    printed = text_values(text)
    # The capital page was truncated: 'unreadable' lines are not on the filing, so not compared.
    expected = {c: v for c, v in hsbc["values"].items() if hsbc["basis"][c] != "unreadable"}
    assert len(expected) == 104   # 110 lines less the six unreadable capital lines
    mismatches = {c: (data["lines"][c], v) for c, v in expected.items() if data["lines"][c] != v}
    assert mismatches == {}
    assert {c: printed[c] for c in expected} == expected


@pytest.mark.parametrize("code,filed", [
    ("7180", 3_893_682_134), ("7190", 134_116_777), ("7198", 12_116_777), ("7060", 3_759_565_357),
    ("7360", 131_922_164), ("7770", 157_953_871), ("7380", 26_031_707), ("7785", 11_031_707),
    ("8590", 1_292_448_506), ("8720", 1_375_846_944), ("8730", 83_398_438), ("8770", 10_398_438),
    ("7490", 471_057_307), ("7495", 518_163_038)])
def test_hsbc_key_totals_as_printed_on_the_filing(run, tmp_path, code, filed):
    # These figures are copied from the filed page text (hsbc-focus-ii-2020-11.txt), by eye.
    data, _ = built(run, tmp_path, "2020-11")
    assert data["lines"][code] == filed


def test_hsbc_names_and_blanks(run, tmp_path, hsbc):
    data, text = built(run, tmp_path, "2020-11")
    assert data["names"] == hsbc["names"]
    assert "Name(s): HARRIS TRUST [7510]" in text
    # The dealer-options page is blank on the filing, not zero.
    for code in ("7200", "7210", "7220", "7230", "7240", "7080", "7160", "7680"):
        assert data["lines"][code] is None
        assert text_values(text)[code] is None


def test_cs_daily_seg_every_filed_value(run, tmp_path, cs):
    data, text = built(run, tmp_path, "daily-seg-2017-12-26")
    assert data["lines"] == cs["values"]        # exactly the codes of the filing, no more
    printed = text_values(text)
    assert {c: printed[c] for c in cs["values"]} == cs["values"]
    uncoded = cs["uncoded_values"]
    assert [data["uncoded"][c]["value"] for c in ("8715A", "8715B", "8715C")] == [
        uncoded["swaps_line_12A_cash"], uncoded["swaps_line_12B_securities_representing_investments"],
        uncoded["swaps_line_12C_securities_in_lieu_of_cash"]]
    # Daily Seg has no dealer-options or capital page: those codes are absent, not null.
    assert "7200" not in data["lines"] and "7490" not in data["lines"]


def test_cs_cover_page_targets(run, tmp_path, cs):
    data, text = built(run, tmp_path, "daily-seg-2017-12-26")
    for code, key in (("7194", "customer_segregated"), ("7780", "customer_secured"), ("8760", "cleared_swaps")):
        assert data["targets"][code]["percent"] == str(cs["residual_interest_targets"][key]["b_min_pct"])
    # WinJammer's cover: the four options with their blanks, then a., b., c. low/high, d. low/high
    assert "b. Minimum percentage of customer segregated funds required:%; or" in " ".join(text.split())
    assert text.count("\n0 5 0 0 0 0\n") == 3
    assert "End Date:12/26/2017" in text and "Submit Date:12/27/2017" in text
    assert "Firm Name:Credit Suisse Securities (USA) LLC" in text


def test_text_prints_negatives_with_minus_as_winjammer(run, tmp_path):
    _, text = built(run, tmp_path, "daily-seg-2017-12-26")
    assert re.search(r"-317,239,096 \[7033\]", text)
    assert re.search(r"-28,666,363 \[7047\]\s+285,298 \[7050\]", text)


def test_csv_only_build_with_meta(run, tmp_path, cs):
    meta = tmp_path / "meta.yaml"
    meta.write_text("report: daily-seg\nas_of: 2017-12-26\nfirm: {name: Credit Suisse Securities (USA) LLC}\n"
                    "lines: {7194: '5%', 7780: '5%', 8760: '5%'}\n")
    status, _, err = run("build", INPUTS / "daily-seg-2017-12-26.csv", "--meta", meta, "--out", tmp_path / "o")
    assert status == 0, err
    data = json.loads((tmp_path / "o" / "daily-seg-2017-12-26.json").read_text())
    assert data["lines"]["8770"] == cs["values"]["8770"]
    assert data["lines"]["7785"] == cs["values"]["7785"]
