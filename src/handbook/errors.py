"""User-facing errors: one family, printed as `path:line:col: message`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Pos:
    """A place in a source file; line and column count from 1."""

    path: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if not self.line:
            return self.path
        return f"{self.path}:{self.line}:{self.col or 1}"


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or dubious, when `warning`) in the user's project."""

    pos: Pos
    message: str
    warning: bool = False

    def __str__(self) -> str:
        kind = "warning: " if self.warning else ""
        return f"{self.pos}: {kind}{self.message}"


class HandbookError(Exception):
    """An error the user can fix; shown without a traceback."""


class ContentError(HandbookError):
    """Every problem found in the content, reported together."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems, key=lambda p: p.pos)
        super().__init__("\n".join(str(p) for p in self.problems))


class TexError(HandbookError):
    """A TeX run failed; the message points back at the content."""


class UsageError(HandbookError):
    """The command line asked for something impossible."""
