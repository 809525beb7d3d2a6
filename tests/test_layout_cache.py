"""The filing's PDF is laid out once per form and header and each build's values are placed into the laid-out
pages (render/slots.py, layout.py, pdfwrite.py, layout_cache.py). What that must never change:

- the bytes: a build gives the same PDF whether the layout cache is empty, warm, off or corrupt, in any process;
- the look: a placed value stands exactly where laying it out puts it (glyph boxes within 0.05 pt);
- trust: a cache file that is corrupt, truncated, foreign (another key or format), not the user's or writable by
  others is ignored and rebuilt, never used.
"""

import json
import os
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
from focusgen.render import layout_cache, pdf, slots
from pdfutil import pdf_text

EXAMPLES = ("2020-11", "daily-seg-2017-12-26")
EXE = str(Path(sys.executable).with_name("focusgen"))


@pytest.fixture
def cache(tmp_path, monkeypatch):
    """A fresh, empty cache folder for in-process builds (and no plan remembered in this process)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("FOCUSGEN_NO_CACHE", raising=False)
    layout_cache._MEMORY.clear()
    yield tmp_path / "xdg" / "focusgen" / "layouts"
    layout_cache._MEMORY.clear()


def outputs(folder: Path) -> dict[str, bytes]:
    """Every output but the manifest (the one output that records the time of the build)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.name != "manifest.json"}


def build_process(stem: str, out: Path, cache_home: Path, *extra: str, env: dict | None = None) -> None:
    environ = {k: v for k, v in os.environ.items() if k != "FOCUSGEN_NO_CACHE"}
    environ.update({"XDG_CACHE_HOME": str(cache_home), **(env or {})})
    subprocess.run([EXE, "build", str(INPUTS / f"{stem}.yaml"), "--out", str(out), "--quiet", *extra],
                   check=True, env=environ, timeout=300)


