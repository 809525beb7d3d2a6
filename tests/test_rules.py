"""The form's rules and the Regulation 1.12 alerts (issue 10). Every expected value is worked by hand
in the test, with the arithmetic in a comment; each boundary is tested at the threshold and a dollar
either side."""

import json
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

HEAD = "report: {kind}\nas_of: {as_of}\nfirm: {{name: ACME FUTURES LLC}}\n"


def build(run, tmp_path, body, kind="focus-ii", as_of="2020-11-30", formats="json,txt"):
    path = tmp_path / "in.yaml"
    path.write_text(HEAD.format(kind=kind, as_of=as_of) + body)
    out = tmp_path / "out"
    status, stdout, err = run("build", path, "--out", out, "--format", formats)
    data = json.loads((out / "in.json").read_text()) if status == 0 and "json" in formats else None
    return status, stdout, err, data, out


# --- offsets never exceed the deficit (Regulation 1.32(b)) ----------------------------------------

@pytest.mark.parametrize("deficit,offset", [("7045", "7047"), ("7351", "7352"), ("8560", "8570")])
@pytest.mark.parametrize("gross,off,ok", [(10, -50, False), (50, -50, True), (50, -51, False), (50, -49, True),
                                          (None, -1, False), (0, 0, True)])
def test_offset_within_its_deficit(run, tmp_path, deficit, offset, gross, off, ok):
    body = "lines:\n  7194: 0\n  7780: 0\n  8760: 0\n" + (f"  {deficit}: {gross}\n" if gross is not None else "") \
        + f"  {offset}: {off}\n"
    status, _, err, data, out = build(run, tmp_path, body)
    if ok:
        assert status == 0, err
    else:
        assert status == 2 and "error[offset-exceeds-deficit]" in err and "1.32(b)" in err
        assert not out.exists()


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10**12), st.integers(0, 10**12))
def test_every_offset_above_its_deficit_is_refused(gross, offset):
    import tempfile

    from focusgen.inputs.load import load_input
    from focusgen.problems import InputProblems
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "in.yaml"
        path.write_text(HEAD.format(kind="focus-ii", as_of="2020-11-30")
                        + f"lines:\n  7194: 0\n  7045: {gross}\n  7047: {-offset}\n")
        try:
            load_input(path)
            refused = False
        except InputProblems as exc:
            refused = any(p.code == "offset-exceeds-deficit" for p in exc.problems)
    assert refused == (offset > gross)


# --- lines that can never be negative -----------------------------------------------------------

NONNEGATIVE = ["7045", "7351", "8560", "7032", "7132", "7335", "7610", "7670", "7730", "8530", "8670", "7200",
               "7305", "7194", "7780", "8760"]


@pytest.mark.parametrize("code", NONNEGATIVE)
def test_nonnegative_lines(run, tmp_path, code):
    status, _, err, _, _ = build(run, tmp_path, f"lines:\n  {code}: -1\n")
    assert status == 2 and "error[wrong-sign]" in err and f"line {code}" in err and "never be negative" in err
    status, _, err, _, _ = build(run, tmp_path, f"lines:\n  {code}: 0\n")
    assert status == 0, err


# --- a management target is required where its statement has activity (NFA 16(a)) -----------------

def test_missing_target_is_an_error_on_a_daily_seg(run, tmp_path):
    status, _, err, _, out = build(run, tmp_path, "lines:\n  7010: 1000\n  7780: 0\n  8760: 0\n", kind="daily-seg",
                                   as_of="2017-12-26")
    assert status == 2 and "error[missing-target]" in err and "7194" in err and "16(a)" in err
    assert not out.exists()


def test_missing_target_is_a_warning_on_focus_ii(run, tmp_path):
    status, stdout, err, data, _ = build(run, tmp_path, "lines:\n  7010: 1000\n")
    assert status == 0, err
    assert "warning[missing-target]" in stdout
    assert [w["code"] for w in data["warnings"]] == ["missing-target"] and "7194" in data["warnings"][0]["where"]


def test_no_activity_no_target_needed(run, tmp_path):
    status, stdout, err, data, _ = build(run, tmp_path, "lines:\n  7465: 1000000\n", kind="focus-ii")
    assert status == 0 and data["warnings"] == [] and "warning[" not in stdout


