"""Findings are values: each has a stable code, a severity, where it is, what is wrong or what was found,
what was expected, and the rule it rests on.

Input reading and validation collect every problem (a finding of severity error) they find; the CLI
prints them all and exits with status 2 before anything is written. Warnings, alerts, extraction
findings and edit checks are findings of the same shape. A problem of a misspelt name (a line code, a
path, a command, an option) says the nearest right one (`did_you_mean`, `near_path`).
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

    def as_found(self) -> dict:
        """An extraction finding or a failed edit check as extract's and check's JSON state it:
        {"line": the line it is about or null, what its kind adds (a ghost's "where" on the page),
        "kind": its code, "message"}."""
        return {"line": self.where or None, **self.facts, "kind": self.code, "message": self.message}


def Problem(code: str, file: str, message: str, where: str = "", expected: str = "") -> Finding:
    """A problem of an input: a Finding of severity error (exit 2, nothing written)."""
    return Finding(code, file, message, where, expected)


def Note(code: str, message: str, line: str | None = None, **facts) -> Finding:
    """A note: what extraction found (its code one of extract/how.Found), an edit check of a prior that
    fails, or what a comparison notes (check-other-date, check-other-firm). A Finding of severity note,
    `where` the line code it is about ("" for one about no line: a page, an amount placed nowhere),
    `facts` what its kind adds (a ghost's place on the page, "where"). Its message is kept whole, as
    extraction and check have always given it (an amount placed nowhere names every place it was seen):
    bounded by the document read (extract's limits on pages and characters), not by MAX_FIELD."""
    found = Finding(str(code), message=message, where=line or "", severity=NOTE, facts=facts)
    object.__setattr__(found, "message", str(message))
    return found


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


def did_you_mean(given: str, choices, n: int = 1) -> str:
    """"; did you mean X?" for the choice nearest `given` (difflib's ratio, at least 0.6), else ""."""
    import difflib
    given = str(given)
    if len(given) > 200:        # nothing a user means is that long (and difflib's time grows with it)
        return ""
    found = difflib.get_close_matches(given, [str(c) for c in choices], n=n, cutoff=0.6)
    return f"; did you mean {' or '.join(found)}?" if found else ""


def near_codes(code: str, codes) -> str:
    """"; did you mean 7190 or 7198?" for the line codes one keystroke from `code` (a digit changed,
    added or dropped, two neighbours swapped), at most four, else ""."""
    code = str(code).strip().upper()
    if len(code) > 20:
        return ""

    def one_off(a: str, b: str) -> bool:
        if len(a) == len(b):
            diff = [i for i in range(len(a)) if a[i] != b[i]]
            return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]
                                      and a[diff[1]] == b[diff[0]])
        short, long = sorted((a, b), key=len)
        return len(long) == len(short) + 1 and any(long[:i] + long[i + 1:] == short for i in range(len(long)))

    found = sorted(c for c in dict.fromkeys(map(str, codes)) if c != code and one_off(code, c))[:4]
    if not found:
        return ""
    return "; did you mean " + (found[0] if len(found) == 1 else f"{', '.join(found[:-1])} or {found[-1]}") + "?"


def near_path(path) -> str:
    """For a path that does not exist: "; did you mean P?" with P the existing path nearest it (its
    missing part matched among the names of the nearest folder that exists), else "". Only that folder
    is listed, and at most 10,000 of its names."""
    import difflib
    import itertools
    from pathlib import Path
    path = Path(path)
    parts = path.parts
    for i in range(len(parts) - 1, -1, -1):
        folder = Path(*parts[:i]) if i else Path(".")
        try:
            if not folder.is_dir():
                continue
            names = [q.name for q in itertools.islice(folder.iterdir(), 10_000)]
        except OSError:
            return ""
        found = difflib.get_close_matches(parts[i], names, n=1, cutoff=0.6)
        if not found:
            return ""
        guess = folder / found[0] if i else Path(found[0])
        rest = parts[i + 1:]
        return f"; did you mean {guess.joinpath(*rest) if rest else guess}?"
    return ""
