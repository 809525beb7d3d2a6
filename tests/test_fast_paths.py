"""The fast paths of the trial-balance reading (issue 13's 100,000-row target) give exactly what the
simple ways give: the same balances, the same matches, the same lines to the last digit, the same
cells from a sheet's XML and the same named errors. Each simple way is written here (or kept in
tests/xlsx_reference.py, the cell reader before its fast path); hypothesis draws the inputs."""

import io
import random
import zipfile
from decimal import Decimal
from types import SimpleNamespace
from xml.sax.saxutils import escape

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import xlsx_reference
from focusgen.report.currency import line_currencies
from focusgen.inputs import xlsx
from focusgen.inputs.currencies import BASE, START, Rates, convert, currency_code, dollars_of, summed
from focusgen.inputs.ledger import Matcher, Rule, balance_of, map_accounts
from focusgen.money import AmountError, exact, parse_amount
from xlsxmake import Num, write_book

# --- amounts ------------------------------------------------------------------------------------------


def simple_balance(raw):
    return parse_amount(raw) or Decimal(0)


def outcome(fn, *args):
    """(value, its digits) or the error's message: what a caller can see."""
    try:
        value = fn(*args)
    except AmountError as exc:
        return ("error", str(exc))
    return (value, str(value))


_digits = st.text(alphabet="0123456789", min_size=1, max_size=18)
_texts = st.one_of(
    st.builds(lambda s, w, f, pad: f"{pad}{s}{w}{f}{pad}", st.sampled_from(["", "-", "+", "--"]), _digits,
              st.one_of(st.just(""), st.builds(lambda d: "." + d, st.text(alphabet="0123456789", max_size=64))),
              st.sampled_from(["", " ", "\t", "\u00a0"])),
    st.from_regex(r"\(?-?\$?[0-9,]{0,20}(\.[0-9]{0,4})?\)?", fullmatch=True),
    st.text(alphabet="0123456789.,-()$ eE_+\u0663", max_size=20),
    st.text(max_size=8))


def _decimal(sign, digits, exponent):
    return Decimal((sign, tuple(int(d) for d in digits), exponent))


_decimals = st.one_of(
    st.builds(_decimal, st.integers(0, 1), _digits, st.integers(-70, 20)),
    st.sampled_from([Decimal("NaN"), Decimal("-Infinity"), Decimal("0E+500"), Decimal("-0"), Decimal("0.000")]))


@settings(max_examples=600, deadline=None)
@given(st.one_of(_texts, _decimals))
def test_a_balance_is_read_as_parse_amount_reads_it(raw):
    assert outcome(balance_of, raw) == outcome(simple_balance, raw)


# --- converting a currency's sum once ------------------------------------------------------------------

# balances within the limits (below 10^15, at most 60 decimals), any exponent, zeros of any exponent
_balances = st.one_of(
    st.builds(_decimal, st.integers(0, 1), st.text(alphabet="0123456789", min_size=1, max_size=15),
              st.integers(-60, 0)),
    st.builds(_decimal, st.integers(0, 1), st.text(alphabet="0123456789", min_size=1, max_size=3),
              st.integers(0, 11)),
    st.builds(lambda s, e: _decimal(s, "0", e), st.integers(0, 1), st.integers(-60, 5000)))
# rates as read_rates takes them: 1 to 12 whole digits and up to 60 decimals, positive
_rates = st.builds(lambda w, f: Decimal(f"{w}.{f}" if f else w), st.from_regex(r"[0-9]{1,12}", fullmatch=True),
                   st.from_regex(r"[0-9]{0,60}", fullmatch=True)).filter(lambda r: r > 0)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.tuples(_balances, st.booleans()), min_size=1, max_size=12), _rates,
       st.sampled_from([BASE, "EUR"]))
def test_a_currency_summed_then_converted_once_is_each_account_converted(terms, rate, currency):
    """Value and digits: the JSON prints these decimals, and they must not change with the method."""
    rate = Decimal(1) if currency == BASE else rate
    locals_ = [b.copy_negate() if flip else b for b, flip in terms]
    with exact():
        amount, dollars, total = Decimal(0), Decimal(0), START
        for x in locals_:
            amount += x
            dollars += x if currency == BASE else convert(x, rate)
            total += x
    assert str(summed(total)) == str(amount)
    assert str(dollars_of(total, currency, rate)) == str(dollars)


