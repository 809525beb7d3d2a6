"""17 CFR 1.25's limits on the SIDR's holdings: each limit at the limit and one dollar either side, before
and after 90 FR 7810, worked out by hand.

Every case holds total assets held in segregation of exactly $1,000,000,000 in the origin (cash makes up the
rest of the investments, so moving the marginal holding by a dollar moves the cash the other way and the
denominator stays put): a 50% limit is then $500,000,000, 25% $250,000,000, 10% $100,000,000 and 5%
$50,000,000, and nothing else in the case comes near a limit of its own. The marginal holding is the last
one of each case, given `delta` dollars more.
"""

import pytest

from sidrmake import filing, fund, holding, write_input

D = 1_000_000_000
PRE, POST = "2024-12-31", "2025-04-30"       # the last business days of 2024 and April 2025: SIDR dates
M = 1_000_000


def custodian(instrument, value, **more):
    return holding("segregation", "Lakeside Custody Trust", "custodian", instrument, value, **more)


def build(tmp_path, rows, as_of, origin="segregation", **header):
    """The filing of `rows` with cash making the origin's held cash and investments $1,000,000,000."""
    held = sum(int(r["market_value"]) for r in rows if r.get("agreement") != "repo" and r["origin"] == origin
               and r["instrument"] != "customer_securities" and "currency" not in r)
    cash = holding(origin, "Prairie State Bank", "bank", "cash", D - held)
    return filing(write_input(tmp_path, [cash, *rows], as_of=as_of, **header))


def cds(instrument, delta):
    """Five issuers at $45,000,000 and a sixth at $25,000,000: $250,000,000, each issuer under its 5%."""
    return [custodian(instrument, 45 * M, issuer=f"Bank {n}") for n in range(1, 6)] + \
        [custodian(instrument, 25 * M + delta, issuer="Bank 6")]


def six_funds(kinds, delta, sizes=None):
    """Six funds of three families, five at $90,000,000 and the last at $50,000,000: $500,000,000, each fund
    under 10% and each family under 25%."""
    sizes = sizes or {}
    values = [90 * M] * 5 + [50 * M + delta]
    return [fund(v, f"Fund {n}", family=f"Family {'ABC'[n // 2]}", instrument=kinds[n % len(kinds)], **sizes)
            for n, v in enumerate(values)]


def three_in_a_family(kind, delta):
    return [fund(90 * M, "Fund 1", instrument=kind), fund(90 * M, "Fund 2", instrument=kind),
            fund(70 * M + delta, "Fund 3", instrument=kind)]


def reverse_repos(delta):
    return [custodian("us_government", 150 * M, issuer="U.S. Treasury", agreement="reverse_repo",
                      counterparty="Dealer A", counterparty_group="Dealer Group"),
            custodian("us_government", 100 * M + delta, issuer="U.S. Treasury", agreement="reverse_repo",
                      counterparty="Dealer B", counterparty_group="Dealer Group")]


SMALL_FUND = {"fund_assets": "999999999"}          # a dollar under $1 billion: a small fund

