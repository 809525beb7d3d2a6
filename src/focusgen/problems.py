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


MAX_PROBLEMS = 200


class Problems(list):
    """The problems of one input, at most MAX_PROBLEMS kept: a file of a million bad rows must not
    take a million messages' worth of memory. The rest are counted, and said in one closing line."""

    def __init__(self, *args):
        super().__init__(*args)
        self.more = 0

    def append(self, problem: Problem) -> None:
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

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems) + getattr(problems, 'more', 0)} problem(s)")
        self.problems = problems if isinstance(problems, Problems) else Problems(problems)
