"""Every error the package raises for bad input, in one place: each locates the problem and says how
to fix it, and each subclasses the built-in that fits (so callers may catch ValueError or OSError).

In Jupyter, IPython shows an exception through `_render_traceback_` when it has one: our errors
use it to show their message alone, because a traceback through the package's internals tells an
author nothing about the bank they wrote.
"""

from __future__ import annotations

from dataclasses import dataclass


class _PlainInJupyter:
    """Shown in IPython as its message, without a traceback (see the module docstring)."""

    def _render_traceback_(self) -> list[str]:
        return [f"{type(self).__name__}: {self}"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a bank file."""

    file: str
    line: int | None
    question_id: str | None
    message: str
    column: int | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}" + (f":{self.column}" if self.column else "")
        who = f" question {self.question_id!r}:" if self.question_id else ""
        return f"{where}:{who} {self.message}"


class BankError(_PlainInJupyter, ValueError):
    """A bank (or set of banks) failed validation; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        count = len(self.problems)
        heading = f"{count} problem{'s' if count != 1 else ''} in question banks:"
        super().__init__("\n".join([heading, *(f"  {problem}" for problem in self.problems)]))


class UnknownBankError(_PlainInJupyter, LookupError):
    """quiz() or an export named a bank or question that does not exist."""

    def __str__(self) -> str:  # LookupError would repr() the message
        return str(self.args[0])


class UnknownExerciseError(_PlainInJupyter, LookupError):
    """`grade`, `gradebook merge` or the autograder named an exercise with no check file."""

    def __str__(self) -> str:  # LookupError would repr() the message
        return str(self.args[0])


class UnknownQuestionType(_PlainInJupyter, LookupError):
    """A layer (grading, a view, an export) met a question type it has no entry for.

    Raised instead of falling through to another type's code; the message names the layer, so the
    developer adding a type knows which file still needs its entry.
    """

    def __init__(self, layer: str, question_type: str):
        self.layer, self.question_type = layer, question_type
        super().__init__(f"{layer} has no entry for question type {question_type!r}; "
                         "see 'Adding a question type' in the README")

    def __str__(self) -> str:
        return str(self.args[0])


class ExportError(OSError):
    """An export could not be written; the message names the file and the reason."""


class UnknownFormatError(ValueError):
    """A format name that is not one of the export formats (or `all`)."""


class MarkerError(ValueError):
    """A solution marker in an answers notebook is malformed; the message names notebook and cell."""


class ExecutionFailed(RuntimeError):
    """A notebook cell raised while its outputs were being stored."""


class BuildFailed(RuntimeError):
    """The book did not build; the message lists what went wrong, most useful first."""


class GradingInputError(ValueError):
    """The grader cannot start: the submissions, the output folder or the archive as a whole is unusable."""


class AutograderBuildError(ValueError):
    """An autograder (for Gradescope) could not be built: names what is missing and how to fix it."""
