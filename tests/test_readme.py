"""Every command of the README runs as written.

A copy of the checkout (what a clone holds: the files git tracks) is set up with its own setup.sh, as
the first of the README's two commands does; then every command of the README's `sh` blocks runs, as
written and in order, in that copy, with bash. A command whose trailing comment says `# exit status N`
must end with N, every other with 0, and none may print a traceback. The second of the two commands
(`./setup.sh --test && .venv/bin/python -m pytest`) is run as what it runs: setup.sh --test, then pytest
on one test file of the copy (the whole suite cannot run inside itself).

setup.sh's apt branch, which a machine with everything installed never takes, is run offline with
stand-ins for dpkg-query, apt-get and python3: it waits for the package manager's lock and installs
python3-venv where `python3 -m venv` cannot work."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT

SETUP = "./setup.sh && .venv/bin/focusgen build inputs/2020-11.yaml"
TEST = "./setup.sh --test && .venv/bin/python -m pytest"


def sh_commands(text: str) -> list[str]:
    """The commands of the `sh` blocks of a Markdown text, in order (comments and blank lines left out,
    a line ending in a backslash joined with the next)."""
    commands: list[str] = []
    for block in re.findall(r"^```sh\n(.*?)^```", text, re.S | re.M):
        pending = ""
        for line in block.splitlines():
            if pending:
                line = pending + " " + line.strip()
                pending = ""
            if line.rstrip().endswith("\\"):
                pending = line.rstrip()[:-1].rstrip()
                continue
            if line.strip() and not line.strip().startswith("#"):
                commands.append(line.strip())
    return commands


def expected_status(command: str) -> int:
    m = re.search(r"#\s*exit status (\d+)", command)
    return int(m.group(1)) if m else 0


def test_sh_blocks_are_read_as_written():
    text = "x\n```sh\n# a comment\n.venv/bin/focusgen build a.yaml   # exit status 2\n\nls \\\n  -l\n```\n" \
           "```text\nfocusgen build INPUT...\n```\n```sh\ntrue\n```\n"
    assert sh_commands(text) == [".venv/bin/focusgen build a.yaml   # exit status 2", "ls -l", "true"]
    assert [expected_status(c) for c in sh_commands(text)] == [2, 0, 0]


def checkout_copy(dest: Path) -> Path:
    """The files a clone of the checkout holds (git's tracked files, as they are in the work tree)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached"], cwd=ROOT, capture_output=True, check=True)
    for name in filter(None, listed.stdout.decode().split("\0")):
        src = ROOT / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    return dest


def bash(command: str, cwd: Path, timeout: int = 1200) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "FOCUSGEN_NO_CACHE")}
    env["COLUMNS"] = "80"
    return subprocess.run(["bash", "-c", command], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env=env)


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="needs a git checkout to copy")
def test_every_readme_command_runs_as_written(tmp_path):
    readme = (ROOT / "README.md").read_text()
    commands = sh_commands(readme)
    assert commands[:2] == [SETUP, TEST], commands[:2]
    assert len(commands) > 20
    work = checkout_copy(tmp_path / "focusgen")
    # 1. the first command, as written: setup.sh in the copy (a virtual environment of its own), a build
    ran = bash(SETUP, work)
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-3000:]
    assert (work / "output" / "2020-11" / "2020-11.pdf").is_file()
    # 2. the second, as what it runs: setup.sh --test, and the copy's own tests (one file of them)
    ran = bash("./setup.sh --test && .venv/bin/python -m pytest -q -p no:cacheprovider tests/test_house.py", work)
    assert ran.returncode == 0, ran.stdout[-3000:] + ran.stderr[-3000:]
    # 3. every other command, in order, in the copy
    outputs = {}
    for command in commands[2:]:
        ran = bash(command, work, timeout=600)
        shown = f"$ {command}\n{ran.stdout[-3000:]}\n{ran.stderr[-3000:]}"
        assert ran.returncode == expected_status(command), shown
        assert "Traceback" not in ran.stdout + ran.stderr, shown
        outputs[command] = ran.stdout + ran.stderr
    # what the README says of them
    step1 = next(o for c, o in outputs.items() if "--prior output/2020-10/2020-10.json --history output/" in c)
    assert "29 line(s) moved, 12 flagged" in step1 and "17 more moved" in step1, step1[-3000:]
    assert (work / "output" / "2020-11-gl" / "2020-11-gl-review.pdf").is_file()
    explained = next(o for c, o in outputs.items() if "explain inputs/2020-11.yaml 7191" in c)
    assert "did you mean 7190, 7194 or 7198?" in explained
    assert sorted(p.name for p in (work / "daily").iterdir()) == ["seg-20201124", "seg-20201125", "seg-20201127"]
    assert '"submit_date": "2020-11-27"' in (work / "daily" / "seg-20201125" / "seg-20201125.json").read_text()
    assert sorted(p.name for p in (work / "myfirm").iterdir()) == [
        "balances.csv", "balances.xlsx", "filing.yaml", "mapping.yaml", "trial-balance.csv"]
    assert list((work / "dist").glob("focusgen-*.whl")) and len(list((work / "dist").iterdir())) == 1


