"""Security tests reuse the API harness (the real app on SQLite and PostgreSQL).

The authorization matrix reports its counts here, at the end of the run, so they show in
the CI log: cases (REST and socket.io) and unexpected grants.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.api.conftest import harness, make_harness

__all__ = ["MATRIX_RUNS", "MatrixRun", "harness", "make_harness"]


@dataclass
class MatrixRun:
    label: str
    rest_cases: int = 0
    socket_cases: int = 0
    unexpected_grants: int = 0
    breaches: list[str] = field(default_factory=list)


MATRIX_RUNS: list[MatrixRun] = []


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not MATRIX_RUNS:
        return
    terminalreporter.section("authorization matrix")
    for run in MATRIX_RUNS:
        terminalreporter.write_line(
            f"{run.label}: {run.rest_cases + run.socket_cases} cases "
            f"({run.rest_cases} REST, {run.socket_cases} socket.io), "
            f"{run.unexpected_grants} unexpected grants"
        )
        for breach in run.breaches:
            terminalreporter.write_line(f"  {breach}")
