"""Month-end close: general-ledger mapping, explain, variance, alerts, review pack, manifest."""

import json
import re
import shutil
from decimal import ROUND_HALF_UP, Decimal

import pytest

from conftest import INPUTS
from focusgen.form import formdef


def build_json(run, path, out, *extra):
    status, stdout, err = run("build", path, "--out", out, "--format", "json", *extra)
    assert status == 0, err
    return json.loads((out / f"{path.stem}.json").read_text())


def test_ledger_example_builds_the_same_filing(run, tmp_path):
    typed = build_json(run, INPUTS / "2020-11.yaml", tmp_path / "a")
    ledger = build_json(run, INPUTS / "2020-11-gl.yaml", tmp_path / "b")
    assert ledger["lines"] == typed["lines"] and ledger["names"] == typed["names"]


# --- mapping errors -------------------------------------------------------------------------------

HEAD = "report: focus-ii\nas_of: 2020-11-30\nfirm: {name: X}\ntrial_balance: tb.csv\nmapping: map.yaml\n"
TB = "account,amount,description\n100100,\"(1,000.40)\",customer cash\n100200,500.00,bank\n999999,0,suspense\n"
MAP = "accounts:\n  - {account: \"100100\", line: 7010, flip: true}\n  - {account: \"100200\", line: 7070}\n"


def setup(tmp_path, tb=TB, mapping=MAP, head=HEAD):
    (tmp_path / "tb.csv").write_text(tb)
    (tmp_path / "map.yaml").write_text(mapping)
    (tmp_path / "in.yaml").write_text(head)
    return tmp_path / "in.yaml"


def test_a_small_ledger_maps_and_rounds_once_per_line(run, tmp_path):
    data = build_json(run, setup(tmp_path), tmp_path / "out")
    assert data["lines"]["7010"] == 1000 and data["lines"]["7070"] == 500   # 1,000.40 rounds to 1,000
    assert data["lines"]["7190"] == 500 - 1000


@pytest.mark.parametrize("tb,mapping,head,code,fragments", [
    (TB + "200100,25.00,unmapped\n", MAP, HEAD, "unmapped-account", ["200100", "25.00", "maps to no line"]),
    (TB, MAP + "  - {range: [\"100000\", \"100199\"], line: 7020}\n", HEAD, "account-mapped-twice",
     ["100100", "mapping entry 1", "mapping entry 3"]),
    (TB, MAP + "  - {account: \"999999\", line: 7040}\n", HEAD, "computed-line", ["7040", "7010, 7020"]),
    (TB, MAP + "  - {account: \"999999\", line: 7011}\n", HEAD, "unknown-line", ["7011"]),
    (TB, MAP + "  - {account: \"999999\", line: 8715A}\n", HEAD, "wrong-report-line", ["8715A", "daily-seg"]),
    (TB, MAP + "  - {account: \"999999\", line: 7510}\n", HEAD, "text-line", ["7510"]),
    (TB + "100100,5,again\n", MAP, HEAD, "duplicate-account", ["100100", "row 5"]),
    (TB, MAP + "  - {acount: \"1\", line: 7020}\n", HEAD, "bad-mapping", ["mapping entry 3"]),
    ("100100,5\n", MAP, HEAD, "csv-header", ["tb.csv"]),
    (TB, MAP, HEAD + "lines: {7010: 5}\n", "duplicate-line", ["7010"]),
    (TB, MAP, HEAD.replace("mapping: map.yaml\n", ""), "missing-field", ["trial_balance and mapping"]),
    (TB.replace("500.00", "five"), MAP, HEAD, "bad-amount", ["100200"]),
])
def test_mapping_errors(run, tmp_path, tb, mapping, head, code, fragments):
    path = setup(tmp_path, tb, mapping, head)
    status, _, err = run("build", path, "--out", tmp_path / "out")
    assert status == 2 and f"error[{code}]" in err, err
    for fragment in fragments:
        assert fragment in err, (fragment, err)
    assert not (tmp_path / "out").exists()


def test_all_mapping_errors_at_once(run, tmp_path):
    tb = TB + "200100,25.00,unmapped\n100100,5,again\n"
    mapping = MAP + "  - {account: \"999999\", line: 7040}\n"
    status, _, err = run("build", setup(tmp_path, tb, mapping), "--out", tmp_path / "out")
    assert status == 2
    for code in ("unmapped-account", "duplicate-account", "computed-line"):
        assert f"error[{code}]" in err


def test_zero_balances_are_fine_mapped_or_not(run, tmp_path):
    mapping = MAP + "  - {account: \"999998\", line: 7020}\n"
    data = build_json(run, setup(tmp_path, TB + "999998,0.00,empty\n", mapping), tmp_path / "out")
    assert data["lines"]["7020"] == 0       # mapped with a zero balance: 0, not blank
    assert data["lines"]["7030"] is None    # not mapped at all: blank


def test_a_deduct_line_mapped_with_the_wrong_sign(run, tmp_path):
    mapping = MAP + "  - {account: \"999997\", line: 7033}\n"
    status, _, err = run("build", setup(tmp_path, TB + "999997,12.00,options\n", mapping), "--out", tmp_path / "o")
    assert status == 2 and "error[wrong-sign]" in err and "999997" in err


