"""Local storage and the retention sweep (legal holds keep files)."""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from recording.naming import (
    CONTAINERS,
    RecordingKey,
    composite_key,
    container_for,
    media_type,
    parse_key,
    segment_key,
)
from recording.retention import sweep
from recording.storage import LocalDiskStorage, RecordingExists, RecordingStorage
from signaling.errors import NotFound

pytestmark = pytest.mark.allow_blocking  # the port is blocking by design; callers use threads


def aged(root: Path, name: str, days: float, now: datetime) -> None:
    path = root / name
    path.write_bytes(b"x" * 10)
    stamp = (now - timedelta(days=days)).timestamp()
    os.utime(path, (stamp, stamp))


def test_local_disk_storage_conforms_and_reads(tmp_path: Path) -> None:
    storage: RecordingStorage = LocalDiskStorage(tmp_path)
    (tmp_path / "a-1.webm").write_bytes(b"webm!")
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


def test_storage_is_write_once(tmp_path: Path) -> None:
    storage: RecordingStorage = LocalDiskStorage(tmp_path)
    with storage.create("a-1.mkv") as fh:
        fh.write(b"original")
    with pytest.raises(RecordingExists):
        storage.create("a-1.mkv")
    with pytest.raises(RecordingExists):
        storage.put_file("a-1.mkv", lambda path: path.write_bytes(b"rendered"))
    assert (tmp_path / "a-1.mkv").read_bytes() == b"original"
    stored = storage.put_file("a-1.composite.webm", lambda path: path.write_bytes(b"side"))
    assert stored.key == "a-1.composite.webm" and stored.size == 4
    assert storage.exists("a-1.composite.webm")
    assert [i.key for i in storage.list()] == ["a-1.composite.webm", "a-1.mkv"]  # no staging


def test_put_file_refuses_a_key_that_appears_while_producing(tmp_path: Path) -> None:
    storage = LocalDiskStorage(tmp_path)

    def produce(path: Path) -> None:
        path.write_bytes(b"late")
        (tmp_path / "a-1.composite.webm").write_bytes(b"first")  # another writer got there

    with pytest.raises(RecordingExists):
        storage.put_file("a-1.composite.webm", produce)
    assert (tmp_path / "a-1.composite.webm").read_bytes() == b"first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-1.composite.webm"]  # staging gone


def test_a_failed_rendering_leaves_nothing(tmp_path: Path) -> None:
    storage = LocalDiskStorage(tmp_path)

    def produce(path: Path) -> None:
        path.write_bytes(b"half")
        raise RuntimeError("encoder died")

    with pytest.raises(RuntimeError):
        storage.put_file("a-1.composite.webm", produce)
    assert list(tmp_path.iterdir()) == []


def test_derived_names_never_collide_with_originals() -> None:
    call = "0b7f5c1e-0000-4000-8000-000000000001"
    for container in CONTAINERS:
        original = segment_key(call, 2, container)
        parsed = parse_key(original)
        assert parsed is not None and parsed.is_original and parsed.call_id == call
        derived = composite_key(original)
        assert derived == f"{call}-2.composite.webm" != original
        assert parse_key(derived) == RecordingKey(call, 2, "webm", "composite")
        with pytest.raises(ValueError):
            composite_key(derived)  # no composite of a composite
    assert media_type(f"{call}-1.mkv") == "video/x-matroska"
    assert media_type(f"{call}-1.webm") == "video/webm"
    assert container_for({"vp8", "opus"}) == "webm" and container_for({"h264", "opus"}) == "mkv"
    for bad in ("x.webm", f"{call}-0.webm", f"{call}-1.composite.mkv", f"{call}-1.mp4", ""):
        assert parse_key(bad) is None