# --- matching accounts --------------------------------------------------------------------------------

_acct = st.text(alphabet="0123456789AB", min_size=1, max_size=5)


@st.composite
def _mapping(draw):
    """Mostly disjoint ranges (the bisection path), some overlapping ones (the sweep), globs with and
    without a literal prefix, exact accounts."""
    rules = []
    lows = sorted(draw(st.lists(st.integers(0, 99999), max_size=12, unique=True)))
    n = 0
    for low, nxt in zip(lows, lows[1:] + [100000]):
        n += 1
        width = len(str(low)) + draw(st.integers(0, 1))
        rules.append(Rule(n, "7010", False, low=str(low).zfill(width), high=str(draw(st.integers(low, nxt - 1)))))
    for _ in range(draw(st.integers(0, 3))):
        n += 1
        a, b = sorted([draw(_acct), draw(_acct)])
        rules.append(Rule(n, "7020", False, low=a, high=b))
    for _ in range(draw(st.integers(0, 6))):
        n += 1
        rules.append(Rule(n, "7030", False, pattern=draw(st.from_regex(r"[0-9AB]{0,3}[*?]?[0-9AB*?\[\]!]{0,3}",
                                                                         fullmatch=True).filter(bool))))
    for _ in range(draw(st.integers(0, 4))):
        n += 1
        rules.append(Rule(n, "7040", False, account=draw(_acct)))
    random.Random(n).shuffle(rules)
    return rules


@settings(max_examples=400, deadline=None)
@given(_mapping(), st.lists(_acct, max_size=40, unique=True))
def test_the_matcher_finds_exactly_what_each_rule_matches(rules, accounts):
    expected = {a: sorted(r.number for r in rules if r.matches(a)) for a in accounts}
    found = Matcher(rules).match(accounts)
    for a in accounts:
        got = [r.number for r in found.get(a, [])]
        if len(expected[a]) <= 1 or not any(r.low is not None for r in rules):
            assert got == expected[a], a
        else:       # several overlapping ranges: a few of them are named, never a rule that does not match
            assert len(got) >= 2 and set(got) <= set(expected[a]), a


def test_disjoint_ranges_are_found_by_bisection_and_overlaps_still_found():
    rules = [Rule(1, "7010", False, low="100", high="199"), Rule(2, "7020", False, low="200", high="299"),
             Rule(3, "7030", False, low="0250", high="260")]
    found = Matcher(rules).match(["150", "0150", "255", "300", "A"])
    assert [r.number for r in found["150"]] == [1] and [r.number for r in found["0150"]] == [1]
    assert [r.number for r in found["255"]] == [2, 3] and "300" not in found and "A" not in found


# --- the mapping as a whole, against the simple mapping ----------------------------------------------

def simple_map(rows, rules, rates):
    """The mapping worked the plain way: every rule tried on every account, each account converted on
    its own, the converted accounts summed from Decimal(0). (totals, postings as tuples, problem codes)"""
    totals, postings, codes, seen, rated = {}, {}, [], set(), set()
    for account, raw, where, description, written in rows:
        if not account or account in seen:
            codes.append(("bad-account" if not account else "duplicate-account", where))
            continue
        seen.add(account)
        try:
            balance = simple_balance(raw)
        except AmountError:
            codes.append(("bad-amount", where))
            continue
        currency = currency_code(written)
        if currency is None:
            codes.append(("bad-currency", where))
            continue
        rate = rates.rate(currency)
        if rate is None:
            if currency not in rated:
                rated.add(currency)
                codes.append(("missing-rate", where))
            continue
        matched = [r for r in rules if r.matches(account)]
        if len(matched) > 1:
            codes.append(("account-mapped-twice", where))
            continue
        if not matched:
            if balance != 0:
                codes.append(("unmapped-account", where))
            continue
        rule = matched[0]
        if rule.line is None:
            continue
        local = balance.copy_negate() if rule.flip else balance
        postings.setdefault(rule.line, []).append((account, description, balance, rule.flip, where, currency, rate))
        with exact():
            totals[rule.line] = totals.get(rule.line, Decimal(0)) + (local if currency == BASE else
                                                                     convert(local, rate))
    return totals, postings, codes


