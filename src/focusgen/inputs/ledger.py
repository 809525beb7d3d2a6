"""General-ledger mapping: a trial balance and a mapping become the filing's input lines.

Trial balance (CSV or a workbook sheet): `account,amount[,description][,currency]` (amounts read as
everywhere: accounting formats, exact decimals; a currency converted at the input's fx rates,
currencies.py). Mapping YAML:

    accounts:
      - {account: "100100", line: 7010}                 # one account
      - {range: ["110000", "110999"], line: 7020}       # a range, inclusive
      - {pattern: "2033*", line: 7033, flip: true}      # a glob; flip: the ledger's sign is reversed
      - {account: "900000", line: none, note: "house" } # known, deliberately not on the form

Each line's value is the exact sum of its accounts' balances (flipped where the mapping says),
rounded to whole dollars once, like any input line. Every problem is reported at once: an account
with a balance that maps nowhere, an account mapped by two entries, a mapping to a computed,
unknown or other report's line, a trial balance account listed twice.
"""

from __future__ import annotations

import bisect
import fnmatch
import heapq
import itertools
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import NamedTuple

from ..form import formdef
from ..money import MAX_DOLLARS, MAX_FRACTION_DIGITS, AmountError, exact, parse_amount
from ..problems import Problem, clip, quote
from .currencies import BASE, START, Rates, convert, currency_code, dollars_of
from .formats import read_yaml
from .tables import gc_paused, read_table


class Posting(NamedTuple):
    """One account's contribution to a line: shown by `explain`. (A tuple: a trial balance makes
    one per account, and a tuple is made several times faster than a frozen dataclass.)"""
    account: str
    description: str
    balance: Decimal           # as in the trial balance, in its currency
    flip: bool
    where: str                 # the trial balance row or cell
    currency: str = BASE
    rate: Decimal = Decimal(1)  # dollars per unit of the currency

    @property
    def local(self) -> Decimal:
        """The contribution in the account's own currency."""
        return self.balance.copy_negate() if self.flip else self.balance   # exact, never rounded

    @property
    def amount(self) -> Decimal:
        """The contribution in dollars, converted exactly (rounded only as the line's total)."""
        return self.local if self.currency == BASE else convert(self.local, self.rate)


@dataclass(frozen=True)
class Rule:
    number: int
    line: str | None           # None: deliberately left off the form
    flip: bool
    account: str | None = None
    low: str | None = None
    high: str | None = None
    pattern: str | None = None
    where: str = ""

    def matches(self, account: str) -> bool:
        if self.account is not None:
            return account == self.account
        if self.pattern is not None:
            return fnmatch.fnmatchcase(account, self.pattern)
        if account.isdigit() and self.low.isdigit() and self.high.isdigit():
            return int(self.low) <= int(account) <= int(self.high)
        return self.low <= account <= self.high

    def describe(self) -> str:
        if self.account is not None:
            return f"account {self.account}"
        if self.pattern is not None:
            return f"pattern {self.pattern}"
        return f"range {self.low}-{self.high}"


