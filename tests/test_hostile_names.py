"""Class 2 of issue 19: output names are plain.

An input named `..yaml` (stem `.`) wrote its outputs into the output root itself, and building it again
replaced the root as a set: every other filing there was deleted, exit 0. The outputs are named after
the input (`output/<stem>/<stem>.pdf`, `-public.pdf`, `-review.pdf`...), so the stem must be a plain
name: not empty, `.` or `..`, not hidden, no separator, no control, format or non-UTF-8 character, no
leading dash or surrounding space, at most 200 bytes. Anything else is refused by name
(bad-output-name), exit 2, nothing written and nothing read, in a single build and in a batch, where
the other inputs still build.

The names are drawn from the whole class (and plain names beside them, which must build as named).
"""

from __future__ import annotations

import json
import os
import shutil
import unicodedata

import pytest

from conftest import INPUTS
from drawn import rng, seeded
from ptyrun import run as pty_run

TEXT = (INPUTS / "2020-11.yaml").read_text()

# the rule, restated here (not taken from the code under test)
NOT_PLAIN_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Zl", "Zp"}


def plain_by_hand(stem: str) -> bool:
    return bool(stem) and not stem.startswith(".") and "/" not in stem and "\\" not in stem \
        and not any(unicodedata.category(c) in NOT_PLAIN_CATEGORIES for c in stem) \
        and stem == stem.strip() and not stem.startswith("-") and len(stem.encode("utf-8", "surrogateescape")) <= 200


CONTROLS = [chr(c) for c in range(0x20)] + ["\x7f"] + [chr(c) for c in range(0x80, 0xa0)] + \
    ["\u200b", "\u200e", "\u202e", "\u2066", "\ufeff", "\u00ad", "\u2028", "\u2029", "\ue000"]
LETTERS = "abcXYZ019 ._-()&'éßΩжÆ中€"


def bad_stems(r, n: int) -> list[str]:
    """Stems of the class, drawn: each kind the rule refuses, with random surroundings."""
    def word(lo=1, hi=12):
        return "".join(r.choice("abcXYZ019éΩ") for _ in range(r.randint(lo, hi)))
    kinds = [
        lambda: ".",
        lambda: "..",
        lambda: "." + word(),                                   # hidden
        lambda: "." * r.randint(3, 6),                          # `....yaml`: hidden dots
        lambda: word() + "\\" + word(),                         # a separator on another system
        lambda: word(0, 5) + r.choice([c for c in CONTROLS if c not in "\x00/"]) + word(0, 5),
        lambda: " " * r.randint(1, 3) + word(),
        lambda: word() + " " * r.randint(1, 3),
        lambda: "-" + word(),
        lambda: word(201, 250),                                 # too long, in characters
        lambda: "é" * r.randint(101, 125),                      # too long, in UTF-8 bytes (2 each)
        lambda: word() + os.fsdecode(bytes([r.randint(0x80, 0xff)])) + word(),   # not UTF-8
    ]
    out = [kind() for kind in kinds]                            # each kind once, then drawn
    out += [r.choice(kinds)() for _ in range(n - len(out))]
    return [s for s in out if len(os.fsencode(s + ".yaml")) <= 255]


def good_stems(r, n: int) -> list[str]:
    out = ["a", "2020-11", "x" * 200, "a.b", "HSBC 2020-11 (final)", "é" * 100]
    while len(out) < n:
        s = "".join(r.choice(LETTERS) for _ in range(r.randint(1, 40))).strip()
        if s and plain_by_hand(s) and s not in out:
            out.append(s)
    return out


def _write(folder, stem: str) -> str:
    path = os.path.join(os.fsencode(folder), os.fsencode(stem + ".yaml"))
    with open(path, "w") as fh:
        fh.write(TEXT)
    return os.fsdecode(path)


def test_the_rule_by_hand_agrees_on_every_drawn_name():
    from focusgen.outputs import unplain
    r = rng("names:rule")
    for stem in bad_stems(r, 300):
        assert unplain(stem) is not None and not plain_by_hand(stem), seeded(repr(stem))
    for stem in good_stems(r, 300):
        assert unplain(stem) is None and plain_by_hand(stem), seeded(repr(stem))


