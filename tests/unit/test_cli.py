"""The ``interview-server`` command line, run as a real subprocess."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.allow_blocking


def run(
    args: list[str], data_dir: Path, stdin: str = "", **env: str
) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("INTERVIEW_")}
    environ.update({"INTERVIEW_DATA_DIR": str(data_dir), **env})
    return subprocess.run(
        [sys.executable, "-m", "signaling", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=environ,
        timeout=120,
        check=False,
    )


def test_bad_configuration_names_the_variable(tmp_path: Path) -> None:
    result = run(["migrate"], tmp_path, INTERVIEW_PORT="eighty")
    assert result.returncode == 2
    assert "INTERVIEW_PORT" in result.stderr and "Traceback" not in result.stderr
    result = run(["migrate"], tmp_path, INTERVIEW_POLICY_ACTION="shout")
    assert result.returncode == 2 and "INTERVIEW_POLICY_ACTION" in result.stderr


def test_demo_then_verify_then_tamper(tmp_path: Path) -> None:
    demo = run(["demo"], tmp_path, INTERVIEW_DEV_MODE="1")
    assert demo.returncode == 0, demo.stderr
    assert demo.stdout.count("/#token=") == 3 and "?token=" not in demo.stdout
    ok = run(["audit", "verify"], tmp_path)
    assert ok.returncode == 0 and "1 of 1 chains verify" in ok.stdout
    with sqlite3.connect(tmp_path / "interview.sqlite3") as db:
        db.execute("UPDATE audit_log SET entry = replace(entry, 'demo-job-1', 'demo-job-2')")
    broken = run(["audit", "verify"], tmp_path)
    assert broken.returncode == 1
    assert "BROKEN" in broken.stdout and "position 0" in broken.stdout


def test_policy_scan_jsonl(tmp_path: Path) -> None:
    lines = "\n".join(
        [
            json.dumps({"id": "a", "text": "text me on whatsapp +44 7911 123456"}),
            "{broken",
            json.dumps({"id": "b", "text": "The budget is $2,000 for two weeks."}),
        ]
    )
    result = run(["policy", "scan"], tmp_path, stdin=lines)
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o.get("id") for o in out] == ["a", None, "b"]
    assert out[0]["labels"] == ["phone"]
    assert "error" in out[1]
    assert out[2]["labels"] == []
    assert result.returncode == 1  # a malformed line was reported


def test_unreachable_database_is_a_clear_error(tmp_path: Path) -> None:
    result = run(
        ["migrate"], tmp_path, INTERVIEW_DATABASE_URL="postgresql://nobody@127.0.0.1:1/none"
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr


def test_export_then_verify_a_case_bundle(tmp_path: Path) -> None:
    import asyncio as aio

    assert run(["demo"], tmp_path, INTERVIEW_DEV_MODE="1").returncode == 0

    async def open_case() -> str:
        from signaling.store.audit import SqlAuditStore
        from signaling.store.sql import SqlStore, make_engine

        store = SqlStore(make_engine(f"sqlite+aiosqlite:///{tmp_path / 'interview.sqlite3'}"))
        try:
            (thread,) = await store.list_threads(None)
            case = await SqlAuditStore(store.engine).open_case(
                thread_id=thread.id,
                call_id=None,
                reason="test",
                opened_by="a1",
                source="auditor",
            )
            return str(case["id"])
        finally:
            await store.close()

    case_id = aio.run(open_case())
    out = tmp_path / "case.zip"
    exported = run(["audit", "export", "--case", case_id, "--out", str(out)], tmp_path)
    assert exported.returncode == 0, exported.stderr
    verified = run(["audit", "verify", "--bundle", str(out)], tmp_path)
    assert verified.returncode == 0 and verified.stdout.startswith("ok"), verified.stdout
    missing = run(["audit", "export", "--case", "nope", "--out", str(out)], tmp_path)
    assert missing.returncode == 1 and "no such case" in missing.stderr