RATES = Rates({"EUR": Decimal("1.0842"), "JPY": Decimal("0.006634"), "KWD": Decimal("3.271234567891234567")},
              {}, None, None)
MAPPING = """accounts:
  - {range: ["1000", "1999"], line: 7010}
  - {range: ["2000", "2999"], line: 7020, flip: true}
  - {range: ["2500", "2599"], line: 7030}
  - {pattern: "3*", line: 7030}
  - {pattern: "3?9", line: 7070}
  - {account: "4000", line: 7070}
  - {account: "4001", line: none}
"""
RULES = [Rule(1, "7010", False, low="1000", high="1999"), Rule(2, "7020", True, low="2000", high="2999"),
         Rule(3, "7030", False, low="2500", high="2599"), Rule(4, "7030", False, pattern="3*"),
         Rule(5, "7070", False, pattern="3?9"), Rule(6, "7070", False, account="4000"),
         Rule(7, None, False, account="4001")]

_accounts = st.one_of(st.integers(1000, 4005).map(str), st.sampled_from(["", "01500", "ABC", "3", "349"]))
_amounts = st.one_of(
    st.builds(lambda w, f: f"{w}.{f}", st.integers(-10**13, 10**13), st.from_regex(r"[0-9]{1,4}", fullmatch=True)),
    st.integers(-10**9, 10**9).map(str),
    st.sampled_from(["", "0", "-0.00", "(1,234.50)", "$ 12", "1e3", "12..5", "1" * 16, "0." + "1" * 61]))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(_accounts, _amounts, st.sampled_from(["", "USD", "EUR", "JPY", "KWD", "GBP", "eur"])),
                max_size=25))
def test_the_mapping_gives_the_lines_of_the_simple_mapping(tmp_path_factory, rows):
    tmp = tmp_path_factory.mktemp("tb")
    (tmp / "tb.csv").write_text("account,amount,description,currency\n" +
                                "".join(f"{a},\"{m}\",d{i},{c}\n" for i, (a, m, c) in enumerate(rows)))
    (tmp / "map.yaml").write_text(MAPPING)
    problems = []
    totals, postings, _ = map_accounts("focus-ii", tmp / "tb.csv", tmp / "map.yaml", problems, RATES)
    table = [(a, m, f"row {i}", f"d{i - 2}", c) for i, (a, m, c) in enumerate(rows, 2)]
    want_totals, want_postings, want_codes = simple_map([(a.strip(), m, w, d, c) for a, m, w, d, c in table],
                                                       RULES, RATES)
    assert [(p.code, p.where) for p in problems] == want_codes
    assert {k: str(v) for k, v in totals.items()} == {k: str(v) for k, v in want_totals.items()}
    assert list(totals) == list(want_totals)
    assert {k: [tuple(p) for p in v] for k, v in postings.items()} == want_postings
    # the JSON's currency parts: each currency's amount and dollars, as the accounts one by one give them
    fake = SimpleNamespace(input=SimpleNamespace(postings=postings, exact={}),
                           report=SimpleNamespace(amount_codes=list(postings)))
    for code, parts in line_currencies(fake).items():
        for part in parts:
            mine = [p for p in postings[code] if p.currency == part["currency"]]
            with exact():
                amount = sum((p.local for p in mine), Decimal(0))
                dollars = sum((p.amount for p in mine), Decimal(0))
            assert (part["amount"], part["dollars"], part["accounts"]) == (str(amount), str(dollars), len(mine))


# --- the sheet's XML: the fast reader against the simple one -----------------------------------------

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRINGS = ["account", "1001", "EUR", "a & b"]


def _col_letters(n):
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


