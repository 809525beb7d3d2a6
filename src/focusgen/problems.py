"""Problems are values: each has a stable code, where it is, what is wrong and what was expected.

Input reading and validation collect every problem they find; the CLI prints them all and exits
with status 2 before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    code: str               # stable, e.g. "unknown-line"; documented in README
    file: str
    message: str
    where: str = ""         # "line 7010", "row 4", "yaml line 12"
    expected: str = ""

    def __str__(self) -> str:
        place = f"{self.file}: {self.where}" if self.where else self.file
        text = f"{place}: error[{self.code}]: {self.message}"
        if self.expected:
            text += f" (expected {self.expected})"
        return text

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "file": self.file, "where": self.where,
                "message": self.message, "expected": self.expected}


class InputProblems(Exception):
    """Raised once with every problem an input has."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems
