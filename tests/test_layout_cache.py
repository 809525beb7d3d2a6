"""The filing's PDF is laid out once per form revision and variant and each build's values are placed into
the laid-out pages (render/slots.py, fit.py, layout.py, pdfwrite.py, layout_cache.py). What that must never
change:

- the bytes: a build gives the same PDF whether the layout cache is empty, warm, off, corrupt or forged, in
  any process;
- the look: a placed value stands exactly where laying it out puts it (glyph boxes within 0.05 pt, the same
  text layer);
- trust: a cache file that is corrupt, truncated, foreign, not the user's, writable by others, not signed
  with the user's layout key, or not a plan the writer would make (validated by meaning) is ignored and
  laid out again, never used;
- dependence: an internal of WeasyPrint that is missing or changed makes the document laid out with its
  values, through the public API.
"""

import hashlib
import json
import os
import random
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import INPUTS
from focusgen.report.compute import compute
from focusgen.inputs.load import load_input
from focusgen.render import layout_cache, pdf, pdfwrite, slots
from pdfutil import assert_placed_as_laid_out, pdf_text, strict

EXAMPLES = ("2020-11", "daily-seg-2017-12-26")
EXE = str(Path(sys.executable).with_name("focusgen"))


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A fresh, empty cache folder and layout key for in-process builds (and no plan remembered)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.delenv("FOCUSGEN_NO_CACHE", raising=False)
    layout_cache._MEMORY.clear()
    yield tmp_path / "xdg" / "focusgen" / "layouts"
    layout_cache._MEMORY.clear()


