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
    # last month (for the movements), a filing that calls for a notice, and a week of daily exports
    assert plain(["build", INPUTS / "2020-10.yaml", "--out", root / "oct", "--format", "json", "--quiet"],
                 cwd=root).returncode == 0
    (root / "alert").mkdir()
    (root / "alert" / "under.yaml").write_text((INPUTS / "2020-11.yaml").read_text().replace("7100: 1748149521",
                                                                                             "7100: 0"))
    shutil.copytree(INPUTS / "daily", root / "daily")
    (root / "taken").mkdir()
    (root / "taken" / "filing.yaml").write_text("mine\n")
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
    # the reviewer's summary, its options, the exit statuses a scheduled run acts on
    "build verbose": ["build", "inputs/2020-11.yaml", "--out", "o3", "--format", "txt,json", "--verbose"],
    "build prior": ["build", "inputs/2020-11.yaml", "--out", "o4", "--format", "json,review", "--prior",
                    "oct/2020-10.json", "--history", "oct"],
    "build fail-on-alert": ["build", "alert/under.yaml", "--out", "o5", "--format", "json", "--fail-on-alert"],
    "diff exit-code": ["diff", "inputs/2020-11.yaml", "oct/2020-10.json", "--exit-code"],
    "daily meta": ["build", "daily/exports", "--meta", "daily/daily.yaml", "--out", "o6", "--format", "txt,json"],
    "calendar": ["calendar", "2021"],
    "init exists": ["init", "taken"],               # never writes over (init into a new folder: its own test)
    "did you mean command": ["biuld", "inputs/2020-11.yaml"],
    "did you mean option": ["build", "inputs/2020-11.yaml", "--fromat", "json"],
    "did you mean line": ["explain", "inputs/2020-11.yaml", "7191"],
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
    for i in range(80):         # a build is placed in ~0.1 s now: enough of them for the key to land mid-batch
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


@pytest.mark.parametrize("when", [b"2020-11.txt", b"manifest.json"])
def test_ctrl_c_as_a_build_ends_at_a_terminal(work, tmp_path, when):
    # the key pressed once the outputs are written, while their names are listed or the interpreter
    # shuts down: no traceback from Python's own shutdown code, and never "the earlier outputs are as they
    # were" once they are not (status 0 when the build had ended, 130 with what was written otherwise)
    for i in range(3):
        o = tmp_path / f"o{i}"
        ran = run(["build", "inputs/2020-11.yaml", "--out", o], cwd=work, interrupt_when=when)
        assert "Traceback" not in ran.text and "KeyboardInterrupt" not in ran.text, ran.text[-2000:]
        assert ran.status in (0, 130), ran.text[-2000:]
        assert (o / "manifest.json").exists()
        assert "as they were" not in ran.text, ran.text[-2000:]
        if ran.status == 130:
            assert "the outputs were written whole" in ran.text, ran.text[-2000:]
        assert ran.cursor_restored


# Ctrl-C at the worst moment, made certain: the key pressed while pydantic's compiled core imports datetime's
# C API (a KeyboardInterrupt there made it panic: a Rust traceback and status 1, seen once in CI by the test
# above). A finder that presses the key as `datetime` is looked for puts it exactly there.
_KEY_AT_DATETIME = """
import os, signal, sys
class Press:
    def find_spec(self, name, path=None, target=None):
        if name == "datetime" and "pydantic_core" in sys.modules:
            sys.meta_path.remove(self)
            os.kill(os.getpid(), signal.SIGINT)
        return None
sys.meta_path.insert(0, Press())
from focusgen.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_ctrl_c_while_the_compiled_core_loads(work, tmp_path):
    import signal
    import subprocess
    import sys
    # started as a shell starts a program, Ctrl-C at its default (a test worker may ignore it, and an
    # ignored signal stays ignored in the child)
    ran = subprocess.run([sys.executable, "-c", _KEY_AT_DATETIME, "build", "inputs/2020-11.yaml",
                          "--out", str(tmp_path / "o"), "--quiet"], cwd=work, capture_output=True, text=True,
                         timeout=300, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert ran.returncode == 130, ran.stderr[-2000:]
    assert "Traceback" not in ran.stderr and "panicked" not in ran.stderr, ran.stderr[-2000:]
    assert "interrupted" in ran.stderr
    assert not (tmp_path / "o").exists() or not list((tmp_path / "o").iterdir())


def test_init_at_a_terminal(work, tmp_path):
    for i, mode in enumerate(({"cols": 80}, {"cols": 200}, {"cols": 80, "pipe_stdout": True},
                              {"cols": 80, "env": {"NO_COLOR": "1"}})):
        ran = run(["init", tmp_path / f"start{i}", "--report", "daily-seg"], cwd=work, **mode)
        assert ran.status == 0 and "Traceback" not in ran.text, (mode, ran.text)
        assert sorted(p.name for p in (tmp_path / f"start{i}").iterdir()) == [
            "balances.csv", "balances.xlsx", "filing.yaml", "mapping.yaml", "trial-balance.csv"]
        out = ran.piped.decode() if mode.get("pipe_stdout") else ran.text
        assert "next: focusgen build" in out


def _files(folder):
    return {p.relative_to(folder): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_ctrl_c_leaves_the_earlier_outputs_as_they_were(work, tmp_path):
    """A build interrupted at a terminal, into a folder that holds the earlier set: the set as it was."""
    out = tmp_path / "o"
    assert plain(["build", "inputs/2020-11.yaml", "--out", out, "--format", "pdf,txt,json"], cwd=work).returncode == 0
    before = _files(out)
    ran = run(["build", "inputs/2020-11.yaml", "--out", out, "--no-cache"], cwd=work, interrupt_after=0.8)
    assert ran.status in (0, 130), ran.text[-2000:]
    assert ran.cursor_restored and "Traceback" not in ran.text
    if ran.status == 130:
        assert _files(out) == before
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]      # no staging folder left


def test_ctrl_c_in_a_daily_batch_at_a_terminal(work, tmp_path):
    exports = tmp_path / "exports"
    exports.mkdir()
    csv = (INPUTS / "daily" / "exports" / "seg-20201124.csv").read_text()
    for day in range(1, 31):
        (exports / f"seg-202011{day:02d}.csv").write_text(csv)
    out = tmp_path / "o"
    out.mkdir()
    ran = run(["build", exports, "--meta", "daily/daily.yaml", "--out", out, "--jobs", "2"], cwd=work,
              interrupt_when=b"building")
    assert ran.status == 130, ran.text[-2000:]
    assert ran.cursor_restored and "Traceback" not in ran.text and "interrupted" in ran.text
    assert not [p.name for p in out.glob(".*")]
    for folder in out.iterdir():        # what was built is whole: each folder a complete set
        assert (folder / "manifest.json").is_file(), folder
