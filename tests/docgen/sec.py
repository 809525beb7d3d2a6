"""The pages a whole filing carries besides the CFTC statements: the SEC pages of a FOCUS Report
Part II (statement of financial condition with its allowable / non-allowable / total columns,
computation of net capital, alternate net capital requirement; four-digit SEC codes in brackets such
as [1791] preferred stock, [3760] net capital requirement), and the covers (FOCUS II's boxes 13-31,
the Daily Seg's residual interest targets a. to d.). Their amounts are not CFTC lines: extraction
must take none of them for one.

    sec_rows() -> list[PRow]            sec_values(seed) -> {code: int | None}
    focus_cover(filing) / daily_cover(filing) -> list[PRow] (kind "field")
"""

from __future__ import annotations

import random

from .rows import Cell, PRow

# (num, label, [(code, col)], indent) ; col: left (allowable / A.I.), inner (non-allowable), outer (total)
_SFC_ASSETS = [
    ("1.", "Cash", [("200", "left"), ("750", "outer")]),
    ("2.", "Cash segregated in compliance with federal and other regulations", [("210", "left"), ("760", "outer")]),
    ("3.", "Receivable from brokers or dealers and clearing organizations", []),
    ("A.", "Failed to deliver: Includable in \"Formula for Reserve Requirements\"", [("220", "left"), ("770", "outer")]),
    ("B.", "Securities borrowed: Includable in \"Formula for Reserve Requirements\"", [("240", "left"), ("780", "outer")]),
    ("C.", "Omnibus accounts", [("260", "left"), ("550", "inner"), ("790", "outer")]),
    ("D.", "Clearing organizations", [("280", "left"), ("560", "inner"), ("800", "outer")]),
    ("E.", "Other", [("300", "left"), ("570", "inner"), ("810", "outer")]),
    ("4.", "Receivables from customers: securities accounts, cash and fully secured accounts", [("310", "left"), ("820", "outer")]),
    ("5.", "Receivables from non-customers", [("355", "left"), ("600", "inner"), ("830", "outer")]),
    ("6.", "Securities purchased under agreements to resell", [("360", "left"), ("605", "inner"), ("840", "outer")]),
    ("7.", "Securities and spot commodities owned, at market value", []),
    ("A.", "Bankers acceptances, certificates of deposit and commercial paper", [("370", "left"), ("850", "outer")]),
    ("B.", "U.S. and Canadian government obligations", [("380", "left"), ("860", "outer")]),
    ("C.", "State and municipal government obligations", [("390", "left"), ("870", "outer")]),
    ("D.", "Corporate obligations", [("400", "left"), ("880", "outer")]),
    ("E.", "Stocks and warrants", [("410", "left"), ("890", "outer")]),
    ("F.", "Options", [("420", "left"), ("900", "outer")]),
    ("G.", "Arbitrage", [("422", "left"), ("905", "outer")]),
    ("H.", "Spot commodities", [("430", "left"), ("910", "outer")]),
    ("8.", "Secured demand notes: market value of collateral", [("470", "left"), ("640", "inner"), ("915", "outer")]),
    ("9.", "Exchange memberships, owned, at market", [("490", "left"), ("650", "inner"), ("918", "outer")]),
    ("10.", "Property, furniture, equipment, leasehold improvements and rights under lease agreements", [("680", "inner"), ("920", "outer")]),
    ("11.", "Other assets", [("535", "left"), ("735", "inner"), ("930", "outer")]),
    ("12.", "TOTAL ASSETS", [("540", "left"), ("740", "inner"), ("940", "outer")]),
]
_SFC_LIAB = [
    ("13.", "Bank loans payable", [("1030", "left"), ("1240", "inner"), ("1460", "outer")]),
    ("14.", "Payable to brokers or dealers and clearing organizations", [("1114", "left"), ("1315", "inner"), ("1560", "outer")]),
    ("15.", "Payable to customers", [("1150", "left"), ("1610", "outer")]),
    ("16.", "Payable to non-customers", [("1155", "left"), ("1355", "inner"), ("1620", "outer")]),
    ("17.", "Securities sold not yet purchased, at market value", [("1360", "inner"), ("1670", "outer")]),
    ("18.", "Accounts payable, accrued liabilities, expenses and other", [("1205", "left"), ("1385", "inner"), ("1685", "outer")]),
    ("19.", "Liabilities subordinated to claims of general creditors", [("1400", "inner"), ("1710", "outer")]),
    ("20.", "TOTAL LIABILITIES", [("1230", "left"), ("1450", "inner"), ("1760", "outer")]),
    ("21.", "Ownership equity: Sole proprietorship", [("1770", "outer")]),
    ("22.", "Partnership (limited partners)", [("1020", "inner"), ("1780", "outer")]),
    ("23.", "Corporation:", []),
    ("A.", "Preferred stock", [("1791", "outer")]),
    ("B.", "Common stock", [("1792", "outer")]),
    ("C.", "Additional paid-in capital", [("1793", "outer")]),
    ("D.", "Retained earnings", [("1794", "outer")]),
    ("E.", "Total", [("1795", "outer")]),
    ("F.", "Less capital stock in treasury", [("1796", "outer")]),
    ("24.", "TOTAL OWNERSHIP EQUITY", [("1800", "outer")]),
    ("25.", "TOTAL LIABILITIES AND OWNERSHIP EQUITY", [("1810", "outer")]),
]
_NET_CAPITAL = [
    ("1.", "Total ownership equity from Statement of Financial Condition", [("3480", "outer")]),
    ("2.", "Deduct ownership equity not allowable for Net Capital", [("3490", "outer")]),
    ("3.", "Total ownership equity qualified for Net Capital", [("3500", "outer")]),
    ("4.", "Add:", []),
    ("A.", "Liabilities subordinated to claims of general creditors allowable in computation of net capital", [("3520", "outer")]),
    ("B.", "Other (deductions) or allowable credits (List)", [("3525", "outer")]),
    ("5.", "Total capital and allowable subordinated liabilities", [("3530", "outer")]),
    ("6.", "Deductions and/or charges:", []),
    ("A.", "Total nonallowable assets from Statement of Financial Condition (Notes B and C)", [("3540", "inner")]),
    ("B.", "Aged fail-to-deliver", [("3550", "inner")]),
    ("C.", "Aged short security differences", [("3560", "inner")]),
    ("D.", "Secured demand note deficiency", [("3590", "inner")]),
    ("E.", "Commodity futures contracts and spot commodities - proprietary capital charges", [("3600", "inner")]),
    ("F.", "Other deductions and/or charges", [("3610", "inner"), ("3620", "outer")]),
    ("7.", "Other additions and/or allowable credits (List)", [("3630", "outer")]),
    ("8.", "Net capital before haircuts on securities positions", [("3640", "outer")]),
    ("9.", "Haircuts on securities (computed, where applicable, pursuant to 15c3-1(f)):", []),
    ("A.", "Contractual securities commitments", [("3660", "inner")]),
    ("B.", "Subordinated securities borrowings", [("3670", "inner")]),
    ("C.", "Trading and investment securities: U.S. and Canadian government obligations", [("3690", "inner")]),
    ("D.", "Corporate obligations", [("3710", "inner")]),
    ("E.", "Stocks and warrants", [("3720", "inner")]),
    ("F.", "Options", [("3730", "inner")]),
    ("G.", "Undue concentration", [("3650", "inner")]),
    ("H.", "Other (List)", [("3736", "inner"), ("3740", "outer")]),
    ("10.", "Net capital", [("3750", "outer")]),
]
_ALTERNATE = [
    ("22.", "2% of combined aggregate debit items as shown in Formula for Reserve Requirements pursuant to Rule 15c3-3 prepared as of the date of the net capital computation including both brokers or dealers and consolidated subsidiaries' debits", [("3870", "outer")]),
    ("23.", "Minimum dollar net capital requirement of reporting broker or dealer and minimum net capital requirement of subsidiaries computed in accordance with Note (A)", [("3880", "outer")]),
    ("24.", "Net capital requirement (greater of line 22 or 23)", [("3760", "outer")]),
    ("25.", "Excess net capital (line 10 less 24)", [("3910", "outer")]),
    ("26.", "Net capital in excess of the greater of: 5% of combined aggregate debit items or $120,000", [("3920", "outer")]),
]
SEC_STATEMENTS = [
    ("STATEMENT OF FINANCIAL CONDITION", "ASSETS", _SFC_ASSETS),
    ("STATEMENT OF FINANCIAL CONDITION (continued)", "LIABILITIES AND OWNERSHIP EQUITY", _SFC_LIAB),
    ("COMPUTATION OF NET CAPITAL", "", _NET_CAPITAL),
    ("COMPUTATION OF ALTERNATE NET CAPITAL REQUIREMENT", "Part B", _ALTERNATE),
]
SEC_DOLLAR = {"200", "750", "1030", "1460", "3480", "3750", "3760", "3910", "3870"}


