"""The JSON Lines scan: output format, malformed lines, progress bar."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from signaling.policy.cli import run_scan


def _scan(lines: list[str], **kwargs: bool | None) -> tuple[int, list[dict[str, object]], str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_scan(io.StringIO("".join(line + "\n" for line in lines)), out, err, **kwargs)
    return code, [json.loads(line) for line in out.getvalue().splitlines()], err.getvalue()


def test_output_format() -> None:
    code, rows, _ = _scan(
        [
            json.dumps({"id": "a", "text": "mail ana.lopez@gmail.com or call +34 612 45 78 90"}),
            json.dumps({"id": 2, "text": "Budget is 2,000."}),
        ]
    )
    assert code == 0
    assert rows[0]["id"] == "a"
    assert rows[0]["labels"] == ["email", "phone"]
    findings = rows[0]["findings"]
    assert isinstance(findings, list)
    assert set(findings[0]) == {"label", "start", "end", "text", "value", "confidence"}
    assert rows[1] == {"id": 2, "labels": [], "findings": []}


@pytest.mark.parametrize(
    ("line", "expected_id", "reason"),
    [
        ("{not json", None, "invalid JSON"),
        ("[1, 2]", None, "expected a JSON object"),
        (json.dumps({"id": "m1"}), "m1", "missing 'text'"),
        (json.dumps({"id": "m2", "text": 5}), "m2", "'text' must be a string"),
        (json.dumps({"id": [1], "text": "x"}), None, "'id' must be"),
    ],
)
def test_malformed_line_reports_and_continues(line: str, expected_id: object, reason: str) -> None:
    code, rows, _ = _scan([line, json.dumps({"id": "ok", "text": "Text me at 773-219-4086"})])
    assert code == 1
    assert rows[0]["id"] == expected_id
    assert reason in str(rows[0]["error"])
    assert rows[1]["labels"] == ["phone"]


def test_blank_lines_are_skipped() -> None:
    code, rows, _ = _scan(["", json.dumps({"id": 1, "text": "hi"}), "  "])
    assert code == 0
    assert len(rows) == 1


def test_progress_bar_for_large_regular_file(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(
        "".join(json.dumps({"id": i, "text": f"order {i} shipped"}) + "\n" for i in range(1001)),
        encoding="utf-8",
    )
    out, err = io.StringIO(), io.StringIO()
    with path.open(encoding="utf-8") as fh:
        assert run_scan(fh, out, err) == 0
    assert len(out.getvalue().splitlines()) == 1001
    assert "1001" in err.getvalue()


def test_no_progress_bar_for_small_file_or_stream(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps({"id": 1, "text": "hi"}) + "\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with path.open(encoding="utf-8") as fh:
        assert run_scan(fh, out, err) == 0
    assert err.getvalue() == ""
    code, _, err_text = _scan([json.dumps({"id": 1, "text": "hi"})] * 1200)
    assert code == 0
    assert err_text == ""


def test_forced_progress_bar() -> None:
    _, _, err_text = _scan([json.dumps({"id": 1, "text": "hi"})], show_progress=True)
    assert "msg" in err_text
