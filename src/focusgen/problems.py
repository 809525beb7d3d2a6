"""Findings are values: each has a stable code, a severity, where it is, what is wrong or what was found,
what was expected, and the rule it rests on.

Input reading and validation collect every problem (a finding of severity error) they find; the CLI
prints them all and exits with status 2 before anything is written. Warnings, alerts, extraction
findings and edit checks are findings of the same shape.
"""

from __future__ import annotations

import reprlib
from dataclasses import dataclass, field

# What a finding may quote of a user's input. A value echoed in a message (a field's value, a key, a
# file name) is cut to QUOTE characters with its size stated, so a 327-byte YAML alias bomb or a 5 MB
# cell prints as one short line. Every field of a finding is held to MAX_FIELD characters besides,
# whatever a message puts together: no input can make focusgen print megabytes.
QUOTE = 80
MAX_FIELD = 1000
_COUNT_CAP = 100_000


def _values(value, cap: int = _COUNT_CAP) -> int:
    """How many values a parsed document holds (containers and scalars), counted up to `cap` (a
    value shared through YAML aliases counts each time it appears, as it would be printed)."""
    count, stack = 0, [value]
    while stack and count < cap:
        v = stack.pop()
        count += 1
        if isinstance(v, dict):
            stack.extend(v.keys())
            stack.extend(v.values())
        elif isinstance(v, (list, tuple, set, frozenset)):
            stack.extend(v)
    return count


_REPR = reprlib.Repr()
_REPR.maxlevel, _REPR.maxdict, _REPR.maxlist, _REPR.maxtuple, _REPR.maxset = 3, 4, 4, 4, 4
_REPR.maxstring, _REPR.maxother, _REPR.maxlong = QUOTE, QUOTE, 40


def clip(text: str, limit: int = MAX_FIELD) -> str:
    """Text of any length held to about `limit` characters, its length stated when it was cut."""
    text = str(text)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… (cut: {len(text):,} characters in all)"


def quote(value, limit: int = QUOTE) -> str:
    """A user's value as a message quotes it: its repr, never longer than about `limit` characters, and
    when cut, its size (characters, digits or values) stated. Never builds the whole repr of a large
    container: a 2,000,000-value list is quoted from its first few items."""
    if isinstance(value, str):
        if len(value) <= limit:
            return repr(value)
        return f"{value[:limit]!r}… ({len(value):,} characters)"
    if isinstance(value, int) and not isinstance(value, bool) and (value >= 10**40 or value <= -10**40):
        try:
            digits = int.__repr__(value)
        except ValueError:          # past Python's 4,300 digits: not even converted to text
            return f"an integer of about {value.bit_length() * 0.30103:,.0f} digits"
        return f"{digits[:20]}…{digits[-10:]} ({len(digits.lstrip('-')):,} digits)"
    if isinstance(value, (dict, list, tuple, set, frozenset)):
        text = _REPR.repr(value)
        n = _values(value)
        if n > 1 + 2 * _REPR.maxlist or len(text) > limit:
            size = f"more than {_COUNT_CAP:,}" if n >= _COUNT_CAP else f"{n:,}"
            cut = text if len(text) <= limit else text[:limit] + "…"
            return f"{cut} ({type(value).__name__} of {size} values)"
        return text
    text = repr(value)          # a scalar a parser made (Decimal, float, date, bool, None): linear in its size
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


# How much a finding weighs: an error stops the build (nothing written, exit 2); a warning is printed and
# recorded; an alert is a regulatory notice the filing calls for; a note says what was found or could
# not be checked (extraction's findings, an edit check, an alert not checked).
ERROR, WARNING, ALERT, NOTE = "error", "warning", "alert", "note"
SEVERITIES = (ERROR, WARNING, ALERT, NOTE)


@dataclass(frozen=True)
class Finding:
    """One shape for everything focusgen finds: a problem of an input, a warning, a regulatory alert, an
    alert not checked, an extraction finding or a failed edit check."""
    code: str               # stable, e.g. "unknown-line", "under-segregated"; documented in README
    file: str = ""
    message: str = ""
    where: str = ""         # "line 7010", "row 4", "yaml line 12", "Balances!C14"; an alert: its line
    expected: str = ""
    severity: str = ERROR
    cite: str = ""          # the rule it rests on ("CFTC Regulation 1.12(h)")
    facts: dict = field(default_factory=dict, compare=False, hash=False)   # what its kind adds

    def __post_init__(self) -> None:
        # the last guard: whatever a message quotes, no field of a finding is longer than MAX_FIELD
        for name in ("file", "message", "where", "expected"):
            text = getattr(self, name)
            if isinstance(text, str) and len(text) > MAX_FIELD:
                object.__setattr__(self, name, clip(text))

    def __str__(self) -> str:
        place = f"{self.file}: {self.where}" if self.where else self.file
        text = f"{place}: {self.severity}[{self.code}]: {self.message}"
        if self.expected:
            text += f" (expected {self.expected})"
        return text

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "file": self.file, "where": self.where,
                "message": self.message, "expected": self.expected}

    def as_alert(self) -> dict:
        """An alert as the JSON and the manifest state it."""
        f = self.facts
        found = {"id": self.code, "line": self.where, "amount": f["amount"], "threshold": f["threshold"],
                 "rule": f["rule"], "cite": self.cite, "due": f["due"], "to": list(f["to"]),
                 "notice": f["notice"], "draft": f["draft"], "message": self.message}
        for key in ("deadline", "recipients", "via", "content", "late", "unconfirmed"):     # a notice's parts
            if key in f:
                found[key] = f[key]
        return found


def Problem(code: str, file: str, message: str, where: str = "", expected: str = "") -> Finding:
    """A problem of an input: a Finding of severity error (exit 2, nothing written)."""
    return Finding(code, file, message, where, expected)


MAX_PROBLEMS = 200


class Problems(list):
    """The problems of one input, at most MAX_PROBLEMS kept: a file of a million bad rows must not
    take a million messages' worth of memory. The rest are counted, and said in one closing line."""

    def __init__(self, *args):
        super().__init__(*args)
        self.more = 0

    def append(self, problem: Finding) -> None:
        if len(self) < MAX_PROBLEMS:
            super().append(problem)
        else:
            self.more += 1

    def extend(self, problems) -> None:
        for problem in problems:
            self.append(problem)

    @property
    def total(self) -> int:
        return len(self) + self.more


class InputProblems(Exception):
    """Raised once with every problem an input has."""

    def __init__(self, problems: list[Finding]):
        super().__init__(f"{len(problems) + getattr(problems, 'more', 0)} problem(s)")
        self.problems = problems if isinstance(problems, Problems) else Problems(problems)