# (case, as of, holdings for a delta, the rule, its subject, the limit worked out by hand)
CASES = [
    ("agency 50%, before", PRE, lambda d: [custodian("agency", 200 * M, issuer="FNMA"),
                                           custodian("agency", 200 * M, issuer="FHLMC"),
                                           custodian("agency", 100 * M + d, issuer="FHLB")],
     "agency-asset", "", 500 * M),
    ("certificates of deposit 25%", PRE, lambda d: cds("certificate_of_deposit", d),
     "certificates-of-deposit-asset", "", 250 * M),
    ("commercial paper 25%", PRE, lambda d: cds("commercial_paper", d), "commercial-paper-asset", "", 250 * M),
    ("corporate notes 25%", PRE, lambda d: cds("corporate_note", d), "corporate-notes-asset", "", 250 * M),
    ("municipal 10%, before", PRE, lambda d: [custodian("municipal", 40 * M, issuer="City A"),
                                              custodian("municipal", 40 * M, issuer="City B"),
                                              custodian("municipal", 20 * M + d, issuer="City C")],
     "municipal-asset", "", 100 * M),
    ("MMFs other than Treasury-only 50%", PRE, lambda d: six_funds(["mmf_government", "mmf_other"], d),
     "mmf-asset", "", 500 * M),
    ("small MMFs 10%", PRE, lambda d: [fund(100 * M + d, "Small Fund", instrument="mmf_us_government", **SMALL_FUND)],
     "mmf-small-asset", "", 100 * M),
    ("agency issuer 25%, before", PRE, lambda d: [custodian("agency", 250 * M + d, issuer="FNMA")],
     "agency-issuer", "FNMA", 250 * M),
    ("one issuer's CDs and commercial paper together 5%", PRE,
     lambda d: [custodian("certificate_of_deposit", 30 * M, issuer="First Bank"),
                custodian("commercial_paper", 20 * M + d, issuer="First Bank")],
     "issuer", "First Bank", 50 * M),
    ("affiliated issuers together 5%", PRE,
     lambda d: [custodian("municipal", 25 * M, issuer="City A", issuer_group="State X"),
                custodian("municipal", 25 * M + d, issuer="City B", issuer_group="State X")],
     "issuer", "State X", 50 * M),
    ("MMF family 25%", PRE, lambda d: three_in_a_family("mmf_government", d), "mmf-family", "Great Lakes Funds", 250 * M),
    ("one MMF 10%", PRE, lambda d: [fund(100 * M + d, "Fund 1", instrument="mmf_other")], "mmf-fund", "Fund 1", 100 * M),
    ("reverse repo counterparties under common control 25%, before", PRE, reverse_repos,
     "counterparty", "Dealer Group", 250 * M),
    ("agency 50%, after", POST, lambda d: [custodian("agency", 200 * M, issuer="FNMA"),
                                           custodian("agency", 200 * M, issuer="FHLMC"),
                                           custodian("agency", 100 * M + d, issuer="FHLB")],
     "agency-asset", "", 500 * M),
    ("municipal 10%, after", POST, lambda d: [custodian("municipal", 40 * M, issuer="City A"),
                                              custodian("municipal", 40 * M, issuer="City B"),
                                              custodian("municipal", 20 * M + d, issuer="City C")],
     "municipal-asset", "", 100 * M),
    ("large government MMFs and Treasury ETFs together 50%", POST,
     lambda d: six_funds(["mmf_government", "treasury_etf", "mmf_us_government"], d), "fund-asset", "", 500 * M),
    ("small government MMFs and Treasury ETFs together 10%", POST,
     lambda d: [fund(60 * M, "Small ETF", instrument="treasury_etf", **SMALL_FUND),
                fund(40 * M + d, "Small MMF", family="Other Funds", manager_assets="24999999999")],
     "fund-small-asset", "", 100 * M),
    ("agency issuer 25%, after", POST, lambda d: [custodian("agency", 250 * M + d, issuer="FNMA")],
     "agency-issuer", "FNMA", 250 * M),
    ("municipal issuer 5%, after", POST, lambda d: [custodian("municipal", 50 * M + d, issuer="City A")],
     "municipal-issuer", "City A", 50 * M),
    ("fund family 25%, after", POST, lambda d: three_in_a_family("treasury_etf", d), "fund-family",
     "Great Lakes Funds", 250 * M),
    ("one fund 10%, after", POST, lambda d: [fund(100 * M + d, "Fund 1")], "fund", "Fund 1", 100 * M),
    ("reverse repo counterparties under common control 25%, after", POST, reverse_repos,
     "counterparty", "Dealer Group", 250 * M),
    ("securities sold under repurchase agreements count with direct investments", POST,
     lambda d: [custodian("agency", 200 * M, issuer="FNMA"), custodian("agency", 200 * M, issuer="FHLMC"),
                custodian("agency", 100 * M + d, issuer="FHLB", agreement="repo", counterparty="Dealer A")],
     "agency-asset", "", 500 * M),
]


@pytest.mark.parametrize("delta", [-1, 0, 1])
@pytest.mark.parametrize("case,as_of,rows,rule,subject,limit", CASES, ids=[c[0] for c in CASES])
def test_each_limit_at_the_limit_and_a_dollar_either_side(tmp_path, case, as_of, rows, rule, subject, limit, delta):
    f = build(tmp_path, rows(delta), as_of)
    assert f.limits.denominators["segregation"] == D
    [result] = [r for r in f.limits.results if r.origin == "segregation" and r.rule == rule and r.subject == subject]
    assert (result.amount, result.limit) == (limit + delta, limit)
    assert result.breached is (delta == 1)
    assert {a.code for a in f.alerts} == ({f"limit-{rule}"} if delta == 1 else set())