def test_dotdot_yaml_no_longer_empties_the_output_root(run, tmp_path, monkeypatch):
    # the reported example: output/ holds another filing; `..yaml` built twice with the default --out
    monkeypatch.chdir(tmp_path)
    assert run("build", INPUTS / "2020-11.yaml", "--format", "json")[0] == 0
    before = sorted(p.relative_to(tmp_path) for p in (tmp_path / "output").rglob("*"))
    (tmp_path / "..yaml").write_text(TEXT)
    for _ in range(2):
        status, _, err = run("build", "..yaml", "--format", "json")
        assert status == 2 and "error[bad-output-name]" in err and "'.'" in err, err
    assert sorted(p.relative_to(tmp_path) for p in (tmp_path / "output").rglob("*")) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["..yaml", "output"]


def test_every_drawn_bad_name_is_refused_in_a_single_build(run, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    src = tmp_path / "src"
    src.mkdir()
    assert run("build", INPUTS / "2020-11.yaml", "--format", "json")[0] == 0        # output/2020-11/
    keep = {p: p.read_bytes() for p in (tmp_path / "output").rglob("*") if p.is_file()}
    for i, stem in enumerate(bad_stems(rng("names:single"), 40)):
        path = _write(src, stem)
        out = ["--out", str(tmp_path / "given")] if i % 2 else []     # the default output/<stem>/, or --out
        status, _, err = run("build", path, "--format", "json,txt", *out)
        assert status == 2 and "error[bad-output-name]" in err, seeded(f"{stem!r}: {err}")
        assert "Traceback" not in err and "nothing was written" in err
        os.unlink(os.fsencode(path))
        assert sorted(os.listdir(src)) == [], seeded(repr(stem))
        assert {p: p.read_bytes() for p in (tmp_path / "output").rglob("*") if p.is_file()} == keep
        assert sorted(os.listdir(tmp_path)) == ["output", "src"], seeded(repr(stem))


def test_a_batch_refuses_the_bad_names_and_builds_the_rest(run, tmp_path):
    r = rng("names:batch")
    folder = tmp_path / "in"
    folder.mkdir()
    bad = bad_stems(r, 16)
    good = good_stems(r, 8)
    for stem in bad + good:
        _write(folder, stem)
    out = tmp_path / "out"
    status, stdout, err = run("build", folder, "--out", out, "--format", "json", "--jobs", "2")
    assert status == 2 and "Traceback" not in err
    # a folder's *.yaml, hidden ones too: none is passed over in silence
    assert err.count("error[bad-output-name]") == len(set(bad)), seeded(err)
    assert sorted(os.listdir(out)) == sorted(good), seeded(str(sorted(os.listdir(out))))
    for stem in good:
        files = sorted(os.listdir(out / stem))
        # a month-end FOCUS II's JSON comes with the row the CFTC publishes
        assert files == sorted([f"{stem}.json", f"{stem}-cftc-data.csv", "manifest.json"]), seeded(repr(stem))
        assert f"{stem}.json" in [o["path"] for o in json.loads((out / stem / "manifest.json").read_text())["outputs"]]
    assert sorted(os.listdir(tmp_path)) == ["in", "out"]        # nothing beside OUT


def test_plain_names_build_exactly_as_named(run, tmp_path):
    r = rng("names:good")
    for stem in good_stems(r, 12):
        src = _write(tmp_path, stem)
        out = tmp_path / "out" / "x"
        status, _, err = run("build", src, "--out", out, "--format", "txt,json,public")
        assert status == 0, seeded(f"{stem!r}: {err}")
        assert sorted(os.listdir(out)) == sorted([f"{stem}.txt", f"{stem}.json", f"{stem}-public.pdf",
                                                  f"{stem}-cftc-data.csv", "manifest.json"]), seeded(repr(stem))
        shutil.rmtree(out)
        os.unlink(src)


def test_at_a_terminal(tmp_path):
    (tmp_path / "..yaml").write_text(TEXT)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / ".hidden.yaml").write_text(TEXT)
    (tmp_path / "in" / "fine.yaml").write_text(TEXT)
    for argv in (["build", "..yaml", "--format", "json"],
                 ["build", "in", "--out", "o", "--format", "json", "--jobs", "2"]):
        for mode in ({"cols": 80}, {"cols": 80, "pipe_stdout": True}):
            ran = pty_run(argv, cwd=tmp_path, **mode)
            assert ran.status == 2 and "error[bad-output-name]" in ran.text and "Traceback" not in ran.text
            assert ran.cursor_restored
    assert sorted(os.listdir(tmp_path / "o")) == ["fine"]
    assert sorted(os.listdir(tmp_path)) == ["..yaml", "in", "o"]
