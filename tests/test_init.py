"""focusgen init: the starter files are what tests/startermake.py makes from the form definition (every
input line of the form, none else), they build as they are and once filled in, and init never writes
over a file."""

from __future__ import annotations

import csv
import json

import pytest

from conftest import ROOT
from focusgen.form import formdef

KINDS = ("focus-ii", "daily-seg")
NAMES = ["balances.csv", "balances.xlsx", "filing.yaml", "mapping.yaml", "trial-balance.csv"]


@pytest.mark.parametrize("kind", KINDS)
def test_the_shipped_starters_are_what_the_form_makes(kind):
    import startermake
    made = startermake.files(kind)
    shipped = ROOT / "src" / "focusgen" / "starters" / kind
    assert sorted(made) == sorted(p.name for p in shipped.iterdir()) == NAMES
    for name, data in made.items():
        assert (shipped / name).read_bytes() == data, f"{kind}/{name}: run python tests/startermake.py"


@pytest.mark.parametrize("kind", KINDS)
def test_the_csv_lists_every_input_line_of_the_form_but_the_targets(kind):
    rep = formdef.report(kind)
    rows = list(csv.DictReader((ROOT / "src" / "focusgen" / "starters" / kind / "balances.csv").open()))
    expected = {c for c, ln in rep.lines.items() if ln.kind == "input" and not ln.target_of}
    assert [r["line"] for r in rows] and {r["line"] for r in rows} == expected
    assert len(rows) == len(expected) and all(r["amount"] == "" for r in rows)
    assert all(r["label"] == rep.lines[r["line"]].label for r in rows)


@pytest.mark.parametrize("kind", KINDS)
def test_init_then_build_as_it_is(run, tmp_path, kind):
    status, out, err = run("init", tmp_path / "start", "--report", kind)
    assert status == 0, err
    assert sorted(p.name for p in (tmp_path / "start").iterdir()) == NAMES
    assert f"focusgen build {tmp_path / 'start' / 'filing.yaml'}" in out
    status, out, err = run("build", tmp_path / "start" / "filing.yaml", "--out", tmp_path / "o", "--format", "json")
    assert status == 0, err
    doc = json.loads((tmp_path / "o" / "filing.json").read_text())
    assert doc["report"] == kind and doc["firm"]["name"] == "YOUR FIRM NAME LLC"
    assert doc["lines"]["7010"] is None            # blank, not 0: nothing was given


def test_filled_in_the_csv_the_workbook_and_the_ledger_give_one_filing(run, tmp_path):
    assert run("init", tmp_path)[0] == 0
    filing = tmp_path / "filing.yaml"
    text = filing.read_text()
    # the CSV: 7010 customer cash 1,000 and 7070 cash at banks 1,500
    rows = (tmp_path / "balances.csv").read_text().splitlines()
    rows = [r.replace("7010,,", "7010,1000,", 1).replace("7070,,", "7070,1500,", 1) for r in rows]
    (tmp_path / "balances.csv").write_text("\n".join(rows) + "\n")
    assert run("build", filing, "--out", tmp_path / "csv", "--format", "json")[0] == 0
    by_csv = json.loads((tmp_path / "csv" / "filing.json").read_text())["lines"]
    assert by_csv["7010"] == 1000 and by_csv["7070"] == 1500 and by_csv["7190"] == 1500 - 1000
    # the ledger: the skeleton's accounts, customer cash a credit balance flipped
    (tmp_path / "trial-balance.csv").write_text("account,amount,description\n100100,-1000.00,Customer cash\n"
                                                "100200,1500.00,Cash at banks\n900000,77.00,House\n")
    filing.write_text(text.replace("ledger: balances.csv", "# ledger: balances.csv")
                      .replace("# trial_balance: trial-balance.csv", "trial_balance: trial-balance.csv")
                      .replace("# mapping: mapping.yaml", "mapping: mapping.yaml"))
    status, _, err = run("build", filing, "--out", tmp_path / "gl", "--format", "json")
    assert status == 0, err
    by_gl = json.loads((tmp_path / "gl" / "filing.json").read_text())["lines"]
    assert by_gl == by_csv


def test_the_workbook_template_reads_like_the_csv(run, tmp_path):
    assert run("init", tmp_path)[0] == 0
    filing = tmp_path / "filing.yaml"
    filing.write_text(filing.read_text().replace("ledger: balances.csv", "ledger: balances.xlsx"))
    status, _, err = run("build", filing, "--out", tmp_path / "x", "--format", "json")
    assert status == 0, err
    lines = json.loads((tmp_path / "x" / "filing.json").read_text())["lines"]
    assert lines["7010"] is None and lines["7465"] == 1_000_000      # blank lines; the form's default


def test_init_never_writes_over_a_file(run, tmp_path):
    (tmp_path / "mapping.yaml").write_text("mine\n")
    status, out, err = run("init", tmp_path)
    assert status == 2 and "error[cannot-write]" in err and "mapping.yaml" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mapping.yaml"]      # nothing else written
    assert (tmp_path / "mapping.yaml").read_text() == "mine\n"
    (tmp_path / "afile").write_text("x")
    status, _, err = run("init", tmp_path / "afile")
    assert status == 2 and "error[cannot-write]" in err
