"""The Daily Seg text against the real WinJammer filing (tests/fixtures/cs-daily-seg-2017-12-26.txt),
line by line. The reference is text taken out of the filed PDF, and that extraction damaged it in
known ways; only these are normalised, each for the reason given:
  - markdown-like marks the extraction added around values and headings (`**`, `<u>`, `>` quotes,
    `----` table rules);
  - spacing after a colon in the banner, which the extraction shows both ways on one page;
  - words it cut (`credit-suiss e.com`, `ledge er`) and joined (`REQUIREMENTS(Section`);
  - the order of values: the PDF's value column was extracted apart from its labels, so values are
    compared by line code, and labels in order.
Every remaining difference is listed by the test's failure message."""

import difflib
import re

import pytest

from conftest import FIXTURES, INPUTS

REPAIRS = {"credit-suiss e.com": "credit-suisse.com", "ledge er": "ledger", "ledge\ter": "ledger", "REQUIREMENTS(Section": "REQUIREMENTS (Section"}


def _clean_reference(text: str) -> str:
    for bad, good in REPAIRS.items():
        text = text.replace(bad, good)
    text = re.sub(r"\*\*|</?u>|^\s*>\s*", "", text, flags=re.M)
    text = re.sub(r"^[-\s]+$", "", text, flags=re.M)
    return re.sub(r"(End Date|Firm Name|Form|Submit Date):\s*", r"\1:", text)


_VALUE = re.compile(r"(-?[\d,]+|o)\s*\[(\d{4}[A-C]?)\]")


def values(text: str) -> dict[str, str]:
    return {code: ("0" if v == "o" else v) for v, code in _VALUE.findall(text)}


def labels(text: str) -> list[str]:
    """The words of the text that are not amounts or codes, in order."""
    text = _VALUE.sub(" ", text)
    words = [w for w in text.replace("\t", " ").split() if not re.fullmatch(r"-?[\d,]+|\[\d{4}\]|o", w)]
    return words


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from focusgen.cli import main
    out = tmp_path_factory.mktemp("ds")
    assert main(["build", str(INPUTS / "daily-seg-2017-12-26.yaml"), "--out", str(out), "--format", "txt",
                 "--quiet"]) == 0
    return (out / "daily-seg-2017-12-26.txt").read_text()


@pytest.fixture(scope="module")
def reference():
    return _clean_reference((FIXTURES / "cs-daily-seg-2017-12-26.txt").read_text())


def test_every_coded_value_matches_the_filing(built, reference):
    ref, ours = values(reference), values(built)
    assert len(ref) >= 90
    assert {c: v for c, v in ours.items() if c in ref} == ref


def test_the_first_pages_match_line_by_line(built, reference):
    """The WinJammer filing page and the cover, to "Attach supporting documents"."""
    def head(text):
        end = text.index("Attach supporting documents") + len("Attach supporting documents")
        return " ".join(text[:end].split())
    ref, ours = head(reference), head(built)
    # the cover's values are one row in the reference's table: compare the words in order
    diff = [d for d in difflib.ndiff(ref.split(), ours.split()) if d[0] in "+-"]
    assert diff == [], diff


# Every difference that remains between the reference's words and ours, with the reason, each checked by
# hand against the filed PDF: all are damage done by the text extraction, none is a difference on the page.
# (what the reference has, what focusgen prints, why)
REMAINING = [
    ("", "5.", "secured 5.: the extraction dropped the row number (it prints beside the row in the PDF)"),
    ("", "6.", "secured 6.: likewise dropped"),
    ("", "4.", "funds 4.: likewise dropped"),
    ("2. 4.", "", "funds 2. and 4.: the extraction moved the dropped numbers to the foot of the page"),
    ("", "2.", "segregation 2.: dropped by the extraction"),
    ("", "4.", "segregation 4.: dropped by the extraction"),
    ("", "market)", "segregation 7.C: the extraction cut '(at market)' where it interleaved the value"),
    ("", "A. Cash", "segregation 8.A: the extraction merged the row into the one above"),
    ("", "market)", "segregation 8.C: cut as in 7.C"),
    ("14. 15. 16. Management", "", "segregation 14.-16.: numbers and a caption moved to the foot of the page"),
    ("Excess (deficiency) funds in cleared swaps customer segregation (subtract line from Management Target "
     "Amount for Excess funds in cleared swaps segregated accounts Excess (deficiency) funds in cleared swaps "
     "customer segregated accounts over (under) Cleared Swaps Customer Requirements", "",
     "cleared swaps 14.-16.: the extraction put these captions above the statement, without their numbers"),
    ("", "14. Excess (deficiency) funds in cleared swaps customer segregation (subtract line from line 13) 15. "
     "Management Target Amount for Excess funds in cleared swaps segregated accounts 16. Excess (deficiency) "
     "funds in cleared swaps customer segregated accounts over (under) Management Target Excess",
     "... and where the PDF prints them, at the foot of the statement ('line 13)' and 'Management Target "
     "Excess' were lost with their row)"),
]


def test_the_labels_match_in_order(built, reference):
    """Every difference between the reference's words and ours is listed in REMAINING, with its reason;
    a new one (or one fixed) fails the test with the whole list of differences."""
    ref, ours = labels(reference), labels(built)
    sm = difflib.SequenceMatcher(a=ref, b=ours, autojunk=False)
    differences = [(" ".join(ref[i1:i2]), " ".join(ours[j1:j2])) for op, i1, i2, j1, j2 in sm.get_opcodes()
                   if op != "equal"]
    assert differences == [(r, o) for r, o, _ in REMAINING], differences


def test_no_synthetic_codes_and_no_rules(built):
    assert "8715A" not in built and "8715B" not in built and "8715C" not in built
    assert "=====" not in built
    assert built.count("End Date:12/26/2017") == built.count("Firm Name:Credit Suisse Securities (USA) LLC") >= 5


def test_banner_dates_are_not_zero_padded(run, tmp_path):
    text = (INPUTS / "daily-seg-2017-12-26.yaml").read_text().replace("as_of: 2017-12-26", "as_of: 2016-01-06") \
        .replace("submit_date: 2017-12-27", "submit_date: 2016-01-07")
    (tmp_path / "d.yaml").write_text(text)
    (tmp_path / "daily-seg-2017-12-26.csv").write_text((INPUTS / "daily-seg-2017-12-26.csv").read_text())
    assert run("build", tmp_path / "d.yaml", "--out", tmp_path / "o", "--format", "txt")[0] == 0
    out = (tmp_path / "o" / "d.txt").read_text()
    assert "End Date:1/6/2016" in out and "Submit Date:1/7/2016" in out
