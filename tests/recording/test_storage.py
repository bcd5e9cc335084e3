"""Local storage and the retention sweep (legal holds keep files)."""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from recording.retention import sweep
from recording.storage import LocalDiskStorage, RecordingStorage
from signaling.errors import NotFound

pytestmark = pytest.mark.allow_blocking  # the port is blocking by design; callers use threads


def aged(root: Path, name: str, days: float, now: datetime) -> None:
    path = root / name
    path.write_bytes(b"x" * 10)
    stamp = (now - timedelta(days=days)).timestamp()
    os.utime(path, (stamp, stamp))


def test_local_disk_storage_conforms_and_reads(tmp_path: Path) -> None:
    storage: RecordingStorage = LocalDiskStorage(tmp_path)
    storage.path_for("a-1.webm").write_bytes(b"webm!")
    (tmp_path / "notes.txt").write_text("not a recording")
    assert storage.size("a-1.webm") == 5
    with storage.open_read("a-1.webm") as fh:
        assert fh.read() == b"webm!"
    (item,) = storage.list()
    assert item.key == "a-1.webm" and item.size == 5 and item.modified.tzinfo is UTC
    storage.delete("a-1.webm")
    storage.delete("a-1.webm")  # idempotent
    assert storage.list() == []
    with pytest.raises(NotFound):
        storage.open_read("a-1.webm")
    with pytest.raises(NotFound):
        storage.size("a-1.webm")


@pytest.mark.parametrize("key", ["../etc/passwd", "..", ".hidden", "a/b.webm", ""])
def test_keys_cannot_escape_the_root(tmp_path: Path, key: str) -> None:
    with pytest.raises(NotFound):
        LocalDiskStorage(tmp_path).path_for(key)


def test_default_root_is_var_recordings() -> None:
    assert LocalDiskStorage().root == Path("var/recordings")


def test_retention_deletes_and_legal_hold_keeps(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    now = datetime(2026, 6, 1, tzinfo=UTC)
    for name, age in (("old.webm", 100), ("held.webm", 100), ("new.webm", 1), ("edge.mkv", 89)):
        aged(tmp_path, name, age, now)
    with caplog.at_level(logging.INFO, logger="recording.retention"):
        deleted = sweep(
            LocalDiskStorage(tmp_path),
            retention_days=90,
            now=now,
            held=lambda key: key == "held.webm",
        )
    assert deleted == ["old.webm"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["edge.mkv", "held.webm", "new.webm"]
    assert any("deleted" in r.getMessage() and "old.webm" in r.getMessage() for r in caplog.records)
    assert any("legal hold" in r.getMessage() for r in caplog.records)
