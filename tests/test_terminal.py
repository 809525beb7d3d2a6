"""Every command at a terminal, as a person types it: under a pseudo-terminal with both streams on it,
with stdout piped, at 80 and 200 columns, with NO_COLOR, and interrupted with Ctrl-C. Each exits as it
does without a terminal, prints no traceback, and leaves the cursor shown."""

from __future__ import annotations

import shutil

import pytest

from conftest import INPUTS
from ptyrun import plain, run


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    root = tmp_path_factory.mktemp("terminal")
    inputs = root / "inputs"
    inputs.mkdir()
    for name in ("2020-11.yaml", "daily-seg-2017-12-26.yaml", "daily-seg-2017-12-26.csv"):
        shutil.copy(INPUTS / name, inputs / name)
    built = plain(["build", inputs, "--out", root / "out", "--format", "txt,json,public", "--jobs", "1",
                   "--quiet"], cwd=root)
    assert built.returncode == 0, built.stderr.decode()
    filed = root / "filed"
    filed.mkdir()
    shutil.copy(root / "out" / "2020-11" / "2020-11.txt", filed / "2020-11.txt")
    return root


COMMANDS = {
    "build one": ["build", "inputs/2020-11.yaml", "--out", "o1", "--format", "txt,json"],
    "build folder": ["build", "inputs", "--out", "o2", "--format", "txt,json", "--jobs", "2"],
    "check one": ["check", "inputs/2020-11.yaml", "--against", "filed/2020-11.txt"],
    "check folders": ["check", "inputs", "--against", "filed"],
    "extract": ["extract", "filed/2020-11.txt"],
    "explain": ["explain", "inputs/2020-11.yaml", "7190"],
    "diff": ["diff", "inputs/2020-11.yaml", "out/2020-11/2020-11.json"],
    "verify": ["verify", "out/2020-11"],
    "disclose": ["disclose", "out", "--out", "posted"],
    "bad input": ["build", "inputs/missing.yaml"],
    "bad option": ["build", "inputs/2020-11.yaml", "--jobs", "0"],
}


@pytest.mark.parametrize("name", COMMANDS)
def test_a_terminal_changes_nothing_but_the_looks(work, name):
    argv = COMMANDS[name]
    expected = plain(argv, cwd=work).returncode
    assert expected in (0, 1, 2), plain(argv, cwd=work).stderr.decode()
    for mode in ({"cols": 80}, {"cols": 200}, {"cols": 80, "pipe_stdout": True},
                 {"cols": 80, "env": {"NO_COLOR": "1"}}):
        ran = run(argv, cwd=work, **mode)
        assert ran.status == expected, (mode, ran.text[-3000:])
        assert "Traceback" not in ran.text and b"Traceback" not in ran.piped, (mode, ran.text[-3000:])
        assert ran.cursor_restored, mode
        if mode.get("env", {}).get("NO_COLOR"):
            assert b"\x1b[1;31m" not in ran.screen and b"\x1b[31m" not in ran.screen


def test_ctrl_c_in_a_batch_at_a_terminal(work, tmp_path):
    inputs = tmp_path / "many"
    inputs.mkdir()
    for i in range(12):
        shutil.copy(INPUTS / "2020-11.yaml", inputs / f"f{i:02d}.yaml")
    ran = run(["build", inputs, "--out", tmp_path / "o", "--jobs", "2"], cwd=work,
              interrupt_when=b"building")
    assert ran.status == 130, ran.text[-2000:]
    assert ran.cursor_restored
    assert "Traceback" not in ran.text
    assert "interrupted" in ran.text
    leftovers = [p.name for p in (tmp_path / "o").glob(".*")] if (tmp_path / "o").exists() else []
    assert not leftovers, leftovers


def test_ctrl_c_in_one_build_at_a_terminal(work, tmp_path):
    # Ctrl-C once the build is under way (pydantic's compiled core is loaded inside main(), past Python's
    # own start-up, however loaded the machine is)
    ran = run(["build", "inputs/2020-11.yaml", "--out", tmp_path / "o", "--no-cache"], cwd=work,
              interrupt_once_loaded="pydantic_core")
    assert ran.status in (0, 130), ran.text[-2000:]     # 0 when the build finished before the key
    assert ran.cursor_restored
    assert "Traceback" not in ran.text
    if ran.status == 130:
        assert not (tmp_path / "o").exists() or not list((tmp_path / "o").iterdir())
