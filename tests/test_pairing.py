"""check FOLDER --against FOLDER pairs what truly corresponds (report, date and firm; among several copies
of one filing, by name) and says of every other file why it was not paired. A filer's folder holds the
input, its built JSON and the filed PDF of the same date."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import INPUTS


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from focusgen.cli import main
    out = tmp_path_factory.mktemp("built")
    for stem in ("2020-10", "2020-11"):
        assert main(["build", str(INPUTS / f"{stem}.yaml"), "--out", str(out / stem), "--format", "txt,json",
                     "--quiet"]) == 0
    return out


def check_json(run, cur, filed):
    status, out, err = run("check", cur, "--against", filed, "--json")
    return status, json.loads(out), err


def names(items) -> list[str]:
    return sorted(i["path"].split("/")[-1] for i in items)


def test_an_input_its_build_and_copies_of_the_filed_filing(run, tmp_path, built):
    cur, filed = tmp_path / "cur", tmp_path / "filed"
    cur.mkdir()
    filed.mkdir()
    shutil.copy(INPUTS / "2020-11.yaml", cur / "2020-11.yaml")
    shutil.copy(built / "2020-11" / "2020-11.json", cur / "2020-11.json")        # the input's own build
    shutil.copy(built / "2020-11" / "2020-11.txt", filed / "2020-11.txt")        # two copies of the filing
    shutil.copy(built / "2020-11" / "2020-11.json", filed / "2020-11.json")
    status, data, _ = check_json(run, cur, filed)
    assert status == 0, data
    assert [(p["current"]["source"].split("/")[-1], p["prior"]["source"].split("/")[-1]) for p in data["pairs"]] == \
        [("2020-11.yaml", "2020-11.json")]                                        # the exact copy, by name
    assert names(data["set_aside"]) == ["2020-11.json", "2020-11.txt"]
    why = {i["path"].split("/")[-1] + ("@filed" if "/filed/" in i["path"] else ""): i["why"] for i in data["set_aside"]}
    assert why["2020-11.json"].startswith("the build of 2020-11.yaml")
    assert "another copy of focus-ii as of 2020-11-30" in why["2020-11.txt@filed"]
    assert data["unreadable"] == [] and data["not_paired"] == []


def test_each_input_goes_with_the_filed_copy_of_its_own_name(run, tmp_path, built):
    """Two inputs of one date (a typed and a ledger build of November) and two filed copies of that date:
    names pair them, never the order they sort in."""
    cur, filed = tmp_path / "cur", tmp_path / "filed"
    cur.mkdir()
    filed.mkdir()
    shutil.copy(INPUTS / "2020-11.yaml", cur / "b-typed.yaml")
    gl = (INPUTS / "2020-11-gl.yaml").read_text().replace("2020-11-gl/", f"{INPUTS}/2020-11-gl/")
    (cur / "a-ledger.yaml").write_text(gl)
    doc = json.loads((built / "2020-11" / "2020-11.json").read_text())
    (filed / "b-typed.json").write_text(json.dumps(doc))
    doc["lines"]["7010"] += 1                                       # the ledger's filed copy differs by $1
    (filed / "a-ledger.json").write_text(json.dumps(doc))
    status, out, err = run("check", cur, "--against", filed, "--json", "--allow-outside-paths")
    data = json.loads(out)
    pairs = {p["current"]["source"].split("/")[-1]: (p["prior"]["source"].split("/")[-1], p["differences"])
             for p in data["pairs"]}
    assert pairs["b-typed.yaml"] == ("b-typed.json", [])
    assert pairs["a-ledger.yaml"][0] == "a-ledger.json" and [d["line"] for d in pairs["a-ledger.yaml"][1]][0] == "7010"
    assert status == 1


def test_what_is_not_paired_is_said_with_why(run, tmp_path, built):
    cur, filed = tmp_path / "cur", tmp_path / "filed"
    cur.mkdir()
    filed.mkdir()
    shutil.copy(INPUTS / "2020-11.yaml", cur / "2020-11.yaml")                     # no filed copy of November
    shutil.copy(built / "2020-10" / "2020-10.txt", filed / "2020-10.txt")          # no input of October
    other = json.loads((built / "2020-11" / "2020-11.json").read_text())
    other["firm"]["name"] = "ANOTHER BROKER LLC"                                    # November, another firm
    (filed / "other.json").write_text(json.dumps(other))
    status, data, _ = check_json(run, cur, filed)
    assert status == 1 and data["pairs"] == []
    why = {i["path"].split("/")[-1]: i["why"] for i in data["not_paired"]}
    assert why == {"2020-11.yaml": "no filed copy of focus-ii as of 2020-11-30",
                   "2020-10.txt": "no input of focus-ii as of 2020-10-31",
                   "other.json": "no input of focus-ii as of 2020-11-30"}
    assert data["current_without_prior"] == [str(cur / "2020-11.yaml")]
    status, out, _ = run("check", cur, "--against", filed)
    assert "not paired, current: 2020-11.yaml: no filed copy of focus-ii as of 2020-11-30" in out
    assert "0 pair(s), 0 with differences or failed edit checks, 3 not paired, 0 set aside, 0 unreadable" in out


def test_two_inputs_of_one_filing_are_no_longer_unreadable(run, tmp_path, built):
    cur, filed = tmp_path / "cur", tmp_path / "filed"
    cur.mkdir()
    filed.mkdir()
    shutil.copy(INPUTS / "2020-10.yaml", cur / "2020-10.yaml")
    shutil.copy(INPUTS / "2020-10.yaml", cur / "2020-10-copy.yaml")
    shutil.copy(built / "2020-10" / "2020-10.txt", filed / "2020-10.txt")
    status, data, err = check_json(run, cur, filed)
    assert status == 0, err
    assert data["unreadable"] == [] and len(data["pairs"]) == 2            # each input checked against it
    assert "duplicate-filing" not in err
