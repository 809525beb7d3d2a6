"""Exact money: parsing amounts as users write them, rounding rules, formatting.

Rounding rule (written down once, tested in tests/test_money.py): every rounding to whole dollars is
"half up" in the accounting sense, i.e. a half cent or half dollar goes away from zero
(0.5 -> 1, -0.5 -> -1, 2.49 -> 2). Input lines are rounded before any total is taken, so the printed
form foots; percentage lines round their exact product the same way.
"""

from __future__ import annotations

import re
from decimal import (ROUND_HALF_UP, Context, Decimal, DivisionByZero, Inexact, InvalidOperation, Overflow,
                     localcontext)
from fractions import Fraction

from .problems import quote

ONE = Decimal(1)

# Limits of an amount a filing can hold. The largest FCM balances are around 10^11 dollars; an amount
# of 10^15 dollars or more is a typing or export error, never a balance. Fraction digits are capped so
# that every sum below stays exact (see EXACT).
MAX_DOLLARS = 10 ** 15
MAX_FRACTION_DIGITS = 60
# A computed line sums at most a few hundred input lines, each below MAX_DOLLARS: below this bound. A
# filing's JSON holds computed lines too, so its amounts are checked against it when read back.
MAX_TOTAL = 10 ** 18

# Decimal's default context keeps 28 digits and rounds silently: -Decimal("0.4999...9") with 29 digits
# becomes -0.5 and then rounds to -1. All money arithmetic runs in EXACT instead: wide enough for any
# sum of amounts within the limits above (15 + 60 digits, plus carries of a million rows), and an
# inexact result raises instead of passing as a number.
EXACT = Context(prec=200, rounding=ROUND_HALF_UP, traps=[InvalidOperation, Inexact, Overflow, DivisionByZero])


def exact():
    """`with exact():` runs Decimal arithmetic in the EXACT context."""
    return localcontext(EXACT)

# 1,443,907,046   (52,837,332)   -4,057,550   $1,234.56   ($ 12)   1443907046.50
_AMOUNT_RE = re.compile(
    r"""^\s*
    (?P<open>\()?\s*
    (?P<minus>-)?\s*
    \$?\s*
    (?P<num>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)
    \s*(?P<close>\))?\s*$""",
    re.VERBOSE,
)
_PERCENT_RE = re.compile(r"^\s*(?P<num>\d+(?:\.\d+)?)\s*%\s*$")


class AmountError(ValueError):
    """An amount that cannot be read; the message says what was found."""


def parse_amount(value: object) -> Decimal | None:
    """Read an amount from YAML or CSV. None (or an empty CSV cell) is a blank line.

    Accepts integers, exact decimals and accounting-format text. Refuses bool, float (YAML floats are
    loaded as Decimal before they get here), lists, mappings, NaN and infinities.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise AmountError(f"a boolean ({str(value).lower()}) is not an amount")
    if isinstance(value, int):
        return _within_limits(Decimal(value), value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise AmountError(f"{value} is not a finite amount")
        return _within_limits(value, value)
    if isinstance(value, float):
        # Never reached from our loaders; a float would already have lost cents.
        raise AmountError("a binary float is not an exact amount; write it as text or an integer")
    if isinstance(value, str):
        text = value.strip()
        if text == "":
            return None
        if len(text) > 120:
            raise AmountError(f"{quote(text, 20)} is too long to be an amount")
        m = _AMOUNT_RE.match(text)
        if not m:
            raise AmountError(f"{text!r} is not an amount")
        if bool(m.group("open")) != bool(m.group("close")):
            raise AmountError(f"{text!r} has unbalanced parentheses")
        if m.group("open") and m.group("minus"):
            raise AmountError(f"{text!r} is negative twice (parentheses and minus)")
        try:
            amount = Decimal(m.group("num").replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the regex admits only digits
            raise AmountError(f"{text!r} is not an amount") from None
        # copy_negate is exact; unary minus would round to the context's precision
        return _within_limits(amount.copy_negate() if (m.group("open") or m.group("minus")) else amount, value)
    if isinstance(value, (list, tuple)):
        raise AmountError("a list is not an amount")
    if isinstance(value, dict):
        raise AmountError("a mapping is not an amount")
    raise AmountError(f"a {type(value).__name__} is not an amount")


def _within_limits(amount: Decimal, written: object) -> Decimal:
    shown = str(written) if len(str(written)) <= 40 else f"{str(written)[:20]}... ({len(str(written))} characters)"
    if amount.copy_abs() >= MAX_DOLLARS:
        raise AmountError(f"{shown} is {MAX_DOLLARS:,} dollars or more: no filing holds such an amount")
    if -amount.as_tuple().exponent > MAX_FRACTION_DIGITS:
        raise AmountError(f"{shown} has more than {MAX_FRACTION_DIGITS} digits after the decimal point")
    return amount


def parse_percent(value: object) -> Fraction | None:
    """'5%' -> Fraction(5). None when the value is not written as a percentage at all."""
    if not isinstance(value, str) or "%" not in value:
        return None
    m = _PERCENT_RE.match(value)
    if not m:
        raise AmountError(f"{quote(value)} is not a percentage like \"5%\" or \"2.5%\"")
    rate = Fraction(Decimal(m.group("num")))
    if rate > 100:
        raise AmountError(f"{quote(value)} is more than 100%")
    return rate


def to_dollars(amount: Decimal) -> int:
    """Round an exact amount to whole dollars, half up (away from zero)."""
    # quantize in a context wide enough for any amount within the limits (never the 28-digit default)
    return int(amount.quantize(ONE, rounding=ROUND_HALF_UP, context=Context(prec=200)))


def round_half_up(value: Fraction) -> int:
    """Round an exact fraction to an integer, halves away from zero."""
    n, d = value.numerator, value.denominator
    if n >= 0:
        return (2 * n + d) // (2 * d)
    return -((-2 * n + d) // (2 * d))


def percent_of(amount: int, rate: Fraction) -> int:
    """rate% of a whole-dollar amount, half up to whole dollars: percent_of(3447164969, 5) = 172358248."""
    return round_half_up(amount * rate / 100)


def fmt_amount(value: int | None, negative: str = "minus") -> str:
    """1443907046 -> '1,443,907,046'. negative='minus' gives '-52,837,332', 'parens' gives '(52,837,332)'."""
    if value is None:
        return ""
    if value < 0:
        body = f"{-value:,}"
        return f"({body})" if negative == "parens" else f"-{body}"
    return f"{value:,}"


def fmt_percent(rate: Fraction) -> str:
    """Fraction(5) -> '5', Fraction(5, 2) -> '2.5'."""
    if rate.denominator == 1:
        return str(rate.numerator)
    return format(Decimal(rate.numerator) / Decimal(rate.denominator), "f").rstrip("0").rstrip(".")
