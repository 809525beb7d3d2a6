"""The filer's duties as the regulations state them (issue 23): broker-dealers, capital inputs, the 1.12(b)
legs, notices (recipients, content, deadlines), the attest list, deadlines on the business-day calendar,
the published figures and the cover in force. Every expected value is worked out by hand from the rule's
text in a comment beside it, at each boundary (at a threshold, a dollar or a cent either side)."""

from __future__ import annotations

import csv
import json

import pytest

from conftest import FIXTURES, INPUTS

HEAD = "report: {kind}\nas_of: {as_of}\nfirm: {{name: ACME FUTURES LLC, contact: {{name: JANE DOE, phone: 212-555-0100, email: jd@example.com}}}}\n"
# 7415 15,000,000 -> 7425 = 8% = 1,200,000 = 7455 (line A); 7465 default 1,000,000; line D 1,200,000
CAPITAL = "lines:\n  7194: 0\n  7415: 15000000\n"


def build(run, tmp_path, body, kind="focus-ii", as_of="2020-11-30", formats="json,txt", name="in"):
    path = tmp_path / f"{name}.yaml"
    path.write_text(HEAD.format(kind=kind, as_of=as_of) + body)
    out = tmp_path / f"out-{name}"
    status, stdout, err = run("build", path, "--out", out, "--format", formats)
    data = json.loads((out / f"{name}.json").read_text()) if status == 0 and "json" in formats else None
    return status, stdout, err, data, out


def alerts(data):
    return {a["id"]: a for a in data["alerts"]}


def capital(data):
    return next(s for s in data["summary"] if s["statement"] == "capital")


def codes(err):
    import re
    return re.findall(r"error\[([a-z-]+)\]", err)


# --- broker-dealers ------------------------------------------------------------------------------

def test_a_focus_ii_filer_is_a_broker_dealer_and_the_sec_gets_its_notices(run, tmp_path):
    # no registrant: a FOCUS II is filed by broker-dealers only; 1.12(n)(1) files every notice with the SEC
    _, _, err, data, _ = build(run, tmp_path, CAPITAL + "adjusted_net_capital: 1100000\n")
    a = alerts(data)
    assert a["below-minimum-capital"]["to"] == ["CFTC", "DSRO", "SEC", "FINRA"]
    assert a["below-early-warning"]["to"] == ["CFTC", "DSRO", "SEC"]
    assert data["published"]["row"][1] == "FCM BD"


@pytest.mark.parametrize("field", ["sec_minimum_net_capital: 2000000", "sec_net_capital: 3000000"])
def test_an_fcm_with_a_broker_dealers_figures_is_refused(run, tmp_path, field):
    status, _, err, _, out = build(run, tmp_path, f"registrant: fcm\n{field}\nlines: {{7194: '5%'}}\n",
                                   kind="daily-seg", as_of="2017-12-26")
    assert status == 2 and codes(err) == ["contradictory-registrant"] and not out.exists()


@pytest.mark.parametrize("as_of, minimum, early", [
    ("2020-11-30", "SEC Rule 17a-11(b)", "SEC Rule 17a-11(c)(3)"),      # before the 2019 amendments' compliance
    ("2021-11-30", "SEC Rule 17a-11(a)(1)", "SEC Rule 17a-11(b)(3)"),   # after 10/06/2021 (letters unconfirmed)
])
def test_the_17a11_paragraph_by_as_of_date(run, tmp_path, as_of, minimum, early):
    # minimum = greater of line D 1,200,000 and the SEC minimum 2,000,000; 120% = 2,400,000
    _, out, err, data, _ = build(run, tmp_path, CAPITAL + "sec_minimum_net_capital: 2000000\n"
                                 "adjusted_net_capital: 1999999\n", as_of=as_of)
    a = alerts(data)
    assert a["below-minimum-capital"]["cite"] == f"CFTC Regulations 1.12(a) and 1.17(a)(1)(i); {minimum}"
    assert a["below-sec-early-warning"]["cite"] == early
    assert ("unconfirmed" in a["below-sec-early-warning"]) == as_of.startswith("2021")
    assert ("unconfirmed-citation" in out) == as_of.startswith("2021")