def _rules(doc, name: str, kind: str, problems: list[Problem]) -> list[Rule]:
    entries = doc.get("accounts") if isinstance(doc, dict) else None
    if not isinstance(entries, list):
        problems.append(Problem("bad-mapping", name, "has no list under accounts:",
                                expected="accounts: [{account: ..., line: ...}, ...]"))
        return []
    rep = formdef.report(kind)
    rules = []
    for n, entry in enumerate(entries, 1):
        where = f"mapping entry {n}" + (f" (yaml line {entry.lines['line']})"
                                        if isinstance(entry, dict) and "line" in getattr(entry, "lines", {}) else "")
        if not isinstance(entry, dict):
            problems.append(Problem("bad-mapping", name, "is not a mapping", where, "{account: ..., line: ...}"))
            continue
        unknown = set(entry) - {"account", "range", "pattern", "line", "flip", "note"}
        selectors = [k for k in ("account", "range", "pattern") if k in entry]
        if unknown or len(selectors) != 1 or "line" not in entry:
            problems.append(Problem("bad-mapping", name, f"entry {quote(dict(entry))} is not understood", where,
                                    "exactly one of account, range or pattern; a line; optionally flip, note"))
            continue
        flip = entry.get("flip", False)
        if not isinstance(flip, bool):
            problems.append(Problem("bad-mapping", name, f"flip: {quote(flip)} is not true or false", where, "true or false"))
            continue
        raw_line = entry["line"]
        if raw_line is None or (isinstance(raw_line, str) and not raw_line.strip()):
            # an empty `line:` or `~` is a slip, not a decision: only the word none leaves a balance off
            problems.append(Problem("bad-mapping", name, "has line: left empty", where,
                                    "a line code, or none to leave these accounts off the form deliberately"))
            continue
        line = None if raw_line == "none" else str(raw_line).strip()
        if line is not None:
            target = rep.lines.get(line)
            if target is None:
                owners = formdef.all_codes().get(line)
                problems.append(Problem("wrong-report-line" if owners else "unknown-line", name,
                                        f"maps to line {clip(line, 40)}, " + (f"a line of {', '.join(owners)}, not {kind}"
                                                                    if owners else "which is no line of any form"),
                                        where, f"an input line of the {kind} form"))
                continue
            if target.kind == "computed":
                problems.append(Problem("computed-line", name, f"maps to line {line}, which is computed "
                                        f"({target.formula.describe()})", where,
                                        f"one of the lines it is computed from: {', '.join(target.operands)}"))
                continue
            if target.kind == "text":
                problems.append(Problem("text-line", name, f"maps to line {line}, a name field", where,
                                        "an amount line"))
                continue
        rule = Rule(number=n, line=line, flip=flip, where=where)
        if "account" in entry:
            rule = Rule(n, line, flip, account=str(entry["account"]).strip(), where=where)
        elif "pattern" in entry:
            rule = Rule(n, line, flip, pattern=str(entry["pattern"]).strip(), where=where)
        else:
            bounds = entry["range"]
            if not (isinstance(bounds, list) and len(bounds) == 2):
                problems.append(Problem("bad-mapping", name, f"range {quote(bounds)} is not [low, high]", where,
                                        "range: [\"100000\", \"100999\"]"))
                continue
            rule = Rule(n, line, flip, low=str(bounds[0]).strip(), high=str(bounds[1]).strip(), where=where)
        rules.append(rule)
    return rules