# --- residual-interest targets in four forms ---------------------------------------------------

def test_target_as_a_dollar_range_drives_the_line_from_its_lower_bound(run, tmp_path):
    body = "lines:\n  7010: 300000000\n  7070: 500000000\n  7194: {range: [155000000, 175000000]}\n  7780: 0\n  8760: 0\n"
    status, _, err, data, out = build(run, tmp_path, body, kind="daily-seg", as_of="2017-12-26")
    assert status == 0, err
    # 7190 = 7180 - 7060 = 500,000,000 - 300,000,000 = 200,000,000; 7198 = 200,000,000 - 155,000,000
    assert data["lines"]["7194"] == 155000000 and data["lines"]["7198"] == 45000000
    assert data["targets"]["7194"] == {"form": "c", "range": [155000000, 175000000], "dollars": 155000000}
    text = (out / "in.txt").read_text()
    # the cover's values in WinJammer's order: a., b., c. low, c. high, d. low, d. high
    assert "\n0 0 155,000,000 175,000,000 0 0\n" in text


def test_target_as_a_percentage_range(run, tmp_path):
    body = "lines:\n  7010: 333333333\n  7070: 500000000\n  7194: {percent_range: [\"5%\", \"8%\"]}\n  7780: 0\n  8760: 0\n"
    status, _, err, data, out = build(run, tmp_path, body, kind="daily-seg", as_of="2017-12-26")
    assert status == 0, err
    # 5% of 7060 = 333,333,333 x 0.05 = 16,666,666.65 -> 16,666,667 (half up)
    assert data["lines"]["7194"] == 16666667
    assert data["targets"]["7194"]["form"] == "d" and data["targets"]["7194"]["percent_range"] == ["5", "8"]
    assert "\n0 0 0 0 5 8\n" in (out / "in.txt").read_text()


@pytest.mark.parametrize("target", ["{range: [10, 5]}", "{range: [1]}", "{percent_range: [\"8%\", \"5%\"]}",
                                    "{percent_range: [5, 8]}", "{range: [-1, 5]}", "{low: 5}"])
def test_bad_targets_are_named(run, tmp_path, target):
    status, _, err, _, _ = build(run, tmp_path, f"lines:\n  7194: {target}\n")
    assert status == 2 and "error[bad-target]" in err


# --- defaults are visible ------------------------------------------------------------------------

def test_the_minimum_dollar_default_is_said_and_recorded(run, tmp_path):
    status, stdout, err, data, _ = build(run, tmp_path, "lines:\n  7415: 1000\n")
    assert status == 0, err
    assert "default: line 7465" in stdout and "$1,000,000" in stdout
    assert data["defaults"]["7465"]["value"] == 1000000 and data["lines"]["7465"] == 1000000


def test_no_default_note_when_given(run, tmp_path):
    status, stdout, err, data, _ = build(run, tmp_path, "lines:\n  7465: 1000000\n")
    assert data["defaults"] == {} and "default:" not in stdout


# --- form revisions by date ------------------------------------------------------------------

@pytest.mark.parametrize("as_of", ["2013-12-31", "2014-01-30", "0001-01-01"])
def test_an_as_of_before_every_revision_is_refused(run, tmp_path, as_of):
    status, _, err, _, _ = build(run, tmp_path, "lines:\n  7465: 1000000\n", as_of=as_of)
    assert status == 2 and "error[unsupported-revision]" in err and "2014-01-31" in err


def test_the_first_covered_day(run, tmp_path):
    status, _, err, _, _ = build(run, tmp_path, "lines:\n  7465: 1000000\n", as_of="2014-01-31")
    assert status == 0, err


@pytest.fixture
def made_up_revision(monkeypatch):
    """A revision that holds only its differences, from 2030: a new label for 7010 and a new title."""
    from focusgen.report import values as compute
    from focusgen.form import formdef
    folder = Path(__file__).with_name("fixtures") / "revisions"
    monkeypatch.setattr(formdef, "REVISIONS_DIR", folder)
    formdef.revisions.cache_clear()
    compute.plan.cache_clear()
    yield
    formdef.revisions.cache_clear()
    compute.plan.cache_clear()