def sec_rows() -> list[PRow]:
    out = []
    for title, heading, rows in SEC_STATEMENTS:
        out.append(PRow("title", label=title, part="sec"))
        if heading:
            out.append(PRow("heading", label=heading, part="sec"))
        for num, label, cells in rows:
            indent = 1 if num[:1].isalpha() else 0
            out.append(PRow("line", num, label, indent,
                            [Cell(c, col, True, c in SEC_DOLLAR, label) for c, col in cells], part="sec"))
    return out


def sec_values(seed: int, scale: float) -> dict[str, int | None]:
    """Amounts for the SEC pages: most cells filled, some empty, some zero, deductions in
    parentheses (negative); totals roughly add up (they are not checked)."""
    rnd = random.Random(f"sec/{seed}")
    out: dict[str, int | None] = {}
    for _, _, rows in SEC_STATEMENTS:
        for _, label, cells in rows:
            for code, col in cells:
                roll = rnd.random()
                if roll < 0.2:
                    out[code] = None
                elif roll < 0.3:
                    out[code] = 0
                else:
                    v = int(scale * 10 ** rnd.uniform(-4, 0.3))
                    if code in ("3490", "3540", "3550", "3560", "3590", "3600", "3610", "3620", "3660", "3670",
                                "3690", "3710", "3720", "3730", "3650", "3736", "3740", "1796"):
                        v = -v
                    out[code] = v
    out["3760"] = max(out.get("3870") or 0, out.get("3880") or 0) or 250000
    return out


