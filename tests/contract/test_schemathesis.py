"""schemathesis (``schemathesis run``, all checks) over every operation of the served OpenAPI
document, once per kind of caller: a party of the seeded thread, a stranger, an auditor and
the marketplace's service token. A fixed seed and number of examples keep the run repeatable
and short. The counts are printed in the terminal summary (see ``conftest.py``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.request import urlopen

import pytest

from tests.contract.live import LiveServer

pytestmark = [pytest.mark.slow, pytest.mark.allow_blocking]

ROOT = Path(__file__).resolve().parents[2]
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
MAX_EXAMPLES = 8
SEED = 20261130
CALLERS = ("party", "stranger", "auditor", "service")
POSTGRES_CALLERS = ("party", "auditor")  # between them they reach every handler's queries
RESULTS: dict[str, dict[str, Any]] = {}  # read by the terminal summary


def with_examples(doc: dict[str, Any], seeded: dict[str, str]) -> dict[str, Any]:
    """The document with the seeded ids as path-parameter examples, so the explicit-examples
    phase reaches real resources (generated ids alone would only ever find nothing)."""
    for ops in doc["paths"].values():
        for op in ops.values():
            for param in op.get("parameters", []):
                if param["in"] == "path" and param["name"] in seeded:
                    param["example"] = seeded[param["name"]]
    return doc


SERVER_ERROR = "ServerError"


def summarise(report: dict[str, Any], statuses: Counter[int]) -> dict[str, Any]:
    """The run's counts: from schemathesis' JSON report, and the responses the server sent."""
    failures = report.get("failures", [])
    server = sum(f["count"] for f in failures if f["type"] == SERVER_ERROR)
    return {
        "operations": report.get("operations", {}).get("tested", 0),
        "inputs": report.get("test_cases", {}).get("generated", 0),
        "requests": sum(statuses.values()),
        "5xx": sum(n for status, n in statuses.items() if status >= 500),
        "server_error_failures": server,
        "conformance_failures": sum(f["count"] for f in failures) - server,
        "failure_codes": sorted({f"{f['code']} {f['title']}" for f in failures}),
        "semantic_rejections": report.get("filtered", 0),
        "errors": len(report.get("errors", [])),
    }


def run_schemathesis(
    server: LiveServer, token: str, schema_path: Path, report_path: Path
) -> subprocess.CompletedProcess[str]:
    command = [
        str(SCHEMATHESIS),
        "run",
        str(schema_path),
        "--url",
        server.base_url,
        "--checks",
        "all",
        "--header",
        f"Authorization: Bearer {token}",
        "--max-examples",
        str(MAX_EXAMPLES),
        "--seed",
        str(SEED),
        "--workers",
        "1",
        "--phases",
        "examples,coverage,fuzzing",
        "--continue-on-failure",
        "--request-timeout",
        "20",
        "--report",
        "json",
        "--report-json-path",
        str(report_path),
        "--output-truncate",
        "false",
        "--generation-database",
        "none",
    ]
    env = {
        **os.environ,
        "NO_COLOR": "1",
        "SCHEMATHESIS_HOOKS": "tests.contract.st_hooks",
        "PYTHONPATH": str(ROOT),
    }
    return subprocess.run(command, capture_output=True, text=True, timeout=600, env=env, cwd=ROOT)


@pytest.mark.parametrize("caller", CALLERS)
def test_schemathesis_finds_nothing(
    server: LiveServer, database: str, callers: dict[str, str], caller: str, tmp_path: Path
) -> None:
    if database.startswith("postgresql") and caller not in POSTGRES_CALLERS:
        pytest.skip("on PostgreSQL the party and the auditor run (CI time); all four on SQLite")
    with urlopen(server.base_url + "/api/openapi.json", timeout=30) as response:
        doc = json.loads(response.read())
    schema_path = tmp_path / "openapi.json"
    schema_path.write_text(json.dumps(with_examples(doc, server.seeded)))
    report_path = tmp_path / "report.json"
    before = Counter(server.statuses)
    result = run_schemathesis(server, callers[caller], schema_path, report_path)
    report = json.loads(report_path.read_text()) if report_path.exists() else {}
    counts = summarise(report, Counter(server.statuses) - before)
    RESULTS[f"{caller} ({database.split(':')[0].split('+')[0]})"] = counts
    output = result.stdout[-20000:] + result.stderr[-5000:]
    assert report, output
    assert counts["operations"] == len([op for ops in doc["paths"].values() for op in ops]), output
    assert counts["5xx"] == 0, output
    assert counts["server_error_failures"] == 0, output
    assert counts["conformance_failures"] == 0, output
    assert counts["errors"] == 0, output
    assert result.returncode == 0, output