def test_a_later_revision_is_chosen_by_the_as_of_date(run, tmp_path, made_up_revision):
    status, _, err, data, out = build(run, tmp_path, "lines:\n  7010: 5\n", as_of="2030-01-31")
    assert status == 0, err
    assert data["form_revision"] == "made-up revision for tests (2030)"
    text = (out / "in.txt").read_text()
    assert "Cash held for customers (test revision)" in text and "TEST TITLE OF 4D(2)" in text
    status, _, err, data, out = build(run, tmp_path, "lines:\n  7010: 5\n", as_of="2029-12-31")
    assert status == 0 and data["form_revision"].startswith("CFTC FOCUS II")
    assert "(test revision)" not in (out / "in.txt").read_text()


# --- describe fields -----------------------------------------------------------------------------

def test_describe_fields_print(run, tmp_path):
    status, _, err, data, out = build(run, tmp_path, "lines:\n  7150: 100\n  7194: 0\ndescribe: {7150: Vault cash}\n",
                                      formats="json,txt,pdf")
    assert status == 0, err
    assert data["describe"] == {"7150": "Vault cash"}
    assert "(describe:) Vault cash" in (out / "in.txt").read_text()
    import pypdfium2 as pdfium
    pdf = pdfium.PdfDocument(str(out / "in.pdf"))
    assert any("Vault cash" in page.get_textpage().get_text_range() for page in pdf)


def test_describe_of_another_line_is_refused(run, tmp_path):
    status, _, err, _, _ = build(run, tmp_path, "lines:\n  7010: 1\ndescribe: {7010: cash}\n")
    assert status == 2 and "error[unknown-line]" in err and "describe" in err


# --- Regulation 1.12 alerts ---------------------------------------------------------------------

# 7415 = 15,000,000: 7425 = 8% = 1,200,000; 7455 = 1,200,000; 7465 default 1,000,000;
# 7490 = greatest = 1,200,000; 7495 (form's note, risk-based governs) = 110% x 1,200,000 = 1,320,000.
# 1.12(b) threshold = greatest of 150% x 1,000,000 = 1,500,000 and 110% x 1,200,000 = 1,320,000 = 1,500,000.
CAPITAL = "lines:\n  7415: 15000000\n"


def alert_ids(data):
    return {a["id"]: a for a in data["alerts"]}


@pytest.mark.parametrize("anc,fires", [(1_400_000, True), (1_499_999, True), (1_500_000, False), (1_500_001, False)])
def test_early_warning_is_the_rule_not_line_7495(run, tmp_path, anc, fires):
    status, stdout, err, data, _ = build(run, tmp_path, CAPITAL + f"adjusted_net_capital: {anc}\n")
    assert status == 0, err
    assert data["lines"]["7495"] == 1320000
    capital = next(s for s in data["summary"] if "early_warning" in s)
    assert capital["early_warning_threshold"]["value"] == 1500000
    a = alert_ids(data).get("below-early-warning")
    assert (a is not None) == fires
    if fires:
        assert a["threshold"] == 1500000 and a["amount"] == anc and a["due"] == "as soon as possible and no later than 24 hours"
        # a FOCUS II filer is a broker-dealer: every 1.12 notice goes to the SEC too (1.12(n)(1))
        assert a["to"] == ["CFTC", "DSRO", "SEC"] and "ACME FUTURES LLC" in a["draft"] and "$1,500,000" in a["draft"]


def test_retail_forex_early_warning(run, tmp_path):
    # retail forex: 7465 default 20,000,000; 110% = 22,000,000; 7455 1,200,000 -> 1,320,000; a FOCUS II filer
    # is a broker-dealer: 1.12(b)(4), 120% of its minimum (line D, 20,000,000) = 24,000,000, the greatest
    status, _, err, data, _ = build(run, tmp_path, CAPITAL + "retail_forex: true\nadjusted_net_capital: 23999999\n")
    assert status == 0, err
    assert alert_ids(data)["below-early-warning"]["threshold"] == 24000000


@pytest.mark.parametrize("anc,minimum_fires,sec_fires", [(1_999_999, True, True), (2_000_000, False, True),
                                                         (2_399_999, False, True), (2_400_000, False, False)])