def plans(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.json")) if folder.is_dir() else []


@pytest.mark.parametrize("stem", EXAMPLES)
def test_the_same_bytes_with_the_cache_empty_warm_or_off_in_any_process(tmp_path, stem):
    home = tmp_path / "xdg"
    build_process(stem, tmp_path / "empty", home)                    # lays the form out, keeps the plan
    kept = plans(home / "focusgen" / "layouts")
    assert len(kept) == 1
    build_process(stem, tmp_path / "warm", home)                     # places the values into the kept plan
    assert plans(home / "focusgen" / "layouts") == kept
    build_process(stem, tmp_path / "off", tmp_path / "unused", env={"FOCUSGEN_NO_CACHE": "1"})
    build_process(stem, tmp_path / "option", tmp_path / "unused2", "--no-cache")
    assert not (tmp_path / "unused").exists() and not (tmp_path / "unused2").exists()   # off writes nothing
    reference = outputs(tmp_path / "empty")
    # a month-end build also writes the CFTC's published row (<stem>-cftc-data.csv)
    assert set(reference) - {f"{stem}-cftc-data.csv"} == {f"{stem}.pdf", f"{stem}.txt", f"{stem}.json"}
    for state in ("warm", "off", "option"):
        assert outputs(tmp_path / state) == reference, state


def test_in_process_builds_give_the_bytes_of_a_fresh_process(tmp_path, cache, run):
    build_process("2020-11", tmp_path / "process", tmp_path / "other")
    for n in (1, 2):                                    # laid out in this process, then remembered
        assert run("build", INPUTS / "2020-11.yaml", "--out", tmp_path / f"here{n}", "--quiet")[0] == 0
        assert outputs(tmp_path / f"here{n}") == outputs(tmp_path / "process")


def test_a_build_from_a_kept_layout_never_imports_weasyprint(tmp_path):
    home = tmp_path / "xdg"
    build_process("2020-11", tmp_path / "first", home)
    code = ("import sys; from focusgen.cli import main; "
            f"status = main(['build', {str(INPUTS / '2020-11.yaml')!r}, '--out', {str(tmp_path / 'second')!r}, '--quiet']); "
            "print(status, 'weasyprint' in sys.modules, 'openpyxl' in sys.modules, 'rich' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, timeout=300,
                         env={**os.environ, "XDG_CACHE_HOME": str(home)}).stdout
    assert out.split() == ["0", "False", "False", "False"]
    assert outputs(tmp_path / "second") == outputs(tmp_path / "first")


def test_one_layout_per_form_and_header_not_per_amount(tmp_path, cache, run):
    text = (INPUTS / "2020-11.yaml").read_text()
    variants = {"a": text, "b": text.replace("7010: 1443907046", "7010: 1443907999"),   # amounts only
                "c": text.replace("name: HSBC SECURITIES (USA) INC.", "name: OTHER FIRM LLC", 1)}   # the header
    assert variants["b"] != text and variants["c"] != text
    kept = []
    for name, body in variants.items():
        (tmp_path / f"{name}.yaml").write_text(body)
        assert run("build", tmp_path / f"{name}.yaml", "--out", tmp_path / "out" / name, "--quiet")[0] == 0
        kept.append(len(plans(cache)))
    assert kept == [1, 1, 2]
    assert pdf_text((tmp_path / "out" / "b" / "b.pdf").read_bytes()).count("1,443,907,999") == 1


# --- what a cache file must be to be used ---------------------------------------------------------------

def _reference(tmp_path, run, stem="2020-11"):
    assert run("build", INPUTS / f"{stem}.yaml", "--out", tmp_path / "ref", "--quiet")[0] == 0
    return outputs(tmp_path / "ref")


def _corrupt_variants(good: bytes) -> dict:
    head, _, body = good.partition(b"\n")
    header = json.loads(head)
    plan = json.loads(body)

    def with_raw(b: bytes) -> bytes:         # a header that vouches for these bytes: the plan itself is checked
        import hashlib
        return json.dumps({**header, "sha256": hashlib.sha256(b).hexdigest()}).encode() + b"\n" + b

    def with_plan(p):
        return with_raw(json.dumps(p).encode())

    flipped = bytearray(body)
    flipped[len(flipped) // 2] ^= 0x01
    missing_glyph = json.loads(body)
    for table in missing_glyph["fonts"].values():
        table.pop("7", None)
    bad_slot = json.loads(body)
    for entry in bad_slot["objects"]:
        if isinstance(entry, dict):
            next(p for p in entry["parts"] if isinstance(p, dict))["slot"] = 10 ** 6
            break
    return {
        "empty": b"",
        "truncated": good[: len(good) // 2],
        "random bytes": os.urandom(4096),
        "no header": body,
        "a flipped bit in the plan": head + b"\n" + bytes(flipped),
        "a plan without its objects": with_plan({k: v for k, v in plan.items() if k != "objects"}),
        "a font without a glyph its slots need": with_plan(missing_glyph),
        "a slot that does not exist": with_plan(bad_slot),
        "an object that is not base64": with_plan({**plan, "objects": ["%%% not base64 %%%"] + plan["objects"][1:]}),
        "another format": json.dumps({**header, "format": 999}).encode() + b"\n" + body,
        "deeply nested JSON": with_raw(b"[" * 100000),
    }


CORRUPTIONS = ["empty", "truncated", "random bytes", "no header", "a flipped bit in the plan",
               "a plan without its objects", "a font without a glyph its slots need", "a slot that does not exist",
               "an object that is not base64", "another format", "deeply nested JSON"]


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
    """Another key's plan under this key's name (a copied or renamed file) is never used."""
    daily = _reference(tmp_path / "d", run, "daily-seg-2017-12-26")
    (daily_plan,) = plans(cache)
    focus = _reference(tmp_path / "f", run, "2020-11")
    focus_plan = next(p for p in plans(cache) if p != daily_plan)
    good = focus_plan.read_bytes()
    focus_plan.write_bytes(daily_plan.read_bytes())                  # the Daily Seg's layout, FOCUS II's name
    layout_cache._MEMORY.clear()
    assert run("build", INPUTS / "2020-11.yaml", "--out", tmp_path / "again", "--quiet")[0] == 0
    assert outputs(tmp_path / "again") == focus
    assert focus_plan.read_bytes() == good
    assert daily        # (built first, so that its plan was there to be copied)


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
    layout_cache._read = lambda p, k: calls.append(real(p, k)) or calls[-1]
    try:
        assert run("build", INPUTS / "2020-11.yaml", "--out", tmp_path / "again", "--quiet")[0] == 0
    finally:
        layout_cache._read = real
    assert calls == [None]                                          # not read: laid out again
    assert outputs(tmp_path / "again") == reference
    if case in ("writable by others", "a symlink"):
        assert path.is_file() and not path.is_symlink() and path.read_bytes() == good   # replaced by a good one
        assert not stat.S_IMODE(path.stat().st_mode) & 0o022


def test_an_unwritable_cache_folder_never_stops_a_build(tmp_path, cache, run):
    cache.parent.mkdir(parents=True)
    cache.write_text("a file where the folder belongs")
    assert run("build", INPUTS / "2020-11.yaml", "--out", tmp_path / "out", "--quiet")[0] == 0
    assert cache.read_text() == "a file where the folder belongs"


def test_writes_are_atomic_and_the_folder_stays_bounded(tmp_path, cache, run, monkeypatch):
    monkeypatch.setattr(layout_cache, "KEEP_FILES", 2)
    text = (INPUTS / "2020-11.yaml").read_text()
    for n in range(4):
        (tmp_path / f"f{n}.yaml").write_text(text.replace("name: HSBC SECURITIES (USA) INC.", f"name: FIRM {n}", 1))
        assert run("build", tmp_path / f"f{n}.yaml", "--out", tmp_path / "out" / str(n), "--quiet")[0] == 0
    assert len(plans(cache)) == 2
    assert sorted(p.name for p in cache.iterdir() if not p.name.endswith(".json")) == []     # no temporary files
    assert stat.S_IMODE(cache.stat().st_mode) == 0o700


def test_the_cache_folder_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert layout_cache.folder() == tmp_path / "xdg" / "focusgen" / "layouts"
    for unusable in ("", "relative/path"):          # the XDG rule: unset, empty or relative means ~/.cache
        monkeypatch.setenv("XDG_CACHE_HOME", unusable)
        assert layout_cache.folder() == tmp_path / "home" / ".cache" / "focusgen" / "layouts"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert layout_cache.folder() == tmp_path / "home" / ".cache" / "focusgen" / "layouts"


def test_the_key_covers_the_html_the_date_and_the_environment(monkeypatch):
    base = layout_cache.key("<p>x</p>", 0)
    assert layout_cache.key("<p>x</p>", 0) == base
    assert layout_cache.key("<p>y</p>", 0) != base and layout_cache.key("<p>x</p>", 86400) != base
    environment = layout_cache._environment()
    assert len(environment) == 32
    monkeypatch.setattr(layout_cache, "_environment", lambda: b"another machine" + environment)
    assert layout_cache.key("<p>x</p>", 0) != base
    assert "weasyprint-" in layout_cache._package_version("weasyprint")
    assert "libpango" in layout_cache._library_versions()


# --- placing gives what laying out gives -------------------------------------------------------------------

def _char_boxes(data: bytes) -> list[tuple[int, str, tuple[float, ...]]]:
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(data)
    found = []
    for i in range(len(doc)):
        tp = doc[i].get_textpage()
        for c in range(tp.count_chars()):
            ch = tp.get_text_range(c, 1)
            if ch.strip():
                found.append((i, ch, tp.get_charbox(c)))
    doc.close()
    return found


def _assert_placed_as_laid_out(filing):
    with slots.recording() as rec:
        html = pdf.render_html(filing)
    assert layout_cache.plan_for(html, rec.alphabets, pdf._epoch(filing))["placeable"]    # placed, not laid out
    placed, laid_out = pdf.render_pdf(filing), pdf.render_pdf_laid_out(filing)
    assert pdf_text(placed) == pdf_text(laid_out)
    a, b = _char_boxes(placed), _char_boxes(laid_out)
    assert [(p, ch) for p, ch, _ in a] == [(p, ch) for p, ch, _ in b]
    worst = max(max(abs(u - v) for u, v in zip(x[2], y[2])) for x, y in zip(a, b))
    assert worst < 0.05, worst


@pytest.mark.parametrize("stem", EXAMPLES)
def test_placed_values_stand_where_laying_them_out_puts_them(cache, stem):
    _assert_placed_as_laid_out(compute(load_input(INPUTS / f"{stem}.yaml")))


amounts = st.one_of(st.integers(0, 10 ** 14), st.sampled_from([0, 1, 11, 111111111111, 999999999999999]))


@settings(max_examples=8, deadline=None)
@given(st.lists(amounts, min_size=6, max_size=6), st.sampled_from(EXAMPLES))
def test_any_amounts_are_placed_as_laid_out(tmp_path_factory, values, stem):
    """Amounts of every length, runs of 1s, blanks, deficiencies (totals below their requirements)."""
    import yaml
    folder = tmp_path_factory.mktemp("any")
    data = yaml.safe_load((INPUTS / f"{stem}.yaml").read_text())
    if "ledger" in data:            # the Daily Seg's lines into the YAML, where they can be changed
        import csv
        with (INPUTS / data.pop("ledger")).open() as f:
            data["lines"].update({int(r["line"]) if r["line"].isdigit() else r["line"]: r["amount"]
                                  for r in csv.DictReader(f)})
    data["lines"].update(dict(zip((7010, 7020, 7070, 7100, 7315, 8500), values)))
    data["lines"][7020] = None if values[1] % 3 == 0 else values[1]          # a blank amount
    (folder / "in.yaml").write_text(json.dumps(data, default=str))
    filing = compute(load_input(folder / "in.yaml"))
    _assert_placed_as_laid_out(filing)


def test_a_value_outside_its_alphabet_is_a_programming_error():
    with slots.recording() as rec:
        with pytest.raises(ValueError, match="outside its alphabet"):
            rec.add("12.5", slots.AMOUNT)


SLOT = f'<span data-fg-slot="0">{slots.AMOUNT}</span>'


@pytest.mark.parametrize("paragraph,reason", [
    (f'<p style="text-align:right; white-space:nowrap">{SLOT} code</p>', None),     # first, kept by its right edge
    (f'<p style="white-space:nowrap">Total {SLOT}</p>', None),                       # last, kept by its left edge
    (f'<p style="white-space:nowrap">Total {SLOT} due today</p>', "would move with its width"),
    (f'<p style="text-align:right; white-space:nowrap">Total {SLOT}</p>', "would move with its width"),
    (f'<p style="text-align:center; white-space:nowrap">x {SLOT}</p>', "would move with its width"),
    (f'<p>Total {SLOT}</p>', "may wrap"),
    (f'<p style="text-align:right; white-space:nowrap; letter-spacing:2pt">{SLOT}</p>', "kerned, ligated, spaced"),
    (f'<p style="white-space:nowrap; text-transform:uppercase">x {SLOT}</p>', "kerned, ligated, spaced"),
])
def test_a_value_is_placed_only_where_nothing_else_moves_with_it(paragraph, reason):
    """Generic, whatever a template renders: a slot in running text is laid out with its value instead."""
    from focusgen.render.layout import lay_out
    css = "[data-fg-slot] { font-kerning: none; font-variant-ligatures: none }"
    plan = lay_out(f"<!DOCTYPE html><html><head><style>{css}</style></head><body>{paragraph}</body></html>",
                   [slots.AMOUNT], 0)
    if reason is None:
        assert plan["placeable"] is True, plan.get("reason")
    else:
        assert plan["placeable"] is False and reason in plan["reason"], plan.get("reason")


def test_what_cannot_be_placed_exactly_is_laid_out_with_its_values(cache, monkeypatch):
    # a build whose layout is unplaceable writes the document laid out with its values, in every cache state
    import focusgen.render.layout as layout
    monkeypatch.setattr(layout, "lay_out", lambda *a: {"format": 1, "placeable": False, "reason": "test"})
    filing = compute(load_input(INPUTS / "2020-11.yaml"))
    cold = pdf.render_pdf(filing)
    layout_cache._MEMORY.clear()
    warm = pdf.render_pdf(filing)
    assert cold == warm == pdf.render_pdf_laid_out(filing)
