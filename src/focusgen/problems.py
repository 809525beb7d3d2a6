"""Findings are values: each has a stable code, a severity, where it is, what is wrong or what was found,
what was expected, and the rule it rests on.

Input reading and validation collect every problem (a finding of severity error) they find; the CLI
prints them all and exits with status 2 before anything is written. Warnings, alerts, extraction
findings and edit checks are findings of the same shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field


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