@st.composite
def _sheet(draw):
    """A worksheet's XML as Excel and other writers leave it, damaged now and then: cells with and
    without references, gaps, far columns (XFD), every cell type, styles, formulas with and without
    values, inline rich text with phonetic runs, whitespace between elements, a namespace prefix, rows
    given out of order, merged ranges (overlapping now and then, written backwards, past the rows),
    the word mergeCell where it is no element (text, CDATA, a comment), UTF-16 now and then."""
    p = draw(st.sampled_from(["", "x:"]))
    ws = draw(st.sampled_from(["", "\n  "]))
    rows = []
    number = 0
    for _ in range(draw(st.integers(0, 6))):
        number += draw(st.sampled_from([1] * 24 + [2, 3, 0, -1]))
        r = draw(st.sampled_from([f' r="{number}"'] * 3 + ["", ' r="x"', f' r="{number}" spans="1:4"']))
        cells = []
        col = 0
        for _ in range(draw(st.integers(0, 5))):
            col += draw(st.sampled_from([1] * 30 + [2, 3, 0, -1, 300, 300, 16380, 16380]))
            col = max(col, 1)
            letters = _col_letters(col)
            ref = draw(st.sampled_from([f' r="{letters}{number}"'] * 4 +
                                       ["", f' r="{letters}"', ' r="a1"', f' r="{letters}0{number}"']))
            t = draw(st.sampled_from(["", ' t="s"', ' t="n"', ' t="str"', ' t="b"', ' t="e"', ' t="d"',
                                      ' t="inlineStr"', ' t="x"']))
            s = draw(st.sampled_from(["", "", ' s="1"', ' s="2"', ' s="z"']))
            v = draw(st.sampled_from(["", "<v>0</v>", "<v>3</v>", "<v>9</v>", "<v> 2 </v>", "<v>-1E+3</v>",
                                      "<v>1234.4999999999999999</v>", "<v/>", "<v>#REF!</v>", "<v>a &amp; b</v>",
                                      "<v>1</v><v>2</v>", "<v>\u0661</v>", "<v>mergeCell</v>",
                                      "<v><![CDATA[<mergeCell ref=\"A1:B9\"/>]]></v>"]))
            f = draw(st.sampled_from(["", "", "<f>SUM(A1:A2)</f>", "<f/>"]))
            inline = draw(st.sampled_from(["", "", "<is><t>plain</t></is>", "<is/>",
                                           "<is><r><t>ri</t></r><r><t>ch</t></r></is>",
                                           "<is><t>base</t><rPh><t>ruby</t></rPh></is>"]))
            body = f + v + inline
            if "CDATA" not in body:
                body = body.replace("<", f"{ws}<{p}").replace(f"<{p}/", f"</{p}")
            empty = not body and draw(st.booleans())
            cells.append(f"<{p}c{ref}{t}{s}/>" if empty else f"<{p}c{ref}{t}{s}>{body}{ws}</{p}c>")
        rows.append(f"{ws}<{p}row{r}>{''.join(cells)}{ws}</{p}row>")
    boxes = draw(st.lists(st.tuples(st.integers(1, 9), st.integers(1, 9), st.integers(1, 7),
                                    st.sampled_from([1, 2, 3, 7, 301, 16384])), max_size=4))
    if draw(st.integers(0, 3)):         # mostly as Excel writes them: none overlapping
        kept = []
        for b in boxes:
            if not any(max(b[0], k[0]) <= min(b[1], k[1]) and max(b[2], k[2]) <= min(b[3], k[3]) for k in kept):
                kept.append(b)
        boxes = kept
    spans = [f"{_col_letters(c1)}{r1}:{_col_letters(c2)}{r2}" for r1, r2, c1, c2 in boxes]
    spans += draw(st.sampled_from([[], ["C3"], ["bad", "A1:A1"], ["XFD1:XFD1048576"]]))
    merged = "".join(f'<{p}mergeCell ref="{ref}"/>' for ref in spans)
    merged = f"<{p}mergeCells>{merged}</{p}mergeCells>" if merged else ""
    comment = draw(st.sampled_from(["", '<!-- <mergeCell ref="A1:C9"/> -->',
                                    '<x:other xmlns:x="urn:o">mergeCell</x:other>']))
    decl = f'xmlns:x="{NS}"' if p else f'xmlns="{NS}"'
    xml = f"<{p}worksheet {decl}>{comment}<{p}sheetData>{''.join(rows)}{ws}</{p}sheetData>{merged}</{p}worksheet>"
    encoding = draw(st.sampled_from(["", "", "utf-8", "utf-16"]))
    if encoding:
        return f'<?xml version="1.0" encoding="{encoding}"?>{xml}'.encode(encoding)
    return xml.encode()


