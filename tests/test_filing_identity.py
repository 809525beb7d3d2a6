"""Knowing what a filing is (issue 8, point 4): the report kind, firm and date come from the banner and
the statement titles, never from free text; a document that is no filing is refused (exit 2), and
check passes only when enough of the prior was compared."""

import json
import random

import pytest

from conftest import FIXTURES, INPUTS


def write(tmp_path, name, data):
    path = tmp_path / name
    (path.write_bytes if isinstance(data, bytes) else path.write_text)(data)
    return path


def lorem_pdf(tmp_path):
    from weasyprint import HTML
    text = "Lorem ipsum dolor sit amet, consectetur adipiscing elit 7010 1,234,567. " * 40
    return write(tmp_path, "lorem.pdf", HTML(string=f"<p>{text}</p>").write_pdf())


NOT_FILINGS = {
    "shopping list": lambda t: write(t, "list.txt", "Shopping list\nmilk 2\neggs 12\nbread 1\ncoffee 3.99\n"),
    "random bytes": lambda t: write(t, "random.txt", random.Random(8).randbytes(4096).replace(b"\x00", b"x")),
    # the last CI run drew random bytes that began with a brace and were taken for broken JSON
    "random bytes after a brace": lambda t: write(
        t, "random3.txt", b"{" + random.Random(9).randbytes(4096).replace(b"\x00", b"x")),
    "random text": lambda t: write(t, "random2.txt", "".join(chr(32 + (i * 7919) % 90) for i in range(5000))),
    "numbers only": lambda t: write(t, "numbers.txt", "\n".join(f"{7000 + i} {i * 1000:,}" for i in range(300))),
    "lorem ipsum PDF": lorem_pdf,
    "a contract": lambda t: write(t, "contract.txt", "AGREEMENT\nThis agreement between the parties, dated "
                                  "11/30/2020, concerns segregation of duties.\n" * 30),
}


@pytest.mark.parametrize("case", sorted(NOT_FILINGS))
def test_a_non_filing_is_refused_by_extract_and_check(run, tmp_path, case):
    prior = NOT_FILINGS[case](tmp_path)
    status, _, err = run("extract", prior)
    assert status == 2 and ("error[not-a-filing]" in err or "error[not-text]" in err), err
    assert "Traceback" not in err
    status, out, err = run("check", INPUTS / "2020-11.yaml", "--against", prior)
    assert status == 2 and "0 line(s) differ" not in out


def test_not_a_filing_says_how_much_was_found(run, tmp_path):
    status, _, err = run("extract", NOT_FILINGS["shopping list"](tmp_path))
    assert "0 of the 6 statement titles" in err


@pytest.mark.parametrize("fmt", ["txt", "pdf"])
def test_a_firm_named_daily_seg_stays_focus_ii(run, tmp_path, fmt):
    text = (INPUTS / "2020-11.yaml").read_text().replace("name: HSBC SECURITIES (USA) INC.", "name: DAILY SEG CAPITAL LLC", 1)
    path = write(tmp_path, "f.yaml", text)
    assert run("build", path, "--out", tmp_path / "o", "--format", "txt,pdf")[0] == 0
    status, out, err = run("extract", tmp_path / "o" / f"f.{fmt}", "--json")
    assert status == 0, err
    data = json.loads(out)
    assert data["report"] == "focus-ii" and data["firm"] == "DAILY SEG CAPITAL LLC"


def test_a_daily_seg_is_known_by_its_banner_and_titles(run, tmp_path):
    status, out, _ = run("extract", FIXTURES / "cs-daily-seg-2017-12-26.txt", "--json")
    assert status == 0 and json.loads(out)["report"] == "daily-seg"


def test_check_fails_when_too_little_of_the_prior_was_compared(run, tmp_path):
    text = (FIXTURES / "hsbc-focus-ii-2020-11.txt").read_text().splitlines()
    part = write(tmp_path, "part.txt", "\n".join(text[: len(text) // 3]))
    status, out, err = run("check", INPUTS / "2020-11.yaml", "--against", part)
    assert status == 1, (out, err)
    assert "too little of the prior was legible to pass" in out and "compared" in out


def test_check_says_how_much_was_compared_and_notes_other_dates_and_firms(run, tmp_path):
    assert run("build", INPUTS / "2020-11.yaml", "--out", tmp_path / "o", "--format", "json")[0] == 0
    status, out, _ = run("check", INPUTS / "2020-11.yaml", "--against", tmp_path / "o" / "2020-11.json")
    assert status == 0 and "compared" in out and "(100%)" in out
    text = (INPUTS / "2020-11.yaml").read_text().replace("as_of: 2020-11-30", "as_of: 2020-12-31") \
        .replace("name: HSBC SECURITIES (USA) INC.", "name: OTHER FIRM LLC", 1)
    other = write(tmp_path, "other.yaml", text)
    status, out, _ = run("check", other, "--against", tmp_path / "o" / "2020-11.json")
    assert "note: the prior is as of 2020-11-30, the current filing as of 2020-12-31" in out
    assert "note: the prior's firm is 'HSBC SECURITIES (USA) INC.'" in out
