"""One CSV a day under one meta: `focusgen build exports/*.csv --meta daily.yaml` builds a filing per CSV,
its as-of date from the file's name (a pattern in the meta) or a column, its submit date the next business
day unless the meta gives one. Business days worked out by hand from the 2020 calendar: Thanksgiving was
Thursday 11/26/2020, Christmas Friday 12/25/2020, New Year's Day Friday 1/1/2021."""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import INPUTS

DAILY = INPUTS / "daily"
META = """report: daily-seg
as_of: {rule}
firm: {{name: EXAMPLE FUTURES FCM LLC}}
lines: {{7194: "5%", 7780: "5%", 8760: "5%"}}
"""
CSV = (INPUTS / "daily-seg-2017-12-26.csv").read_text()


def meta(tmp_path, rule, extra=""):
    (tmp_path / "daily.yaml").write_text(META.format(rule=rule) + extra)
    return tmp_path / "daily.yaml"


def dates(folder):
    out = {}
    for p in sorted(folder.glob("*/*.json")):
        if p.name != "manifest.json":
            doc = json.loads(p.read_text())
            out[p.parent.name] = (doc["as_of"], doc["submit_date"])
    return out


def test_the_example_exports_build_one_filing_a_day(run, tmp_path):
    status, out, err = run("build", *sorted((DAILY / "exports").glob("*.csv")), "--meta", DAILY / "daily.yaml",
                           "--out", tmp_path, "--format", "json")
    assert status == 0, err
    assert dates(tmp_path) == {"seg-20201124": ("2020-11-24", "2020-11-25"),
                               "seg-20201125": ("2020-11-25", "2020-11-27"),     # over Thanksgiving
                               "seg-20201127": ("2020-11-27", "2020-11-30")}     # over the weekend
    assert "3 built, 0 failed" in out
    # the days differ as their CSVs do: 7070 moved -23,400,117 on the 25th, so 7190 with it
    seg = {d: json.loads((tmp_path / d / f"{d}.json").read_text())["lines"]["7190"] for d in dates(tmp_path)}
    assert seg["seg-20201124"] - seg["seg-20201125"] == 23_400_117


@pytest.mark.parametrize("pattern,name,as_of,submit", [
    ("seg-YYYYMMDD.csv", "seg-20201224.csv", "2020-12-24", "2020-12-28"),        # over Christmas and a weekend
    ("*_YYYY-MM-DD.csv", "firm_seg_2020-12-31.csv", "2020-12-31", "2021-01-04"),  # over New Year's Day
    ("DD.MM.YYYY ?.csv", "30.11.2020 a.csv", "2020-11-30", "2020-12-01"),
])
def test_the_date_from_a_file_name(run, tmp_path, pattern, name, as_of, submit):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / name).write_text(CSV)
    status, _, err = run("build", tmp_path / "x" / name, "--meta", meta(tmp_path, f'{{file_name: "{pattern}"}}'),
                         "--out", tmp_path / "o", "--format", "json")
    assert status == 0, err
    doc = json.loads((tmp_path / "o" / f"{name[:-4]}.json").read_text())
    assert (doc["as_of"], doc["submit_date"]) == (as_of, submit)


def test_the_date_from_a_column_and_a_submit_date_given(run, tmp_path):
    rows = CSV.splitlines()
    (tmp_path / "day.csv").write_text("\n".join([rows[0] + ",date"] + [r + ",2020-12-31" for r in rows[1:]]) + "\n")
    status, _, err = run("build", tmp_path / "day.csv", "--meta", meta(tmp_path, "{column: date}"),
                         "--out", tmp_path / "o", "--format", "json")
    assert status == 0, err
    doc = json.loads((tmp_path / "o" / "day.json").read_text())
    assert (doc["as_of"], doc["submit_date"]) == ("2020-12-31", "2021-01-04")
    status, _, err = run("build", tmp_path / "day.csv", "--meta",
                         meta(tmp_path, "{column: date}", "submit_date: 2020-12-31\n"), "--out", tmp_path / "p",
                         "--format", "json")
    assert status == 0, err
    assert json.loads((tmp_path / "p" / "day.json").read_text())["submit_date"] == "2020-12-31"


@pytest.mark.parametrize("rule,files,said", [
    ('{file_name: "seg-YYYYMMDD.csv"}', {"seg-2020113.csv": CSV}, "does not match as_of's file_name"),
    ('{file_name: "seg-YYYYMMDD.csv"}', {"seg-20201131.csv": CSV}, "November 2020 has 30 days"),
    ('{file_name: "seg.csv"}', {"seg.csv": CSV}, "does not say where the date stands"),
    ("{column: date}", {"a.csv": CSV}, "has no 'date' column"),
    ("{column: date}", {"a.csv": "line,amount,date\n7010,5,2020-11-30\n7070,5,2020-12-01\n"},
     "holds 2020-11-30, 2020-12-01, not one date on every row"),
    ("{column: date}", {"a.csv": "line,amount,date\n7010,5,11/30/2020\n"}, "write 2020-11-30"),
    ("{column: date, file_name: x}", {"a.csv": CSV}, "is neither a date nor a rule"),
])
def test_a_date_that_cannot_be_had(run, tmp_path, rule, files, said):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    status, _, err = run("build", *(tmp_path / n for n in files), "--meta", meta(tmp_path, rule), "--out", tmp_path / "o")
    assert status == 2 and said in err, err
    assert "error[bad-date]" in err or "error[csv-header]" in err
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").rglob("*.json"))


def test_one_bad_day_never_stops_the_others(run, tmp_path):
    exports = tmp_path / "exports"
    shutil.copytree(DAILY / "exports", exports)
    (exports / "seg-2020112.csv").write_text(CSV)
    status, out, err = run("build", exports, "--meta", DAILY / "daily.yaml", "--out", tmp_path / "o",
                           "--format", "json")
    assert status == 2 and "seg-2020112.csv" in err and "3 built, 1 failed" in out
    assert sorted(dates(tmp_path / "o")) == ["seg-20201124", "seg-20201125", "seg-20201127"]


def test_many_tables_with_one_date_or_a_yaml_are_refused(run, tmp_path):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    a.write_text(CSV)
    b.write_text(CSV)
    status, _, err = run("build", a, b, "--meta", INPUTS / "daily-seg-2017-12-26.yaml", "--out", tmp_path / "o")
    assert status == 2 and "error[bad-option]" in err and "they would be filings of one day" in err
    status, _, err = run("build", a, INPUTS / "2020-11.yaml", "--meta", DAILY / "daily.yaml", "--out", tmp_path / "o")
    assert status == 2 and "--meta goes with tables" in err
    assert not (tmp_path / "o").exists()


def test_a_rule_in_a_yaml_input_is_refused(run, tmp_path):
    (tmp_path / "x.yaml").write_text(META.format(rule='{file_name: "x-YYYYMMDD.yaml"}'))
    status, _, err = run("build", tmp_path / "x.yaml", "--out", tmp_path / "o")
    assert status == 2 and "this input is no table" in err and "missing-field" not in err