def read_with(fast: bool, xml: bytes):
    """Every row read and each of its first 9 columns picked while it is the current row, then the error
    that stopped the reading (if any), as plain values; and the columns picked again after the reading."""
    title = "TB"
    rows, picked, later = [], [], []
    try:
        if fast:
            merged = xlsx.merged_ranges(lambda: io.BytesIO(xml), title)
            reader = xlsx.sheet_rows(io.BytesIO(xml), title, STRINGS, {2}, merged)
        else:
            ranges, reader = xlsx_reference.read(xml, title, STRINGS, {2})
        for number, row in reader:
            rows.append((number, [(c.col, c.kind, c.raw, c.merged, c.where) for c in row]))
            if row:
                if fast:
                    picked.append([_plain(xlsx.pick(row, i)) for i in range(9)])
                    later.append(row)
                else:
                    stored = {c.col: c for c in row}
                    picked.append([_plain(stored[i + 1]) if i + 1 in stored else
                                   (i + 1, "", None, xlsx_reference.covered(ranges, number, i + 1))
                                   for i in range(9)])
    except xlsx.CellError as exc:
        message = "overlap" if "overlap" in exc.message else exc.message
        return rows, picked, (exc.code, message)
    except Exception as exc:        # expat's errors: the same kind from both
        return rows, picked, type(exc).__name__
    if fast:        # picked again once the sweep has moved on: the same answers
        assert [[_plain(xlsx.pick(row, i)) for i in range(9)] for row in later] == picked
    return rows, picked, None


def _plain(cell):
    return cell.col, cell.kind, cell.raw, cell.merged


@settings(max_examples=600, deadline=None)
@given(sheet=_sheet(), chunk=st.sampled_from([1, 7, 64, 1 << 20]), max_rows=st.sampled_from([3, 2_000_000]),
       max_merged=st.sampled_from([2, 200_000]))
def test_the_sheet_reader_reads_what_the_simple_reader_reads(sheet, chunk, max_rows, max_merged):
    with pytest.MonkeyPatch.context() as mp:      # chunks as small as a byte: text and tags split anywhere
        mp.setattr(xlsx, "MAX_ROWS", max_rows)
        mp.setattr(xlsx, "MAX_MERGED", max_merged)
        mp.setattr(xlsx, "CHUNK", chunk)
        assert read_with(True, sheet) == read_with(False, sheet)


@settings(max_examples=300, deadline=None)
@given(sheet=_sheet(), chunk=st.sampled_from([1, 9, 64, 1 << 20]))
def test_the_merged_ranges_pass_finds_every_merged_range_and_only_those(sheet, chunk):
    """The bytes searched first, expat only where they occur: the same ranges as a whole expat pass."""
    def whole():
        try:
            return sorted(xlsx_reference.merges(io.BytesIO(sheet), "TB"))
        except xlsx.CellError as exc:
            return exc.code
        except Exception as exc:
            return type(exc).__name__
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(xlsx, "CHUNK", chunk)
        try:
            merged = xlsx.merged_ranges(lambda: io.BytesIO(sheet), "TB")
            found = sorted((r1, r2, c1, c2) for r1, r2, c1, c2 in map(xlsx._unpack, merged.keys))
        except xlsx.CellError as exc:
            found = exc.code
        except Exception as exc:
            found = type(exc).__name__
    expected = whole()
    if isinstance(expected, list):
        expected = [m for m in expected if m[0] <= m[1] and m[2] <= m[3]]      # a range written backwards holds no cell
        if not (b"mergeCell" in sheet or not xlsx_reference.plain(sheet)):
            assert expected == []
    elif b"mergeCell" not in sheet and xlsx_reference.plain(sheet):
        expected = []       # a damaged part without merged ranges: named by the rows' pass instead
    assert found == expected


_COLS = st.one_of(st.integers(1, 200), st.integers(1, 16384), st.sampled_from([1, 63, 64, 65, 127, 128, 16383, 16384]))


@st.composite
def _ranges(draw):
    """Merged ranges over rows 1-40 and columns anywhere (across the 64-column words), overlapping now
    and then, written backwards now and then."""
    out = []
    for _ in range(draw(st.integers(0, 30))):
        r1, c1 = draw(st.integers(1, 40)), draw(_COLS)
        r2 = r1 + draw(st.integers(-1, 15))
        c2 = c1 + draw(st.sampled_from([0, 0, 1, 3, 70, 300, -1]))
        out.append((r1, r2, c1, c2))
    if draw(st.integers(0, 2)):         # mostly as Excel writes them: none overlapping
        kept = []
        for b in out:
            if not any(max(b[0], k[0]) <= min(b[1], k[1]) and max(b[2], k[2]) <= min(b[3], k[3]) for k in kept):
                kept.append(b)
        out = kept
    return out