def focus_cover(f) -> list[PRow]:
    """The FOCUS II cover's boxes (box numbers in brackets, as the form prints them)."""
    begin = f.as_of.replace(day=1)
    rows = [
        PRow("title", label="FORM X-17A-5 FOCUS REPORT (FINANCIAL AND OPERATIONAL COMBINED UNIFORM SINGLE REPORT)",
             part="cover"),
        PRow("subtitle", label="PART II  [11]", part="cover"),
    ]
    for label, box, value in [
        ("NAME OF BROKER-DEALER", "13", f.firm), ("SEC. FILE NO.", "14", f.sec_file_no),
        ("ADDRESS OF PRINCIPAL PLACE OF BUSINESS (Do not use P.O. Box No.)", "20", "452 FIFTH AVENUE"),
        ("FIRM ID NO.", "15", f.firm_id), ("(City)", "21", "NEW YORK"), ("(State)", "22", "NY"),
        ("(Zip Code)", "23", "10018"),
        ("FOR PERIOD BEGINNING (MM/DD/YY)", "24", begin.strftime("%m/%d/%y")),
        ("AND ENDING (MM/DD/YY)", "25", f.as_of.strftime("%m/%d/%y")),
        ("NAME OF PERSON TO CONTACT IN REGARD TO THIS REPORT", "30", "J. SMITH"),
        ("(Area code) - Telephone No.", "31", "(212) 525-3425"),
    ]:
        rows.append(PRow("field", label=f"{label} [{box}]", cells=[], name=value, part="cover"))
    rows.append(PRow("note", label="DOES RESPONDENT CARRY ITS OWN CUSTOMER ACCOUNTS?  YES [40] X   NO [41]",
                     part="cover"))
    return rows


def daily_cover(f) -> list[PRow]:
    """The Daily Seg cover: the firm, and the three residual interest targets, a. in dollars (or b.
    as a percentage) and 0 for the unused options, as WinJammer prints them."""
    rows = [PRow("title", label="Daily Segregation - Cover Page", part="cover"),
            PRow("field", label="Name of Company", name=f.firm, part="cover"),
            PRow("field", label="Contact Name", name="J. Smith", part="cover"),
            PRow("field", label="Contact Phone Number", name="312-555-0148", part="cover"),
            PRow("field", label="FOCUS II/IIA/V", name="FOCUS II", part="cover")]
    for line, title, funds in (("7194", "FCM's Customer Segregated Funds Residual Interest Target (choose one):",
                                "customer segregated funds"),
                               ("7780", "FCM's Customer Secured Amount Funds Residual Interest Target (choose one):",
                                "customer secured funds"),
                               ("8760", "FCM's Cleared Swaps Customer Collateral Residual Interest Target (choose one):",
                                "cleared swaps customer collateral")):
        rows.append(PRow("heading", label=title, part="cover"))
        v = f.values.get(line) or 0
        rows.append(PRow("field", label="a. Minimum dollar amount:", name=f"{v:,}", part="cover"))
        rows.append(PRow("field", label=f"b. Minimum percentage of {funds} required:", name="0", part="cover"))
        rows.append(PRow("field", label="c. Dollar amount range between:", name="0  and  0", part="cover"))
        rows.append(PRow("field", label=f"d. Percentage range of {funds} required between:", name="0%  and  0%",
                         part="cover"))
    return rows
