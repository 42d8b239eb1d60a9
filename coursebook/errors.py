"""Every error the package raises for bad input: each locates the problem and says how to fix it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a bank file."""

    file: str
    line: int | None
    question_id: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        who = f" question {self.question_id!r}:" if self.question_id else ""
        return f"{where}:{who} {self.message}"


class BankError(ValueError):
    """A bank (or set of banks) failed validation; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        count = len(self.problems)
        heading = f"{count} problem{'s' if count != 1 else ''} in question banks:"
        super().__init__("\n".join([heading, *(f"  {problem}" for problem in self.problems)]))


class UnknownBankError(LookupError):
    """quiz() or an export named a bank or question that does not exist."""

    def __str__(self) -> str:  # LookupError would repr() the message
        return str(self.args[0])


class GradingInputError(ValueError):
    """The grader cannot start: the submissions, the output folder or the archive as a whole is unusable."""


class AutograderBuildError(ValueError):
    """An autograder (for Gradescope) could not be built: names what is missing and how to fix it."""
