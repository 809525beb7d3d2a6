"""Errors a newcomer meets, in words that say what is wrong and what was meant: dates written another way,
files an input names that are not there, misspelt line codes, paths, commands, options and formats; and
the exit statuses a scheduled run acts on (build --fail-on-alert, diff --exit-code)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import INPUTS, ROOT

GOOD = (INPUTS / "2020-11.yaml").read_text()


def write(tmp_path, text, name="in.yaml"):
    (tmp_path / name).write_text(text)
    return tmp_path / name


@pytest.mark.parametrize("written,said", [
    ("11/30/2020", "'11/30/2020' is not written YYYY-MM-DD: write 2020-11-30"),
    ("30/11/2020", "'30/11/2020' is not written YYYY-MM-DD: write 2020-11-30"),
    ("05/06/2020", "write 2020-05-06 (month/day/year) or 2020-06-05 (day/month/year)"),
    ("30.11.2020", "'30.11.2020' is not written YYYY-MM-DD: write 2020-11-30"),
    ("2020-11-5", "'2020-11-5' is not written YYYY-MM-DD: write 2020-11-05"),
    ("2021-02-29", "'2021-02-29' is not a real calendar date: February 2021 has 28 days"),
    ("2020-13-01", "'2020-13-01' is not a real calendar date: there is no month 13"),
    ("November 30", "'November 30' is not a date written YYYY-MM-DD"),
])
def test_a_date_written_another_way_is_said_so(run, tmp_path, written, said):
    status, _, err = run("build", write(tmp_path, GOOD.replace("as_of: 2020-11-30", f"as_of: \"{written}\"")),
                         "--out", tmp_path / "o")
    assert status == 2 and "error[bad-date]" in err and said in err, err
    assert "YYYY-MM-DD" in err and not (tmp_path / "o").exists()
    if "real calendar date" not in said:
        assert "real calendar date" not in err


def test_a_missing_input_is_an_existing_input_file(run, tmp_path):
    status, _, err = run("build", tmp_path / "nothere.yaml")
    assert status == 2 and "(expected an existing input file)" in err and "an existing an" not in err


def test_a_misspelt_path_gets_the_nearest(run, tmp_path):
    (tmp_path / "inputs").mkdir()
    (tmp_path / "inputs" / "2020-11.yaml").write_text(GOOD)
    status, _, err = run("build", tmp_path / "inputs" / "2020-11.yml")
    assert status == 2 and f"did you mean {tmp_path / 'inputs' / '2020-11.yaml'}?" in err
    status, _, err = run("build", tmp_path / "input" / "2020-11.yaml")
    assert status == 2 and f"did you mean {tmp_path / 'inputs' / '2020-11.yaml'}?" in err


def test_a_missing_original_names_the_input_and_amends(run, tmp_path):
    (tmp_path / "orig").mkdir()
    (tmp_path / "orig" / "original.json").write_text((INPUTS / "daily-seg-2017-12-26-amended" / "original.json")
                                                     .read_text())
    text = (INPUTS / "daily-seg-2017-12-26-amended.yaml").read_text() \
        .replace("daily-seg-2017-12-26-amended/original.json", "orig/orginal.json") \
        .replace("ledger: daily-seg-2017-12-26.csv", f"ledger: {INPUTS / 'daily-seg-2017-12-26.csv'}")
    path = write(tmp_path, text, "amended.yaml")
    status, _, err = run("build", path, "--allow-outside-paths", "--out", tmp_path / "o")
    assert status == 2, err
    line = next(x for x in err.splitlines() if "file-not-found" in x)
    assert line.startswith(f"{path}: amends: error[file-not-found]: amends: 'orig/orginal.json'")
    assert "did you mean orig/original.json?" in line and "the original filing this one amends" in line


def test_a_missing_ledger_names_the_input_and_the_key(run, tmp_path):
    (tmp_path / "balances.csv").write_text("line,amount\n7010,5\n")
    path = write(tmp_path, GOOD + "ledger: balances.cvs\n")
    status, _, err = run("build", path)
    assert status == 2
    assert f"{path}: ledger: error[file-not-found]: ledger: 'balances.cvs'" in err
    assert "did you mean balances.csv?" in err


@pytest.mark.parametrize("code,near", [("7191", "7190, 7194 or 7198"), ("7019", "7010"), ("70100", "7010 or 7100")])
def test_a_misspelt_line_code_gets_the_codes_one_keystroke_away(run, tmp_path, code, near):
    status, _, err = run("explain", INPUTS / "2020-11.yaml", code)
    assert status == 2 and f"did you mean {near}?" in err, err
    status, _, err = run("build", write(tmp_path, GOOD.replace("  7010: 1443907046", f"  {code}: 1443907046")))
    assert status == 2 and "error[unknown-line]" in err and f"did you mean {near}?" in err, err


def _cli(*argv):
    return subprocess.run([sys.executable, "-m", "focusgen.cli", *argv], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)


@pytest.mark.parametrize("argv,said", [
    (["biuld", "x.yaml"], "did you mean build?"),
    (["chekc"], "did you mean check?"),
    (["build", "--fromat", "pdf", "x.yaml"], "--fromat: did you mean --format?"),
    (["check", "x.yaml", "--agaisnt", "y.pdf"], "--agaisnt: did you mean --against?"),
    (["build", "--format", "pfd", "x.yaml"], "unknown format 'pfd' (did you mean pdf?)"),
    (["diff", "a", "b", "--exit-coed"], "--exit-coed: did you mean --exit-code?"),
])
def test_a_misspelt_command_or_option_gets_the_nearest(argv, said):
    ran = _cli(*argv)
    assert ran.returncode == 2 and said in ran.stderr, ran.stderr
    assert "Traceback" not in ran.stderr


def test_fail_on_alert_exits_1_and_writes_the_outputs(run, tmp_path):
    path = write(tmp_path, GOOD.replace("7100: 1748149521", "7100: 0"))      # undersegregated
    status, out, err = run("build", path, "--out", tmp_path / "o", "--format", "json", "--fail-on-alert")
    assert status == 1 and "ALERT" in out and "--fail-on-alert" in err
    assert (tmp_path / "o" / "in.json").is_file()
    status, _, _ = run("build", INPUTS / "2020-11.yaml", "--out", tmp_path / "p", "--format", "json", "--quiet",
                       "--fail-on-alert")
    assert status == 0


def test_diff_exit_code_when_a_movement_is_flagged(run, tmp_path):
    assert run("build", INPUTS / "2020-10.yaml", "--out", tmp_path / "oct", "--format", "json", "--quiet")[0] == 0
    prior = tmp_path / "oct" / "2020-10.json"
    assert run("diff", INPUTS / "2020-11.yaml", prior)[0] == 0                  # without the option: 0
    status, _, err = run("diff", INPUTS / "2020-11.yaml", prior, "--exit-code")
    assert status == 1 and "flagged movement(s)" in err
    # thresholds no movement passes: nothing flagged, 0
    assert run("diff", INPUTS / "2020-11.yaml", prior, "--exit-code", "--percent", "1000")[0] == 0
    assert run("diff", INPUTS / "2020-11.yaml", INPUTS / "2020-11-gl.yaml", "--exit-code")[0] == 0   # no movement


def test_the_explore_option_keeps_the_property_tests_only():
    ran = subprocess.run([sys.executable, "-m", "pytest", "--explore=2", "--collect-only", "-q", "-p", "no:cacheprovider",
                          "tests/test_rules.py", "tests/test_money.py"], cwd=ROOT, capture_output=True, text=True,
                         timeout=300)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    collected = [line for line in ran.stdout.splitlines() if "::" in line]
    assert collected == ["tests/test_rules.py::test_every_offset_above_its_deficit_is_refused"], ran.stdout
    normal = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
                             "tests/test_rules.py"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert len([line for line in normal.stdout.splitlines() if "::" in line]) > 1


def test_the_normal_run_draws_the_same_examples(tmp_path):
    """No CI variable: the default profile is derandomized, so two runs draw the same examples."""
    probe = tmp_path / "test_probe.py"
    probe.write_text("from hypothesis import given, strategies as st\nseen = []\n"
                     "@given(st.integers())\ndef test_x(x):\n    seen.append(x)\n"
                     "def test_report():\n    print('SEEN', seen[:20])\n")
    runs = []
    for _ in range(2):
        ran = subprocess.run([sys.executable, "-m", "pytest", "-q", "-s", "-p", "no:cacheprovider", "-p", "conftest",
                              "--rootdir", str(tmp_path), str(probe)],
                             cwd=ROOT / "tests", capture_output=True, text=True, timeout=300,
                             env={k: v for k, v in __import__("os").environ.items() if k != "CI"})
        runs.append(next(line for line in ran.stdout.splitlines() if "SEEN" in line))
    assert runs[0] == runs[1]
