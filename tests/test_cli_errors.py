"""Each bad input gets a clear error naming file and place, exit status 2, and nothing written;
an earlier output stays as it was."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import INPUTS

GOOD = """report: focus-ii
as_of: 2020-11-30
firm: {name: ACME FUTURES LLC}
lines:
  7010: 1000
"""


def write(tmp_path, text, name="in.yaml", mode="w"):
    path = tmp_path / name
    if mode == "wb":
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


def fails(run, tmp_path, path, *codes, extra=()):
    out = tmp_path / "out"
    status, stdout, err = run("build", path, "--out", out, *extra)
    assert status == 2, (stdout, err)
    for code in codes:
        assert f"error[{code}]" in err, err
    assert "nothing was written" in err
    assert not out.exists() or not any(out.iterdir())
    return err


CASES = {
    # name: (file text, expected problem codes, fragments the message must contain)
    "empty": ("", ["empty-file"], ["is empty"]),
    "blank lines only": ("\n  \n", ["empty-file"], []),
    "yaml syntax": ("report: focus-ii\nlines: {7010: 1\n", ["yaml-syntax"], ["yaml line"]),
    "top level list": ("- 7010\n- 7020\n", ["not-a-mapping"], ["not a mapping"]),
    "top level scalar": ("just text\n", ["not-a-mapping"], []),
    "duplicate yaml key": (GOOD + "  7010: 2000\n", ["duplicate-key"], ["7010", "yaml line 5"]),
    "unknown report": (GOOD.replace("focus-ii", "focus-iii"), ["unknown-report"], ["focus-iii", "focus-ii or daily-seg"]),
    "missing as_of": (GOOD.replace("as_of: 2020-11-30\n", ""), ["missing-field"], ["as_of"]),
    "missing firm name": (GOOD.replace("{name: ACME FUTURES LLC}", "{firm_id: '1'}"), ["missing-field"], ["firm.name"]),
    "missing firm": (GOOD.replace("firm: {name: ACME FUTURES LLC}\n", ""), ["missing-field"], ["firm"]),
    "impossible date": (GOOD.replace("2020-11-30", "2020-02-30"), ["bad-date"], ["2020-02-30"]),
    "not a date": (GOOD.replace("2020-11-30", "30/11/2020"), ["bad-date"], ["YYYY-MM-DD"]),
    "unknown line": (GOOD + "  7011: 5\n", ["unknown-line"], ["7011", "yaml line 6"]),
    "computed line": (GOOD + "  7040: 5\n", ["computed-line"], ["7040", "7010, 7020, 7030, 7032, 7033"]),
    "other report's line": (GOOD.replace("focus-ii", "daily-seg") + "  7415: 5\n", ["wrong-report-line"],
                            ["7415", "focus-ii"]),
    "text line as amount": (GOOD + "  7510: 5\n", ["text-line"], ["names:"]),
    "non-numeric": (GOOD + "  7020: lots\n", ["bad-amount"], ["'lots'", "line 7020"]),
    "boolean": (GOOD + "  7020: true\n", ["bad-amount"], ["boolean"]),
    "yes is text, not a boolean": (GOOD + "  7020: yes\n", ["bad-amount"], ["'yes' is not an amount"]),
    "list": (GOOD + "  7020: [1, 2]\n", ["bad-amount"], ["a list"]),
    "mapping": (GOOD + "  7020: {a: 1}\n", ["bad-amount"], ["a mapping"]),
    "nan": (GOOD + "  7020: .nan\n", ["bad-amount"], ["'.nan' is not an amount"]),
    "infinite": (GOOD + "  7020: .inf\n", ["bad-amount"], ["'.inf' is not an amount"]),
    "nan as text": (GOOD + "  7020: 'nan'\n", ["bad-amount"], []),
    "wrong sign": (GOOD + "  7033: 52837332\n", ["wrong-sign"], ["7033", "<= 0"]),
    "malformed percentage": (GOOD + "  7194: '5 %%'\n", ["bad-percent"], ["7194", "\"5%\""]),
    "percentage over 100": (GOOD + "  7194: '105%'\n", ["bad-percent"], ["more than 100%"]),
    "percentage on an ordinary line": (GOOD + "  7020: '5%'\n", ["bad-percent"], ["management targets"]),
    "unknown top-level key": (GOOD + "line: {7020: 1}\n", ["unknown-key"], ["line"]),
    "names of unknown field": (GOOD + "names: {7010: BANK}\n", ["unknown-line"], ["7510"]),
    "period after as_of": (GOOD + "period_begin: 2020-12-01\n", ["bad-date"], ["after"]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_bad_yaml_input(run, tmp_path, name):
    text, codes, fragments = CASES[name]
    path = write(tmp_path, text)
    err = fails(run, tmp_path, path, *codes)
    assert str(path) in err
    for fragment in fragments:
        assert fragment in err


def test_missing_file(run, tmp_path):
    err = fails(run, tmp_path, tmp_path / "nope.yaml", "file-not-found")
    assert "nope.yaml" in err


def test_unreadable_file(run, tmp_path):
    if os.geteuid() != 0:
        path = write(tmp_path, GOOD)
        path.chmod(0)
    else:
        # permissions do not stop root (CI runs as root): a file whose read fails with EIO
        path = Path("/proc/self/mem")
    err = fails(run, tmp_path, path, "file-unreadable")
    assert "cannot be read" in err


def test_folder_without_inputs(run, tmp_path):
    (tmp_path / "empty").mkdir()
    status, _, err = run("build", tmp_path / "empty", "--out", tmp_path / "out")
    assert status == 2 and "error[no-inputs]" in err


@pytest.mark.parametrize("blob", [b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", b"report: focus-ii\n\xff\xfe\xfa"])
def test_file_that_is_not_text(run, tmp_path, blob):
    fails(run, tmp_path, write(tmp_path, blob, mode="wb"), "not-text")


def test_yaml_tags_never_build_objects(run, tmp_path):
    marker = tmp_path / "pwned"
    text = GOOD + f"evil: !!python/object/apply:os.system ['touch {marker}']\n"
    err = fails(run, tmp_path, write(tmp_path, text), "yaml-tag")
    assert "python/object/apply" in err
    assert not marker.exists()
    fails(run, tmp_path, write(tmp_path, "!!python/object:pathlib.Path {}\n"), "yaml-tag")


def test_all_problems_are_reported_at_once(run, tmp_path):
    text = ("report: focus-ii\nas_of: 2020-13-01\nfirm: {name: X}\nlines:\n  7011: 1\n  7040: 2\n"
            "  7033: 5\n  7020: abc\n")
    err = fails(run, tmp_path, write(tmp_path, text), "bad-date", "unknown-line", "computed-line",
                "wrong-sign", "bad-amount")
    assert "5 problem(s)" in err


# --- CSV ---------------------------------------------------------------------------------------

def csv_input(tmp_path, csv_text, yaml_extra=""):
    write(tmp_path, csv_text, "balances.csv")
    return write(tmp_path, GOOD.replace("lines:\n  7010: 1000\n", "") + "ledger: balances.csv\n" + yaml_extra)


def test_csv_without_header(run, tmp_path):
    err = fails(run, tmp_path, csv_input(tmp_path, "7010,1000\n7020,2000\n"), "csv-header")
    assert "balances.csv" in err and "row 1" in err


def test_csv_syntax_error(run, tmp_path):
    err = fails(run, tmp_path, csv_input(tmp_path, 'line,amount\n7010,"1,000"x\n'), "csv-syntax")
    assert "row 2" in err


def test_csv_row_with_wrong_cell_count(run, tmp_path):
    err = fails(run, tmp_path, csv_input(tmp_path, "line,amount\n7010,1,2\n"), "csv-syntax")
    assert "row 2" in err


def test_csv_bad_rows_name_their_row(run, tmp_path):
    text = "line,amount,label\n7010,\"1,000\",cash\n7999,5,nothing\n7020,(12),securities\n7033,300,options\n7030,12abc,pl\n"
    err = fails(run, tmp_path, csv_input(tmp_path, text), "unknown-line", "bad-amount", "wrong-sign")
    assert "line 7999, row 3" in err and "line 7020, row 4" not in err
    assert "line 7033, row 5" in err and "line 7030, row 6" in err


def test_line_given_in_yaml_and_csv(run, tmp_path):
    path = csv_input(tmp_path, "line,amount\n7010,5\n", "lines: {7010: 1000}\n")
    err = fails(run, tmp_path, path, "duplicate-line")
    assert "in.yaml" in err and "balances.csv" in err


def test_line_given_twice_in_csv(run, tmp_path):
    err = fails(run, tmp_path, csv_input(tmp_path, "line,amount\n7010,5\n7010,6\n"), "duplicate-line")
    assert "row 3" in err and "row 2" in err


def test_missing_ledger_file(run, tmp_path):
    path = write(tmp_path, GOOD + "ledger: nowhere.csv\n")
    err = fails(run, tmp_path, path, "file-not-found")
    assert "nowhere.csv" in err


def test_csv_needs_meta(run, tmp_path):
    fails(run, tmp_path, write(tmp_path, "line,amount\n7010,5\n", "b.csv"), "missing-meta")


def test_accounting_formats_in_csv_are_read(run, tmp_path):
    import json
    path = csv_input(tmp_path, 'line,amount,label\n7010,"1,443,907,046.50",cash\n7033,"(52,837,332)",opts\n')
    status, _, err = run("build", path, "--out", tmp_path / "out")
    assert status == 0, err
    lines = json.loads((tmp_path / "out" / "in.json").read_text())["lines"]
    assert lines["7010"] == 1_443_907_047 and lines["7033"] == -52_837_332 and lines["7040"] == 1_391_069_715


# --- nothing written, earlier output kept --------------------------------------------------------

def test_failed_build_keeps_earlier_output(run, tmp_path):
    path = write(tmp_path, GOOD)
    out = tmp_path / "out"
    assert run("build", path, "--out", out)[0] == 0
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.iterdir()}
    write(tmp_path, GOOD + "  7033: 5\n")
    status, _, err = run("build", path, "--out", out)
    assert status == 2 and "wrong-sign" in err
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in out.iterdir()}
    assert after == before          # same files, same bytes, untouched, no temporary left behind


def test_bad_format_option(run, tmp_path):
    with pytest.raises(SystemExit) as exc:
        run("build", write(tmp_path, GOOD), "--format", "docx")
    assert exc.value.code == 2


def test_console_script_exit_status(tmp_path):
    """The installed `focusgen` command itself exits 2 on bad input."""
    exe = Path(sys.executable).with_name("focusgen")
    path = write(tmp_path, GOOD + "  7040: 1\n")
    proc = subprocess.run([str(exe), "build", str(path), "--out", str(tmp_path / "o")], capture_output=True,
                          text=True, env={**os.environ, "COLUMNS": "200"})
    assert proc.returncode == 2
    assert "error[computed-line]" in proc.stderr
    assert not (tmp_path / "o").exists()
    ok = subprocess.run([str(exe), "build", str(INPUTS / "2020-11.yaml"), "--out", str(tmp_path / "ok")],
                        capture_output=True, text=True)
    assert ok.returncode == 0, ok.stderr
    assert "134,116,777" in ok.stdout