# --- the 1.12(b) legs ------------------------------------------------------------------------------

@pytest.mark.parametrize("anc, fires", [(2_399_999, True), (2_400_000, False), (2_400_001, False)])
def test_the_broker_dealer_leg_sets_the_threshold(run, tmp_path, anc, fires):
    # legs: (b)(1) 150% x 1,000,000 = 1,500,000; (b)(2) 110% x 1,200,000 = 1,320,000; (b)(3) line C blank;
    # (b)(4) 120% x max(1,200,000, 2,000,000) = 2,400,000: the greatest
    _, _, _, data, _ = build(run, tmp_path, CAPITAL + f"sec_minimum_net_capital: 2000000\nadjusted_net_capital: {anc}\n")
    cap = capital(data)
    assert cap["early_warning_threshold"]["value"] == 2_400_000
    assert [(leg["cite"], leg["amount"]) for leg in cap["early_warning_legs"]] == [
        ("1.12(b)(1)", 1_500_000), ("1.12(b)(2)", 1_320_000), ("1.12(b)(3)", None), ("1.12(b)(4)", 2_400_000)]
    assert ("below-early-warning" in alerts(data)) == fires


@pytest.mark.parametrize("nfa, margin_based, leg, threshold", [
    (1_300_000, False, 1_950_000, 1_950_000),     # 150% x 1,300,000
    (1_300_000, True, 1_430_000, 1_500_000),      # margin-based and >= line A: 110% = 1,430,000; (b)(1) greatest
    (1_200_000, True, 1_320_000, 1_500_000),      # exactly line A "meets": 110%
    (1_199_999, True, 1_799_999, 1_799_999),      # a dollar below line A: 150% = 1,799,998.5, half up
])
def test_the_nfa_leg_at_the_rate_the_rule_gives(run, tmp_path, nfa, margin_based, leg, threshold):
    # line D = greatest of 1,200,000, 1,000,000, nfa = 1,300,000 or 1,200,000; (b)(4) 120% of it <= 1,560,000
    body = CAPITAL + f"  7475: {nfa}\nnfa_requirement_margin_based: {str(margin_based).lower()}\nadjusted_net_capital: 9000000\n"
    _, _, err, data, _ = build(run, tmp_path, body)
    cap = capital(data)
    legs = {leg["cite"]: leg for leg in cap["early_warning_legs"]}
    assert legs["1.12(b)(3)"]["amount"] == leg
    d = max(1_200_000, nfa)
    assert legs["1.12(b)(4)"]["amount"] == d * 6 // 5
    assert cap["early_warning_threshold"]["value"] == max(threshold, d * 6 // 5)


def test_margin_based_without_line_c_is_refused(run, tmp_path):
    status, _, err, _, _ = build(run, tmp_path, CAPITAL + "nfa_requirement_margin_based: true\n")
    assert status == 2 and codes(err) == ["bad-field"]


# --- capital inputs as the rules state them -------------------------------------------------------

@pytest.mark.parametrize("line", ["7415", "7435", "7465", "7475"])
def test_capital_inputs_are_never_negative(run, tmp_path, line):
    status, _, err, _, _ = build(run, tmp_path, f"lines:\n  7194: 0\n  {line}: -5\n")
    assert status == 2 and codes(err) == ["wrong-sign"]           # one error, not a second one for the minimum


@pytest.mark.parametrize("value, forex, ok", [
    ("999999", False, False), ("999999.99", False, False), ("1000000", False, True), ("1000000.01", False, True),
    ("19999999", True, False), ("20000000", True, True), ("1000000", True, False)])
def test_line_b_at_least_the_rules_minimum(run, tmp_path, value, forex, ok):
    # 1.17(a)(1)(i)(A): $1,000,000; 5.7(a)(1)(i)(A): $20,000,000 for an FCM in retail forex; exact amounts
    status, _, err, _, _ = build(run, tmp_path, f"retail_forex: {str(forex).lower()}\nlines:\n  7194: 0\n  7465: \"{value}\"\n")
    assert (status == 0) == ok, err
    if not ok:
        assert codes(err) == ["below-rule-minimum"] and ("5.7(a)(1)(i)(A)" if forex else "1.17(a)(1)(i)(A)") in err


@pytest.mark.parametrize("gross, offset, ok", [
    ("34375.00", "-34375.09", False),     # 9 cents over the deficit, though both round to 34,375
    ("34375.00", "-34375.01", False),
    ("34375.00", "-34375.00", True),
    ("34375.01", "-34375.01", True),
])
def test_offsets_compared_in_cents(run, tmp_path, gross, offset, ok):
    status, _, err, _, _ = build(run, tmp_path, f"lines:\n  7194: 0\n  7045: \"{gross}\"\n  7047: \"{offset}\"\n")
    assert (status == 0) == ok, err
    if not ok:
        assert codes(err) == ["offset-exceeds-deficit"]


def test_a_bad_target_range_is_one_error(run, tmp_path):
    status, _, err, _, _ = build(run, tmp_path, "lines:\n  7010: 100\n  7070: 100\n  7194: {range: [5, 1]}\n"
                                 "  7780: 0\n  8760: 0\n", kind="daily-seg", as_of="2017-12-26")
    assert status == 2 and codes(err) == ["bad-target"]


@pytest.mark.parametrize("ledger, ok", [(-100, False), (0, True), (100, True)])
def test_a_percentage_target_of_a_negative_requirement_is_refused(run, tmp_path, ledger, ok):
    # 7060 = 7040 = 7010: -100 would make 5% of it a negative target (-5)
    status, _, err, data, _ = build(run, tmp_path, f"lines:\n  7010: {ledger}\n  7194: \"5%\"\n")
    assert (status == 0) == ok, err
    if ok:
        assert data["lines"]["7194"] == ledger * 5 // 100
    else:
        assert codes(err) == ["bad-target"]


# --- notices ----------------------------------------------------------------------------------------

def test_a_notice_says_what_its_rule_requires(run, tmp_path):
    _, _, _, data, _ = build(run, tmp_path, CAPITAL + "adjusted_net_capital: 999999\n")
    a = alerts(data)["below-minimum-capital"]
    text = " ".join(a["content"])
    assert "1.12(a)(2)" in text and "cannot presently calculate" in text and "1.12(n)(1)" in text
    assert any("WinJammer" in v for v in a["via"]) and any("Regulatory Notifications" in v for v in a["via"])
    assert a["deadline"]["date"] == "2020-11-30" and a["due"] == "immediately"


def test_a_25_percent_withdrawal_notice(run, tmp_path):
    # residual interest 7190 = 7180 - 7060 = 1,000 - 0 = 1,000; 25% = 250: 251 is more, 250 is not
    body = "lines:\n  7070: 1000\n  7194: 0\n"
    for withdrawn, fires in ((250, False), (251, True)):
        _, _, _, data, _ = build(run, tmp_path, body + f"withdrawals: {{segregation: {withdrawn}}}\n", name=f"w{withdrawn}")
        a = alerts(data).get("withdrawal-over-25-segregation")
        assert (a is not None) == fires
    text = " ".join(a["content"])
    for item in ("(2)(i))", "(ii)", "(iii)", "(iv)", "(v)", "(vi)", "each recipient's name"):
        assert item in text
    assert a["to"] == ["CFTC", "DSRO"]          # a 1.23 notice, not 1.12's: no SEC copy by its text


@pytest.mark.parametrize("withdrawn, fires", [(0, False), (1000, False), (1001, True)])
def test_a_withdrawal_beyond_the_residual_interest(run, tmp_path, withdrawn, fires):
    # residual interest 1,000: withdrawing more leaves the FCM undersegregated (1.23(b), (a)(2))
    _, _, _, data, _ = build(run, tmp_path, f"lines:\n  7070: 1000\n  7194: 0\nwithdrawals: {{segregation: {withdrawn}}}\n")
    assert ("withdrawal-while-undersegregated" in alerts(data)) == fires


def test_a_withdrawal_while_undersegregated(run, tmp_path):
    # 7190 = 7180 - 7060 = 0 - 500 = -500: any withdrawal not for customers is flagged
    _, _, _, data, _ = build(run, tmp_path, "lines:\n  7010: 500\n  7194: 0\nwithdrawals: {segregation: 1}\n",
                             kind="daily-seg", as_of="2017-12-26")
    a = alerts(data)
    assert "under-segregated" in a and a["withdrawal-while-undersegregated"]["threshold"] == -500


def test_the_attest_list(run, tmp_path):
    _, out, _, data, _ = build(run, tmp_path, CAPITAL + "attest: {books-and-records-current: true, "
                               "investments-permitted: false}\n")
    states = {e["id"]: e["confirmed"] for e in data["attest"]}
    assert states["books-and-records-current"] is True and states["investments-permitted"] is False
    assert states["no-material-adverse-impact"] is None and len(states) == 10
    a = alerts(data)["event-investments-permitted"]
    assert a["cite"] == "CFTC Regulation 1.12(i)" and a["to"] == ["CFTC", "DSRO", "SEC"]
    status, _, err, _, _ = build(run, tmp_path, CAPITAL + "attest: {books-current: true}\n", name="bad")
    assert status == 2 and codes(err) == ["bad-field"]


@pytest.mark.parametrize("alert_body, alert, due", [
    ("adjusted_net_capital: 1499999\n", "below-early-warning", "2020-12-01"),     # 24 hours after 11/30 close
    ("net_capital: 1\n", None, None),
    ("adjusted_net_capital: 9000000\nplanned_withdrawals: 7800000\nplanned_withdrawal_date: 2020-12-09\n",
     "planned-capital-reduction", "2020-12-07"),    # Wednesday: two business days before is Monday
    ("adjusted_net_capital: 9000000\nplanned_withdrawals: 7800000\nplanned_withdrawal_date: 2021-01-20\n",
     "planned-capital-reduction", "2021-01-15"),    # over MLK day 1/18: the Friday before
])
def test_notice_deadlines_on_the_calendar(run, tmp_path, alert_body, alert, due):
    # excess ANC 9,000,000 - 1,200,000 = 7,800,000; withdrawing all of it is 100% >= 30%
    _, _, _, data, _ = build(run, tmp_path, CAPITAL + alert_body)
    if alert:
        assert alerts(data)[alert]["deadline"]["date"] == due


# --- deadlines of the filings themselves ---------------------------------------------------------

@pytest.mark.parametrize("as_of, why", [("2017-12-23", "Saturday"), ("2017-12-24", "Sunday"),
                                        ("2017-12-25", "Christmas Day")])
def test_a_daily_seg_on_a_non_business_day_is_refused(run, tmp_path, as_of, why):
    status, _, err, _, out = build(run, tmp_path, "lines: {7194: '5%'}\n", kind="daily-seg", as_of=as_of)
    assert status == 2 and codes(err) == ["not-a-business-day"] and why in err and not out.exists()


def test_unless_the_input_says_why(run, tmp_path):
    status, out, err, data, _ = build(run, tmp_path, "lines: {7194: '5%'}\nbusiness_day_reason: foreign markets "
                                      "open (30.7 statement required)\n", kind="daily-seg", as_of="2017-12-25")
    assert status == 0, err
    assert [w["code"] for w in data["warnings"]] == ["non-business-day"]
    assert data["deadline"]["date"] == "2017-12-26"


def test_a_month_end_report_stays_as_of_the_calendar_month_end(run, tmp_path):
    # as the CFTC's published data is dated 6/30/2013, a Sunday: 8/31/2014 was a Sunday; due 17 business days
    # after it: Sep [1 Labor Day], 2-5 (4), 8-12 (9), 15-19 (14), 22, 23, 24 (17)
    status, _, err, data, _ = build(run, tmp_path, "lines: {7194: 0}\n", as_of="2014-08-31")
    assert status == 0, err
    assert data["deadline"]["date"] == "2014-09-24" and "09/01/2014 Labor Day" in data["deadline"]["basis"]
    assert data["published"]["row"][3] == "8/31/2014"


@pytest.mark.parametrize("kind, as_of, submit, late", [
    ("daily-seg", "2017-12-22", "2017-12-26", False),     # Friday; Monday 12/25 Christmas: due 12/26 noon
    ("daily-seg", "2017-12-22", "2017-12-27", True),
    ("daily-seg", "2017-12-26", "2017-12-27", False),     # the reference filing
    ("focus-ii", "2020-11-30", "2020-12-23", False),      # 17 business days
    ("focus-ii", "2020-11-30", "2020-12-24", True),
])
def test_a_late_submit_date_is_warned(run, tmp_path, kind, as_of, submit, late):
    status, out, err, data, _ = build(run, tmp_path, f"submit_date: {submit}\nlines: {{7194: '5%'}}\n",
                                      kind=kind, as_of=as_of)
    assert status == 0, err
    assert ("late-filing" in [w["code"] for w in data["warnings"]]) == late
    if late:
        assert data["deadline"]["date"] in out.replace("/", "-") or "after the deadline" in out


# --- the published figures --------------------------------------------------------------------------

def test_the_row_the_cftc_publishes(run, tmp_path):
    status, _, err = run("build", INPUTS / "2020-11.yaml", "--out", tmp_path / "o", "--format", "json")
    assert status == 0, err
    data = json.loads((tmp_path / "o" / "2020-11.json").read_text())
    pub = dict(zip(data["published"]["columns"], data["published"]["row"]))
    # the filed figures (hsbc-focus-ii-2020-11.txt)
    assert pub["Customers' Assets in Seg"] == 3_893_682_134 and pub["Customers' Seg Required 4d(a)(2)"] == 3_759_565_357
    assert pub["Excess/Deficient Funds in Seg"] == 134_116_777 and pub["Target Residual Interest in Seg"] == 122_000_000
    assert pub["Customer Amount Pt. 30 Required"] == 131_922_164 and pub["Funds in Separate Section 30.7 Accounts"] == 157_953_871
    assert pub["Excess/Deficient Funds in Cleared Swap Seg"] == 83_398_438
    assert pub["Net Capital Requirement"] == 471_057_307 and pub["As of Date"] == "11/30/2020"
    assert pub["Registered As"] == "FCM BD" and len(pub) == 20
    rows = list(csv.reader((tmp_path / "o" / "2020-11-cftc-data.csv").open()))
    assert rows[0] == data["published"]["columns"] and rows[1][7] == "3893682134"


def test_the_daily_seg_writes_no_published_row(run, tmp_path):
    status, _, _ = run("build", INPUTS / "daily-seg-2017-12-26.yaml", "--out", tmp_path / "o", "--format", "json")
    assert status == 0 and not (tmp_path / "o" / "daily-seg-2017-12-26-cftc-data.csv").exists()


# --- the cover in force and the public copy ------------------------------------------------------------

FILED_COVER = ["UNITED STATES SECURITIES AND EXCHANGE COMMISSION", "(Please read instructions before preparing Form)",
               "being filed pursuant to (Check Applicable Block(s)):", "Rule 17a-5(b)", "Rule 17a-11",
               "Special request by designated examining authority", "SEC. FILE NO.",
               "FIRM ID NO.", "AND ENDING (MM/DD/YY)",
               "PERSON TO CONTACT IN REGARD TO THIS REPORT", "(Area code) - Telephone No.", "OFFICIAL USE",
               "CHECK HERE IF RESPONDENT IS FILING AN AUDITED REPORT", "Manual Signatures of:",
               "1) Principal Executive Officer or Managing Partner", "ATTENTION - Intentional misstatements"]


def test_the_2014_cover_has_the_filed_wording(run, tmp_path):
    status, _, err = run("build", INPUTS / "2020-11.yaml", "--out", tmp_path / "o", "--format", "txt")
    assert status == 0, err
    text = (tmp_path / "o" / "2020-11.txt").read_text()
    filed = (FIXTURES / "hsbc-focus-ii-2020-11.txt").read_text()
    for phrase in FILED_COVER:
        assert phrase in filed and phrase in text, phrase
    # the numbered boxes as the filed cover prints them
    for label, box in (("1) Rule 17a-5(a)", "16"), ("2) Rule 17a-5(b)", "17"), ("3) Rule 17a-11", "18"),
                       ("4) Special request by designated examining authority", "19"), ("5) Other", "26")):
        assert f"{label} [{box}]" in text
    assert "NAME AND TELEPHONE NUMBER OF PERSON TO CONTACT IN REGARD TO THIS REPORT: STEVEN N LOMBARDO [30]" in text
    assert "CFTC statements" not in text and "CFTC statements" not in filed
    assert "(52,837,332) [7033]" in text                 # negatives in parentheses, as the form prints them


def test_the_amended_cover_from_its_effective_date(run, tmp_path):
    status, out, err, data, o = build(run, tmp_path, "lines: {7194: 0}\n", as_of="2021-11-30")
    assert status == 0, err
    text = (o / "in.txt").read_text()
    assert "This report is being filed by a/an:" in text and "[X] 1) Broker-dealer not registered as an SBSD" in text
    assert "3) Special request by DEA or the Commission" in text and "Rule 17a-11" not in text
    assert "OMB Number: 3235-0123" in text and "34-87005" in data["form_revision"]
    assert [w["code"] for w in data["warnings"]] == ["unconfirmed-form", "unconfirmed-form"]
    # the day before: the 2014 cover
    _, _, _, data, o = build(run, tmp_path, "lines: {7194: 0}\n", as_of="2021-10-05", name="before")
    assert "3) Rule 17a-11 [18]" in (o / "before.txt").read_text() and data["warnings"] == []


@pytest.mark.parametrize("body, code", [("filed_pursuant_to: 17a-11\n", "bad-field"),
                                        ("filed_by: stand-alone-sbsd\n", "contradictory-registrant"),
                                        ("filed_by: nobody\n", "bad-field")])
def test_the_amended_cover_refuses_what_it_has_no_box_for(run, tmp_path, body, code):
    status, _, err, _, _ = build(run, tmp_path, body + "lines: {7194: 0}\n", as_of="2021-11-30")
    assert status == 2 and codes(err) == [code]


def test_filed_by_on_the_2014_cover_is_refused(run, tmp_path):
    status, _, err, _, _ = build(run, tmp_path, "filed_by: stand-alone-broker-dealer\nlines: {7194: 0}\n")
    assert status == 2 and codes(err) == ["bad-field"]


@pytest.mark.parametrize("name", ["2020-11", "daily-seg-2017-12-26"])
def test_the_public_copy_names_no_person(run, tmp_path, name):
    import pypdfium2 as pdfium
    status, _, err = run("build", INPUTS / f"{name}.yaml", "--out", tmp_path / "o", "--format", "pdf,public")
    assert status == 0, err

    def text(path):
        doc = pdfium.PdfDocument(str(path))
        try:
            return "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
        finally:
            doc.close()
    audit, public = text(tmp_path / "o" / f"{name}.pdf"), text(tmp_path / "o" / f"{name}-public.pdf")
    person = "STEVEN N LOMBARDO" if name == "2020-11" else "Alexander Baptiste"
    assert person in audit and person not in public
    assert "525-3425" not in public and "credit-suisse.com" not in public