def test_a_breach_is_an_alert_with_its_notice(tmp_path):
    f = build(tmp_path, [custodian("municipal", 50 * M + 1, issuer="City A")], POST, registrant="bd-fcm")
    [alert] = f.alerts
    facts = alert.as_alert()
    assert alert.severity == "alert" and facts["id"] == "limit-municipal-issuer"
    assert facts["amount"] == 50_000_001 and facts["threshold"] == 50_000_000
    assert facts["cite"] == "17 CFR 1.25(b)(3)(ii)(B); 17 CFR 1.12(i), (n)"
    assert facts["due"] == "immediately" and facts["deadline"]["date"] == "2025-04-30"
    assert facts["to"] == ["CFTC", "DSRO", "SEC"]          # a broker-dealer's notice goes to the SEC too
    assert "Test Futures LLC gives notice under 17 CFR 1.12(i) that as of 04/30/2025" in facts["draft"]
    assert "$50,000,001" in facts["draft"] and "$50,000,000" in facts["draft"]
    fcm = build(tmp_path / "fcm", [custodian("municipal", 50 * M + 1, issuer="City A")], POST, registrant="fcm")
    assert fcm.alerts[0].as_alert()["to"] == ["CFTC", "DSRO"]


@pytest.mark.parametrize("fund_assets,manager_assets,large", [
    ("1000000000", "25000000000", True),         # both at their thresholds: large
    ("999999999", "25000000000", False),         # a dollar under $1 billion: small
    ("1000000000", "24999999999", False),        # a manager a dollar under $25 billion: small
    ("1000000001", "25000000001", True)])
def test_a_fund_is_large_with_a_billion_and_a_manager_of_25_billion(tmp_path, fund_assets, manager_assets, large):
    f = build(tmp_path, [fund(150 * M, "Fund 1", fund_assets=fund_assets, manager_assets=manager_assets)], POST)
    counted = {r.rule: r.amount for r in f.limits.results
               if r.origin == "segregation" and r.rule in ("fund-asset", "fund-small-asset")}
    assert counted == ({"fund-asset": 150 * M, "fund-small-asset": 0} if large else
                       {"fund-asset": 0, "fund-small-asset": 150 * M})
    # $150,000,000 of one fund is over the 10% fund limit either way; over the small funds' 10% only if small
    assert {a.code for a in f.alerts} == ({"limit-fund"} if large else {"limit-fund", "limit-fund-small-asset"})


@pytest.mark.parametrize("value,fires", [(0, False), (1, True)])
def test_no_obligation_of_an_affiliate_not_a_dollar(tmp_path, value, fires):
    f = build(tmp_path, [custodian("agency", value, issuer="Affiliate Funding Corp", issuer_affiliate="yes")], POST)
    assert {a.code for a in f.alerts} == ({"limit-affiliate-issuer"} if fires else set())


def test_an_affiliated_fund_is_allowed(tmp_path):
    f = build(tmp_path, [fund(50 * M, "House Fund", issuer_affiliate="yes")], POST)
    assert f.alerts == ()


@pytest.mark.parametrize("value,fires", [(0, False), (1, True)])
def test_no_repurchase_agreement_with_an_affiliate(tmp_path, value, fires):
    rows = [custodian("us_government", value, issuer="U.S. Treasury", agreement="reverse_repo",
                      counterparty="Affiliate Securities LLC", counterparty_affiliate="yes")]
    f = build(tmp_path, rows, PRE)
    assert {a.code for a in f.alerts} == ({"limit-affiliate-counterparty"} if fires else set())


