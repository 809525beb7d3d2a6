"""Building a folder or several inputs: one bad input never stops the others."""

import shutil

from conftest import INPUTS


def test_batch_builds_the_good_and_reports_the_bad(run, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(INPUTS / "2020-11.yaml", folder / "a.yaml")
    for name in ("daily-seg-2017-12-26.yaml", "daily-seg-2017-12-26.csv"):
        shutil.copy(INPUTS / name, folder / name)
    (folder / "bad.yaml").write_text("report: focus-ii\nas_of: 2020-11-30\nfirm: {name: X}\nlines: {7040: 5}\n")
    status, out, err = run("build", folder, "--out", tmp_path / "out", "--format", "txt,json", "--jobs", "2")
    assert status == 2
    assert "bad.yaml: line 7040" in err and "error[computed-line]" in err
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a", "daily-seg-2017-12-26"]
    assert (tmp_path / "out" / "a" / "a.json").exists()
    assert "2 built, 1 failed" in out


def test_several_inputs_on_the_command_line(run, tmp_path):
    status, out, err = run("build", INPUTS / "2020-11.yaml", INPUTS / "daily-seg-2017-12-26.yaml",
                           "--out", tmp_path, "--format", "json")
    assert status == 0, err
    assert (tmp_path / "2020-11" / "2020-11.json").exists()
    assert (tmp_path / "daily-seg-2017-12-26" / "daily-seg-2017-12-26.json").exists()
    assert "2 built, 0 failed" in out