def outputs(folder: Path) -> dict[str, bytes]:
    """Every output but the manifest (the one output that records the time of the build)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name != "manifest.json"}


def build_process(source: Path, out: Path, cache_home: Path, *extra: str, env: dict | None = None) -> None:
    environ = {k: v for k, v in os.environ.items() if k != "FOCUSGEN_NO_CACHE"}
    environ.update({"XDG_CACHE_HOME": str(cache_home), "XDG_STATE_HOME": str(cache_home / "state"), **(env or {})})
    subprocess.run([EXE, "build", str(source), "--out", str(out), "--quiet", *extra],
                   check=True, env=environ, timeout=300)


def plans(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


def filing(stem="2020-11", path=None):
    return compute(load_input(path or INPUTS / f"{stem}.yaml"))


def edited(tmp_path: Path, name: str, stem: str = "2020-11", **replace: str) -> Path:
    """A copy of an example with text replaced (its ledger copied beside it)."""
    text = (INPUTS / f"{stem}.yaml").read_text()
    for old, new in replace.items():
        old = old.replace("__", " ")
        assert old in text, old
        text = text.replace(old, new, 1)
    if stem == "daily-seg-2017-12-26":
        (tmp_path / f"{stem}.csv").write_text((INPUTS / f"{stem}.csv").read_text())
    path = tmp_path / f"{name}.yaml"
    path.write_text(text)
    return path


@pytest.mark.parametrize("stem", EXAMPLES)
def test_the_same_bytes_with_the_cache_empty_warm_or_off_in_any_process(tmp_path, stem):
    home = tmp_path / "xdg"
    build_process(INPUTS / f"{stem}.yaml", tmp_path / "empty", home)            # lays the form out
    kept = plans(home / "focusgen" / "layouts")
    assert len(kept) == 1
    build_process(INPUTS / f"{stem}.yaml", tmp_path / "warm", home)             # places the values
    assert plans(home / "focusgen" / "layouts") == kept
    build_process(INPUTS / f"{stem}.yaml", tmp_path / "off", tmp_path / "unused", env={"FOCUSGEN_NO_CACHE": "1"})
    build_process(INPUTS / f"{stem}.yaml", tmp_path / "option", tmp_path / "unused2", "--no-cache")
    assert not (tmp_path / "unused" / "focusgen").exists() and not (tmp_path / "unused2" / "focusgen").exists()
    reference = outputs(tmp_path / "empty")
    published = {f"{stem}-cftc-data.csv"} if stem == "2020-11" else set()     # a month-end filing's row
    assert set(reference) == {f"{stem}.pdf", f"{stem}.txt", f"{stem}.json"} | published
    for state in ("warm", "off", "option"):
        assert outputs(tmp_path / state) == reference, state
    strict(reference[f"{stem}.pdf"])


def test_in_process_builds_give_the_bytes_of_a_fresh_process(tmp_path, cache, run):
    build_process(INPUTS / "2020-11.yaml", tmp_path / "process", tmp_path / "other")
    for n in (1, 2):                                    # laid out in this process, then remembered
        assert run("build", INPUTS / "2020-11.yaml", "--out", tmp_path / f"here{n}", "--quiet")[0] == 0
        assert outputs(tmp_path / f"here{n}") == outputs(tmp_path / "process")


def test_a_new_period_is_placed_without_weasyprint_or_jinja(tmp_path):
    """The build a filer meets: last month's form kept, this month's date, amounts and submit date."""
    home = tmp_path / "xdg"
    build_process(INPUTS / "2020-11.yaml", tmp_path / "october", home)
    december = edited(tmp_path, "2020-12", **{"as_of: 2020-11-30": "as_of: 2020-12-31",
                                             "period_begin: 2020-11-01": "period_begin: 2020-12-01",
                                             "7010: 1443907046": "7010: 1443907999"})
    code = ("import sys; from focusgen.cli import main; "
            f"status = main(['build', {str(december)!r}, '--out', {str(tmp_path / 'december')!r}, '--quiet']); "
            "print(status, *(m in sys.modules for m in ('weasyprint', 'jinja2', 'markupsafe', 'openpyxl', 'rich')))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, timeout=300,
                         env={**os.environ, "XDG_CACHE_HOME": str(home), "XDG_STATE_HOME": str(home / "state")}).stdout
    assert out.split() == ["0", "False", "False", "False", "False", "False"]
    assert len(plans(home / "focusgen" / "layouts")) == 1
    text = pdf_text((tmp_path / "december" / "2020-12.pdf").read_bytes())
    assert "as of 12/31/20" in text and "12/01/20 24" in text and "12/31/20 25" in text and "1,443,907,999" in text
    build_process(december, tmp_path / "cold", tmp_path / "empty")
    assert outputs(tmp_path / "december") == outputs(tmp_path / "cold")


def test_one_layout_per_variant_not_per_period_firm_or_amount(tmp_path, cache, run):
    text = (INPUTS / "2020-11.yaml").read_text()
    same_variant = {
        "amounts": text.replace("7010: 1443907046", "7010: 1443907999"),
        "period": text.replace("as_of: 2020-11-30", "as_of: 2021-01-29").replace("period_begin: 2020-11-01",
                                                                                "period_begin: 2021-01-01"),
        "firm": text.replace("name: HSBC SECURITIES (USA) INC.", "name: OTHER FIRM LLC", 1)
                    .replace("452 FIFTH AVENUE", "1 WALL STREET").replace("8-41562", "8-99999"),
        "names": text.replace("7510: HARRIS TRUST", "7510: SOME OTHER BANK N.A."),
        "pursuant": text + "filed_pursuant_to: 17a-11\ncarries_customer_accounts: false\n",
        "consolidated": text + "consolidated: [{name: AFFILIATE LLC, sec_file_no: 8-12345}]\n",
        "describe": text + "describe: {7150: Vault cash}\n",
    }
    for name, body in same_variant.items():
        assert body != text, name
        (tmp_path / f"{name}.yaml").write_text(body)
        assert run("build", tmp_path / f"{name}.yaml", "--out", tmp_path / "out" / name, "--quiet")[0] == 0
        assert len(plans(cache)) == 1, name
    assert "1,443,907,999" in pdf_text((tmp_path / "out" / "amounts" / "amounts.pdf").read_bytes())
    assert "Vault cash" in pdf_text((tmp_path / "out" / "describe" / "describe.pdf").read_bytes())
    # a public copy, and a Daily Seg, are variants of their own
    assert run("build", INPUTS / "2020-11.yaml", "--out", tmp_path / "out" / "public", "--public", "--quiet")[0] == 0
    assert len(plans(cache)) == 2


def _amended_cover(tmp_path: Path, name: str, as_of: str, extra: str = "") -> Path:
    """The example FOCUS II moved to another month (the cover in force on that date), with `extra`."""
    year, month, _ = as_of.split("-")
    return edited(tmp_path, name, **{"as_of: 2020-11-30": f"as_of: {as_of}",
                                     "period_begin: 2020-11-01": f"period_begin: {year}-{month}-01{extra}"})


def test_the_cover_in_force_and_the_public_copy_come_out_of_variants_and_slots(tmp_path, cache, run):
    """Issue 23 through issue 21's machinery: the amended cover (from 10/06/2021) is a variant of its own,
    its 'filed by' and 'pursuant to' marks slots; the public copy (no contact) is a variant of each report.
    Each is placed exactly where laying it out puts it, the same bytes with the cache empty, warm or off."""
    november = _amended_cover(tmp_path, "2021-11", "2021-11-30")
    december = _amended_cover(tmp_path, "2021-12", "2021-12-31", "\nfiled_by: broker-dealer-msbsp\n"
                              "filed_pursuant_to: special-request")
    daily = INPUTS / "daily-seg-2017-12-26.yaml"
    for path in (november, december, INPUTS / "2020-11.yaml", daily):
        for public in (False, True):
            f = filing(path=path)
            placed = assert_placed_as_laid_out(f, public)
            text = pdf_text(placed)
            person = "Alexander Baptiste" if path == daily else "STEVEN N LOMBARDO"
            assert (person in text) != public and ("525-3425" in text or "994-6223" in text) != public
            if path != daily:
                assert ("OMB Number: 3235-0123" in text) == (path in (november, december))
                assert ("Rule 17a-11" in text) == (path not in (november, december))
    amended = pdf.context(filing(path=november))
    assert amended != pdf.context(filing()) and amended == pdf.context(filing(path=december))  # the marks are slots
    # the marks as given: 1) and 1) on 11/30/21 (the defaults), 3) and 3) on 12/31/21
    for path, marked in ((november, ("1) Broker-dealer not", "1) Rule 17a-5(a)")),
                         (december, ("3) Broker-dealer registered as an MSBSP", "3) Special request by DEA"))):
        lines = pdf_text(pdf.render_pdf(filing(path=path))).splitlines()
        checked = [line for line in lines if line.startswith("X ")]
        assert [c[2:].startswith(m) for c, m in zip(checked, marked)] == [True, True], checked
    # the same bytes with the cache empty, warm and off (in this process and a fresh one)
    for path in (november, december, daily):
        stem = path.stem
        for state, extra in (("empty", ()), ("warm", ()), ("off", ("--no-cache",))):
            if state == "empty":
                layout_cache._MEMORY.clear()
                for plan in plans(cache):
                    plan.unlink()
            assert run("build", path, "--out", tmp_path / state / stem, "--format", "pdf,public", "--quiet",
                       *extra)[0] == 0
        assert outputs(tmp_path / "empty" / stem) == outputs(tmp_path / "warm" / stem) \
            == outputs(tmp_path / "off" / stem), stem
    build_process(december, tmp_path / "process", tmp_path / "other", "--format", "pdf,public")
    assert outputs(tmp_path / "process") == outputs(tmp_path / "empty" / "2021-12")


def test_the_variant_is_what_the_pages_show_besides_slots():
    base = filing()
    ctx = pdf.context(base)
    assert json.dumps(ctx).count("HSBC") == 0 and "11/30" not in json.dumps(ctx) and "1443907046" not in json.dumps(ctx)
    assert pdf.context(base, public=True) != ctx
    daily = filing("daily-seg-2017-12-26")
    assert pdf.context(daily) != ctx and "Credit Suisse" not in json.dumps(pdf.context(daily))


# --- what a cache file must be to be used ---------------------------------------------------------------

def _reference(tmp_path, run, stem="2020-11"):
    assert run("build", INPUTS / f"{stem}.yaml", "--out", tmp_path / "ref", "--quiet")[0] == 0
    return outputs(tmp_path / "ref")


def _split(good: bytes):
    head, _, body = good.partition(b"\n")
    return json.loads(head), body


def _signed(header: dict, body: bytes) -> bytes:
    """A file signed with this user's key: what a forger who had the key (or a buggy writer) would make."""
    return json.dumps({**header, "mac": layout_cache._mac(layout_cache.secret(), header["key"], body)}).encode() \
        + b"\n" + body