class Matcher:
    """Which mapping entries match each account, in near-linear time.

    Checking every account against every entry is accounts x entries: minutes for 100,000 accounts
    with an entry each. Instead: exact accounts through a dict; ranges sorted by their low end, found
    by bisection when no two of them overlap (the usual mapping), else by a sweep over the accounts
    and the ranges both sorted, keeping a heap of the ranges open at each account (every range left
    on the heap after dropping those that end below the account contains it, so an account mapped
    twice is still found exactly); globs compiled once and tried only on the accounts that begin with
    their literal prefix, a glob without a wildcard being an exact account. Matches are reported in
    the mapping's order.
    """

    def __init__(self, rules: list[Rule]):
        self.exact: dict[str, list[Rule]] = {}
        self.globs: list[Rule] = []
        self.ranges: list[Rule] = []
        for rule in rules:
            if rule.account is not None or (rule.pattern is not None and not any(c in rule.pattern for c in "*?[")):
                self.exact.setdefault(rule.account if rule.account is not None else rule.pattern, []).append(rule)
            elif rule.pattern is not None:
                self.globs.append(rule)
            else:
                self.ranges.append(rule)
        # globs by the text before their first wildcard: an account can match only those it begins with
        self._prefixed: dict[str, list[tuple[Rule, object]]] = {}
        for rule in self.globs:
            prefix = re.split(r"[*?\[]", rule.pattern, maxsplit=1)[0]
            self._prefixed.setdefault(prefix, []).append((rule, re.compile(fnmatch.translate(rule.pattern)).match))
        self._prefix_lengths = sorted({len(p) for p in self._prefixed})

    @staticmethod
    def _within(keys: list[tuple], ranges: list[tuple], found: dict[str, list[Rule]]) -> None:
        """keys: (value, account); ranges: (low, high, rule). Adds each range to the accounts it contains."""
        ranges = sorted((r for r in ranges if r[0] <= r[1]), key=lambda r: r[0])    # low > high holds nothing
        if not ranges or not keys:
            return
        if all(a[1] < b[0] for a, b in zip(ranges, ranges[1:])):
            # disjoint: the only range that can hold a value is the last one starting at or below it
            lows = [r[0] for r in ranges]
            right = bisect.bisect_right
            for value, account in keys:
                i = right(lows, value) - 1
                if i >= 0 and value <= ranges[i][1]:
                    found.setdefault(account, []).append(ranges[i][2])
            return
        keys = sorted(keys, key=lambda k: k[0])
        open_: list[tuple] = []
        i = 0
        for value, account in keys:
            while i < len(ranges) and ranges[i][0] <= value:
                low, high, rule = ranges[i]
                heapq.heappush(open_, (high, rule.number, rule))
                i += 1
            while open_ and open_[0][0] < value:
                heapq.heappop(open_)
            if open_:      # more than a few open ranges is an error already: name a few, not thousands
                found.setdefault(account, []).extend(r for _, _, r in itertools.islice(open_, 4))

    def match(self, accounts: list[str]) -> dict[str, list[Rule]]:
        found: dict[str, list[Rule]] = {}
        digit_ranges = [r for r in self.ranges if r.low.isdigit() and r.high.isdigit()]
        text_ranges = [r for r in self.ranges if not (r.low.isdigit() and r.high.isdigit())]
        # as Rule.matches: digits against digit bounds compare as numbers (0150 is 150), the rest as text
        if digit_ranges:
            self._within([(int(a), a) for a in accounts if a.isdigit()],
                         [(int(r.low), int(r.high), r) for r in digit_ranges], found)
            self._within([(a, a) for a in accounts if not a.isdigit()], [(r.low, r.high, r) for r in digit_ranges],
                         found)
        if text_ranges:
            self._within([(a, a) for a in accounts], [(r.low, r.high, r) for r in text_ranges], found)
        if self.exact:
            for account in accounts:
                rules = self.exact.get(account)
                if rules:
                    found.setdefault(account, []).extend(rules)
        if self.globs:
            prefixed, lengths = self._prefixed, self._prefix_lengths
            for account in accounts:
                for n in lengths:
                    if n > len(account):
                        break
                    for rule, matches in prefixed.get(account[:n], ()):
                        if matches(account):
                            found.setdefault(account, []).append(rule)
        for rules in found.values():
            if len(rules) > 1:
                rules.sort(key=lambda r: r.number)
        return found


# An amount as most ledgers export it: plain digits, a point, a sign. Within the limits by its shape
# (15 whole digits stay below 10^15, at most 60 decimals), so Decimal reads it as parse_amount would;
# anything else (accounting formats, limits, errors) goes through parse_amount itself.
_PLAIN = re.compile(r"-?[0-9]{1,15}(?:\.[0-9]{1,60})?").fullmatch
_ZERO = Decimal(0)


def balance_of(raw) -> Decimal:
    """A trial balance amount (text, or Decimal from a number cell) exactly as parse_amount reads it,
    a blank or any zero being Decimal(0). Raises AmountError."""
    if raw.__class__ is str:
        text = raw.strip()
        if _PLAIN(text):
            value = Decimal(text)
            return value if value else _ZERO
    elif raw.__class__ is Decimal and raw.is_finite() and raw.as_tuple().exponent >= -MAX_FRACTION_DIGITS \
            and raw.copy_abs() < MAX_DOLLARS:
        return raw if raw else _ZERO
    return parse_amount(raw) or _ZERO


def map_accounts(kind: str, tb_path: Path, map_path: Path, problems: list[Problem], rates: Rates = Rates(),
                 sheet: str | None = None):
    """(line -> exact total in dollars, line -> postings, [(path, bytes)] read). Problems are appended."""
    with gc_paused():       # a posting per account: see tables.gc_paused
        return _map(kind, tb_path, map_path, problems, rates, sheet)


