"""Amended filings (issue 11, point 10): `filing_status: AMENDED`, `amends:` the original (a built JSON or
anything extract reads, inside the input's folder) and `reason:`. The build prints AMENDED where WinJammer
does, lists every changed line on the terminal, in the JSON and in the review pack, and refuses an
amendment that changes nothing, or one of another report, date or firm.

Expected values: the amended example is the reference filing (tests/fixtures/cs-daily-seg-2017-12-26.lines.json);
its original is the committed inputs/daily-seg-2017-12-26-amended/original.json."""

import json
import shutil

import pytest

from conftest import FIXTURES, INPUTS

EXAMPLE = INPUTS / "daily-seg-2017-12-26-amended.yaml"
ORIGINAL = INPUTS / "daily-seg-2017-12-26-amended" / "original.json"


def test_the_example_lists_every_changed_line(run, tmp_path, cs):
    status, out, err = run("build", EXAMPLE, "--out", tmp_path, "--format", "pdf,txt,json,review")
    assert status == 0, err
    original = json.loads(ORIGINAL.read_text())["lines"]
    doc = json.loads((tmp_path / "daily-seg-2017-12-26-amended.json").read_text())
    a = doc["amendment"]
    assert a["amends"] == "daily-seg-2017-12-26-amended/original.json" and a["reason"].startswith("Line 7070")
    assert doc["filing_status"] == "AMENDED"
    # exactly the lines whose filed value differs from the original's
    expected = [c for c in cs["values"] if cs["values"][c] != original[c]]
    assert expected == ["7070", "7180", "7190", "7198"]
    assert [(c["line"], c["original"], c["amended"]) for c in a["changes"]] == [
        (c, original[c], cs["values"][c]) for c in expected]
    assert a["not_compared"] == []
    # the terminal lists them, with their labels and both amounts
    assert "AMENDED filing; amends daily-seg-2017-12-26-amended/original.json" in out
    assert "4 line(s) changed" in out
    for code in expected:
        assert code in out and f"{original[code]:,}" in out and f"{cs['values'][code]:,}" in out
    # the review pack
    review = (tmp_path / "daily-seg-2017-12-26-amended-review.html").read_text()
    assert "<h2>Amendment</h2>" in review and "608,144,548" in review and "618,144,548" in review
    # WinJammer prints the status on its filing page (text and PDF)
    text = (tmp_path / "daily-seg-2017-12-26-amended.txt").read_text()
    assert text.startswith("WINJAMMER FILING\n\nAMENDED\n")
    import pypdfium2
    pdf = pypdfium2.PdfDocument(tmp_path / "daily-seg-2017-12-26-amended.pdf")
    assert "WINJAMMER FILING\r\nAMENDED" in pdf[0].get_textpage().get_text_range()
    # the original is an input of the build: hashed in the manifest
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert any(i["path"].endswith("original.json") for i in manifest["inputs"])


def _copy(tmp_path, text=None, original=ORIGINAL):
    folder = tmp_path / "in"
    (folder / "daily-seg-2017-12-26-amended").mkdir(parents=True)
    shutil.copy(INPUTS / "daily-seg-2017-12-26.csv", folder)
    shutil.copy(original, folder / "daily-seg-2017-12-26-amended" / "original.json")
    path = folder / "a.yaml"
    path.write_text(text if text is not None else EXAMPLE.read_text())
    return path


def _refused(run, tmp_path, path, code):
    status, out, err = run("build", path, "--out", tmp_path / "out")
    assert status == 2, (out, err)
    assert f"error[{code}]" in err, err
    assert not (tmp_path / "out").exists()
    return err


def test_an_amendment_that_changes_nothing_is_refused(run, tmp_path):
    # the original is the reference filing itself, built: every line is the same
    assert run("build", INPUTS / "daily-seg-2017-12-26.yaml", "--out", tmp_path / "ref", "--format", "json")[0] == 0
    path = _copy(tmp_path, original=tmp_path / "ref" / "daily-seg-2017-12-26.json")
    _refused(run, tmp_path, path, "amendment-changes-nothing")


def test_an_original_pdf_is_read_as_extract_reads_it(run, tmp_path):
    # the original filing's own PDF (focusgen's print of it) serves as well as its JSON
    folder = tmp_path / "orig"
    shutil.copytree(INPUTS / "daily-seg-2017-12-26-amended", folder)
    text = EXAMPLE.read_text().replace("filing_status: AMENDED", "filing_status: INITIAL")
    lines = [ln for ln in text.splitlines() if not ln.startswith(("amends:", "reason:"))]
    csv = (INPUTS / "daily-seg-2017-12-26.csv").read_text().replace('7070,"618,144,548"', '7070,"608,144,548"')
    (folder / "daily-seg-2017-12-26.csv").write_text(csv)
    (folder / "o.yaml").write_text("\n".join(lines) + "\n")
    assert run("build", folder / "o.yaml", "--out", folder / "built", "--format", "pdf")[0] == 0
    path = _copy(tmp_path, EXAMPLE.read_text().replace("original.json", "original.pdf"))
    shutil.copy(folder / "built" / "o.pdf", path.parent / "daily-seg-2017-12-26-amended" / "original.pdf")
    status, out, err = run("build", path, "--out", tmp_path / "out", "--format", "json")
    assert status == 0, err
    doc = json.loads((tmp_path / "out" / "a.json").read_text())
    assert [c["line"] for c in doc["amendment"]["changes"]] == ["7070", "7180", "7190", "7198"]
    assert doc["amendment"]["original"]["method"] == "pdf-text"


