"""Class 6 of issue 19: every JSON focusgen reads is bounded before it is parsed.

A prior or an original given as JSON was read up to 200 MB and parsed whole (150 MB took 2.2 GB; 8 MiB of
`[],` inside the 8 MiB cap took 3.2 GB through the schema's error list). Every reader goes through
inputs/jsonsafe.py now: a size cap (file-too-large), a count of values from the text before parsing
(json-too-large), a depth bound, integers of more than 4,300 digits and NaN refused (json-syntax), a key
given twice refused (duplicate-key), and the schema's first error only.

Each reader is given drawn documents of each kind (oversized, many values, deeply nested, huge integers,
duplicate keys, wrong-typed fields): a `--prior`, `diff`, `check` (one and folders), `extract` (as .json
and as a .txt that is JSON), an amendment's original, a `--history` folder, the posting's filings
(`disclose`) and a build's `manifest.json` (`verify`). Each is refused by name (the history passes it
over: it only draws charts), exit 2, nothing written, no traceback; peak memory is measured in a
subprocess and stays within MAX_PEAK_MB.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time

import pytest

from conftest import INPUTS
from drawn import rng, seeded

FOCUSGEN = [sys.executable, "-m", "focusgen.cli"]
MAX_PEAK_MB = 250           # a command's own size is 40-110 MB; a 150 MB prior took 2,200
CAP = 8 * 2**20


# The measured process is started by a small launcher, never by pytest itself: a child forked (or
# vforked) from a process reports that process's peak memory as its own (Linux keeps the peak across
# exec), and pytest has held large test documents by then.
_LAUNCH = """
import ctypes, os, signal, subprocess, sys
report, argv = sys.argv[1], sys.argv[2:]
die_with_launcher = lambda: ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)   # PR_SET_PDEATHSIG
proc = subprocess.Popen(argv, preexec_fn=die_with_launcher)
_, status, usage = os.wait4(proc.pid, 0)
open(report, "w").write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def peak(argv, cwd, timeout=120):
    """(exit status, stderr, peak resident memory in MiB) of one focusgen process."""
    stamp = time.monotonic_ns()
    err_path, report = os.path.join(cwd, f".stderr-{stamp}"), os.path.join(cwd, f".peak-{stamp}")
    with open(err_path, "wb") as err:
        proc = subprocess.run([sys.executable, "-c", _LAUNCH, report] + FOCUSGEN + [str(a) for a in argv],
                              cwd=cwd, stdout=subprocess.DEVNULL, stderr=err, timeout=timeout)
    text = open(err_path, encoding="utf-8", errors="replace").read()
    kb = int(open(report).read())
    os.unlink(err_path)
    os.unlink(report)
    return proc.returncode, text, kb / 1024


@pytest.fixture(scope="module")
def good(tmp_path_factory):
    from focusgen.cli import main
    out = tmp_path_factory.mktemp("good")
    assert main(["build", str(INPUTS / "2020-11.yaml"), "--out", str(out), "--format", "json", "--quiet"]) == 0
    return json.loads((out / "2020-11.json").read_text())


# --- the documents, drawn ------------------------------------------------------------------------

def _pad_to(text: str, size: int) -> str:
    return text[:-1] + " " * (size - len(text.encode())) + "}" if len(text.encode()) < size else text