# --- setup.sh's apt branch, offline ----------------------------------------------------------------

STANDINS = {
    # every package reported missing
    "dpkg-query": "#!/bin/sh\nexit 1\n",
    # apt-get: logged; `update` finds the lists locked by another process the first LOCKED times
    "apt-get": """#!/bin/sh
echo "$@" >> "$LOG"
case "$*" in *" update "*|*" update")
  n=$(cat "$COUNT" 2>/dev/null || echo 0); echo $((n + 1)) > "$COUNT"
  if [ "$n" -lt "$LOCKED" ]; then
    echo "E: Could not get lock /var/lib/apt/lists/lock. It is held by process 4242 (apt-get)" >&2; exit 100
  fi;;
esac
exit 0
""",
    # python3 without ensurepip (as Debian's without python3-venv); `-m venv` stops setup here
    "python3": "#!/bin/sh\nif [ \"$1\" = -c ]; then exit 1; fi\necho venv >> \"$LOG\"\nexit 3\n",
    "sudo": "#!/bin/sh\nexec \"$@\"\n",
}


def _setup_offline(tmp_path: Path, locked: int, wait: str) -> tuple[subprocess.CompletedProcess, list[str]]:
    bin_dir, work = tmp_path / "bin", tmp_path / "work"
    bin_dir.mkdir()
    work.mkdir()
    shutil.copy2(ROOT / "setup.sh", work / "setup.sh")
    for name, body in STANDINS.items():
        (bin_dir / name).write_text(body)
        (bin_dir / name).chmod(0o755)
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "LOG": str(tmp_path / "log"), "COUNT": str(tmp_path / "count"),
           "LOCKED": str(locked), "FOCUSGEN_SETUP_LOCK_WAIT": wait, "FOCUSGEN_SETUP_LOCK_POLL": "0.1",
           "HOME": str(tmp_path)}
    ran = subprocess.run(["bash", str(work / "setup.sh")], capture_output=True, text=True, timeout=120, env=env)
    log = (tmp_path / "log").read_text().splitlines() if (tmp_path / "log").exists() else []
    return ran, log


def test_setup_waits_for_the_package_lock_and_installs_python3_venv(tmp_path):
    ran, log = _setup_offline(tmp_path, locked=2, wait="600")
    assert ran.returncode == 3, ran.stderr             # stopped by the stand-in python3 -m venv, after apt
    updates = [line for line in log if line.endswith("update -qq")]
    assert len(updates) == 3                            # twice locked, then through
    assert all("-o DPkg::Lock::Timeout=600" in line for line in updates)
    install = next(line for line in log if " install " in f" {line} ")
    assert "-o DPkg::Lock::Timeout=600" in install and "python3-venv" in install.split()
    assert "libpango-1.0-0" in install.split() and "chromium" not in install.split()
    assert "waiting" in ran.stderr and log[-1] == "venv"


def test_setup_gives_up_when_the_lock_stays_held(tmp_path):
    ran, log = _setup_offline(tmp_path, locked=10**6, wait="1")
    assert ran.returncode != 0
    assert "Could not get lock" in ran.stderr
    assert not any(" install " in f" {line} " for line in log) and "venv" not in log
