"""The rounding and amount-reading rules of focusgen.money, as written in its docstring."""

from decimal import Decimal
from fractions import Fraction

import pytest

from focusgen.money import AmountError, fmt_amount, parse_amount, parse_percent, percent_of, to_dollars


@pytest.mark.parametrize("given,dollars", [
    ("0.50", 1), ("-0.50", -1), ("2.49", 2), ("2.51", 3), ("1443907046.50", 1443907047),
    ("-52837332.49", -52837332), ("0.4999999", 0), ("12", 12)])
def test_inputs_round_half_up_to_whole_dollars(given, dollars):
    assert to_dollars(Decimal(given)) == dollars


@pytest.mark.parametrize("amount,rate,expected", [
    (946_524_093, 8, 75_721_927),          # the README's example: 75,721,927.44
    (3_447_164_969, 5, 172_358_248),       # the Daily Seg 30.7 target: 172,358,248.45
    (5_438_091_820, 5, 271_904_591),       # the Daily Seg 4d(2) target: exactly
    (10_113_094_366, 5, 505_654_718),      # the Daily Seg 4d(f) target: 505,654,718.3
    (471_057_307, 110, 518_163_038),       # HSBC early warning level: 518,163,037.7
    (25, 2, 1), (75, 2, 2), (-25, 2, -1),  # exact halves: 0.5 -> 1, 1.5 -> 2, -0.5 -> -1
    (1, Fraction(5, 2), 0)])
def test_percentages_round_half_up(amount, rate, expected):
    assert percent_of(amount, Fraction(rate)) == expected


@pytest.mark.parametrize("text,value", [
    ("1,443,907,046", Decimal(1443907046)), ("(52,837,332)", Decimal(-52837332)),
    ("-4,057,550", Decimal(-4057550)), ("$1,234.56", Decimal("1234.56")), ("( 12 )", Decimal(-12)),
    ("  7  ", Decimal(7)), ("", None), ("0", Decimal(0)), (".5", Decimal("0.5"))])
def test_accounting_formats(text, value):
    assert parse_amount(text) == value


@pytest.mark.parametrize("bad", ["12abc", "1,23,456", "(12", "12)", "-(12)", "1.2.3", "NaN", "inf", "--3",
                                 True, False, [1], {"a": 1}, 1.5, Decimal("NaN"), Decimal("Infinity")])
def test_what_is_not_an_amount(bad):
    with pytest.raises(AmountError):
        parse_amount(bad)


def test_percent_targets():
    assert parse_percent("5%") == 5
    assert parse_percent(" 2.5 % ") == Fraction(5, 2)
    assert parse_percent("122000000") is None
    for bad in ("5%%", "five%", "-5%", "%5", "150%"):
        with pytest.raises(AmountError):
            parse_percent(bad)


def test_formatting():
    assert fmt_amount(-52837332) == "-52,837,332"
    assert fmt_amount(-52837332, "parens") == "(52,837,332)"
    assert fmt_amount(0) == "0"
    assert fmt_amount(None) == ""