def document(kind: str, good: dict, r) -> str:
    """A hostile document of `kind`, drawn around the good filing JSON."""
    d = json.loads(json.dumps(good))
    if kind == "oversized":              # whitespace past the cap: a file a little or much too large
        return _pad_to(json.dumps(d), CAP + r.choice([1, r.randint(2, 4 * CAP)]))
    if kind == "many values":            # just under the cap, each value tiny
        filler = r.choice(["[]", "{}", "0", "1234567", '""', "null", "[[]]"])
        n = (CAP - 4096) // (len(filler) + 1)
        d["warnings"] = "@@"
        return json.dumps(d).replace('"@@"', "[" + ",".join([filler] * n) + "]")
    if kind == "values near the bound":  # a little past MAX_VALUES, in a field read as Any
        n = r.randint(100_001, 120_000)
        d["currencies"] = {"x": list(range(n))}
        return json.dumps(d)
    if kind == "deep":
        depth = r.choice([r.randint(65, 900), r.randint(1000, 200_000)])
        field = r.choice(["currencies", "variance", "warnings", "lines"])
        d[field] = "@@"
        return json.dumps(d).replace('"@@"', "[" * depth + "]" * depth if field != "lines" else
                                     '{"7010": ' + "[" * depth + "]" * depth + "}")
    if kind == "huge integer":
        digits = r.choice([r.randint(20, 4300), r.randint(4301, 200_000)])
        where = r.choice(['"7010": 1443907046', '"adjusted_net_capital": null', '"alerts": []'])
        big = str(r.randint(1, 9)) + "7" * (digits - 1)
        new = {'"7010": 1443907046': f'"7010": {big}', '"adjusted_net_capital": null':
               f'"adjusted_net_capital": {big}', '"alerts": []': f'"alerts": [{big}]'}[where]
        text = json.dumps(d)
        assert where in text
        return text.replace(where, new, 1)
    if kind == "duplicate key":
        text = json.dumps(d)
        key = r.choice(['"7010": 1443907046', '"report": "focus-ii"', '"as_of": "2020-11-30"'])
        again = r.choice(["1", '"daily-seg"', '"2020-10-31"'])
        return text.replace(key, f"{key}, {key.split(':')[0]}: {again}", 1)
    if kind == "not JSON":
        return r.choice(["NaN", '{"report": "focus-ii", "lines": {"7010": Infinity}}', "{" * r.randint(1, 50),
                         json.dumps(d)[: r.randint(1, 2000)]])
    if kind == "wrong type":
        path, value = r.choice(WRONG)(r)
        target = d
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value
        return json.dumps(d)
    raise AssertionError(kind)


# (field, a value of the wrong type for it), each surely refused by the schema
WRONG = [
    lambda r: (("lines", r.choice(["7010", "7020", "7190"])), r.choice(["1", 1.5, True, [1], {"a": 1}, 10**18, -(10**18)])),
    lambda r: (("report",), r.choice([1, ["focus-ii"], "focus-iii", "", "\x00"])),
    lambda r: (("as_of",), r.choice([20201130, "2020-13-45", "yesterday", None, ["2020-11-30"]])),
    lambda r: (("firm",), r.choice(["HSBC", [], 1])),
    lambda r: (("firm", "name"), r.choice([1, ["x"], None, "A\nB", "N" * 201])),
    lambda r: (("summary",), r.choice([{"a": 1}, "x", [{"statement": 5}], [1]])),
    lambda r: (("names",), r.choice([[1], "x"])),
    lambda r: (("uncoded",), r.choice([[1], "x"])),
    lambda r: (("amendment",), r.choice(["x", [1], {"amends": 1}])),
    lambda r: (("adjusted_net_capital",), r.choice(["x", 1.5, 10**18, -(10**19), True])),
    lambda r: (("filing_status",), r.choice([1, "\x1b[2J", "S" * 500])),
    lambda r: (("form",), r.choice([1, "F" * 300, "a\u202eb"])),
]

KINDS = ["oversized", "many values", "values near the bound", "deep", "huge integer", "duplicate key",
         "not JSON", "wrong type"]
CODES = ("file-too-large", "json-too-large", "json-syntax", "duplicate-key", "not-a-filing", "bad-amount",
         "not-text", "bad-manifest")


# --- the readers --------------------------------------------------------------------------------

def _setup(reader: str, root, doc: str) -> tuple[list, int]:
    """Place `doc` where `reader` reads it; (argv, the exit status expected)."""
    built = INPUTS / "2020-11.yaml"
    if reader in ("prior", "diff", "check", "extract .json"):
        (root / "doc.json").write_text(doc)
        argv = {"prior": ["build", built, "--out", root / "o", "--format", "json", "--prior", "doc.json"],
                "diff": ["diff", built, "doc.json"],
                "check": ["check", built, "--against", "doc.json"],
                "extract .json": ["extract", "doc.json"]}[reader]
        return argv, 2
    if reader == "check current":
        (root / "doc.json").write_text(doc)
        return ["check", "doc.json", "--against", built], 2
    if reader == "extract .txt":
        (root / "doc.txt").write_text(doc)
        return ["extract", "doc.txt"], 2
    if reader == "check folders":
        for sub in ("cur", "pri"):
            (root / sub).mkdir()
        shutil.copy(built, root / "cur" / "2020-11.yaml")
        (root / "pri" / "doc.json").write_text(doc)
        return ["check", "cur", "--against", "pri"], 1            # listed as unreadable, and not paired
    if reader == "amends":
        text = built.read_text() + "filing_status: AMENDED\namends: doc.json\nreason: restated\n"
        (root / "amended.yaml").write_text(text)
        (root / "doc.json").write_text(doc)
        return ["build", "amended.yaml", "--out", root / "o", "--format", "json"], 2
    if reader == "history":
        (root / "hist").mkdir()
        (root / "hist" / "doc.json").write_text(doc)
        return ["build", built, "--out", root / "o", "--format", "json,review", "--history", "hist"], 0
    if reader in ("disclose", "verify"):
        b = root / "builds" / "2020-11"
        shutil.copytree(PUBLIC_BUILD, b)
        manifest = json.loads((b / "manifest.json").read_text())
        if reader == "verify":
            (b / "manifest.json").write_text(doc)
            return ["verify", b], 2
        (b / "2020-11.json").write_text(doc)
        for o in manifest["outputs"]:        # rehashed: the document is read for what it says, not refused as changed
            if o["path"] == "2020-11.json":
                o["sha256"] = hashlib.sha256(doc.encode()).hexdigest()
        (b / "manifest.json").write_text(json.dumps(manifest))
        return ["disclose", root / "builds", "--out", root / "posted"], 2
    raise AssertionError(reader)