# --- explain --------------------------------------------------------------------------------------

def _check_node(node, report):
    value = node["value"]
    parts = node.get("parts", [])
    if node["how"] == "computed":
        f = report.lines[node["line"]].formula
        vals = [(p["value"] or 0) * (-1 if p["sign"] == "-" else 1) for p in parts]
        if f.op in ("sum", "sub"):
            assert value == (None if all(p["value"] is None for p in parts) else sum(vals)), node["line"]
        elif f.op == "max":
            present = [p["value"] for p in parts if p["value"] is not None]
            assert value == (max(present) if present else None), node["line"]
    elif node["how"] == "ledger":
        exact = sum(Decimal(a["amount"]) for a in node["accounts"])
        assert value == int(exact.quantize(Decimal(1), ROUND_HALF_UP)), node["line"]
    for p in parts:
        _check_node(p, report)


@pytest.mark.parametrize("name,kind", [("2020-11", "focus-ii"), ("2020-11-gl", "focus-ii"),
                                       ("daily-seg-2017-12-26", "daily-seg")])
def test_explain_every_computed_line_sums_back(run, tmp_path, name, kind):
    report = formdef.report(kind)
    built = build_json(run, INPUTS / f"{name}.yaml", tmp_path)
    for code in report.order:
        status, out, err = run("explain", INPUTS / f"{name}.yaml", code, "--json")
        assert status == 0, err
        tree = json.loads(out)
        assert tree["value"] == built["lines"][code]
        _check_node(tree, report)


def test_explain_reaches_the_accounts(run):
    status, out, _ = run("explain", INPUTS / "2020-11-gl.yaml", "7060")
    assert status == 0
    assert "account 100100" in out and "(sign flipped)" in out and "7010" in out
    status, out, _ = run("explain", INPUTS / "daily-seg-2017-12-26.yaml", "7194", "--json")
    tree = json.loads(out)
    assert tree["rule"] == "5% of line 7060, half up" and tree["parts"][0]["line"] == "7060"
    status, _, err = run("explain", INPUTS / "2020-11.yaml", "9999")
    assert status == 2 and "error[unknown-line]" in err


# --- variance -------------------------------------------------------------------------------------

def test_diff_against_a_copy_with_one_changed_line(run, tmp_path):
    text = (INPUTS / "2020-11.yaml").read_text().replace("7070: 191652393", "7070: 171652393")
    (tmp_path / "changed.yaml").write_text(text)
    status, out, _ = run("diff", tmp_path / "changed.yaml", INPUTS / "2020-11.yaml", "--json")
    assert status == 0
    moved = {m["line"]: m for m in json.loads(out)["lines"]}
    # 7070 and what is computed from it: 7180, 7190, 7198; nothing else
    assert set(moved) == {"7070", "7180", "7190", "7198"}
    assert moved["7070"]["change"] == -20_000_000 and moved["7070"]["percent"] == "-10.4"
    assert moved["7070"]["flagged"] and moved["7198"]["flagged"] and moved["7190"]["flagged"]
    assert not moved["7180"]["flagged"]                       # -0.5%: under the 10% threshold
    assert [m["line"] for m in json.loads(out)["lines"]][-1] in ("7180", "7190", "7198", "7070")
    status, out, _ = run("diff", tmp_path / "changed.yaml", INPUTS / "2020-11.yaml", "--percent", "50", "--json")
    assert {m["line"] for m in json.loads(out)["lines"] if m["flagged"]} == {"7198"}


# --- alerts ---------------------------------------------------------------------------------------

def alerts_of(run, tmp_path, edits=(), extra="", prior=None):
    text = (INPUTS / "2020-11.yaml").read_text()
    for old, new in edits:
        assert old in text
        text = text.replace(old, new)
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "in.yaml"
    path.write_text(text + extra)
    args = ("--prior", prior) if prior else ()
    return {a["id"] for a in build_json(run, path, tmp_path / "out", *args)["alerts"]}


@pytest.mark.parametrize("edits,extra,expected", [
    ([], "", set()),
    ([("7100: 1748149521", "7100: 0")], "", {"under-segregated", "below-target-segregation"}),
    ([("7194: 122000000", "7194: 140000000")], "", {"below-target-segregation"}),
    ([("7500: 45056501", "7500: 0")], "", {"under-secured", "below-target-secured"}),
    ([("7780: 15000000", "7780: 30000000")], "", {"below-target-secured"}),
    ([("8630: 469259990", "8630: 0")], "", {"cleared-swaps-shortfall", "below-target-cleared-swaps"}),
    ([("8760: 73000000", "8760: 90000000")], "", {"below-target-cleared-swaps"}),
    ([], "adjusted_net_capital: 600000000\n", set()),
    ([], "adjusted_net_capital: 500000000\n", {"below-early-warning"}),
    ([], "adjusted_net_capital: 400000000\n", {"below-early-warning", "below-minimum-capital"}),
])
def test_each_alert_fires_only_when_its_rule_is_broken(run, tmp_path, edits, extra, expected):
    assert alerts_of(run, tmp_path, edits, extra) == expected


