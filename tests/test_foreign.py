"""Prior filings that focusgen did not print (issue 8): the reference filings' values in five
layouts unlike focusgen's own (tests/foreign), as text-layer PDFs and scans, and the invariants that
make a wrong claim impossible. Expected values are the printed ones, from the hand transcriptions in
tests/fixtures, never from extract(). OCR is slow: CI reads a sample of the scans; the benchmark
(benchmarks/bench_extract.py) reads them all."""

from __future__ import annotations

import dataclasses
import json

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from conftest import INPUTS
from foreign.corpus import Doc, build, score
from foreign.printer import LAYOUTS, NUMBERS, print_filing, random_filing, reference_filings
from focusgen.extract import _pdf_pages, extract, extract_text
from focusgen.extract.words import Word

FILINGS = {f.key: f for f in reference_filings()}
CLAIMS = ("read", "blank")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return tmp_path_factory.mktemp("foreign")


def _claims_are_printed(e, printed: dict) -> None:
    """Every value extract claims (read, code-lost, sign-fixed, repaired, reconstructed) is what the
    print shows, and every line it says is blank is empty on the print."""
    for code, how in e.how.items():
        if e.lines[code] is not None:
            # (the arithmetic's 0 for an empty cell is the same amount: reconstructed, never read)
            ok = e.lines[code] == printed.get(code) or (how == "reconstructed" and e.lines[code] == 0
                                                        and printed.get(code) is None)
            assert ok, (code, how, e.lines[code], printed.get(code))
        elif how == "blank":
            assert printed.get(code) is None, (code, printed.get(code))


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("key", sorted(FILINGS))
def test_text_layer_prints_give_every_printed_value(corpus, key, layout):
    [doc] = build(corpus, layouts=[layout], qualities=["text"], filings=[FILINGS[key]])
    e = extract(doc.path)
    s = score(e, doc)
    assert e.method == "pdf-text"
    assert s.wrong_claimed == [] and s.wrong_other == [] and s.unknown == []
    assert s.recovered == s.lines
    assert e.report == doc.filing.kind
    assert e.as_of == {"hsbc": "2020-11-30", "cs": "2017-12-26"}[key]
    assert e.firm and e.firm.upper() == doc.filing.firm.upper()


@pytest.mark.parametrize("numbers", [n for n in NUMBERS if n != "standard"])
@pytest.mark.parametrize("layout", ["leaders", "codeleft", "secform"])
@pytest.mark.parametrize("key", sorted(FILINGS))
def test_numbers_as_other_software_writes_them(tmp_path, key, layout, numbers):
    """No separators, cents, a trailing minus, CR for credit: every value, none claimed wrongly (a
    CR settles its sign only by the arithmetic)."""
    path = tmp_path / "prior.pdf"
    path.write_bytes(print_filing(FILINGS[key], layout, numbers))
    e = extract(path)
    s = score(e, Doc(path, FILINGS[key], layout, "text"))
    assert s.wrong_claimed == [] and s.wrong_other == []
    assert s.recovered == s.lines, s.unknown


@pytest.mark.parametrize("layout", ["leaders", "wrapped"])
@pytest.mark.parametrize("key", sorted(FILINGS))
def test_codes_in_parentheses(tmp_path, key, layout):
    path = tmp_path / "prior.pdf"
    path.write_bytes(print_filing(FILINGS[key], layout, codes="()"))
    e = extract(path)
    s = score(e, Doc(path, FILINGS[key], layout, "text"))
    assert s.wrong_claimed == [] and s.recovered == s.lines, s.unknown


# A sample of the scans for CI (each takes seconds of OCR); the benchmark reads every one.
# ("hsbc", "codeleft", "150"): the Courier listing at 150 dpi where Tesseract alone claimed misreads
# (issue 22); measured with the two witnesses: 104 of 110, none wrong.
SCANS = [("hsbc", "leaders", "150", 0.95), ("cs", "codeleft", "200", 0.90), ("hsbc", "secform", "150", 0.85),
         ("hsbc", "codeleft", "150", 0.85)]