@settings(max_examples=400, deadline=None)
@given(_ranges(), st.lists(st.tuples(st.integers(1, 45), _COLS), max_size=40))
def test_the_merged_ranges_sweep_answers_as_every_range_tried(ranges, queries):
    keys = [r1 << 56 | r2 << 32 | c1 << 16 | c2 for r1, r2, c1, c2 in ranges]
    empty = lambda r: r[0] > r[1] or r[2] > r[3]        # noqa: E731 (a range written backwards holds no cell)
    overlap = any(not empty(a) and not empty(b) and max(a[0], b[0]) <= min(a[1], b[1])
                  and max(a[2], b[2]) <= min(a[3], b[3]) for i, a in enumerate(ranges) for b in ranges[:i])
    if overlap:
        with pytest.raises(xlsx.CellError, match="overlap"):
            xlsx.Merged(keys, "TB")
        return
    merged = xlsx.Merged(keys, "TB")
    sweep = merged.sweep()
    for row, col in sorted(queries):
        sweep.advance(row)
        assert sweep.covers(col) == xlsx_reference.covered(ranges, row, col), (row, col)
        assert sweep.covers_at(row - 1, col) == xlsx_reference.covered(ranges, row - 1, col)     # a row gone by


def test_an_overlap_names_the_two_ranges():
    keys = [r1 << 56 | r2 << 32 | c1 << 16 | c2 for r1, r2, c1, c2 in [(1, 4, 3, 4), (9, 9, 1, 2), (3, 3, 4, 5)]]
    with pytest.raises(xlsx.CellError, match="merged ranges C1:D4 and D3:E3 that overlap"):
        xlsx.Merged(keys, "TB")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=6).map(
                              lambda t: f"<si><t>{escape(t)}</t></si>"),
                          st.just("<si><r><t>ri</t></r><r><rPr/><t xml:space=\"preserve\"> ch</t></r></si>"),
                          st.just("<si><t>base</t><rPh sb=\"0\" eb=\"1\"><t>ruby</t></rPh><phoneticPr/></si>"),
                          st.just("<si/>"), st.just("<si>\n  <t>a</t>\n</si>")), max_size=8),
       st.sampled_from([1, 5, 1 << 20]))
def test_the_shared_strings_are_read_as_the_simple_reader_reads_them(items, chunk):
    xml = f'<sst xmlns="{NS}" count="{len(items)}">{"".join(items)}</sst>'.encode()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(xlsx, "CHUNK", chunk)
        assert xlsx.shared_strings(io.BytesIO(xml)) == xlsx_reference.shared_strings(io.BytesIO(xml))


# --- whole workbooks ----------------------------------------------------------------------------------

@settings(max_examples=15, deadline=None)
@given(st.lists(st.tuples(st.integers(1000, 2999), st.integers(-10**12, 10**12), st.integers(0, 4),
                          st.sampled_from(["", "USD", "EUR", "JPY"]), st.booleans(),
                          st.sampled_from([None, None, 5, 300, 16384])),
                min_size=1, max_size=30, unique_by=lambda r: r[0]))