READERS = ["prior", "diff", "check", "check current", "check folders", "extract .json", "extract .txt",
           "amends", "history", "disclose", "verify"]
PUBLIC_BUILD = None


@pytest.fixture(scope="module", autouse=True)
def public_build(tmp_path_factory):
    global PUBLIC_BUILD
    from focusgen.cli import main
    PUBLIC_BUILD = tmp_path_factory.mktemp("pub") / "2020-11"
    assert main(["build", str(INPUTS / "2020-11.yaml"), "--out", str(PUBLIC_BUILD), "--format", "json",
                 "--public", "--quiet"]) == 0


def _expect(reader: str, status: int, err: str, expected: int, label: str) -> None:
    assert "Traceback" not in err, label
    if reader == "verify" and status == 2:
        assert "error[bad-manifest]" in err or "error[file-too-large]" in err, (label, err[-1500:])
        return
    assert status == expected, (label, status, err[-1500:])
    if expected:
        assert any(f"error[{c}]" in err for c in CODES), (label, err[-1500:])


@pytest.mark.parametrize("kind", KINDS)
def test_every_reader_refuses_by_name_in_bounded_memory(tmp_path, good, kind):
    """Each reader, each kind, one drawn document in a subprocess whose peak memory is measured."""
    r = rng(f"json:{kind}")
    for reader in READERS:
        root = tmp_path / reader.replace(" ", "-")
        root.mkdir()
        doc = document(kind, good, r)
        argv, expected = _setup(reader, root, doc)
        status, err, mb = peak(argv, cwd=root)
        label = seeded(f"{reader}, {kind} ({len(doc):,} bytes)")
        if kind == "wrong type" and reader == "verify":
            expected = 2
        if kind == "not JSON" and reader == "extract .txt" and status == 0:
            expected = 0        # a .txt that is not JSON is read as the text of a print (README)
        _expect(reader, status, err, expected, label)
        assert mb <= MAX_PEAK_MB, (label, f"{mb:.0f} MiB")
        assert not (root / "o").exists() or reader == "history"
        assert not (root / "posted").exists()
        if reader == "history":          # passed over: the review pack charts the filing alone
            assert sorted(p.name for p in (root / "o").iterdir()) == [
                "2020-11-cftc-data.csv", "2020-11-review.html", "2020-11-review.pdf", "2020-11.json", "manifest.json"]


@pytest.mark.parametrize("reader", ["check", "extract .json", "amends", "disclose", "verify", "history"])
def test_many_drawn_documents_in_process(run, tmp_path, good, reader, monkeypatch):
    """More documents per reader, in process (fast): the named refusal, never a traceback."""
    r = rng(f"json:many:{reader}")
    for i in range(16):
        kind = KINDS[i % len(KINDS)] if i < len(KINDS) else r.choice(KINDS)
        root = tmp_path / f"{i}"
        root.mkdir()
        doc = document(kind, good, r)
        argv, expected = _setup(reader, root, doc)
        monkeypatch.chdir(root)
        status, _, err = run(*argv)
        if kind == "wrong type" and reader == "verify":
            expected = 2
        _expect(reader, status, err, expected, seeded(f"{reader}, {kind} #{i}"))


