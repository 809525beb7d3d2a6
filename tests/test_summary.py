"""What a reviewer reads at a glance: the build's summary (each statement's requirement, funds, excess and
target; capital in its own table; 'not checked' folded; every flagged movement, then how many more), the
review pack's movements, and the history charted (by firm, one per earlier period). Expected figures are
worked out here from the example inputs, by hand."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from conftest import INPUTS

OCT = INPUTS / "2020-10.yaml"


@pytest.fixture(scope="module")
def october(tmp_path_factory):
    """October built (the prior of the month-end walkthrough)."""
    from focusgen.cli import main
    out = tmp_path_factory.mktemp("oct")
    assert main(["build", str(OCT), "--out", str(out / "2020-10"), "--format", "json", "--quiet"]) == 0
    return out


def rows(text: str) -> list[str]:
    return [re.sub(r"\s+", " ", line.replace("│", " ").replace("┃", " ")).strip() for line in text.splitlines()]


def test_each_statement_requirement_funds_excess_target(run, tmp_path):
    status, out, _ = run("build", INPUTS / "2020-11.yaml", "--out", tmp_path, "--format", "json")
    assert status == 0
    shown = rows(out)
    # segregation: 7060 = 3,759,565,357 required, 7180 = 3,893,682,134 held, 7190 = the difference
    # 134,116,777 (3,893,682,134 - 3,759,565,357), 7194 = 122,000,000 (inputs/2020-11.yaml)
    assert "Segregation 4d(2) 3,759,565,357 3,893,682,134 134,116,777 122,000,000" in shown
    assert "Cleared swaps 4d(f) 1,292,448,506 1,375,846,944 83,398,438 73,000,000" in shown
    assert "blank (no lines given): Dealer options 32.6" in shown
    # capital in a table of its own, not under "Excess (deficiency)"
    assert "Minimum requirement, line D [7490] 471,057,307" in shown
    assert "Early warning level [7495] 518,163,038" in shown
    assert "Adjusted net capital (input) not given" in shown
    head = out.index("Statement")
    assert "7490" not in out[head:out.index("CFTC net capital")]


def test_adjusted_net_capital_its_excess_and_a_level_above_it(run, tmp_path):
    text = (INPUTS / "2020-11.yaml").read_text() + "adjusted_net_capital: 500000000\n"
    (tmp_path / "x.yaml").write_text(text)
    status, out, _ = run("build", tmp_path / "x.yaml", "--out", tmp_path / "o", "--format", "json")
    assert status == 0
    shown = rows(out)
    assert "Adjusted net capital (input) 500,000,000" in shown
    # 500,000,000 - 471,057,307 (line D) = 28,942,693
    assert "Excess adjusted net capital 28,942,693" in shown
    # the early warning level 518,163,038 is above 500,000,000: marked
    assert "Early warning level [7495] ABOVE ADJUSTED NET CAPITAL 518,163,038" in shown


def test_the_wide_terminal_adds_the_excess_over_target(run, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "140")
    status, out, _ = run("build", INPUTS / "2020-11.yaml", "--out", tmp_path, "--format", "json")
    assert status == 0
    # 134,116,777 - 122,000,000 = 12,116,777
    assert "Segregation 4d(2) [7190] 3,759,565,357 3,893,682,134 134,116,777 122,000,000 12,116,777" in rows(out)


def test_below_target_and_deficiency_are_marked(run, tmp_path):
    # 7070 down by 20,000,000: 7190 = 114,116,777, under the 122,000,000 target
    text = (INPUTS / "2020-11.yaml").read_text().replace("7070: 191652393", "7070: 171652393")
    (tmp_path / "under.yaml").write_text(text)
    status, out, _ = run("build", tmp_path / "under.yaml", "--out", tmp_path / "u", "--format", "json")
    assert status == 0 and "BELOW TARGET" in out and "DEFICIENCY" not in out
    text = (INPUTS / "2020-11.yaml").read_text().replace("7100: 1748149521", "7100: 0")
    (tmp_path / "def.yaml").write_text(text)
    status, out, _ = run("build", tmp_path / "def.yaml", "--out", tmp_path / "d", "--format", "json")
    assert status == 0 and "DEFICIENCY" in out


def test_not_checked_is_one_line_and_verbose_lists_them(run, tmp_path):
    status, out, _ = run("build", INPUTS / "2020-11.yaml", "--out", tmp_path / "a", "--format", "json")
    folded = [line for line in out.splitlines() if line.startswith("not checked")]
    assert len(folded) == 1 and "--verbose" in folded[0]
    n = int(re.search(r"not checked: (\d+) alert", folded[0]).group(1))
    assert "adjusted_net_capital" in folded[0] and "undermargined" in folded[0]
    status, out, _ = run("build", INPUTS / "2020-11.yaml", "--out", tmp_path / "b", "--format", "json", "--verbose")
    listed = out[out.index("not checked (their inputs are not given):"):].splitlines()[1:]
    assert len([line for line in listed if line.startswith("  ")]) == n
    assert any("below-early-warning needs adjusted_net_capital" in line for line in listed)


def test_every_flagged_movement_then_how_many_more(run, tmp_path, october):
    status, out, _ = run("build", INPUTS / "2020-11-gl.yaml", "--out", tmp_path, "--format", "json",
                         "--prior", october / "2020-10" / "2020-10.json")
    assert status == 0
    variance = json.loads((tmp_path / "2020-11-gl.json").read_text())["variance"]
    moved = variance["lines"] if isinstance(variance, dict) and "lines" in variance else variance
    flagged = [m["line"] for m in moved if m["flagged"]]
    # the lines October moved past both thresholds, among them the secured excess 7380 and the cleared
    # swaps excess 8730: 97,786,860 / 95,100,215 (Oct) -> 83,398,438 (Nov), -12.3%
    assert "8730" in flagged and len(flagged) == 12 and len(moved) == 29
    section = out[out.index("Movements against"):]
    for code in flagged:
        assert re.search(rf"^{code}\s", section, re.M), code
    unflagged = [m["line"] for m in moved if not m["flagged"]]
    assert not any(re.search(rf"^{code}\s", section, re.M) for code in unflagged)
    assert "17 more moved: focusgen diff" in section and "2020-11-gl.yaml" in section
    assert "(11,701,777)" in section            # 83,398,438 - 95,100,215


def test_line_tables_never_cut_a_label(run, tmp_path, october, monkeypatch):
    """At 80 columns every word of every label shown is whole (labels wrap at word boundaries)."""
    from focusgen.form import formdef
    labels = {c: ln.label for c, ln in formdef.report("focus-ii").lines.items()}
    for cols in ("80", "200"):
        monkeypatch.setenv("COLUMNS", cols)
        status, out, _ = run("diff", INPUTS / "2020-11-gl.yaml", october / "2020-10" / "2020-10.json")
        assert status == 0
        text = re.sub(r"[│┃]", " ", out)
        words = set(re.findall(r"[A-Za-z]{3,}", text))
        for code in re.findall(r"^(\d{4})\s", text, re.M):
            for word in re.findall(r"[A-Za-z]{3,}", labels[code]):
                assert word in words, (cols, code, word)
        # the tables fit (a sentence such as the heading is one line, which the terminal wraps)
        assert all(len(line) <= int(cols) for line in out.splitlines()[1:])


def test_the_review_pack_shows_every_flagged_movement(run, tmp_path, october):
    status, _, _ = run("build", INPUTS / "2020-11-gl.yaml", "--out", tmp_path, "--format", "json,review",
                       "--prior", october / "2020-10" / "2020-10.json")
    assert status == 0
    html = (tmp_path / "2020-11-gl-review.html").read_text()
    table = html[html.index("<h2>Movements"):html.index("<h2>Excess and target")]
    assert table.count('class="flag"') == 12
    assert table.count("<tr") - 1 == 12            # 12 flagged: no room for unflagged ones
    assert "17 more moved" in table


def _summary(value: int) -> list:
    from focusgen.report.model import Figure, Summary
    return [Summary(statement="seg_4d2", name="Segregation 4d(2)", excess=Figure(line="7190", value=value))]


def test_history_is_this_firms_earlier_periods_once_each(tmp_path):
    from focusgen.build import load_history
    from focusgen.report import jsonio
    doc = json.loads((INPUTS / "daily-seg-2017-12-26-amended" / "original.json").read_text())

    def put(name, as_of, firm, excess, status="INITIAL"):
        d = json.loads(json.dumps(doc))
        d.update(as_of=as_of, filing_status=status)
        d["firm"]["name"] = firm
        d["summary"] = [s.model_dump() for s in _summary(excess)]
        (tmp_path / name).mkdir(parents=True, exist_ok=True)
        (tmp_path / name / f"{name}.json").write_text(json.dumps(d))
        jsonio.read(tmp_path / name / f"{name}.json")          # a valid focusgen JSON

    put("a", "2017-12-21", "Credit Suisse Securities (USA) LLC", 1)
    put("b", "2017-12-22", "CREDIT SUISSE SECURITIES (USA), LLC", 2)      # the same firm, written otherwise
    put("c", "2017-12-22", "Another Firm LLC", 99)                        # another firm: never charted
    put("d", "2017-12-22", "Credit Suisse Securities (USA) LLC", 3, "AMENDED")   # replaces b
    put("e", "2017-12-26", "Credit Suisse Securities (USA) LLC", 4)       # the current period: the build's
    put("f", "2017-12-27", "Credit Suisse Securities (USA) LLC", 5)
    found = load_history(tmp_path, "daily-seg", "Credit Suisse Securities (USA) LLC", "2017-12-26")
    assert [(h["as_of"], h["summary"][0].excess.value) for h in found] == \
        [("2017-12-21", 1), ("2017-12-22", 3), ("2017-12-27", 5)]


def test_the_chart_holds_each_period_once(run, tmp_path, october):
    """--history over a folder that holds this period's own earlier build and another firm's filing."""
    hist = tmp_path / "hist"
    shutil.copytree(october, hist)
    assert run("build", INPUTS / "2020-11.yaml", "--out", hist / "2020-11", "--format", "json", "--quiet")[0] == 0
    other = (INPUTS / "2020-10.yaml").read_text().replace("HSBC SECURITIES (USA) INC.", "OTHER BROKER LLC") \
        .replace("as_of: 2020-10-31", "as_of: 2020-09-30").replace("period_begin: 2020-10-01", "period_begin: 2020-09-01")
    (tmp_path / "other.yaml").write_text(other)
    assert run("build", tmp_path / "other.yaml", "--out", hist / "other", "--format", "json", "--quiet")[0] == 0
    status, _, err = run("build", INPUTS / "2020-11-gl.yaml", "--out", tmp_path / "o", "--format", "json,review",
                         "--history", hist)
    assert status == 0, err
    html = (tmp_path / "o" / "2020-11-gl-review.html").read_text()
    # October and November: 2 periods (not September's other firm, not November twice)
    assert re.findall(r"(\d+) period\(s\)", html) and set(re.findall(r"(\d+) period\(s\)", html)) == {"2"}
    assert "2020-09-30" not in html
