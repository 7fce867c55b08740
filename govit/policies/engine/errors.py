"""Errors raised for bad packs (facts errors live in :mod:`.facts`)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["PackError", "Problem"]


@dataclass(frozen=True)
class Problem:
    file: str
    rule_id: str | None
    problem: str

    def __str__(self) -> str:
        where = f" 规则 {self.rule_id}" if self.rule_id else ""
        return f"{self.file}{where}: {self.problem}"


class PackError(Exception):
    """A policy pack could not be loaded. ``.problems`` lists (file, rule id, problem)."""

    def __init__(self, problems: list[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [Problem("-", None, problems)]
        self.problems = problems
        if len(problems) == 1:
            msg = problems[0].problem if problems[0].file == "-" else str(problems[0])
        else:
            msg = f"政策包有{len(problems)}处错误:\n" + "\n".join(f"  - {p}" for p in problems)
        super().__init__(msg)
