"""``interview-server policy scan``: scan JSON Lines messages and print the findings.

Input lines are ``{"id": ..., "text": ...}``; each produces one output line
``{"id": ..., "labels": [...], "findings": [...]}`` or, for a malformed line,
``{"id": <id or null>, "error": "<reason>"}``. The scan never stops on a bad line.
"""

from __future__ import annotations

import json
import logging
import os
import stat
from dataclasses import asdict
from typing import Any, TextIO

from tqdm import tqdm

from signaling.policy.detector import default_detector

logger = logging.getLogger(__name__)

PROGRESS_MIN_LINES = 1000


def _regular_file_lines(stream: TextIO) -> int | None:
    """Line count of ``stream`` when it is a seekable regular file, else ``None``."""
    try:
        fd = stream.fileno()
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        pos = stream.tell()
        count = sum(1 for _ in stream)
        stream.seek(pos)
        return count
    except (OSError, ValueError, AttributeError):
        return None


def _parse_line(line: str) -> tuple[Any, str | None, str | None]:
    """Return ``(id, text, error)`` for one input line."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return None, None, f"invalid JSON: {exc.msg} at column {exc.colno}"
    if not isinstance(record, dict):
        return None, None, f"expected a JSON object, got {type(record).__name__}"
    rid = record.get("id")
    if rid is not None and not isinstance(rid, str | int):
        return None, None, "'id' must be a string or an integer"
    if "text" not in record:
        return rid, None, "missing 'text'"
    text = record["text"]
    if not isinstance(text, str):
        return rid, None, f"'text' must be a string, got {type(text).__name__}"
    return rid, text, None


def run_scan(inp: TextIO, out: TextIO, err: TextIO, *, show_progress: bool | None = None) -> int:
    """Scan every JSON line of ``inp`` and write one result line per input line to ``out``.

    A tqdm progress bar goes to ``err`` when ``show_progress`` is true, or, when it is
    ``None``, when ``inp`` is a regular file of more than 1,000 lines. Returns 0, or 1 when
    at least one line was malformed. Blank lines are skipped.
    """
    total = _regular_file_lines(inp) if show_progress is not False else None
    if show_progress is None:
        show_progress = total is not None and total > PROGRESS_MIN_LINES
    detector = default_detector()
    bad = 0
    bar = tqdm(total=total, file=err, unit="msg", disable=not show_progress, leave=False)
    try:
        for lineno, line in enumerate(inp, start=1):
            bar.update(1)
            if not line.strip():
                continue
            rid, text, error = _parse_line(line)
            if error is not None or text is None:
                bad += 1
                logger.warning("policy scan: line %d malformed: %s", lineno, error)
                result: dict[str, Any] = {"id": rid, "error": f"line {lineno}: {error}"}
            else:
                findings = detector.scan(text)
                result = {
                    "id": rid,
                    "labels": sorted({f.label for f in findings}),
                    "findings": [asdict(f) for f in findings],
                }
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
    finally:
        bar.close()
    out.flush()
    return 1 if bad else 0