@pytest.mark.parametrize("key,layout,quality,share", SCANS)
def test_scans_claim_nothing_that_was_not_printed(corpus, key, layout, quality, share):
    [doc] = build(corpus, layouts=[layout], qualities=[quality], filings=[FILINGS[key]])
    e = extract(doc.path)
    s = score(e, doc)
    assert e.method == "ocr"
    assert s.wrong_claimed == []
    assert s.recovered >= share * s.lines, (s.recovered, s.lines, s.unknown)
    flagged = {f.where for f in e.findings}
    for code in s.unknown:                     # nothing is left unknown without a word why
        assert code in flagged, code
    assert e.report == doc.filing.kind


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 10**6), kind=st.sampled_from(["focus-ii", "daily-seg"]), layout=st.sampled_from(LAYOUTS))
# found by exploration runs (issue 22): 12.B's amount, on the first row of its wrapped label, was
# placed on 12.A by the label of the row above ("A. CASH" + "B. SECURITIES ..."), and 12.B then
# called blank; an empty 12.A the arithmetic gives as 0
@example(seed=0, kind="daily-seg", layout="wrapped")
@example(seed=594011, kind="daily-seg", layout="twocol")
# a dash for nil on the last row of 7325's wrapped label, a row that also reads like a caption of the
# form: the cell was called blank (printed 0); a label's own continuation is never a caption
@example(seed=99999, kind="focus-ii", layout="codeleft")
@example(seed=85, kind="focus-ii", layout="codeleft")      # the same class, found by benchmarks/explore.sh
@example(seed=1933, kind="focus-ii", layout="codeleft")
def test_random_filings_in_random_layouts_claim_only_what_was_printed(tmp_path_factory, seed, kind, layout):
    filing = random_filing(kind, seed)
    path = tmp_path_factory.mktemp("random") / "prior.pdf"
    path.write_bytes(print_filing(filing, layout))
    e = extract(path)
    assert e.report == kind
    _claims_are_printed(e, filing.values)
    # and a text layer is read whole: every coded line's value, blank cells blank
    s = score(e, Doc(path, filing, layout, "text"))
    assert s.recovered >= 0.97 * s.lines, (s.unknown, s.wrong_other)


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("stem,key", [("2020-11", "hsbc"), ("daily-seg-2017-12-26", "cs")])
def test_check_of_an_input_against_its_own_foreign_print_passes(run, corpus, stem, key, layout):
    [doc] = build(corpus, layouts=[layout], qualities=["text"], filings=[FILINGS[key]])
    status, out, err = run("check", INPUTS / f"{stem}.yaml", "--against", doc.path, "--json")
    data = json.loads(out)
    assert status == 0, (out, err)
    assert data["differences"] == []


def test_a_real_difference_against_a_foreign_print_is_found(run, corpus, tmp_path):
    filing = dataclasses.replace(FILINGS["hsbc"], values={**FILINGS["hsbc"].values, "7070": 191652394,
                                                          "7180": 3893682135, "7190": 134116778, "7198": 12116778})
    prior = tmp_path / "prior.pdf"
    prior.write_bytes(print_filing(filing, "codeleft"))
    status, out, _ = run("check", INPUTS / "2020-11.yaml", "--against", prior, "--json")
    data = json.loads(out)
    assert status == 1
    assert {d["line"] for d in data["differences"]} == {"7070", "7180", "7190", "7198"}


# --- the invariants of issue 8, point 3 ---------------------------------------------------------------

def test_a_text_layer_value_whose_edit_check_fails_is_still_read(tmp_path):
    """The print's 7010 does not foot with 7040. A text layer says what the page says: 7010 is read
    as printed, and the failed check is the prior's finding, not doubt about the reading."""
    filing = dataclasses.replace(FILINGS["hsbc"], values={**FILINGS["hsbc"].values, "7010": 1443907946})
    path = tmp_path / "prior.pdf"
    path.write_bytes(print_filing(filing, "leaders"))
    e = extract(path)
    assert e.how["7010"] == "read" and e.lines["7010"] == 1443907946
    assert e.how["7040"] == "read" and e.lines["7040"] == 3759565357
    assert any(f.where == "7040" for f in e.edit_failures)
    assert not any(f.code == "doubted" for f in e.findings)
    _claims_are_printed(e, filing.values)


