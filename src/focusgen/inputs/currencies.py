"""Several currencies in a trial balance (Regulation 1.32(a): segregation is computed currency by currency).

The input gives the rates used, in dollars per unit of each currency:

    fx: {EUR: "1.0842", JPY: "0.006634", as_of: 2020-11-30, source: "WM/Reuters 4pm London"}

Each account's balance is converted exactly (balance x rate, no rounding: the money context traps any
inexact result), the converted balances of a line are summed exactly, and the line's dollar amount is
rounded once, like any input line. A rate must be dated on the filing's as-of date unless the input says
`allow_other_date: true` (a firm that uses the prior business day's rates, say).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from ..money import MAX_FRACTION_DIGITS, exact
from ..problems import Problem, clip, quote

BASE = "USD"
_CODE = re.compile(r"^[A-Z]{3}$")
_RATE = re.compile(r"^[0-9]{1,12}(\.[0-9]+)?$")
_KEYS = ("as_of", "source", "allow_other_date")


@dataclass(frozen=True)
class Rates:
    rates: dict[str, Decimal] = field(default_factory=dict)     # dollars per unit; never USD
    given: dict[str, str] = field(default_factory=dict)         # each rate as written, for the record
    as_of: date | None = None
    source: str | None = None

    def rate(self, currency: str) -> Decimal | None:
        return Decimal(1) if currency == BASE else self.rates.get(currency)

    def describe(self) -> dict:
        return {"as_of": self.as_of.isoformat() if self.as_of else None, "source": self.source,
                "rates": {c: self.given[c] for c in sorted(self.rates)}}


def currency_code(text: str) -> str | None:
    """An ISO 4217 code as written in a trial balance (USD when the cell is empty), or None."""
    code = text.strip() or BASE
    return code if _CODE.match(code) else None


def convert(amount: Decimal, rate: Decimal) -> Decimal:
    with exact():          # 60 decimals x a rate's decimals still fits the 200-digit context
        return amount * rate


# Converting a line's accounts one by one is a multiplication per account; summing each currency's
# balances first and multiplying once gives the same value exactly (multiplication distributes over
# exact sums) and, begun at START, the same digits too. Exact Decimal addition keeps the smaller
# exponent of its operands and a product adds them, so a sum begun at START (exponent 100, above any
# balance's: at most 14 below 10^15, more only for a zero) carries the finest exponent m of its terms,
# and sum x rate carries m + r, the finest of the products; adding Decimal(0) then caps both at 0, as
# a sum begun at Decimal(0) does. (A rate's exponent r is between -60 and 0, so when every term is a
# zero above START both sides give exponent 0.) The order of the terms never matters.
START = Decimal("0E+100")


def summed(total: Decimal) -> Decimal:
    """A sum of balances begun at START, as the same balances summed from Decimal(0) give it."""
    with exact():
        return Decimal(0) + total


def dollars_of(total: Decimal, currency: str, rate: Decimal) -> Decimal:
    """The dollars of one currency's balances summed from START: exactly what converting each balance
    and summing the products from Decimal(0) gives, value and digits."""
    with exact():
        return Decimal(0) + (total if currency == BASE else total * rate)


def read_rates(raw: Any, as_of: date | None, file: str, problems: list[Problem]) -> Rates:
    """The `fx:` mapping of an input; every problem appended (fx-* codes)."""
    if raw is None:
        return Rates()
    if not isinstance(raw, dict):
        problems.append(Problem("bad-fx", file, f"fx is {type(raw).__name__}, not a mapping", "fx",
                                "fx: {EUR: \"1.0842\", as_of: YYYY-MM-DD, source: ...}"))
        return Rates()
    rates: dict[str, Decimal] = {}
    given: dict[str, str] = {}
    for key, value in raw.items():
        key = str(key)
        if key in _KEYS:
            continue
        where = f"fx.{clip(key, 40)}"
        if not _CODE.match(key):
            problems.append(Problem("bad-fx", file, f"fx: {quote(key)} is not a currency code", where,
                                    "an ISO 4217 code such as EUR, or as_of, source, allow_other_date"))
            continue
        text = str(value).strip() if isinstance(value, (str, int, Decimal)) and not isinstance(value, bool) else None
        rate = None
        if text is not None and _RATE.match(text) and len(text.partition(".")[2]) <= MAX_FRACTION_DIGITS:
            try:
                rate = Decimal(text)
            except InvalidOperation:
                rate = None
        if rate is None or rate <= 0:
            problems.append(Problem("bad-rate", file, f"the rate for {key} is {quote(value)}, not a positive number",
                                    where, "dollars per unit, such as \"1.0842\""))
            continue
        if key == BASE and rate != 1:
            problems.append(Problem("bad-rate", file, f"the rate for USD is {text}", where, "1, or leave it out"))
            continue
        if key != BASE:
            rates[key], given[key] = rate, text
    rates_date = raw.get("as_of")
    allow = raw.get("allow_other_date", False)
    if not isinstance(allow, bool):
        problems.append(Problem("bad-fx", file, f"fx.allow_other_date: {quote(allow)} is not true or false",
                                "fx.allow_other_date", "true or false"))
        allow = False
    if isinstance(rates_date, str):
        try:
            rates_date = date.fromisoformat(rates_date.strip())
        except ValueError:
            rates_date = "bad"
    if not isinstance(rates_date, date):
        problems.append(Problem("bad-fx", file, "fx.as_of is missing or not a date" if rates_date is None or
                                rates_date == "bad" else f"fx.as_of {quote(rates_date)} is not a date",
                                "fx.as_of", "the date the rates are for, YYYY-MM-DD"))
        rates_date = None
    elif as_of is not None and rates_date != as_of and not allow:
        problems.append(Problem("fx-date", file, f"the rates are for {rates_date}, the filing is as of {as_of}",
                                "fx.as_of", f"rates for {as_of} (or allow_other_date: true)"))
    source = raw.get("source")
    if source is not None and (not isinstance(source, str) or not source.isprintable() or len(source) > 200):
        problems.append(Problem("bad-fx", file, "fx.source is not one line of text", "fx.source",
                                "text such as \"WM/Reuters 4pm London\""))
        source = None
    return Rates(rates, given, rates_date if isinstance(rates_date, date) else None, source)
