"""Outputs as a set, interruption and verify (issue 9, classes 2, 4, 5 and 6): after any failure, kill
or race the output folder is wholly the earlier build or wholly the new one, with nothing left over;
verify reads only its own folder and reports everything it finds there."""

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import INPUTS

FOCUSGEN = [sys.executable, "-m", "focusgen.cli"]


def snapshot(folder: Path) -> dict[str, bytes]:
    """The folder's files, the manifest without its build time (the one field that differs)."""
    files = {}
    for p in sorted(folder.iterdir()):
        data = p.read_bytes()
        if p.name == "manifest.json":
            doc = json.loads(data)
            doc.pop("built_at")
            data = json.dumps(doc, sort_keys=True).encode()
        files[p.name] = data
    return files


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.parent.iterdir() if p.name.startswith(f".{folder.name}."))


def variant(tmp_path: Path, name: str, as_of: str) -> Path:
    text = (INPUTS / "2020-11.yaml").read_text().replace("as_of: 2020-11-30", f"as_of: {as_of}")
    text = text.replace("period_begin: 2020-11-01", f"period_begin: {as_of[:8]}01")
    path = tmp_path / name
    path.write_text(text)
    return path


def build(*args, check=True):
    proc = subprocess.run(FOCUSGEN + ["build", *map(str, args), "--quiet"], capture_output=True, text=True,
                          timeout=120)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


# --- class 2: the set is replaced whole ---------------------------------------------------------