def test_ocr_text_whose_edit_check_fails_is_doubted(tmp_path):
    """The same print as text of unknown origin (often OCR of a filed report): 7010 (settled by
    nothing else) loses its claim and is unconfirmed with what the text shows; 7040, settled by
    7060 = 7040 + 7050, keeps it."""
    filing = dataclasses.replace(FILINGS["hsbc"], values={**FILINGS["hsbc"].values, "7010": 1443907946})
    path = tmp_path / "prior.pdf"
    path.write_bytes(print_filing(filing, "leaders"))
    texts = _pdf_pages(path, path.read_bytes())[0]
    e = extract_text(texts, "prior.txt", "text")
    assert e.how["7010"] == "unconfirmed" and e.lines["7010"] is None and e.candidates["7010"] == 1443907946
    assert e.how["7040"] == "read" and e.lines["7040"] == 3759565357
    assert any(f.where == "7040" for f in e.edit_failures)
    assert any(f.where == "7010" and f.code == "doubted" for f in e.findings)
    _claims_are_printed(e, filing.values)


def test_a_value_placed_without_its_code_is_never_read(tmp_path):
    """7020 printed without its code: placed by its label between its coded neighbours and
    confirmed by the arithmetic, but never `read`."""
    filing = dataclasses.replace(FILINGS["hsbc"], hide=frozenset({"7020", "7570"}))
    for layout in ("leaders", "codeleft"):
        path = tmp_path / f"{layout}.pdf"
        path.write_bytes(print_filing(filing, layout))
        e = extract(path)
        for code in ("7020", "7570"):
            assert e.how[code] not in CLAIMS
            assert e.lines[code] in (None, filing.values[code])


def _scan_words(tmp_path, layout="leaders", key="hsbc"):
    """A text-layer print's words, to be damaged as OCR damages them."""
    path = tmp_path / "print.pdf"
    path.write_bytes(print_filing(FILINGS[key], layout))
    texts, (words, marks), _, _ = _pdf_pages(path, path.read_bytes())
    # as if both witnesses read every number as printed (each word a number of its own)
    words = [[dataclasses.replace(w, alt=w.text, alt_conf=95.0, wit=w.text, wit_conf=0.99, group=1000 * p + i)
              if any(ch.isdigit() for ch in w.text) else w for i, w in enumerate(page)]
             for p, page in enumerate(words)]
    return texts, words, [[] for _ in words]


def _find(words, text):
    for p, page in enumerate(words):
        for i, w in enumerate(page):
            if w.text == text:
                return p, i
    raise AssertionError(text)


def test_an_empty_cell_with_a_mark_in_it_is_not_blank(tmp_path):
    """OCR read nothing where 7050's 0 is printed, but ink stands there: not blank. And a cell that
    OCR read as a letter ("Q" for 0) is not blank either."""
    texts, words, marks = _scan_words(tmp_path)
    p, i = _find(words, "0")                      # 7050's 0, the first 0 on the page
    w = words[p].pop(i)
    marks[p].append((w.x0, w.y0, w.x1, w.y1))
    e = extract_text(texts, "scan.pdf", "ocr", (words, marks))
    assert e.how["7050"] != "blank"
    assert e.lines["7050"] in (None, 0)
    texts, words, marks = _scan_words(tmp_path)
    p, i = _find(words, "0")
    words[p][i] = dataclasses.replace(words[p][i], text="Q", alt="", wit="")
    e = extract_text(texts, "scan.pdf", "ocr", (words, marks))
    assert e.how["7050"] != "blank"


