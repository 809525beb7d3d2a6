"""Class 4 of issue 19: `disclose` verifies every filing it posts, names files from validated fields only,
never writes over what it reads, and the 12-month window comes first.

What broke: a filing whose JSON did not parse or lacked its summary was skipped before its hash was
checked, and the posting written without it (exit 0); a JSON's `report` went into a file name unchecked
(a NUL byte gave a traceback); `disclose FOLDER --out FOLDER` replaced the build folder it was posting
from; and every build in the folder needed its public copy before the window was applied, so older Daily
Segs built without --public blocked the posting.

Drawn here: folders of Daily Seg builds over three years, each built with its public copy, without it, or
without its JSON, the window's end drawn too (the expected posting worked out by hand from the dates);
changed JSONs and public copies, with and without a rehashed manifest; and --out drawn among the
paths that overlap FOLDER (itself, inside, above, through links) and beside it.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from datetime import date, timedelta

import pytest

from conftest import INPUTS
from drawn import rng, seeded
from ptyrun import run as pty_run

FOCUSGEN = [sys.executable, "-m", "focusgen.cli"]
DAYS = 30            # Daily Segs drawn over three years


def _dates():
    """Business days (a Daily Seg is as of one), drawn over three years."""
    from focusgen.calendar import calendar
    r, cal = rng("disclose:dates"), calendar()
    start = date(2018, 1, 2)
    drawn = set()
    while len(drawn) < DAYS:
        d = start + timedelta(days=r.randrange(3 * 365))
        if cal.is_business_day(d):
            drawn.add(d)
    return sorted(drawn)


DATES = _dates()


@pytest.fixture(scope="module")
def pool(tmp_path_factory):
    """Every drawn date built three ways: with its public copy, without it, and as text only (no JSON)."""
    root = tmp_path_factory.mktemp("pool")
    src = root / "src"
    src.mkdir()
    shutil.copy(INPUTS / "daily-seg-2017-12-26.csv", src)
    text = (INPUTS / "daily-seg-2017-12-26.yaml").read_text().replace("submit_date: 2017-12-27\n", "")
    for d in DATES:
        (src / f"ds-{d}.yaml").write_text(text.replace("as_of: 2017-12-26", f"as_of: {d}"))
    for variant, formats in (("public", "json,public"), ("plain", "json"), ("txt", "txt")):
        proc = subprocess.run(FOCUSGEN + ["build", str(src), "--out", str(root / variant), "--format", formats,
                                          "--jobs", "2", "--quiet"], capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr[-2000:]
    return root


def _year_before(d: date) -> date:
    return d.replace(year=d.year - 1) if not (d.month == 2 and d.day == 29) else d.replace(year=d.year - 1, day=28)


def _folder(pool, tmp_path, variants: dict) -> "os.PathLike":
    folder = tmp_path / "builds"
    folder.mkdir(parents=True)
    for d, v in variants.items():
        shutil.copytree(pool / v / f"ds-{d}", folder / f"ds-{d}")
    return folder


def _disclose(folder, out, as_of=None):
    argv = FOCUSGEN + ["disclose", str(folder), "--out", str(out)] + (["--as-of", str(as_of)] if as_of else [])
    return subprocess.run(argv, capture_output=True, text=True, timeout=300)


def snapshot(folder) -> dict:
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() and not p.is_symlink() else os.readlink(p)
                                         if p.is_symlink() else None)
            for p in sorted(folder.rglob("*"))}


# --- the window first ---------------------------------------------------------------------------

def test_the_window_comes_first_drawn(pool, tmp_path):
    r = rng("disclose:window")
    seen = set()
    for case in range(10):
        given = r.choice([None, r.choice(DATES), date(2020, 6, 30)])
        if case % 2 and given:
            # every other case: whatever lies outside the window is anything, what lies inside is posted
            start = _year_before(given)
            variants = {d: r.choice(["public", None] if start < d <= given else ["public", "plain", "txt", None])
                        for d in DATES}
        else:
            variants = {d: r.choice(["public", "public", "public", "plain", "txt", None]) for d in DATES}
        variants = {d: v for d, v in variants.items() if v}
        if given is None and not any(v != "txt" for v in variants.values()):
            variants[DATES[-1]] = "public"
        work = tmp_path / f"c{case}"
        work.mkdir()
        folder = _folder(pool, work, variants)
        before = snapshot(folder)
        # by hand: the window ends at --as-of, or at the newest filing that has a JSON
        with_json = [d for d, v in variants.items() if v != "txt"]
        end = given or max(with_json)
        start = _year_before(end)
        inside = {d: v for d, v in variants.items() if start < d <= end}
        proc = _disclose(folder, work / "posted", given)
        label = seeded(f"case {case}: end {end}, inside {sorted((str(d), v) for d, v in inside.items())}")
        assert "Traceback" not in proc.stderr, label
        if "plain" in inside.values() or "txt" in inside.values():
            assert proc.returncode == 2, (label, proc.stdout[-2000:])
            for d, v in inside.items():
                if v != "public":
                    code = "no-public-copy" if v == "plain" else "no-filing-json"
                    assert any(f"ds-{d}" in ln and f"error[{code}]" in ln for ln in proc.stderr.splitlines()), label
            for d, v in variants.items():        # nothing outside the window is held against the posting
                if d not in inside:
                    assert f"ds-{d}:" not in proc.stderr and f"ds-{d}/" not in proc.stderr, (label, d)
            assert not (work / "posted").exists()
            seen.add("refused")
        elif not inside:
            assert proc.returncode == 2 and "error[no-inputs]" in proc.stderr, label
        else:
            assert proc.returncode == 0, (label, proc.stderr[-2000:])
            posted = sorted(p.name for p in (work / "posted").iterdir())
            assert posted == sorted([f"{d}-daily-seg.pdf" for d in inside] + ["index.html", "manifest.json"]), label
            for d in inside:
                assert (work / "posted" / f"{d}-daily-seg.pdf").read_bytes() == \
                    (folder / f"ds-{d}" / f"ds-{d}-public.pdf").read_bytes()
            outside = len(variants) - len(inside)
            if outside:
                assert f"passed over: {outside} filing(s) outside the 12 months" in proc.stdout, (label, proc.stdout)
            assert subprocess.run(FOCUSGEN + ["verify", str(work / "posted")], capture_output=True,
                                  timeout=60).returncode == 0
            seen.add("posted, passing over" if outside and set(variants.values()) - {"public"} else "posted")
        assert snapshot(folder) == before, label            # the builds are only read
    assert {"refused", "posted, passing over"} <= seen, seeded(str(seen))


def test_outside_the_window_nothing_is_read(pool, tmp_path):
    """A public copy outside the window changed, a FIFO, or missing: not read, not in the way."""
    newest = DATES[-1]
    old = [d for d in DATES if d <= _year_before(newest)]
    assert len(old) >= 3
    folder = _folder(pool, tmp_path, {d: "public" for d in DATES})
    (folder / f"ds-{old[0]}" / f"ds-{old[0]}-public.pdf").write_bytes(b"changed")
    os.unlink(folder / f"ds-{old[1]}" / f"ds-{old[1]}-public.pdf")
    os.mkfifo(folder / f"ds-{old[1]}" / f"ds-{old[1]}-public.pdf")
    os.unlink(folder / f"ds-{old[2]}" / f"ds-{old[2]}-public.pdf")
    proc = _disclose(folder, tmp_path / "posted")
    assert proc.returncode == 0, proc.stderr
    # ... but inside it, each is refused by name, and nothing is written
    inside = [d for d in DATES if d > _year_before(newest)]
    for make in ("changed", "fifo", "missing", "link"):
        f = _folder(pool, tmp_path / make, {d: "public" for d in DATES})
        pdf = f / f"ds-{inside[0]}" / f"ds-{inside[0]}-public.pdf"
        pdf.unlink()
        if make == "changed":
            pdf.write_bytes(b"%PDF-1.7 changed")
        elif make == "fifo":
            os.mkfifo(pdf)
        elif make == "link":
            pdf.symlink_to(pool / "public" / f"ds-{inside[0]}" / f"ds-{inside[0]}-public.pdf")
        proc = _disclose(f, tmp_path / make / "posted")
        code = {"changed": "output-changed", "fifo": "not-a-regular-file", "missing": "file-not-found",
                "link": "not-a-regular-file"}[make]
        assert proc.returncode == 2 and f"error[{code}]" in proc.stderr and "Traceback" not in proc.stderr, \
            (make, proc.stderr)
        assert not (tmp_path / make / "posted").exists()


# --- the JSON: hash first, then the schema, names from validated fields ---------------------------

def _mutations(r, doc: dict) -> list[tuple[str, bytes]]:
    """Changed filing JSONs, each (what was changed, its bytes)."""
    raw = json.dumps(doc, indent=2).encode()
    summary_less = dict(doc, summary=[])
    partial = dict(doc, summary=[s for s in doc["summary"] if r.random() < 0.5][:2])
    moved = json.loads(json.dumps(doc))
    moved["summary"][0]["excess"]["value"] = (moved["summary"][0]["excess"]["value"] or 0) + r.randint(1, 10**6)
    return [
        ("truncated", raw[: r.randrange(1, len(raw))]),
        ("not JSON", b"\x00" * r.randint(1, 50)),
        ("no summary", json.dumps(summary_less).encode()),
        ("part of the summary", json.dumps(partial).encode()),
        ("summary disagrees with its line", json.dumps(moved).encode()),
        ("report with a NUL", json.dumps(dict(doc, report="daily-seg\x00/../../x")).encode()),
        ("report a path", json.dumps(dict(doc, report=r.choice(["../../etc/passwd", "a/b", ".", "x" * 300]))).encode()),
        ("report another kind", json.dumps(dict(doc, report="focus-iii")).encode()),
        ("as_of not a date", json.dumps(dict(doc, as_of=r.choice(["2020-02-30", "../x", "2020-11-27/..", ""]))).encode()),
        ("firm name of two lines", json.dumps(dict(doc, firm=dict(doc["firm"], name="A\nEnd Date: 1/1/2000"))).encode()),
        ("form of 5,000 characters", json.dumps(dict(doc, form="F" * 5000)).encode()),
        ("lines not a mapping", json.dumps(dict(doc, lines=[1, 2])).encode()),
        ("a line a float", json.dumps(dict(doc, lines=dict(doc["lines"], **{"7010": 1.5}))).encode()),
        ("a key twice", raw.replace(b'"report": "daily-seg",', b'"report": "daily-seg", "report": "focus-ii",', 1)),
    ]


@pytest.mark.parametrize("rehash", [False, True], ids=["manifest as built", "manifest rehashed"])
def test_a_changed_json_is_never_skipped(pool, tmp_path, rehash):
    r = rng(f"disclose:json:{rehash}")
    newest = DATES[-1]
    inside = [d for d in DATES if d > _year_before(newest)]
    outside = [d for d in DATES if d <= _year_before(newest)]
    doc = json.loads((pool / "public" / f"ds-{newest}" / f"ds-{newest}.json").read_text())
    for i, (what, data) in enumerate(_mutations(r, doc)):
        work = tmp_path / f"m{i}"
        work.mkdir()
        folder = _folder(pool, work, {d: "public" for d in DATES})
        target = r.choice(inside + outside)           # anywhere: a changed JSON's date cannot be trusted
        build = folder / f"ds-{target}"
        (build / f"ds-{target}.json").write_bytes(data)
        if rehash:
            m = json.loads((build / "manifest.json").read_text())
            for o in m["outputs"]:
                if o["path"] == f"ds-{target}.json":
                    o["sha256"] = hashlib.sha256(data).hexdigest()
            (build / "manifest.json").write_text(json.dumps(m))
        before = snapshot(folder)
        proc = _disclose(folder, work / "posted")
        label = seeded(f"{what} in ds-{target} ({'rehashed' if rehash else 'as built'})")
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, (label, proc.stderr[-2000:], proc.stdout)
        if not rehash:
            assert "error[output-changed]" in proc.stderr and f"ds-{target}.json" in proc.stderr, label
        else:
            assert any(f"error[{c}]" in proc.stderr for c in ("not-a-filing", "json-syntax", "not-text",
                                                               "duplicate-key", "bad-amount")), (label, proc.stderr)
        assert not (work / "posted").exists() and snapshot(folder) == before, label
        assert len(proc.stderr) < 5000, label


def test_the_nul_report_example(pool, tmp_path, run):
    folder = _folder(pool, tmp_path, {DATES[-1]: "public"})
    build = folder / f"ds-{DATES[-1]}"
    data = (build / f"ds-{DATES[-1]}.json").read_bytes().replace(b'"report": "daily-seg"',
                                                                  b'"report": "daily-seg\\u0000"', 1)
    (build / f"ds-{DATES[-1]}.json").write_bytes(data)
    m = json.loads((build / "manifest.json").read_text())
    m["outputs"] = [dict(o, sha256=hashlib.sha256(data).hexdigest()) if o["path"].endswith(".json") else o
                    for o in m["outputs"]]
    (build / "manifest.json").write_text(json.dumps(m))
    status, _, err = run("disclose", folder, "--out", tmp_path / "posted")
    assert status == 2 and "error[not-a-filing]" in err and "report" in err and "\x00" not in err
    assert not (tmp_path / "posted").exists()


# --- --out ------------------------------------------------------------------------------------------

def test_out_may_not_overlap_the_folder(pool, tmp_path):
    r = rng("disclose:out")
    top = tmp_path / "top"
    top.mkdir()
    folder = _folder(pool, top, {d: "public" for d in DATES[-5:]})
    one = folder / f"ds-{DATES[-1]}"
    (tmp_path / "link-to-folder").symlink_to(folder)
    (tmp_path / "link-to-build").symlink_to(one)
    elsewhere = tmp_path / "elsewhere-build"
    shutil.copytree(pool / "public" / f"ds-{DATES[0]}", elsewhere)
    overlapping = [folder, folder / "public", one, folder / "new" / "deeper", top, tmp_path,
                   tmp_path / "link-to-folder", tmp_path / "link-to-folder" / "x", tmp_path / "link-to-build",
                   folder / ".." / "builds", elsewhere]
    r.shuffle(overlapping)
    before, other = snapshot(top), snapshot(elsewhere)
    for out in overlapping:
        for given in (folder, tmp_path / "link-to-folder"):
            proc = _disclose(given, out)
            assert proc.returncode == 2 and "error[bad-option]" in proc.stderr and "--out" in proc.stderr, \
                seeded(f"{given} --out {out}: {proc.stderr}")
            assert snapshot(top) == before and snapshot(elsewhere) == other
    # beside it: fine, and again into the same posting (a posting's folder is the posting's to replace)
    for _ in range(2):
        proc = _disclose(folder, tmp_path / "public")
        assert proc.returncode == 0, proc.stderr
    assert snapshot(top) == before
    # a single build folder as FOLDER, --out itself: the reported case
    proc = _disclose(one, one)
    assert proc.returncode == 2 and "error[bad-option]" in proc.stderr
    assert snapshot(top) == before


def test_at_a_terminal(pool, tmp_path):
    folder = _folder(pool, tmp_path, {d: v for d, v in zip(DATES, ["plain"] * 3 + ["public"] * (len(DATES) - 3))})
    for argv, status in ((["disclose", folder, "--out", tmp_path / "posted"], 0),
                         (["disclose", folder, "--out", folder], 2)):
        for mode in ({"cols": 80}, {"cols": 80, "pipe_stdout": True}):
            ran = pty_run(argv, cwd=tmp_path, timeout=120, **mode)
            assert ran.status == status and "Traceback" not in ran.text, ran.text[-2000:]
            assert ran.cursor_restored