def test_bd_fcm_minimum_and_17a11(run, tmp_path, anc, minimum_fires, sec_fires):
    # minimum = greater of 7490 (1,200,000) and 3760 (2,000,000) = 2,000,000; 17a-11: 120% = 2,400,000
    status, _, err, data, _ = build(run, tmp_path, CAPITAL + f"sec_minimum_net_capital: 2000000\n"
                                    f"adjusted_net_capital: {anc}\n")
    assert status == 0, err
    ids = alert_ids(data)
    assert ("below-minimum-capital" in ids) == minimum_fires
    assert ("below-sec-early-warning" in ids) == sec_fires
    if minimum_fires:
        assert ids["below-minimum-capital"]["threshold"] == 2000000
        assert ids["below-minimum-capital"]["to"] == ["CFTC", "DSRO", "SEC", "FINRA"]
        assert ids["below-minimum-capital"]["due"] == "immediately"
    if sec_fires:
        assert ids["below-sec-early-warning"]["threshold"] == 2400000


@pytest.mark.parametrize("planned,fires", [(2_640_000, True), (2_639_999, False), (2_640_001, True)])
def test_planned_withdrawals_of_30_percent(run, tmp_path, planned, fires):
    # excess ANC = 10,000,000 - 1,200,000 = 8,800,000; 30% = 2,640,000
    status, _, err, data, _ = build(run, tmp_path, CAPITAL + f"adjusted_net_capital: 10000000\n"
                                    f"planned_withdrawals: {planned}\n")
    assert status == 0, err
    a = alert_ids(data).get("planned-capital-reduction")
    assert (a is not None) == fires
    if fires:
        assert a["threshold"] == 8800000 and a["due"] == "at least two business days before the withdrawal, advance or loan"


SEG = "lines:\n  7010: 1000\n  7070: 2000\n  7194: 0\n"      # 7190 = 2,000 - 1,000 = 1,000


@pytest.mark.parametrize("amount,fires", [(1001, True), (1000, False), (999, False)])
def test_residual_interest_below_undermargined(run, tmp_path, amount, fires):
    status, _, err, data, _ = build(run, tmp_path, SEG + f"undermargined: {{segregation: {amount}}}\n")
    assert status == 0, err
    assert ("residual-below-undermargined-segregation" in alert_ids(data)) == fires


@pytest.mark.parametrize("amount,fires", [(251, True), (250, False), (249, False)])
def test_withdrawal_of_more_than_25_percent(run, tmp_path, amount, fires):
    # 25% of 7190 = 25% x 1,000 = 250: more than that fires
    status, _, err, data, _ = build(run, tmp_path, SEG + f"withdrawals: {{segregation: {amount}}}\n")
    assert status == 0, err
    assert ("withdrawal-over-25-segregation" in alert_ids(data)) == fires


def test_alerts_without_their_inputs_are_listed_not_checked(run, tmp_path):
    status, stdout, err, data, _ = build(run, tmp_path, SEG)
    assert status == 0
    unchecked = " ".join(data["alerts_not_checked"])
    for alert in ("planned-capital-reduction", "residual-below-undermargined-segregation",
                  "withdrawal-over-25-segregation", "below-early-warning"):
        assert alert in unchecked and alert in stdout


def test_undersegregation_alert_is_immediate(run, tmp_path):
    # 7190 = 500 - 1,000 = -500
    status, stdout, err, data, _ = build(run, tmp_path, "lines:\n  7010: 1000\n  7070: 500\n  7194: 0\n")
    a = alert_ids(data)["under-segregated"]
    assert a["amount"] == -500 and a["threshold"] == 0 and a["due"] == "immediately"
    assert "$(500)" in a["draft"] and "undersegregated" in a["draft"]


def test_the_review_pack_shows_each_alert_with_its_draft(run, tmp_path):
    status, _, err, _, out = build(run, tmp_path, "lines:\n  7010: 1000\n  7070: 500\n  7194: 0\n",
                                   formats="json,review")
    assert status == 0, err
    html = (out / "in-review.html").read_text()
    assert "CFTC Regulation 1.12" in html and "Draft notice:" in html and "undersegregated" in html
    assert "Not checked:" in html and "planned-capital-reduction" in html