@pytest.mark.parametrize("change,code", [
    (("as_of: 2017-12-26", "as_of: 2017-12-27"), "amends-other-date"),
    (("name: Credit Suisse Securities (USA) LLC", "name: Another Firm LLC"), "amends-other-firm"),
])
def test_an_amendment_of_another_filing_is_refused(run, tmp_path, change, code):
    text = EXAMPLE.read_text().replace(*change)
    if change[0].startswith("as_of"):
        text = text.replace("submit_date: 2017-12-28", "submit_date: 2017-12-29")
    _refused(run, tmp_path, _copy(tmp_path, text), code)


def test_an_amendment_of_another_report_is_refused(run, tmp_path):
    # a FOCUS II that names a Daily Seg as its original
    focus = (INPUTS / "2020-11.yaml").read_text()
    (tmp_path / "in").mkdir()
    folder = tmp_path / "in"
    shutil.copy(ORIGINAL, folder / "original.json")
    text = focus + "filing_status: AMENDED\namends: original.json\nreason: corrected\n"
    (folder / "f.yaml").write_text(text)
    err = _refused(run, tmp_path, folder / "f.yaml", "amends-other-report")
    assert "a daily-seg filing; this one is focus-ii" in err


@pytest.mark.parametrize("edit,code", [
    (lambda t: t.replace("filing_status: AMENDED", "filing_status: INITIAL"), "amends-not-amended"),
    (lambda t: "\n".join(ln for ln in t.splitlines() if not ln.startswith("amends:")), "amended-without-original"),
    (lambda t: "\n".join(ln for ln in t.splitlines() if not ln.startswith("reason:")), "missing-field"),
    (lambda t: t.replace("amends: daily-seg-2017-12-26-amended/original.json", "amends: ../elsewhere.json"),
     "path-outside"),
    (lambda t: t.replace("original.json", "missing.json"), "file-not-found"),
])
def test_amendment_fields_go_together(run, tmp_path, edit, code):
    _refused(run, tmp_path, _copy(tmp_path, edit(EXAMPLE.read_text())), code)


def test_a_focus_ii_amendment_heads_its_cover(run, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    assert run("build", INPUTS / "2020-11.yaml", "--out", tmp_path / "orig", "--format", "json")[0] == 0
    shutil.copy(tmp_path / "orig" / "2020-11.json", folder / "original.json")
    text = (INPUTS / "2020-11.yaml").read_text().replace("7010: 1443907046", "7010: 1443907146")
    (folder / "f.yaml").write_text(text + "filing_status: AMENDED\namends: original.json\nreason: cash restated\n")
    status, out, err = run("build", folder / "f.yaml", "--out", tmp_path / "out", "--format", "txt,json,pdf")
    assert status == 0, err
    doc = json.loads((tmp_path / "out" / "f.json").read_text())
    changed = {c["line"]: (c["original"], c["amended"]) for c in doc["amendment"]["changes"]}
    assert changed["7010"] == (1443907046, 1443907146) and set(changed) >= {"7010", "7040", "7060"}
    assert (tmp_path / "out" / "f.txt").read_text().split("\n")[4] == "AMENDED FILING"
    import pypdfium2
    pdf = pypdfium2.PdfDocument(tmp_path / "out" / "f.pdf")
    assert "AMENDED FILING" in pdf[0].get_textpage().get_text_range()


def test_lines_the_original_does_not_show_are_not_compared(run, tmp_path, hsbc):
    """The original is the filed HSBC FOCUS II as OCR read it (tests/fixtures): its truncated capital page
    shows no values, so those lines are listed as not compared, never as changed or unchanged."""
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(FIXTURES / "hsbc-focus-ii-2020-11.txt", folder / "filed.txt")
    text = (INPUTS / "2020-11.yaml").read_text().replace("7010: 1443907046", "7010: 1443907146")
    (folder / "a.yaml").write_text(text + "filing_status: AMENDED\namends: filed.txt\nreason: cash restated\n")
    status, out, err = run("build", folder / "a.yaml", "--out", tmp_path / "out", "--format", "json")
    assert status == 0, err
    a = json.loads((tmp_path / "out" / "a.json").read_text())["amendment"]
    unreadable = {c for c, basis in hsbc["basis"].items() if basis == "unreadable"}
    given = json.loads((tmp_path / "out" / "a.json").read_text())["lines"]
    assert set(a["not_compared"]) == {c for c in unreadable if given[c] is not None} != set()
    assert [c["line"] for c in a["changes"]][0] == "7010" and not set(c["line"] for c in a["changes"]) & unreadable
    assert "not compared (the original does not show them legibly): " in out


def test_a_batch_says_which_filings_are_amended(run, tmp_path):
    status, out, err = run("build", EXAMPLE, INPUTS / "daily-seg-2017-12-26.yaml", "--out", tmp_path, "--format", "json")
    assert status == 0, err
    assert " ".join(out.split()).count("AMENDED: 4 line(s) changed") == 1