def test_a_workbook_trial_balance_maps_as_the_same_rows_in_csv(tmp_path_factory, rows):
    """Also when a row leaves cells out (no description, no currency: the cells are not stored, a row
    read by picking its columns) or goes on past the table (a value at a far column, not read)."""
    from focusgen.inputs.load import load_input
    tmp = tmp_path_factory.mktemp("wb")
    texts = [(str(a), f"{Decimal(m).scaleb(-p)}", f"account {a}" if described else "", c, far)
             for a, m, p, c, described, far in rows]
    cells = {"A1": "account", "B1": "amount", "C1": "description", "D1": "currency"}
    for r, (a, m, d, c, far) in enumerate(texts, 2):
        cells.update({f"A{r}": a, f"B{r}": Num(m)})
        cells.update({f"C{r}": d} if d else {})
        cells.update({f"D{r}": c} if c else {})
        cells.update({f"{_col_letters(far)}{r}": "beyond"} if far else {})
    write_book(tmp / "tb.xlsx", {"TB": cells})
    (tmp / "tb.csv").write_text("account,amount,description,currency\n" +
                                "".join(f"{a},{m},{d},{c}\n" for a, m, d, c, _ in texts))
    (tmp / "map.yaml").write_text('accounts:\n  - {range: ["1000", "1999"], line: 7010}\n'
                                  '  - {range: ["2000", "2999"], line: 7020, flip: true}\n')
    head = ("report: focus-ii\nas_of: 2020-11-30\nfirm: {name: T}\nmapping: map.yaml\n"
            'fx: {EUR: "1.0842", JPY: "0.006634", as_of: 2020-11-30}\n')
    (tmp / "x.yaml").write_text(head + "trial_balance: tb.xlsx\n")
    (tmp / "c.yaml").write_text(head + "trial_balance: tb.csv\n")
    x, c = load_input(tmp / "x.yaml"), load_input(tmp / "c.yaml")
    assert x.amounts == c.amounts and {k: str(v) for k, v in x.exact.items()} == {k: str(v) for k, v in c.exact.items()}
    strip = lambda fi: {k: [p[:4] + p[5:] for p in v] for k, v in fi.postings.items()}    # noqa: E731 (where differs)
    assert strip(x) == strip(c)
    assert all(p.where.startswith("TB!B") for v in x.postings.values() for p in v)


def _patched(src, dst, member, change):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            zout.writestr(item, change(data) if item.filename == member else data)


def _tb_book(path):
    write_book(path, {"TB": {"A1": "account", "B1": "amount", "A2": "1001", "B2": Num("5"),
                             "A3": "1002", "B3": Num("6")}})
    return path


@pytest.mark.parametrize("member, change, shown", [
    ("xl/worksheets/sheet1.xml", lambda d: b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">]>' + d, ""),
    ("xl/sharedStrings.xml", lambda d: b'<!DOCTYPE s [<!ENTITY a "aaaaaaaaaa">]>' + d, ""),
    ("xl/worksheets/sheet1.xml", lambda d: d.replace(b'r="B3"', b'r="A3"'), "A3 out of order"),
    ("xl/worksheets/sheet1.xml", lambda d: d.replace(b'<row r="3"', b'<row r="2"'), "row 2 out of order"),
    ("xl/worksheets/sheet1.xml", lambda d: d[: len(d) // 2], "cannot be read"),
])
def test_a_damaged_or_hostile_sheet_is_named_not_read(run, tmp_path, member, change, shown):
    book = tmp_path / "tb.xlsx"
    _patched(_tb_book(tmp_path / "plain.xlsx"), book, member, change)
    (tmp_path / "map.yaml").write_text('accounts:\n  - {range: ["1000", "1999"], line: 7010}\n')
    (tmp_path / "in.yaml").write_text("report: focus-ii\nas_of: 2020-11-30\nfirm: {name: T}\n"
                                      "trial_balance: tb.xlsx\nmapping: map.yaml\n")
    status, _, err = run("build", tmp_path / "in.yaml", "--out", tmp_path / "out")
    assert status == 2 and "error[not-a-workbook]" in err and shown in err and "Traceback" not in err, err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("xml", [
    b'<!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">]><worksheet xmlns="%s"><sheetData/></worksheet>' % NS.encode(),
    b'<?xml version="1.0"?><!DOCTYPE w SYSTEM "http://example.invalid/x.dtd"><worksheet/>',
])
def test_the_cell_readers_refuse_a_doctype_themselves(xml):
    with pytest.raises(xlsx.XmlRefused):
        list(xlsx.sheet_rows(io.BytesIO(xml), "TB", [], set()))
    with pytest.raises(xlsx.XmlRefused):
        xlsx.merged_ranges(lambda: io.BytesIO(xml + b"<!-- mergeCell -->"), "TB")   # its pass, where it runs
    with pytest.raises(xlsx.XmlRefused):
        xlsx.date_styles(xml)       # and the structure parts
    with pytest.raises(xlsx.XmlRefused):
        xlsx.shared_strings(io.BytesIO(xml))