def test_kill_during_write_leaves_one_whole_set(tmp_path):
    out = tmp_path / "out"
    a, b = variant(tmp_path, "f.yaml", "2020-10-31"), tmp_path / "g" / "f.yaml"
    b.parent.mkdir()
    b.write_text(variant(tmp_path, "tmp.yaml", "2020-11-30").read_text())
    build(a, "--out", out, "--format", "txt,json")
    set_a = snapshot(out)
    build(b, "--out", tmp_path / "ref-b", "--format", "txt,json")
    set_b = snapshot(tmp_path / "ref-b")
    set_b["manifest.json"] = set_a["manifest.json"]       # inputs' paths differ; compare the outputs
    started = time.monotonic()
    build(b, "--out", tmp_path / "timing", "--format", "txt,json")
    duration = time.monotonic() - started
    rng = random.Random(20201130)
    outcomes = set()
    for _ in range(20):                                   # bounded: 20 kills at random moments
        proc = subprocess.Popen(FOCUSGEN + ["build", str(b), "--out", str(out), "--format", "txt,json",
                                            "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.5, 1.1) * duration)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        now = snapshot(out)
        files = {k: v for k, v in now.items() if k != "manifest.json"}
        if files == {k: v for k, v in set_a.items() if k != "manifest.json"}:
            outcomes.add("earlier")
        else:
            assert files == {k: v for k, v in set_b.items() if k != "manifest.json"}, sorted(now)
            outcomes.add("new")
        assert not any(n.endswith(".tmp") for n in now)
        # the next build clears what a killed one left beside the folder, and only its own
        build(a, "--out", out, "--format", "txt,json")
        assert leftovers(out) == []
    assert outcomes                                       # the loop really ran


def test_two_builds_into_one_folder_never_mix(tmp_path):
    out = tmp_path / "out"
    x = variant(tmp_path, "x.yaml", "2020-10-31")
    y = variant(tmp_path, "y.yaml", "2020-11-30")
    for _ in range(4):
        procs = [subprocess.Popen(FOCUSGEN + ["build", str(p), "--out", str(out), "--format", "txt,json",
                                              "--quiet"], stderr=subprocess.PIPE) for p in (x, y)]
        for p in procs:
            assert p.wait(timeout=120) == 0, p.stderr.read()
        names = sorted(p.name for p in out.iterdir())
        stems = {n.split(".")[0].removesuffix("-cftc-data") for n in names if n != "manifest.json"}
        assert len(stems) == 1, names                     # wholly x's outputs or wholly y's
        manifest = json.loads((out / "manifest.json").read_text())
        assert sorted(e["path"] for e in manifest["outputs"]) == [n for n in names if n != "manifest.json"]
        assert leftovers(out) == []


def test_fewer_formats_replace_the_whole_set(run, tmp_path):
    out = tmp_path / "out"
    assert run("build", INPUTS / "2020-11.yaml", "--out", out, "--format", "txt,json")[0] == 0
    assert run("build", INPUTS / "daily-seg-2017-12-26.yaml", "--out", out, "--format", "txt")[0] == 0
    assert sorted(p.name for p in out.iterdir()) == ["daily-seg-2017-12-26.txt", "manifest.json"]


def test_full_disk_leaves_the_earlier_set(run, tmp_path, monkeypatch):
    import errno

    from focusgen import outputs
    out = tmp_path / "out"
    assert run("build", INPUTS / "2020-11.yaml", "--out", out, "--format", "txt,json")[0] == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    calls = {"n": 0}
    real = os.fsync

    def full(fd):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd)
    monkeypatch.setattr(outputs.os, "fsync", full)
    status, _, err = run("build", INPUTS / "daily-seg-2017-12-26.yaml", "--out", out, "--format", "txt,json")
    assert status == 2 and "error[cannot-write]" in err and "disk is full" in err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert leftovers(out) == []


def test_out_that_is_a_file_or_unwritable(run, tmp_path, monkeypatch):
    target = tmp_path / "afile"
    target.write_text("keep me")
    status, _, err = run("build", INPUTS / "2020-11.yaml", "--out", target, "--format", "txt")
    assert status == 2 and "error[cannot-write]" in err and "is a file" in err
    assert target.read_text() == "keep me"
    from focusgen import outputs

    def refuse(self, *a, **k):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(outputs.Path, "mkdir", refuse)
    status, _, err = run("build", INPUTS / "2020-11.yaml", "--out", tmp_path / "ro" / "out", "--format", "txt")
    assert status == 2 and "error[cannot-write]" in err and "Traceback" not in err


def test_a_folder_of_other_files_is_never_replaced(run, tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.docx").write_text("precious")
    status, _, err = run("build", INPUTS / "2020-11.yaml", "--out", out, "--format", "txt")
    assert status == 2 and "error[cannot-write]" in err and "did not write" in err
    assert [p.name for p in out.iterdir()] == ["notes.docx"]


def test_input_named_manifest_is_refused(run, tmp_path):
    path = tmp_path / "manifest.yaml"
    path.write_text((INPUTS / "2020-11.yaml").read_text())
    status, _, err = run("build", path, "--out", tmp_path / "out", "--format", "json")
    assert status == 2 and "error[reserved-name]" in err
    assert not (tmp_path / "out").exists()


# --- class 6: verify -----------------------------------------------------------------------------

@pytest.fixture
def built(run, tmp_path):
    out = tmp_path / "out"
    assert run("build", INPUTS / "2020-11.yaml", "--out", out, "--format", "txt,json")[0] == 0
    return out


def rewrite_manifest(out: Path, change) -> None:
    doc = json.loads((out / "manifest.json").read_text())
    change(doc)
    (out / "manifest.json").write_text(json.dumps(doc))


@pytest.mark.parametrize("path", ["/etc/shadow", "../secret", "sub/x", "..", ".", "", "manifest.json"])
def test_verify_reads_nothing_outside_its_folder(run, built, tmp_path, path):
    import hashlib
    (tmp_path / "secret").write_text("s")
    digest = hashlib.sha256(b"s").hexdigest()
    rewrite_manifest(built, lambda d: d["outputs"].append({"path": path, "sha256": digest}))
    status, out, _ = run("verify", built)
    assert status == 1 and "refused" in out


def test_verify_refuses_a_symlink_out(run, built, tmp_path):
    (built / "2020-11.txt").unlink()
    os.symlink("/etc/hostname", built / "2020-11.txt")
    status, out, _ = run("verify", built)
    assert status == 1 and "refused  2020-11.txt" in out


def test_verify_reports_unlisted_files_and_mixes(run, built, tmp_path):
    other = tmp_path / "other"
    assert run("build", INPUTS / "daily-seg-2017-12-26.yaml", "--out", other, "--format", "txt,json")[0] == 0
    (built / "daily-seg-2017-12-26.txt").write_bytes((other / "daily-seg-2017-12-26.txt").read_bytes())
    (built / "2020-11.json").write_bytes((other / "daily-seg-2017-12-26.json").read_bytes())
    status, out, _ = run("verify", built)
    assert status == 1
    assert "unlisted  daily-seg-2017-12-26.txt" in out and "changed  2020-11.json" in out


def test_verify_prints_names_literally(run, built):
    (built / "evil\nok  forged.pdf").write_text("x")
    status, out, _ = run("verify", built)
    assert status == 1 and "evil\\nok  forged.pdf" in out and "\nok  forged.pdf" not in out


@pytest.mark.parametrize("text", ['{"outputs": []}', "{", "[]", '{"outputs": "x"}', '{"outputs": [{"path": 1}]}',
                                  "[" * 100000 + "]" * 100000, '{"outputs": [{"path": "a", "sha256": null}]}'])
def test_verify_refuses_a_malformed_manifest(run, built, text):
    (built / "manifest.json").write_text(text)
    status, _, err = run("verify", built)
    assert status == 2 and "error[bad-manifest]" in err and "Traceback" not in err


# --- class 5: interruption ------------------------------------------------------------------------

def _children(pid: int) -> list[int]:
    found = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                stat = (d / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(d.name))
    return found


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _batch(tmp_path: Path, n: int) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    text = (INPUTS / "daily-seg-2017-12-26.yaml").read_text()
    csv = (INPUTS / "daily-seg-2017-12-26.csv").read_text()
    (folder / "daily-seg-2017-12-26.csv").write_text(csv)
    for i in range(n):
        (folder / f"f{i:03d}.yaml").write_text(text)
    return folder


def test_ctrl_c_stops_a_batch_within_seconds(tmp_path):
    folder = _batch(tmp_path, 40)
    # as from a terminal: SIGINT not ignored (a background job of a script would inherit it ignored)
    proc = subprocess.Popen(FOCUSGEN + ["build", str(folder), "--out", str(tmp_path / "out"), "--jobs", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (tmp_path / "out").exists():
        time.sleep(0.1)
    workers = _children(proc.pid)
    proc.send_signal(signal.SIGINT)
    started = time.monotonic()
    stdout, stderr = proc.communicate(timeout=30)
    assert time.monotonic() - started < 10
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr and "interrupted" in stderr
    assert "not built (interrupted)" in stdout
    time.sleep(0.5)
    assert not [w for w in workers if _alive(w)]
    # every output folder is a whole set, and nothing else is there: what a killed worker left (its
    # hidden staging sibling) was removed before the batch ended
    for out in (tmp_path / "out").iterdir():
        assert not out.name.startswith("."), out.name
        names = sorted(p.name for p in out.iterdir())
        assert "manifest.json" in names and len(names) == 4, names     # pdf, txt, json and the manifest


def test_killing_the_parent_kills_its_workers(tmp_path):
    folder = _batch(tmp_path, 40)
    proc = subprocess.Popen(FOCUSGEN + ["build", str(folder), "--out", str(tmp_path / "out"), "--jobs", "2",
                                        "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    workers = []
    while time.monotonic() < deadline and len(workers) < 2:
        workers = _children(proc.pid)
        time.sleep(0.1)
    assert workers
    proc.kill()
    proc.wait(timeout=10)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and [w for w in workers if _alive(w)]:
        time.sleep(0.1)
    assert not [w for w in workers if _alive(w)]


def test_jobs_is_capped_at_the_number_of_inputs(tmp_path):
    from focusgen import batch
    folder = _batch(tmp_path, 2)
    started = []
    real = batch._Worker

    class Spy(real):
        def __init__(self, *a, **kw):
            started.append(1)
            super().__init__(*a, **kw)
    batch._Worker = Spy
    try:
        outcomes = batch.build_many(batch.expand([folder]), tmp_path / "out", ("txt",), workers=64)
    finally:
        batch._Worker = real
    assert len(started) == 2 and all(not o.problems for o in outcomes)


# --- class 9: the PDF hides no text -------------------------------------------------------------

LONG = "THE EXTRAORDINARILY LONG NAMED INTERNATIONAL FUTURES CLEARING AND SECURITIES COMPANY OF NEW YORK LLC"


def _with_name(tmp_path, name, source="2020-11.yaml"):
    text = (INPUTS / source).read_text()
    old = "HSBC SECURITIES (USA) INC." if source == "2020-11.yaml" else "Credit Suisse Securities (USA) LLC"
    assert old in text
    path = tmp_path / "named.yaml"
    path.write_text(text.replace(f"name: {old}", f"name: \"{name}\"", 1))
    if source != "2020-11.yaml":
        (tmp_path / "daily-seg-2017-12-26.csv").write_text((INPUTS / "daily-seg-2017-12-26.csv").read_text())
    return path


@pytest.mark.parametrize("source", ["2020-11.yaml", "daily-seg-2017-12-26.yaml"])
def test_a_long_firm_name_wraps_and_overprints_nothing(run, tmp_path, source):
    import pypdfium2 as pdfium
    assert len(LONG) == 100
    status, _, err = run("build", _with_name(tmp_path, LONG, source), "--out", tmp_path / "o", "--format", "pdf")
    assert status == 0, err
    pdf = pdfium.PdfDocument(str(tmp_path / "o" / "named.pdf"))
    for page in pdf:
        tp = page.get_textpage()
        text = tp.get_text_range()
        words = " ".join(text.split())
        assert all(w in words for w in LONG.split())        # every word of the name is printed
        # no character of the name's box overlaps a character of the as-of date's
        boxes = [tp.get_charbox(i) for i in range(tp.count_chars())]
        chars = tp.get_text_range()
        if "as of" in chars:
            i = chars.index("as of")
            asof = boxes[i:i + 14]
            name_at = [b for j, b in enumerate(boxes) if j < len(chars) and chars[j] in "LLC" and j < i]
            for a in asof:
                for b in name_at:
                    overlap = not (a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1])
                    assert not overlap


@pytest.mark.parametrize("name,char", [("中文证券有限公司", "U+4E2D"), ("شركة الأوراق المالية", "U+0634"),
                                       ("株式会社 FUTURES", "U+682A"), ("한국증권", "U+D55C")])
def test_characters_the_fonts_cannot_draw_are_refused_by_name(run, tmp_path, name, char):
    path = _with_name(tmp_path, name)
    status, _, err = run("build", path, "--out", tmp_path / "o", "--format", "pdf")
    assert status == 2 and "error[unprintable-character]" in err and char in err and "firm.name" in err
    assert not (tmp_path / "o").exists()
    status, _, err = run("build", path, "--out", tmp_path / "t", "--format", "txt,json")
    assert status == 0, err                                   # text and JSON print any character
    assert name in (tmp_path / "t" / "named.txt").read_text()


def test_accented_greek_and_cyrillic_names_print(run, tmp_path):
    import pypdfium2 as pdfium
    name = "SOCIÉTÉ GÉNÉRALE Ω ТРЕЙД LLC"
    status, _, err = run("build", _with_name(tmp_path, name), "--out", tmp_path / "o", "--format", "pdf")
    assert status == 0, err
    text = pdfium.PdfDocument(str(tmp_path / "o" / "named.pdf"))[1].get_textpage().get_text_range()
    assert name in " ".join(text.split())


# --- class 10: the terminal prints user text literally -------------------------------------------

@pytest.mark.parametrize("name", ["[red]EVIL[/red] LLC", ":x: FUTURES", "[bold]X", "A\\u001b[2JB"])
def test_terminal_prints_firm_names_literally(tmp_path, name):
    path = _with_name(tmp_path, name.replace("\\u001b", "\\x1b") if "\\u" in name else name)
    proc = subprocess.run(FOCUSGEN + ["build", str(path), "--out", str(tmp_path / "o"), "--format", "json"],
                          capture_output=True, text=True, timeout=60)
    if "\\u001b" in name:
        assert proc.returncode == 2 and "error[bad-field]" in proc.stderr and "\x1b" not in proc.stderr
    else:
        assert proc.returncode == 0, proc.stderr
        assert name in proc.stdout and "❌" not in proc.stdout


@pytest.mark.parametrize("fname", ["[red]evil.yaml", ":x:.yaml", "new\nline.yaml"])
def test_terminal_prints_file_names_literally(tmp_path, fname):
    path = tmp_path / fname
    path.write_text("report: focus-ii\nas_of: 2020-11-30\nfirm: {name: X}\nlines: {7010: oops}\n")
    proc = subprocess.run(FOCUSGEN + ["build", str(path), "--out", str(tmp_path / "o")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    shown = fname.replace("\n", "\\n")
    assert shown in proc.stderr and "❌" not in proc.stderr
