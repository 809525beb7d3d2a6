"""The PDF: every line where the form has it, reproducible, and the layout under golden images."""

import json
import logging
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import ImageChops, ImageStat

from conftest import INPUTS
from focusgen.form import formdef
from focusgen.report.compute import compute
from focusgen.inputs.load import load_input
from focusgen.money import fmt_amount
from pdfutil import GOLDEN, page_images, pdf_text

EXAMPLES = [("2020-11", "focus-ii"), ("daily-seg-2017-12-26", "daily-seg")]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Both examples built once through the CLI (all three formats)."""
    from focusgen.cli import main
    out = {}
    for stem, _ in EXAMPLES:
        folder = tmp_path_factory.mktemp(stem)
        assert main(["build", str(INPUTS / f"{stem}.yaml"), "--out", str(folder), "--quiet"]) == 0
        out[stem] = {"pdf": (folder / f"{stem}.pdf").read_bytes(),
                     "json": json.loads((folder / f"{stem}.json").read_text())}
    return out


@pytest.mark.parametrize("stem,kind", EXAMPLES)
def test_every_line_code_once_with_its_value(built, stem, kind):
    text = pdf_text(built[stem]["pdf"])
    lines = built[stem]["json"]["lines"]
    rep = formdef.report(kind)
    for code, line in rep.lines.items():
        if not line.coded:
            continue
        # a code box: the code as a token of its own, not "(7490)" as the capital notes cite it
        hits = [m for m in re.finditer(rf"(?<![\d(]){code}(?![\d)])", text)]
        assert len(hits) == 1, (code, len(hits))
        if line.kind == "text":
            name = built[stem]["json"]["names"][code]
            before = text[:hits[0].start()].rstrip()
            assert before.endswith(name or "Name(s):"), code
            continue
        value = lines[code]
        before = text[max(0, hits[0].start() - 40):hits[0].start()].rstrip("[ ")
        m = re.search(r"(\(?-?[\d,]+\)?)\s*$", before)
        if value is None:
            # blank: nothing before the code box but a label, or the code box of the inner column
            assert not m or m.group(1) in rep.lines, (code, before)
        else:
            # the SEC form's parentheses on FOCUS II, WinJammer's minus sign on a Daily Seg
            assert m and m.group(1) == fmt_amount(value, "minus" if kind == "daily-seg" else "parens"), \
                (code, before, value)


def test_daily_seg_uncoded_line_12_prints_values_without_codes(built):
    text = pdf_text(built["daily-seg-2017-12-26"]["pdf"])
    part = text[text.index("12. Cleared swaps customer funds on hand"):text.index("13. Total amount in cleared")]
    assert re.findall(r"(?:Cash|\(at\s+market\)) (\S+)", part) == ["0", "0", "0"]


@pytest.mark.parametrize("stem,kind", EXAMPLES)
def test_pages_match_the_golden_images(built, stem, kind):
    images = page_images(built[stem]["pdf"])
    golden = sorted(GOLDEN.glob(f"{stem}-p*.png"), key=lambda p: int(p.stem.rsplit("-p", 1)[1]))
    assert len(images) == len(golden), "page count changed: run tests/golden/update_golden.py if approved"
    from PIL import Image
    for n, (image, path) in enumerate(zip(images, golden), 1):
        expected = Image.open(path).convert("L")
        assert image.size == expected.size, f"page {n}"
        diff = ImageChops.difference(image, expected)
        changed = sum(diff.point(lambda v: 255 if v > 64 else 0).histogram()[255:])
        assert ImageStat.Stat(diff).mean[0] < 0.5 and changed < 40, (
            f"{stem} page {n} differs from {path.name} ({changed} pixels): "
            "run tests/golden/update_golden.py if the change is approved")


def test_focus_ii_has_every_page_and_the_cover(built):
    data = built["2020-11"]["pdf"]
    text = pdf_text(data)
    assert len(page_images(data, dpi=10)) == 7
    for expected in ("BROKER OR DEALER", "HSBC SECURITIES (USA) INC.", "11/30/20", "8-41562", "19585",
                     "452 FIFTH AVENUE 20", "NEW YORK CITY 21", "NY 22", "10018 23", "PART II 11",
                     "EXECUTION:", "CHECK HERE IF RESPONDENT IS FILING AN AUDITED REPORT 42", "OFFICIAL USE", "11/01/20", "STEVEN N LOMBARDO",
                     "(212) 525-3425", "Rule 17a-5(a)", "CARRY ITS OWN CUSTOMER ACCOUNTS",
                     "Name(s): HARRIS TRUST 7510", "(5) Other NFA Requirement, enter 150% of Line C (7475).",
                     "COMPUTATION OF CFTC MINIMUM NET CAPITAL REQUIREMENT", "Page 7 of 7",
                     "(52,837,332) 7033"):
        assert expected in text, expected
    # the audit footer: as-of date, version, short hash of the input
    digest = built["2020-11"]["json"]["generator"]["input_sha256"][:12]
    assert "as of 11/30/2020 · focusgen" in text and f"input {digest}" in text


def test_daily_seg_banner_on_every_page(built):
    data = built["daily-seg-2017-12-26"]["pdf"]
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(data)
    for i in range(len(pdf)):
        page = pdf[i].get_textpage().get_text_range()
        assert "End Date: 12/26/2017" in page and "Submit Date: 12/27/2017" in page, i
        assert "Firm Name: Credit Suisse Securities (USA) LLC" in page
    text = pdf_text(data)
    assert "b. Minimum percentage of customer segregated funds required:" in text and "5%" in text


def test_no_weasyprint_warnings(caplog):
    from focusgen.render import view
    from focusgen.render.pdf import render_pdf
    from focusgen.render.review_out import render_review
    with caplog.at_level(logging.DEBUG, logger="weasyprint"):
        for stem, _ in EXAMPLES:
            filing = compute(load_input(INPUTS / f"{stem}.yaml"))
            render_pdf(filing)
            history = [{"as_of": a, "summary": filing.summary} for a in ("2020-10-31", "2020-11-30")]
            render_review(filing, history)
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_byte_identical_across_processes(tmp_path):
    exe = str(Path(sys.executable).with_name("focusgen"))
    digests = []
    for n in (1, 2):
        out = tmp_path / f"run{n}"
        subprocess.run([exe, "build", str(INPUTS / "2020-11.yaml"), "--out", str(out), "--quiet",
                        "--format", "pdf,txt,json,review"], check=True, cwd=tmp_path)
        digests.append({p.name: p.read_bytes() for p in out.iterdir()})
    # the manifest records the time of the build; every other output is byte-identical
    manifests = [json.loads(d.pop("manifest.json")) for d in digests]
    assert digests[0] == digests[1]
    assert set(digests[0]) == {"2020-11.pdf", "2020-11.txt", "2020-11.json", "2020-11-review.pdf",
                               "2020-11-review.html", "2020-11-cftc-data.csv"}
    for m in manifests:
        m.pop("built_at")
    assert manifests[0] == manifests[1]


def test_pdf_dates_come_from_the_as_of_date(built):
    import pypdfium2 as pdfium
    meta = pdfium.PdfDocument(built["2020-11"]["pdf"]).get_metadata_dict()
    assert meta["CreationDate"].startswith("D:20201130000000")
    assert meta["ModDate"].startswith("D:20201130000000")
    assert meta["Creator"].startswith("focusgen")


def test_format_option_chooses_outputs(run, tmp_path):
    status, _, err = run("build", INPUTS / "2020-11.yaml", "--out", tmp_path, "--format", "pdf", "--quiet")
    assert status == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2020-11.pdf", "manifest.json"]   # the manifest always