def _map(kind: str, tb_path: Path, map_path: Path, problems: list[Problem], rates: Rates, sheet: str | None):
    rows, tb_bytes = read_table(tb_path, problems, key="account", note="description", currency=True,
                                sheet=sheet, field="trial_balance")
    doc, map_bytes = read_yaml(map_path, problems)
    rules = _rules(doc, str(map_path), kind, problems) if doc is not None else []
    tb_name = str(tb_path)
    postings: dict[str, list[Posting]] = {}
    seen: dict[str, str] = {}
    matches = Matcher(rules).match(list(dict.fromkeys(row[0] for row in rows if row[0])))
    missing_rates: dict[str, str] = {}
    currencies: dict[str, tuple[str | None, Decimal | None]] = {}      # as written -> (code, rate)
    sums: dict[tuple[str, str], Decimal] = {}    # (line, currency) -> exact sum of the balances, from START
    with exact():        # a sum of long amounts is never rounded to 28 digits
        for account, raw, where, description, written_currency in rows:
            if not account:
                problems.append(Problem("bad-account", tb_name, "has no account number", where, "an account"))
                continue
            if account in seen:
                problems.append(Problem("duplicate-account", tb_name, f"account {account} is listed twice "
                                        f"(also {seen[account]})", where, "each account once"))
                continue
            seen[account] = where
            try:
                balance = balance_of(raw)
            except AmountError as exc:
                problems.append(Problem("bad-amount", tb_name, f"account {clip(account, 40)}: {exc}", where,
                                        "an amount such as 1,443,907,046.25 or (52,837,332)"))
                continue
            known = currencies.get(written_currency)
            if known is None:
                code = currency_code(written_currency)
                known = currencies[written_currency] = (code, None if code is None else rates.rate(code))
            currency, rate = known
            if currency is None:
                problems.append(Problem("bad-currency", tb_name, f"account {clip(account, 40)}: currency {quote(written_currency)} "
                                        "is not an ISO 4217 code", where, "a code such as EUR (USD when empty)"))
                continue
            if rate is None:
                if currency not in missing_rates:
                    missing_rates[currency] = where
                    problems.append(Problem("missing-rate", tb_name, f"account {account} is in {currency}, and the "
                                            "input gives no rate for it", where,
                                            f"fx: {{{currency}: dollars per unit, as_of: ..., source: ...}}"))
                continue
            matched = matches.get(account)
            if matched is None:
                if balance != 0:
                    problems.append(Problem("unmapped-account", tb_name, f"account {account} ({description or 'no description'}) "
                                            f"has a balance of {str(raw).strip()}{'' if currency == BASE else ' ' + currency} but maps to no line", where,
                                            f"an entry for it in {map_path.name} (line: none to leave it off the form)"))
                continue
            if len(matched) > 1:
                shown = " and by ".join(f"{r.where} ({r.describe()} -> {r.line})" for r in matched[:3])
                problems.append(Problem("account-mapped-twice", tb_name, f"account {account} is mapped by {shown}"
                                        + (f" (and {len(matched) - 3} more entries)" if len(matched) > 3 else ""),
                                        where, "each account mapped by one entry"))
                continue
            rule = matched[0]
            line = rule.line
            if line is None:
                continue
            posting = Posting(account, description, balance, rule.flip, where, currency, rate)
            postings.setdefault(line, []).append(posting)
            key = (line, currency)
            sums[key] = sums.get(key, START) + (balance.copy_negate() if rule.flip else balance)
        # each line's dollars: each currency's sum converted once (currencies.py: exactly the sum of the
        # accounts converted one by one), lines in the order they first appear
        totals: dict[str, Decimal] = {}
        for (line, currency), total in sums.items():
            totals[line] = totals.get(line, _ZERO) + dollars_of(total, currency, rates.rate(currency))
    return totals, postings, [(tb_path, tb_bytes), (map_path, map_bytes)]
