"""One table a day under one meta: `focusgen build exports/*.csv --meta daily.yaml`.

A Daily Seg team exports one CSV of ledger balances a day. Their meta YAML gives, instead of a fixed
as-of date, where each table's date is:

    as_of: {file_name: "seg-YYYYMMDD.csv"}    the file's name, YYYY MM DD where the date stands (* and ? as
                                              in a shell: any characters, one character)
    as_of: {column: date}                     a column of the table, the same date (YYYY-MM-DD) on every row

and the submit date is, unless the meta gives one, the next business day after the as-of date for a
report filed each business day (its schedule in the form definition, with its calendar).
"""

from __future__ import annotations

import re
from datetime import date

from ..problems import Problem
from .models import date_error

KEYS = ("file_name", "column")
EXAMPLE = '{file_name: "seg-YYYYMMDD.csv"} or {column: date}'


def is_rule(value) -> bool:
    return isinstance(value, dict)


def check_rule(rule, file: str) -> list[Problem]:
    """Problems of the rule itself: one key, file_name (with YYYY, MM and DD in it) or column."""
    if len(rule) != 1 or next(iter(rule)) not in KEYS or not isinstance(next(iter(rule.values())), str) \
            or not next(iter(rule.values())).strip():
        return [Problem("bad-date", file, f"as_of: {dict(rule)!r} is neither a date nor a rule for one",
                        "as_of", f"a date YYYY-MM-DD, or for one table a day {EXAMPLE}")]
    key, value = next(iter(rule.items()))
    if key == "file_name" and not all(part in value for part in ("YYYY", "MM", "DD")):
        return [Problem("bad-date", file, f"as_of: file_name {value!r} does not say where the date stands",
                        "as_of.file_name", "a pattern with YYYY, MM and DD, such as seg-YYYYMMDD.csv")]
    return []


def _regex(pattern: str) -> str:
    out, i = [], 0
    while i < len(pattern):
        for token, regex in (("YYYY", r"(?P<y>\d{4})"), ("MM", r"(?P<m>\d{2})"), ("DD", r"(?P<d>\d{2})"),
                             ("*", ".*"), ("?", ".")):
            if pattern.startswith(token, i) and f"(?P<{token[0].lower()}>" not in "".join(out):
                out.append(regex)
                i += len(token)
                break
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return "".join(out)


def from_name(pattern: str, name: str, file: str) -> tuple[date | None, list[Problem]]:
    """The date a file's name holds where `pattern` says (as_of: {file_name: PATTERN})."""
    m = re.fullmatch(_regex(pattern), name)
    if m is None:
        return None, [Problem("bad-date", file, f"the file name {name!r} does not match as_of's file_name "
                              f"{pattern!r}", "as_of.file_name",
                              f"a file named like {pattern}, such as {pattern.replace('YYYY', '2020').replace('MM', '11').replace('DD', '30').replace('*', '').replace('?', 'x')}")]
    text = f"{m['y']}-{m['m']}-{m['d']}"
    try:
        return date.fromisoformat(text), []
    except ValueError:
        return None, [Problem("bad-date", file, f"the file name {name!r}: {date_error(text)}",
                              "as_of.file_name", "a real date in the file name")]


def from_column(column: str, rows, file: str) -> tuple[date | None, list[Problem]]:
    """The one date a column holds on every row (as_of: {column: NAME})."""
    values = {r.extra for r in rows}
    if len(values) != 1 or "" in values:
        shown = ", ".join(sorted(v or "(empty)" for v in values)[:4]) or "no rows"
        return None, [Problem("bad-date", file, f"the column {column!r} holds {shown}, not one date on every row",
                              f"as_of.column", f"one date YYYY-MM-DD in the {column} column of every row")]
    text = values.pop()
    try:
        return date.fromisoformat(text), []
    except ValueError:
        return None, [Problem("bad-date", file, f"the column {column!r}: {date_error(text)}", "as_of.column",
                              "a date written YYYY-MM-DD, such as 2020-11-30")]


def next_business_day(rep, as_of: date) -> date | None:
    """The submit date of a report filed each business day: the next one after `as_of` on its calendar."""
    schedule = getattr(rep, "schedule", None)
    if schedule is None or not schedule.daily:
        return None
    return schedule.calendar.following(as_of)