def test_the_reported_sizes(tmp_path, good):
    """The issue's figures: a 150 MB prior (2.2 GB before) and 8 MiB of `[],` (3.2 GB before)."""
    big = tmp_path / "big.json"
    d = dict(good)
    d["warnings"] = "@@"
    body = json.dumps(d)
    with open(big, "w") as fh:
        a, b = body.split('"@@"')
        fh.write(a + "[" + "{}," * (150 * 2**20 // 3) + "{}]" + b)
    lists = tmp_path / "lists.json"
    lists.write_text(a + "[" + ",".join(["[]"] * ((CAP - len(a) - len(b) - 16) // 3)) + "]" + b)   # just under the cap
    for path, code in ((big, "file-too-large"), (lists, "json-too-large")):
        for argv in (["extract", path], ["check", INPUTS / "2020-11.yaml", "--against", path],
                     ["build", INPUTS / "2020-11.yaml", "--out", tmp_path / "o", "--format", "json", "--prior", path]):
            status, err, mb = peak(argv, cwd=tmp_path)
            assert status == 2 and f"error[{code}]" in err, err[-1000:]
            assert mb <= MAX_PEAK_MB, (argv, mb)


def test_jsonsafe_by_hand():
    from focusgen.inputs import jsonsafe
    from focusgen.problems import InputProblems

    def code(text, limit=1000):
        try:
            jsonsafe.loads(text, "x", limit, "a document")
        except InputProblems as exc:
            return exc.problems[0].code
        return None
    assert code('{"a": [1, 2, {"b": null}]}') is None
    assert code(" " * 1001) == "file-too-large"
    assert code(b"\xff{}") == "not-text"
    assert code(b"\xef\xbb\xbf{}") is None                      # a BOM is allowed
    assert code('{"a": 1, "a": 2}') == "duplicate-key"
    assert code('{"a": {"b": 1}, "c": {"b": 2}}') is None        # the same key in two objects is fine
    assert code("[NaN]") == "json-syntax" and code("[-Infinity]") == "json-syntax"
    assert code("[" + "9" * 4301 + "]", 10_000) == "json-too-large"
    assert code("[" + "9" * 4300 + "]", 10_000) is None
    assert code("[" * 64 + "]" * 64) is None and code("[" * 65 + "]" * 65) == "json-too-large"
    assert code("[" * 100_000 + "]" * 100_000, 10**6) == "json-too-large"
    assert code("[" + "0," * 100_000 + "0]", 10**6) == "json-too-large"
    assert code("[" + "0," * 99_998 + "0]", 10**6) is None


def test_a_history_folder_is_read_within_bounds(tmp_path, good, monkeypatch):
    """The first MAX_HISTORY JSONs by name, MAX_HISTORY_BYTES in all; the rest passed over."""
    from focusgen import build
    hist = tmp_path / "hist"
    hist.mkdir()
    r = rng("json:history")
    months = sorted({f"20{r.randint(10, 20)}-{r.randint(1, 12):02d}-28" for _ in range(40)})
    for m in months:
        (hist / f"{m}.json").write_text(json.dumps(dict(good, as_of=m)))
    size = len(json.dumps(dict(good, as_of=months[0])))
    monkeypatch.setattr(build, "MAX_HISTORY", 12)
    got = [h["as_of"] for h in build.load_history(hist, "focus-ii")]
    assert got == months[:12]
    monkeypatch.setattr(build, "MAX_HISTORY_BYTES", 5 * size + size // 2)
    got = [h["as_of"] for h in build.load_history(hist, "focus-ii")]
    assert got == months[:5]


@pytest.mark.parametrize("kind", ["many values", "huge integer", "oversized"])
def test_at_a_terminal(tmp_path, good, kind):
    from ptyrun import run as pty_run
    r = rng(f"json:pty:{kind}")
    (tmp_path / "doc.json").write_text(document(kind, good, r))
    (tmp_path / "doc.txt").write_text(document(kind, good, r))
    for argv in (["check", INPUTS / "2020-11.yaml", "--against", "doc.json"], ["extract", "doc.txt"],
                 ["diff", INPUTS / "2020-11.yaml", "doc.json"]):
        for mode in ({"cols": 80}, {"cols": 80, "pipe_stdout": True}):
            ran = pty_run(argv, cwd=tmp_path, timeout=120, **mode)
            assert ran.status == 2 and "Traceback" not in ran.text and ran.cursor_restored, (argv, ran.text[-1500:])
            assert any(f"error[{c}]" in ran.text for c in CODES), (argv, ran.text[-1500:])