@pytest.mark.parametrize("as_of,instrument,permitted", [
    (PRE, "certificate_of_deposit", True), (PRE, "treasury_etf", False), (PRE, "sovereign_canada", False),
    (PRE, "mmf_other", True),
    ("2025-02-20", "certificate_of_deposit", True),      # the last day of the 2011 rule
    ("2025-02-21", "certificate_of_deposit", False),     # 90 FR 7810 in effect; the SIDR form still the old one
    ("2025-02-21", "treasury_etf", True),
    (POST, "commercial_paper", False), (POST, "corporate_note", False), (POST, "mmf_other", False),
    (POST, "sovereign_japan", True)])
def test_instruments_the_rule_does_not_permit_on_the_date_are_alerted(tmp_path, as_of, instrument, permitted):
    rows = [custodian(instrument, 1, issuer="Issuer 1", fund_family="Family", fund_assets="5000000000",
                      manager_assets="50000000000")]
    f = build(tmp_path, rows, as_of)
    assert ("not-permitted-investment" in {a.code for a in f.alerts}) is (not permitted)
    # a holding the rule does not permit is still reported, never dropped: the SIDR's lines hold it
    assert f.values["seg.investments"] == 1


def test_a_removed_instrument_after_the_new_sidr_is_on_the_other_instruments_line(tmp_path):
    f = build(tmp_path, [custodian("certificate_of_deposit", 5 * M, issuer="Bank 1")], POST)
    assert f.values["seg.other"] == 5 * M and "seg.certificates_of_deposit" not in f.values
    old = build(tmp_path / "old", [custodian("certificate_of_deposit", 5 * M, issuer="Bank 1")], "2025-03-17")
    assert old.values["seg.certificates_of_deposit"] == 5 * M     # the old form until March 31, 2025
    assert "not-permitted-investment" in {a.code for a in old.alerts}


def sovereign(country, eur):
    return holding("secured", "Rhein Custody AG", "foreign_bank", f"sovereign_{country}", eur,
                   location="Frankfurt, Germany", issuer=f"Republic of {country.title()}", currency="EUR")


@pytest.mark.parametrize("france,delta", [("39999999.2", -1), ("40000000", 0), ("40000000.8", 1)])
def test_foreign_sovereign_debt_up_to_the_balances_owed_in_its_currency(tmp_path, france, delta):
    # at $1.25 a euro: EUR 80,000,000 owed to 30.7 customers is $100,000,000; German and French debt are
    # both euro debt, measured together: EUR 40,000,000 + EUR 40,000,000.8 = $50,000,000 + $50,000,001
    rows = [sovereign("germany", "40000000"), sovereign("france", france)]
    f = build(tmp_path, rows, POST, origin="secured", fx={"EUR": "1.25", "as_of": POST},
              customer_balances={"secured": {"EUR": "80,000,000"}})
    [result] = [r for r in f.limits.results if r.rule == "sovereign-currency"]
    assert (result.subject, result.amount, result.limit) == ("EUR", 100_000_000 + delta, 100_000_000)
    assert {a.code for a in f.alerts} == ({"limit-sovereign-currency"} if delta == 1 else set())


def test_foreign_sovereign_debt_without_the_balances_is_not_checked(tmp_path):
    f = build(tmp_path, [sovereign("germany", "1000000")], POST, origin="secured", fx={"EUR": "1.25", "as_of": POST})
    assert f.alerts == ()
    assert [u.message for u in f.unchecked] == ["sovereign-currency: not checked for secured in EUR, the input "
                                                "gives no customer_balances.secured.EUR"]


def test_customer_owned_securities_are_not_assets_held_in_segregation(tmp_path):
    rows = [holding("segregation", "CME", "dco", "customer_securities", 700 * M),
            custodian("municipal", 50 * M, issuer="City A")]
    f = build(tmp_path, rows, POST)
    assert f.limits.denominators["segregation"] == D         # the $700,000,000 of customer securities not in it
    assert f.alerts == ()


def test_each_origin_is_checked_on_its_own(tmp_path):
    # $50,000,001 of one issuer is over 5% of the segregation origin's $1,000,000,000, not of all origins'
    rows = [custodian("municipal", 50 * M + 1, issuer="City A"),
            holding("cleared_swaps", "Prairie State Bank", "bank", "cash", 9 * D)]
    f = build(tmp_path, rows, POST)
    assert f.limits.denominators == {"secured": 0, "segregation": D, "cleared_swaps": 9 * D}
    assert [a.where for a in f.alerts] == ["segregation: City A"]