def test_a_number_that_reads_two_ways_needs_the_arithmetic(tmp_path):
    """The second witness disagrees on 7010: not read. The arithmetic confirms the page's reading
    while 7040's other parts are known (repaired); with 7020 in doubt too, neither is confirmed:
    unconfirmed, null, with the candidate the page shows."""
    texts, words, marks = _scan_words(tmp_path)
    p, i = _find(words, "1,443,907,046")
    words[p][i] = dataclasses.replace(words[p][i], wit="1,443,907,048")
    e = extract_text(texts, "scan.pdf", "ocr", (words, marks))
    assert e.how["7010"] == "repaired" and e.lines["7010"] == 1443907046
    p, j = _find(words, "1,535,003,808")
    words[p][j] = dataclasses.replace(words[p][j], wit="1,535,003,868")
    e = extract_text(texts, "scan.pdf", "ocr", (words, marks))
    for code in ("7010", "7020"):
        assert e.how[code] == "unconfirmed" and e.lines[code] is None
        assert e.candidates[code] == FILINGS["hsbc"].values[code]


def test_a_fragment_is_never_taken_for_the_whole_number(tmp_path):
    """7060 = 3,759,565,357, cut by OCR after a separator: the halves joined are only a candidate
    (repaired when the arithmetic confirms it); half of it alone is never read."""
    texts, words, marks = _scan_words(tmp_path)
    p, i = _find(words, "3,759,565,357")
    w = words[p][i + 2] if words[p][i + 2].text == "[7060]" else None
    w0 = words[p][i] if w is None else words[p][i]
    # the second occurrence is 7060 (7040 prints the same amount first)
    for k in range(i + 1, len(words[p])):
        if words[p][k].text == "3,759,565,357":
            w0, i = words[p][k], k
            break
    cut = w0.x0 + (w0.x1 - w0.x0) * 10 / 13
    words[p][i:i + 1] = [Word("3,759,565,", w0.x0, w0.y0, cut - 4, w0.y1, alt="3,759,565,", alt_conf=95,
                              wit="3,759,565,", wit_conf=0.99, group=-7),
                         Word("357", cut + 8, w0.y0, w0.x1 + 12, w0.y1, alt="357", alt_conf=95,
                              wit="357", wit_conf=0.99, group=-8)]
    e = extract_text(texts, "scan.pdf", "ocr", (words, marks))
    assert e.how["7060"] in ("repaired", "reconstructed") and e.lines["7060"] == 3759565357
    del words[p][i + 1]                        # the last piece lost
    e = extract_text(texts, "scan.pdf", "ocr", (words, marks))
    assert e.how["7060"] not in CLAIMS and e.lines["7060"] in (None, 3759565357)


def test_a_zero_the_arithmetic_gives_is_not_reported_blank(tmp_path):
    """A cell whose whole row is lost is never `blank`, even when the arithmetic gives 0."""
    texts, words, marks = _scan_words(tmp_path)
    p, i = _find(words, "[7050]")
    y = words[p][i].yc
    words[p] = [w for w in words[p] if abs(w.yc - y) > 2]          # the whole row lost
    e = extract_text(texts, "scan.pdf", "ocr", (words, marks))
    assert e.how["7050"] != "blank" and e.lines["7050"] in (None, 0)


def test_a_scan_with_someone_elses_text_layer_is_read_by_our_ocr(tmp_path):
    """A "searchable" scan: the page is one picture, with another program's OCR laid over it as
    invisible text, here with a misread digit. That text is not trusted: the page is read by OCR."""
    import io

    import pypdfium2 as pdfium
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas
    filing = FILINGS["hsbc"]
    src = pdfium.PdfDocument(print_filing(filing, "leaders"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=letter, invariant=1)
    for i in range(len(src)):
        c.drawImage(ImageReader(src[i].render(scale=200 / 72, grayscale=True).to_pil()), 0, 0,
                    width=letter[0], height=letter[1])
        text = c.beginText(40, 700)
        text.setTextRenderMode(3)                  # invisible, as OCR layers are
        text.setFont("Helvetica", 8)
        for line in src[i].get_textpage().get_text_range().replace("1,443,907,046", "1,443,907,016").splitlines():
            text.textLine(line)
        c.drawText(text)
        c.showPage()
    c.save()
    path = tmp_path / "searchable.pdf"
    path.write_bytes(buf.getvalue())
    e = extract(path)
    assert e.method == "ocr"
    assert e.lines["7010"] in (None, 1443907046)
    _claims_are_printed(e, filing.values)
