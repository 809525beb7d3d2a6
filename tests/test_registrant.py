"""Daily Seg 1-FR (issue 11, point 9): `registrant: fcm | bd-fcm` chooses the form's name wherever it
prints (CME Advisory 12-04: FCMs that are not broker-dealers file "Daily Seg 1-FR", dual registrants
"Daily Seg - FOCUS II"); the statements are the same."""

import json

import pytest

from conftest import INPUTS

FR, DUAL = "Daily Seg 1-FR", "Daily Seg - FOCUS II"


def built(run, tmp_path, source):
    out = tmp_path / source.stem
    status, _, err = run("build", source, "--out", out, "--format", "txt,json,pdf")
    assert status == 0, err
    return out


def test_an_fcm_files_daily_seg_1_fr_everywhere_the_name_prints(run, tmp_path):
    import pypdfium2
    fr = built(run, tmp_path, INPUTS / "daily-seg-1-fr.yaml")
    text = (fr / "daily-seg-1-fr.txt").read_text()
    assert text.count(f"Form:{FR} ") == text.count("End Date:") > 1 and DUAL not in text
    doc = json.loads((fr / "daily-seg-1-fr.json").read_text())
    assert (doc["form"], doc["registrant"]) == (FR, "fcm")
    pdf = pypdfium2.PdfDocument(fr / "daily-seg-1-fr.pdf")
    pages = [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    assert all(FR in p for p in pages) and not any(DUAL in p for p in pages)


def test_the_statements_are_the_same_for_both_registrants(run, tmp_path):
    fr = json.loads((built(run, tmp_path, INPUTS / "daily-seg-1-fr.yaml") / "daily-seg-1-fr.json").read_text())
    dual = json.loads((built(run, tmp_path, INPUTS / "daily-seg-2017-12-26.yaml")
                       / "daily-seg-2017-12-26.json").read_text())
    assert fr["lines"] == dual["lines"] and dual["form"] == DUAL and dual["registrant"] is None


def test_a_1_fr_filing_is_read_back_as_a_daily_seg(run, tmp_path):
    fr = built(run, tmp_path, INPUTS / "daily-seg-1-fr.yaml")
    for name in ("daily-seg-1-fr.txt", "daily-seg-1-fr.pdf"):
        status, out, err = run("extract", fr / name, "--json")
        assert status == 0, err
        assert json.loads(out)["report"] == "daily-seg"


@pytest.mark.parametrize("registrant, code", [("fcm", "wrong-registrant"), ("broker", "bad-field")])
def test_a_registrant_that_does_not_file_the_form_is_refused(run, tmp_path, registrant, code):
    path = tmp_path / "in.yaml"
    path.write_text(f"report: focus-ii\nas_of: 2020-11-30\nregistrant: {registrant}\nfirm: {{name: X}}\n"
                    "lines: {7010: 1}\n")
    status, _, err = run("build", path, "--out", tmp_path / "out")
    assert status == 2 and f"error[{code}]" in err and not (tmp_path / "out").exists(), err