def _corrupt_variants(good: bytes) -> dict:
    header, body = _split(good)
    plan = json.loads(body)
    flipped = bytearray(body)
    flipped[len(flipped) // 2] ^= 0x01
    return {
        "empty": b"",
        "truncated": good[: len(good) // 2],
        "random bytes": os.urandom(4096),
        "no header": body,
        "a flipped bit in the plan": json.dumps(header).encode() + b"\n" + bytes(flipped),
        "a plan without its pages": _signed(header, json.dumps({k: v for k, v in plan.items() if k != "pages"}).encode()),
        "a header of another format": json.dumps({**header, "format": 999}).encode() + b"\n" + body,
        "a header without its mac": json.dumps({k: v for k, v in header.items() if k != "mac"}).encode() + b"\n" + body,
        "a mac of another key": json.dumps({**header, "mac": hashlib.sha256(body).hexdigest()}).encode() + b"\n" + body,
        "deeply nested JSON": _signed(header, b"[" * 100000),
        "not JSON": _signed(header, b"\xff\xfe not json"),
    }


CORRUPTIONS = ["empty", "truncated", "random bytes", "no header", "a flipped bit in the plan", "a plan without its pages",
               "a header of another format", "a header without its mac", "a mac of another key", "deeply nested JSON",
               "not JSON"]


@pytest.mark.parametrize("case", CORRUPTIONS)
def test_a_corrupt_cache_file_is_ignored_and_rebuilt(tmp_path, cache, run, case):
    reference = _reference(tmp_path, run)
    (path,) = plans(cache)
    good = path.read_bytes()
    variants = _corrupt_variants(good)
    assert sorted(variants) == sorted(CORRUPTIONS)
    path.write_bytes(variants[case])
    layout_cache._MEMORY.clear()
    assert run("build", INPUTS / "2020-11.yaml", "--out", tmp_path / "again", "--quiet")[0] == 0
    assert outputs(tmp_path / "again") == reference
    assert path.read_bytes() == good                   # rebuilt: the same plan, written again


def test_a_foreign_cache_file_is_ignored(tmp_path, cache, run):
    """Another key's plan under this key's name (a copied or renamed file) is never used, signed or not."""
    _reference(tmp_path / "d", run, "daily-seg-2017-12-26")
    (daily_plan,) = plans(cache)
    focus = _reference(tmp_path / "f", run, "2020-11")
    focus_plan = next(p for p in plans(cache) if p != daily_plan)
    good = focus_plan.read_bytes()
    for forged in (daily_plan.read_bytes(), _signed(_split(good)[0], _split(daily_plan.read_bytes())[1])):
        focus_plan.write_bytes(forged)
        layout_cache._MEMORY.clear()
        assert run("build", INPUTS / "2020-11.yaml", "--out", tmp_path / "again", "--quiet")[0] == 0
        assert outputs(tmp_path / "again") == focus
        assert focus_plan.read_bytes() == good


def test_another_users_layout_key_makes_every_file_foreign(tmp_path, cache, run):
    """A cache folder copied from elsewhere (a backup, another machine, a CI artifact) is not used."""
    reference = _reference(tmp_path, run)
    (path,) = plans(cache)
    key = layout_cache.key_path()
    key.write_bytes(os.urandom(32))                    # this user's key is now another one
    layout_cache._MEMORY.clear()
    calls = []
    real = layout_cache._read
    layout_cache._read = lambda *a: calls.append(real(*a)) or calls[-1]
    try:
        assert run("build", INPUTS / "2020-11.yaml", "--out", tmp_path / "again", "--quiet")[0] == 0
    finally:
        layout_cache._read = real
    assert calls == [None] and outputs(tmp_path / "again") == reference


@pytest.mark.parametrize("case", ["writable by others", "a symlink", "a folder", "a FIFO"])
def test_a_cache_file_that_is_not_safely_the_users_is_not_read(tmp_path, cache, run, case):
    reference = _reference(tmp_path, run)
    (path,) = plans(cache)
    good = path.read_bytes()
    if case == "writable by others":
        path.chmod(0o666)
    else:
        path.unlink()
        if case == "a symlink":
            (tmp_path / "elsewhere.json").write_bytes(good)
            path.symlink_to(tmp_path / "elsewhere.json")
        elif case == "a folder":
            path.mkdir()
        else:
            os.mkfifo(path)
    layout_cache._MEMORY.clear()
    calls = []
    real = layout_cache._read
    layout_cache._read = lambda *a: calls.append(real(*a)) or calls[-1]
    try:
        assert run("build", INPUTS / "2020-11.yaml", "--out", tmp_path / "again", "--quiet")[0] == 0
    finally:
        layout_cache._read = real
    assert calls == [None]                                          # not read: laid out again
    assert outputs(tmp_path / "again") == reference
    if case in ("writable by others", "a symlink"):
        assert path.is_file() and not path.is_symlink() and path.read_bytes() == good   # replaced by a good one
        assert not stat.S_IMODE(path.stat().st_mode) & 0o022


@pytest.mark.parametrize("case", ["readable by others", "a symlink", "too short", "a folder"])
def test_a_layout_key_that_is_not_private_turns_the_cache_off(tmp_path, cache, run, case):
    reference = _reference(tmp_path, run)
    key = layout_cache.key_path()
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and len(key.read_bytes()) == 32
    secret = key.read_bytes()
    key.unlink()
    if case == "readable by others":
        key.write_bytes(secret)
        key.chmod(0o644)
    elif case == "a symlink":
        (tmp_path / "k").write_bytes(secret)
        (tmp_path / "k").chmod(0o600)
        key.symlink_to(tmp_path / "k")
    elif case == "too short":
        key.write_bytes(secret[:8])
        key.chmod(0o600)
    else:
        key.mkdir()
    layout_cache._MEMORY.clear()
    assert layout_cache.secret() is None
    assert run("build", INPUTS / "2020-11.yaml", "--out", tmp_path / "again", "--quiet")[0] == 0
    assert outputs(tmp_path / "again") == reference


def test_an_unwritable_cache_folder_never_stops_a_build(tmp_path, cache, run):
    cache.parent.mkdir(parents=True)
    cache.write_text("a file where the folder belongs")
    assert run("build", INPUTS / "2020-11.yaml", "--out", tmp_path / "out", "--quiet")[0] == 0
    assert cache.read_text() == "a file where the folder belongs"


def test_writes_are_atomic_and_the_folder_stays_bounded(tmp_path, cache, run, monkeypatch):
    monkeypatch.setattr(layout_cache, "KEEP_FILES", 2)
    for name, source, extra in (("a", INPUTS / "2020-11.yaml", ()), ("b", INPUTS / "2020-11.yaml", ("--public",)),
                                ("c", INPUTS / "daily-seg-2017-12-26.yaml", ())):     # three variants
        assert run("build", source, "--out", tmp_path / "out" / name, "--quiet", *extra)[0] == 0
    assert len(plans(cache)) == 2
    assert sorted(p.name for p in cache.iterdir() if not p.name.endswith(".json")) == []     # no temporary files
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700


def test_the_cache_and_key_folders_follow_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert layout_cache.folder() == tmp_path / "xdg" / "focusgen" / "layouts"
    assert layout_cache.key_path() == tmp_path / "state" / "focusgen" / "layout-key"
    for unusable in ("", "relative/path"):          # the XDG rule: unset, empty or relative means the default
        monkeypatch.setenv("XDG_CACHE_HOME", unusable)
        monkeypatch.setenv("XDG_STATE_HOME", unusable)
        assert layout_cache.folder() == tmp_path / "home" / ".cache" / "focusgen" / "layouts"
        assert layout_cache.key_path() == tmp_path / "home" / ".local" / "state" / "focusgen" / "layout-key"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert layout_cache.folder() == tmp_path / "home" / ".cache" / "focusgen" / "layouts"


def test_the_key_covers_the_variant_the_slots_and_the_environment(monkeypatch):
    f = filing()
    ctx = pdf.context(f)
    _, kinds, _ = pdf.values(f, ctx)
    base = layout_cache.key(ctx, kinds)
    assert layout_cache.key(json.loads(json.dumps(ctx)), dict(kinds)) == base
    assert layout_cache.key({**ctx, "amended": True}, kinds) != base
    assert layout_cache.key(ctx, {**kinds, "extra": "line"}) != base
    environment = layout_cache._environment()
    assert len(environment) == 32
    monkeypatch.setattr(layout_cache, "_environment", lambda: b"another machine" + environment)
    assert layout_cache.key(ctx, kinds) != base
    assert "weasyprint-70" in layout_cache._package_version("weasyprint")
    assert "libpango" in layout_cache._library_versions()


# --- forgeries: the output is the output of a build with the cache off ------------------------------------

def _plan_file(cache_dir: Path) -> tuple[Path, dict, dict]:
    (path,) = plans(cache_dir)
    header, body = _split(path.read_bytes())
    return path, header, json.loads(body)


def _static(plan: dict, rng: random.Random) -> tuple[dict, int]:
    """A static part of the plan, picked at random: (its page, its index in the page's content)."""
    spots = [(page, i) for page in plan["pages"] for i, part in enumerate(page["content"]) if isinstance(part, str)]
    return rng.choice(spots)


def _b64(data: bytes) -> str:
    import base64
    return base64.b64encode(data).decode()


def _unb64(text: str) -> bytes:
    import base64
    return base64.b64decode(text)


def _slot_parts(plan: dict) -> list[dict]:
    return [part for page in plan["pages"] for part in page["content"] if isinstance(part, dict)]


def forge(plan: dict, kind: str, rng: random.Random) -> dict:
    """A drawn forgery of one kind."""
    plan = json.loads(json.dumps(plan))
    if kind == "glyph swap":            # a glyph of one figure drawn for another: 1,000 prints as 7,000
        font = rng.choice([f for f in plan["fonts"].values() if len(f["glyphs"]) > 2])
        gids = [g for g, (w, t) in font["glyphs"].items() if t.isdigit()] or list(font["glyphs"])
        a, b = rng.sample(gids, 2)
        font["glyphs"][a][1], font["glyphs"][b][1] = font["glyphs"][b][1], font["glyphs"][a][1]
    elif kind == "forged text layer":   # the print says one thing, the text layer another
        font = rng.choice(list(plan["fonts"].values()))
        gid = rng.choice(list(font["glyphs"]))
        font["glyphs"][gid][1] = rng.choice([c for c in "7X$%" if c != font["glyphs"][gid][1]])
    elif kind == "foreign width":
        font = rng.choice(list(plan["fonts"].values()))
        gid = rng.choice(list(font["glyphs"]))
        font["glyphs"][gid][0] += rng.choice([-400, 250, 900])
    elif kind == "open action":         # an action with JavaScript, as a key or smuggled into content
        if rng.random() < 0.5:
            plan["catalog"] = "/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"
        else:
            page, i = _static(plan, rng)
            page["content"][i] = _b64(_unb64(page["content"][i]) + b"\nendstream endobj 99 0 obj <</S /JavaScript"
                                      b" /JS (app.alert(1))>> endobj")
    elif kind == "injected content":    # operators the writer never emits
        page, i = _static(plan, rng)
        injected = rng.choice([b"q /Im0 Do Q", b"BT /F1 9 Tf 3 Tr (7,000) Tj ET", b"BI /W 1 /H 1 ID x EI",
                               b"/Fm0 Do", b"BT (7,000) ' ET", b"0 0 m 9 9 l S\n/P0 sh"])
        page["content"][i] = _b64(_unb64(page["content"][i]) + b"\n" + injected)
    elif kind == "white over a value":  # drawing in white over an amount (operators the writer does emit)
        part = rng.choice(_slot_parts(plan))
        part["state"] = _b64(b"1 1 1 rg")
    elif kind == "transparent":
        state = rng.choice(list(plan["states"]))
        plan["states"][state] = {"ca": 0}
    elif kind == "unplaceable":         # forces the laid-out path, with a forged reason
        plan = {"format": plan["format"], "placeable": False, "reason": rng.choice(["forged", "slot 7010 may wrap"])}
    elif kind == "missing slot":        # a value that would not print
        gone = rng.choice(sorted({part["slot"] for part in _slot_parts(plan)}))
        for p in plan["pages"]:
            p["content"] = [x for x in p["content"] if not (isinstance(x, dict) and x["slot"] == gone)]
    elif kind == "unknown slot":
        rng.choice(_slot_parts(plan))["slot"] = rng.choice(["L9999", "firm.name#7", "../etc"])
    elif kind == "off the page":
        rng.choice(_slot_parts(plan))["x"] = rng.choice([-50.0, 5000.0])
    elif kind == "unknown face":
        rng.choice(list(plan["fonts"].values()))["face"] = rng.choice(["../../etc/passwd", "italic", ""])
    elif kind == "moved coordinates":   # in every way a plan the writer makes, but another layout
        part = rng.choice(_slot_parts(plan))
        part["x"] = max(1.0, part["x"] - rng.choice([30.0, 120.0, 250.0]))
        part["y"] = part["y"] + rng.choice([-20.0, 11.0])
    elif kind == "other bookmarks":     # what a reader navigates by, renamed
        plan["outlines"] = [[rng.choice(["STATEMENT OF SOMETHING ELSE", "7,000"]), 0, 10.0, 10.0, []]]
    else:
        raise AssertionError(kind)
    return plan


# what validation by meaning refuses, even when the file is signed with the user's key
MEANING = ["glyph swap", "forged text layer", "foreign width", "open action", "injected content", "white over a value",
           "transparent", "unplaceable", "missing slot", "unknown slot", "off the page", "unknown face"]
# what only the key can tell: a plan the writer could have made, for another layout
ONLY_THE_KEY = ["moved coordinates", "other bookmarks"]     # and another variant's plan: see the foreign file


@pytest.fixture(scope="module")
def laid_once(tmp_path_factory):
    """The example laid out once, its cache folder and layout key kept; and the audit copy built with the
    cache off, in a fresh process: what every forgery must give."""
    home = tmp_path_factory.mktemp("once")
    build_process(INPUTS / "2020-11.yaml", home / "out", home, "--format", "pdf")
    build_process(INPUTS / "2020-11.yaml", home / "off", home / "unused", "--format", "pdf",
                  env={"FOCUSGEN_NO_CACHE": "1"})
    return home, (home / "off" / "2020-11.pdf").read_bytes()


FORGERIES = [(kind, False, 1) for kind in MEANING + ONLY_THE_KEY] + [(kind, True, seed) for kind in MEANING
                                                                    for seed in (1, 2)]


@pytest.mark.parametrize("kind,signed,seed", FORGERIES,
                         ids=[f"{k}-{'signed' if s else 'unsigned'}-{n}" for k, s, n in FORGERIES])
def test_a_forged_plan_gives_the_bytes_of_a_build_with_the_cache_off(tmp_path, cache, run, laid_once, kind, signed,
                                                                      seed):
    """Unsigned: what anyone who can write the cache folder can do (the key refuses it). Signed with the
    user's key: what validation by meaning refuses by itself."""
    import shutil
    home, cache_off = laid_once
    shutil.copytree(home / "focusgen" / "layouts", cache)
    layout_cache.key_path().parent.mkdir(parents=True)
    shutil.copy2(home / "state" / "focusgen" / "layout-key", layout_cache.key_path())
    path, header, plan = _plan_file(cache)
    forged = json.dumps(forge(plan, kind, random.Random(f"{kind}/{seed}")), separators=(",", ":")).encode()
    path.write_bytes(_signed(header, forged) if signed else json.dumps(header).encode() + b"\n" + forged)
    assert run("build", INPUTS / "2020-11.yaml", "--out", tmp_path / "again", "--format", "pdf", "--quiet")[0] == 0
    assert (tmp_path / "again" / "2020-11.pdf").read_bytes() == cache_off
    assert json.loads(_split(path.read_bytes())[1]) == plan           # replaced by the true plan


def test_meaning_alone_refuses_each_kind_it_claims():
    """validate() itself, without the key: every MEANING forgery is a BadPlan, for many draws."""
    f = filing()
    ctx = pdf.context(f)
    _, kinds, _ = pdf.values(f, ctx)
    plan, _ = layout_cache.plan_for(ctx, kinds, pdf.lay_out_variant)
    raw = json.loads(json.dumps({**plan, "fonts": {n: {"face": v["face"], "glyphs": {str(g): list(e) for g, e in
                                                                                       v["glyphs"].items()}}
                                                   for n, v in plan["fonts"].items()}}))
    pdfwrite.validate(json.loads(json.dumps(raw)), kinds)            # the true plan passes
    for kind in MEANING:
        for seed in range(12):
            forged = forge(raw, kind, random.Random(f"{kind}/{seed}"))
            with pytest.raises((pdfwrite.BadPlan, KeyError, TypeError)):
                pdfwrite.validate(forged, kinds)


def test_a_kept_plan_whose_pdf_fails_the_syntax_check_is_laid_out_again(tmp_path, cache, run, monkeypatch):
    reference = _reference(tmp_path, run)
    layout_cache._MEMORY.clear()
    real = pdfwrite.assemble
    calls = []

    def broken_once(plan, values, info):
        data = real(plan, values, info)
        calls.append(1)
        return data.replace(b"endobj", b"endobx", 1) if len(calls) == 1 else data
    monkeypatch.setattr(pdfwrite, "assemble", broken_once)
    assert run("build", INPUTS / "2020-11.yaml", "--out", tmp_path / "again", "--quiet")[0] == 0
    assert len(calls) == 2 and outputs(tmp_path / "again") == reference


def test_the_strict_reading_refuses_what_pdfium_would_repair():
    data = pdf.render_pdf(filing())
    pdfwrite.check_syntax(data)
    broken = {
        "an object moved": data.replace(b"2 0 obj", b"2 0 obj ", 1),
        "a stream longer than its length": data.replace(b"stream\n", b"stream\n\n", 1),
        "a reference to nothing": data.replace(b"/Parent 2 0 R", b"/Parent 999 0 R", 1),
        "no /ID": data.replace(b"/ID", b"/XX", 1),
        "an unbalanced dictionary": data.replace(b">>\nendobj", b">\nendobj", 1),
        "cut short": data[:-40],
    }
    for name, bad in broken.items():
        assert bad != data, name
        with pytest.raises(pdfwrite.BadPDF):
            pdfwrite.check_syntax(bad)


def test_the_trailer_carries_a_document_id_derived_from_the_content():
    import re
    a, b = pdf.render_pdf(filing()), pdf.render_pdf(filing("daily-seg-2017-12-26"))
    ids = [re.search(rb"/ID \[<([0-9a-f]{32})> <([0-9a-f]{32})>\]", d).groups() for d in (a, b)]
    assert ids[0][0] == ids[0][1] and ids[0] != ids[1]
    assert pdf.render_pdf(filing()) == a
    laid = pdf.render_pdf_laid_out(filing())
    assert b"/ID [" in laid                      # WeasyPrint's own writer, asked for one


# --- placing gives what laying out gives -------------------------------------------------------------------

@pytest.mark.parametrize("stem", EXAMPLES)
@pytest.mark.parametrize("public", [False, True])
def test_placed_values_stand_where_laying_them_out_puts_them(cache, stem, public):
    assert_placed_as_laid_out(filing(stem), public)


amounts = st.one_of(st.integers(0, 10 ** 14), st.sampled_from([0, 1, 11, 111111111111, 999999999999999]))


@settings(max_examples=6, deadline=None)
@given(st.lists(amounts, min_size=6, max_size=6), st.sampled_from(EXAMPLES))
def test_any_amounts_are_placed_as_laid_out(tmp_path_factory, values, stem):
    """Amounts of every length, runs of 1s, blanks, deficiencies (totals below their requirements)."""
    import yaml
    folder = tmp_path_factory.mktemp("any")
    data = yaml.safe_load((INPUTS / f"{stem}.yaml").read_text())
    if "ledger" in data:            # the Daily Seg's lines into the YAML, where they can be changed
        import csv
        with (INPUTS / data.pop("ledger")).open() as fh:
            data["lines"].update({int(r["line"]) if r["line"].isdigit() else r["line"]: r["amount"]
                                  for r in csv.DictReader(fh)})
    data["lines"].update(dict(zip((7010, 7020, 7070, 7100, 7315, 8500), values)))
    data["lines"][7020] = None if values[1] % 3 == 0 else values[1]          # a blank amount
    (folder / "in.yaml").write_text(json.dumps(data, default=str))
    assert_placed_as_laid_out(compute(load_input(folder / "in.yaml")))


def test_a_value_outside_its_alphabet_is_a_programming_error():
    with slots.recording("direct", {"x": slots.Value("12.5")}) as rec:
        with pytest.raises(ValueError, match="outside"):
            rec.slot("x", "amount")
    for date in ("1/2/2020", "1/2/20", "2020/1/02"):     # not MM/DD/YY: not as wide as its placeholder
        with slots.recording("direct", {"d": slots.Value(date)}) as rec:
            with pytest.raises(ValueError, match="not as wide"):
                rec.slot("d", "date6")


SLOT = f'<span data-fg-slot="a">{slots.AMOUNT}</span>'


@pytest.mark.parametrize("paragraph,reason", [
    (f'<p style="text-align:right; white-space:nowrap">{SLOT} code</p>', None),     # first, kept by its right edge
    (f'<p style="white-space:nowrap">Total {SLOT}</p>', None),                       # last, kept by its left edge
    (f'<p style="white-space:nowrap">Total <span data-fg-slot="a" data-fg-fixed="">{slots.AMOUNT}</span> due</p>',
     None),                                                                            # as wide as its placeholder
    (f'<p style="white-space:nowrap">Total {SLOT} due today</p>', "would move with its width"),
    (f'<p style="text-align:right; white-space:nowrap">Total {SLOT}</p>', "would move with its width"),
    (f'<p style="text-align:center; white-space:nowrap">x {SLOT}</p>', "would move with its width"),
    (f'<p>Total <span data-fg-slot="a" style="white-space:normal">{slots.AMOUNT}</span></p>', "may wrap"),
    (f'<p style="text-align:right; white-space:nowrap; letter-spacing:2pt">{SLOT}</p>', "kerned, ligated, spaced"),
    (f'<p style="white-space:nowrap; text-transform:uppercase">x {SLOT}</p>', "kerned, ligated, spaced"),
    (f'<p style="white-space:nowrap; text-decoration:underline">x {SLOT}</p>', "kerned, ligated, spaced"),
])
def test_a_value_is_placed_only_where_nothing_else_moves_with_it(paragraph, reason):
    """Generic, whatever a template renders: a slot in running text is laid out with its value instead."""
    from focusgen.render.layout import lay_out
    css = "[data-fg-slot] { font-kerning: none; font-variant-ligatures: none; white-space: pre }"
    plan = lay_out(f"<!DOCTYPE html><html><head><style>{css}</style></head><body>{paragraph}</body></html>",
                   {"a": slots.AMOUNT}, 0)
    if reason is None:
        assert plan["placeable"] is True, plan.get("reason")
    else:
        assert plan["placeable"] is False and reason in plan["reason"], plan.get("reason")


def test_what_cannot_be_placed_exactly_is_laid_out_with_its_values_and_never_kept(cache, monkeypatch):
    import focusgen.render.layout as layout
    monkeypatch.setattr(layout, "lay_out", lambda *a, **k: {"format": pdfwrite.FORMAT, "placeable": False, "reason": "t"})
    f = filing()
    cold = pdf.render_pdf(f)
    layout_cache._MEMORY.clear()
    warm = pdf.render_pdf(f)
    assert cold == warm == pdf.render_pdf_laid_out(f)
    assert plans(cache) == []                       # an unplaceable plan is never written


# --- WeasyPrint's internals: pinned, and when they change the document is laid out with its values --------

INTERNALS = ["weasyprint.draw.draw_text", "weasyprint.pdf.generate_pdf", "weasyprint.formatting_structure.boxes.LineBox",
             "weasyprint.formatting_structure.boxes.TextBox", "weasyprint.DEFAULT_OPTIONS", "pydyf.PDF.page_references",
             "pydyf.Stream.stream", "weasyprint.pdf.fonts.Font.to_unicode", "weasyprint.document.Page._page_box",
             "weasyprint.__version__"]


@pytest.mark.parametrize("internal", INTERNALS)
def test_an_internal_missing_or_changed_lays_the_document_out_with_its_values(cache, monkeypatch, internal):
    """Each internal layout.py reads, taken away while the form is laid out for its plan (as a WeasyPrint
    of another version would lack it; its public API still works): the build writes the document laid
    out with its values, keeps no plan, and every value is in it."""
    import importlib
    import focusgen.render.layout as layout
    f = filing()
    reference = pdf.render_pdf_laid_out(f)
    layout_cache._MEMORY.clear()
    real = layout.lay_out
    module, _, name = internal.rpartition(".")
    target = importlib.import_module(module) if module.count(".") == 0 or module in sys.modules else None
    if target is None:
        parent, _, cls = module.rpartition(".")
        target = getattr(importlib.import_module(parent), cls)

    def without(*args, **kwargs):
        with monkeypatch.context() as m:
            if name == "__version__":
                m.setattr(target, name, "71.0")
            elif name in ("to_unicode", "stream", "_page_box"):     # instance attributes: renamed as they are set
                real_setattr = target.__setattr__

                def renamed(self, key, value, _name=name, _set=real_setattr):
                    _set(self, f"{key}_renamed" if key == _name else key, value)
                m.setattr(target, "__setattr__", renamed)
            else:
                m.delattr(target, name)
            return real(*args, **kwargs)
    monkeypatch.setattr(layout, "lay_out", without)
    data = pdf.render_pdf(f)
    assert data == reference and plans(cache) == []
    text = pdf_text(data)
    assert "HSBC SECURITIES (USA) INC." in text and "1,443,907,046" in text and "as of 11/30/20" in text


def test_the_pins_are_the_versions_read():
    import tomllib
    import weasyprint
    import pydyf
    from focusgen.render.layout import TESTED
    deps = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())["project"]["dependencies"]
    assert "weasyprint>=70,<71" in deps and "pydyf>=0.13,<0.14" in deps
    assert weasyprint.__version__.startswith(TESTED["weasyprint"]) and pydyf.__version__.startswith(TESTED["pydyf"])