def test_net_capital_drop_against_the_prior(run, tmp_path):
    # 1.12(g)(1) measures net capital (tentative net capital for a 1.10(h) filer), not excess adjusted net
    # capital: a 20% reduction against the last report filed
    prior_text = (INPUTS / "2020-11.yaml").read_text().replace("as_of: 2020-11-30", "as_of: 2020-10-31") \
        .replace("period_begin: 2020-11-01", "period_begin: 2020-10-01") + "net_capital: 700000000\n"
    (tmp_path / "oct.yaml").write_text(prior_text)
    prior = build_json(run, tmp_path / "oct.yaml", tmp_path / "prior")
    prior_json = tmp_path / "prior" / "oct.json"
    assert prior["alert_inputs"]["net_capital"] == 700_000_000
    # 20% of 700,000,000 is 140,000,000: 560,000,000 is a 20% reduction, 560,000,001 is not
    assert "net-capital-drop" in alerts_of(run, tmp_path / "a", extra="net_capital: 560000000\n", prior=prior_json)
    assert "net-capital-drop" not in alerts_of(run, tmp_path / "b", extra="net_capital: 560000001\n",
                                               prior=prior_json)


def test_alerts_on_the_terminal(run, tmp_path):
    text = (INPUTS / "2020-11.yaml").read_text().replace("7100: 1748149521", "7100: 0")
    (tmp_path / "x.yaml").write_text(text)
    status, out, _ = run("build", tmp_path / "x.yaml", "--out", tmp_path / "o", "--format", "json")
    assert status == 0
    # a FOCUS II filer is a broker-dealer: the SEC receives its 1.12 notices (1.12(n)(1))
    assert "ALERT" in out and "notice immediately: 11/30/2020 close of business to CFTC, DSRO, SEC" in out \
        and "DEFICIENCY" in out


# --- review pack and manifest ---------------------------------------------------------------------

def test_review_pack(run, tmp_path):
    hist = tmp_path / "hist"
    text = (INPUTS / "2020-11.yaml").read_text()
    for month, day in (("09", "30"), ("10", "31")):
        (tmp_path / f"{month}.yaml").write_text(text.replace("as_of: 2020-11-30", f"as_of: 2020-{month}-{day}")
                                                 .replace("period_begin: 2020-11-01", f"period_begin: 2020-{month}-01")
                                                 .replace("8630: 469259990", f"8630: 4{month}000000"))
        build_json(run, tmp_path / f"{month}.yaml", hist / month)     # one output folder per filing
    status, _, err = run("build", INPUTS / "2020-11.yaml", "--out", tmp_path / "out", "--prior",
                         hist / "10" / "10.json", "--history", hist)
    assert status == 0, err
    html = (tmp_path / "out" / "2020-11-review.html").read_text()
    assert "Review pack: HSBC SECURITIES (USA) INC." in html
    assert "134,116,777" in html and "No alert" in html
    assert "Largest movements against 2020-10-31" in html and "8630" in html
    assert html.count("<svg") == 3 and "3 period(s)" in html   # 4d(2), 30.7, 4d(f); 32.6 is blank
    from pdfutil import pdf_text
    pdf = pdf_text((tmp_path / "out" / "2020-11-review.pdf").read_bytes())
    assert "Review pack" in pdf and "not part of the filing" in pdf


def test_manifest_and_verify(run, tmp_path):
    out = tmp_path / "out"
    assert run("build", INPUTS / "2020-11-gl.yaml", "--out", out, "--quiet")[0] == 0
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["focusgen_version"] and manifest["form_revision"] and manifest["built_at"]
    assert {i["path"].split("/")[-1] for i in manifest["inputs"]} == {"2020-11-gl.yaml", "trial-balance.csv",
                                                                       "mapping.yaml"}
    import hashlib
    for entry in manifest["outputs"]:
        assert hashlib.sha256((out / entry["path"]).read_bytes()).hexdigest() == entry["sha256"]
    status, stdout, _ = run("verify", out)
    assert status == 0 and "0 changed, missing, unlisted or refused" in stdout
    pdf = out / "2020-11-gl.pdf"
    pdf.write_bytes(pdf.read_bytes() + b"\n")
    (out / "2020-11-gl.txt").unlink()
    status, stdout, _ = run("verify", out)
    assert status == 1
    assert re.search(r"changed\s+2020-11-gl.pdf", stdout) and re.search(r"missing\s+2020-11-gl.txt", stdout)
    status, _, err = run("verify", tmp_path)
    assert status == 2 and "error[no-manifest]" in err


def test_batch_summary_counts_alerts(run, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(INPUTS / "2020-11.yaml", folder / "ok.yaml")
    (folder / "short.yaml").write_text((INPUTS / "2020-11.yaml").read_text().replace("7100: 1748149521", "7100: 0"))
    status, out, _ = run("build", folder, "--out", tmp_path / "out", "--format", "json")
    assert status == 0
    assert "2 built, 0 failed, 1 with alerts" in out and "under-segregated" in out
