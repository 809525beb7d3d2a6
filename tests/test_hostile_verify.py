"""Class 5 of issue 19: `verify` reads only regular files of its own folder, streamed and bounded.

`verify` once read manifest.json and every output it lists unchecked: a FIFO hung it, a link to
/dev/zero or a 4 GB output ended in a MemoryError traceback, and a link out of the folder was read and
trusted. Now the manifest and every output are opened without following links and without blocking,
checked on the open file (a regular file, within its size), hashed in chunks, MAX_TOTAL bytes in all;
names must be plain (no path, no control character, not hidden) and listed once. Every other entry is
`refused`, a manifest that is not a regular file of bounded size is a named problem (exit 2), and the
folder's unlisted files are named up to MAX_UNLISTED, the rest counted.

Cases are drawn: folders built, then given random sets of hostile entries beside genuine ones.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys

import pytest

from conftest import INPUTS
from drawn import rng, seeded, text
from ptyrun import run as pty_run
from test_hostile_json import peak

CONTROL = ["\n", "\r", "\t", "\x1b[2J", "\x7f", "\u202e", "\u200b", "\x85"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from focusgen.cli import main
    out = tmp_path_factory.mktemp("verify") / "b"
    assert main(["build", str(INPUTS / "2020-11.yaml"), "--out", str(out), "--format", "txt,json", "--quiet"]) == 0
    return out


def fresh(built, tmp_path, name="case"):
    folder = tmp_path / name
    shutil.copytree(built, folder, symlinks=True)
    return folder


def _add(folder, entries):
    doc = json.loads((folder / "manifest.json").read_text())
    doc["outputs"] += entries
    (folder / "manifest.json").write_text(json.dumps(doc))


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def hostile_entry(kind: str, folder, outside, r) -> tuple[str, str]:
    """Make one hostile output in `folder` and return (its name in the manifest, the status verify owes)."""
    secret = outside / "secret.txt"
    if not secret.exists():
        secret.write_text("root:x:0:0\n")
    n = f"{kind.replace(' ', '-')}-{r.randrange(10**6)}"
    if kind == "fifo":
        os.mkfifo(folder / n)
    elif kind == "dev zero":
        os.symlink("/dev/zero", folder / n)
    elif kind == "dev urandom":
        os.symlink("/dev/urandom", folder / n)
    elif kind == "link out":                      # its hash is the secret's: it would verify "ok" if followed
        os.symlink(secret, folder / n)
        return n, "refused"
    elif kind == "link in":
        os.symlink(folder / "2020-11.txt", folder / n)
    elif kind == "folder":
        (folder / n).mkdir()
    elif kind == "socket":
        s = socket.socket(socket.AF_UNIX)
        s.bind(str(folder / n))
        s.close()
    elif kind == "huge sparse":
        with open(folder / n, "wb") as fh:
            fh.truncate(r.choice([513 * 2**20, 4 * 2**30, 2**40]))
    elif kind == "control name":
        n = text(r, 0, 8, control=False).replace("/", "") + r.choice(CONTROL) + "x"
        (folder / n).write_bytes(b"x")
        return n, "refused"
    elif kind == "path name":
        n = r.choice(["/etc/passwd", "../secret.txt", "../" * r.randint(1, 9) + "etc/passwd", "sub/x", "", ".",
                      "..", ".hidden", "-rf", " x", "a\\b", str(secret)])
        return n, "refused"
    else:
        raise AssertionError(kind)
    return n, "refused"


KINDS = ["fifo", "dev zero", "dev urandom", "link out", "link in", "folder", "socket", "huge sparse",
         "control name", "path name"]


def test_drawn_hostile_entries_are_refused_and_the_rest_verified(tmp_path, built):
    r = rng("verify:entries")
    outside = tmp_path / "outside"
    outside.mkdir()
    for case in range(12):
        folder = fresh(built, tmp_path, f"c{case}")
        kinds = KINDS if case == 0 else r.sample(KINDS, r.randint(1, len(KINDS)))
        entries, owed = [], {}
        for kind in kinds:
            name, status = hostile_entry(kind, folder, outside, r)
            digest = _sha(b"root:x:0:0\n") if kind == "link out" else _sha(b"x")
            entries.append({"path": name, "sha256": digest})
            owed[name] = status
        _add(folder, entries)
        status, stderr, mb = peak(["verify", folder], cwd=tmp_path, timeout=60)   # a hang fails here
        label = seeded(f"case {case}: {kinds}")
        assert status == 1 and "Traceback" not in stderr, (label, stderr[-2000:])
        assert mb < 150, (label, mb)
        proc = subprocess.run([sys.executable, "-m", "focusgen.cli", "verify", str(folder)], capture_output=True,
                              text=True, timeout=60)
        lines = [ln.rstrip() for ln in proc.stdout.splitlines()]
        assert "      ok  2020-11.txt" in lines and "      ok  2020-11.json" in lines, label
        from focusgen.render.terminal import literal
        for name, want in owed.items():
            assert f"{want:>8}  {literal(name)}".rstrip() in lines, (label, name, proc.stdout[-3000:])
        # the build's own outputs: text, JSON and the CFTC's published row
        assert sum(1 for ln in lines if ln.startswith("      ok")) == 3, label


def test_listed_twice_is_refused(run, tmp_path, built):
    folder = fresh(built, tmp_path)
    good = (folder / "2020-11.txt").read_bytes()
    _add(folder, [{"path": "2020-11.txt", "sha256": _sha(good)}, {"path": "2020-11.txt", "sha256": _sha(b"x")}])
    status, out, _ = run("verify", folder)
    assert status == 1 and "      ok  2020-11.txt" in out and " refused  2020-11.txt" in out


def test_the_manifest_itself(tmp_path, built):
    """manifest.json as a FIFO, a link (to a good manifest, to /dev/zero), a huge sparse file, a folder,
    empty, not UTF-8: each a named problem, exit 2, at once."""
    good = (built / "manifest.json").read_text()
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text(good)
    cases = {
        "fifo": lambda m: os.mkfifo(m),
        "link to a good one": lambda m: os.symlink(elsewhere, m),
        "link to /dev/zero": lambda m: os.symlink("/dev/zero", m),
        "dangling link": lambda m: os.symlink(tmp_path / "nowhere", m),
        "huge": lambda m: open(m, "wb").truncate(4 * 2**30),
        "just past the cap": lambda m: m.write_text(good[:-2] + " " * 1_000_000 + "}\n"),
        "folder": lambda m: m.mkdir(),
        "empty": lambda m: m.write_bytes(b""),
        "not UTF-8": lambda m: m.write_bytes(b"\xff\xfe{}"),
        "socket": lambda m: socket.socket(socket.AF_UNIX).bind(str(m)),
    }
    for name, make in cases.items():
        folder = fresh(built, tmp_path, name.replace(" ", "-").replace("/", ""))
        (folder / "manifest.json").unlink()
        make(folder / "manifest.json")
        status, err, mb = peak(["verify", folder], cwd=tmp_path, timeout=60)
        assert status == 2 and "Traceback" not in err, (name, err)
        assert any(f"error[{c}]" in err for c in ("not-a-regular-file", "file-too-large", "bad-manifest",
                                                   "no-manifest")), (name, err)
        assert mb < 150, (name, mb)


def test_the_total_read_is_bounded(run, tmp_path, built, monkeypatch):
    from focusgen import manifest
    monkeypatch.setattr(manifest, "MAX_OUTPUT", 4096)
    monkeypatch.setattr(manifest, "MAX_TOTAL", 10_000)
    folder = fresh(built, tmp_path)
    entries = []
    for i in range(6):
        data = bytes([i]) * 3000
        (folder / f"part{i}.bin").write_bytes(data)
        entries.append({"path": f"part{i}.bin", "sha256": _sha(data)})
    _add(folder, entries)
    results = {r["path"]: r["status"] for r in manifest.verify(folder)}
    # 2020-11.txt (about 20 KB) is past MAX_OUTPUT here; 2020-11.json (7 KB) too; then three parts of
    # 3,000 bytes fit the 10,000-byte total and the rest are refused
    assert [results[f"part{i}.bin"] for i in range(6)] == ["ok"] * 3 + ["refused"] * 3


def test_unlisted_files_are_named_up_to_a_bound(run, tmp_path, built, monkeypatch):
    from focusgen import manifest
    monkeypatch.setattr(manifest, "MAX_UNLISTED", 25)
    folder = fresh(built, tmp_path)
    r = rng("verify:unlisted")
    names = set()
    while len(names) < 400:
        names.add(f"{r.randrange(10**9):09d}.extra")
    for n in names:
        (folder / n).write_bytes(b"")
    status, out, _ = run("verify", folder)
    lines = out.splitlines()
    assert status == 1
    assert [ln[len("unlisted  "):] for ln in lines if ln.startswith("unlisted  ") and "more" not in ln] == \
        sorted(names)[:25]
    assert "unlisted  ... and 375 more" in out
    assert lines[-1] == "3 unchanged, 400 changed, missing, unlisted or refused"


def test_a_long_refused_name_is_printed_cut(run, tmp_path, built):
    folder = fresh(built, tmp_path)
    _add(folder, [{"path": "/" + "x" * 500_000, "sha256": "0"}])
    status, out, _ = run("verify", folder)
    assert status == 1 and len(out) < 5000 and "characters in all)" in out


def test_at_a_terminal(tmp_path, built):
    folder = fresh(built, tmp_path)
    os.mkfifo(folder / "pipe")
    os.symlink("/dev/zero", folder / "zero")
    (folder / "evil\x1b[2J").write_bytes(b"")
    _add(folder, [{"path": "pipe", "sha256": "0"}, {"path": "zero", "sha256": "0"}])
    for mode in ({"cols": 80}, {"cols": 80, "pipe_stdout": True}, {"cols": 200, "env": {"NO_COLOR": "1"}}):
        ran = pty_run(["verify", folder], cwd=tmp_path, timeout=60, **mode)
        shown = ran.text + ran.piped.decode()
        assert ran.status == 1 and "Traceback" not in shown and "\x1b[2J" not in shown
        assert " refused  pipe" in shown and " refused  zero" in shown and "evil\\x1b[2J" in shown
