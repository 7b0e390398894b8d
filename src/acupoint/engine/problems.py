"""Problems of a spec file, each with its file, line and key, reported all at once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class SpecProblem:
    source: str
    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        place = f"{self.source}:{self.line}" if self.line else self.source
        return f"{place}: {self.key}: {self.message}"


class SpecError(ValueError):
    """Every problem of a spec at once, each with file, line and key."""

    def __init__(self, problems: Sequence[SpecProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


def nearest_line(lines: Mapping[tuple, int], path: Sequence[str | int]) -> int | None:
    for end in range(len(path), -1, -1):
        line = lines.get(tuple(path[:end]))
        if line is not None:
            return line
    return None
