"""Contract: every line of the form definition appears exactly once in each output."""

import json
import re

import pytest

from conftest import INPUTS
from focusgen.form import formdef


@pytest.mark.parametrize("name,kind", [("2020-11", "focus-ii"), ("daily-seg-2017-12-26", "daily-seg")])
def test_every_line_exactly_once(run, tmp_path, name, kind):
    status, _, err = run("build", INPUTS / f"{name}.yaml", "--out", tmp_path)
    assert status == 0, err
    rep = formdef.report(kind)
    text = (tmp_path / f"{name}.txt").read_text()
    codes_in_text = re.findall(r"\[(\d{4}[A-C]?)\]", text)
    # each once, none extra; the lines the form prints without a code (Daily Seg 12 A/B/C) print none
    assert sorted(codes_in_text) == sorted(c for c, ln in rep.lines.items() if ln.coded)
    data = json.loads((tmp_path / f"{name}.json").read_text())
    uncoded = data.get("uncoded", {})
    assert sorted(list(data["lines"]) + list(uncoded)) == sorted(rep.amount_codes)     # each exactly once
    assert list(data["lines"]) == rep.coded_amount_codes                              # in the form's order
    assert all(not rep.lines[c].coded for c in uncoded) and all(rep.lines[c].coded for c in data["lines"])
    assert list(data["names"]) == rep.text_codes
    assert set(data["lines"]).isdisjoint(data["names"])
    assert all(v is None or type(v) is int for v in data["lines"].values())
