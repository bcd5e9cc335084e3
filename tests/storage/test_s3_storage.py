"""The storage port on an S3-compatible store (moto in server mode): write-once by
conditional PUT, ranged reads, listing and deletion of every version, and the recording's
retention and legal hold mapped onto S3 Object Lock, read back with boto3 directly."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from recording.retention import sweep
from recording.s3 import S3Config, S3Storage
from recording.storage import RecordingExists, RecordingStorage, flush_spool, store_recovered
from signaling.errors import NotFound, RecordingError
from tests.storage.conftest import ACCESS_KEY, REGION, SECRET_KEY, S3Server

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

DATA = bytes(range(256)) * 40  # 10,240 bytes


def make_storage(
    server: S3Server, bucket: str, tmp_path: Path, *, retention_days: int = 90, **extra: str
) -> S3Storage:
    config = S3Config(
        bucket=bucket,
        endpoint_url=server.endpoint,
        region=REGION,
        access_key_id=ACCESS_KEY,
        secret_access_key=SECRET_KEY,
        addressing_style="path",
        prefix="node/",
        retention_days=retention_days,
        **extra,  # type: ignore[arg-type]
    )
    return S3Storage(config, spool=tmp_path / "spool")


def spooled(tmp_path: Path, name: str, data: bytes = DATA) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_put_get_range_and_refuse_overwrite(
    s3_server: S3Server, s3: S3Client, plain_bucket: str, tmp_path: Path
) -> None:
    storage: RecordingStorage = make_storage(s3_server, plain_bucket, tmp_path)
    assert not storage.exists("a-1.webm")
    stored = storage.adopt("a-1.webm", spooled(tmp_path, "a-1.webm"))
    assert stored.size == len(DATA)
    assert not (tmp_path / "a-1.webm").exists()  # the spool copy is consumed
    # what the store holds, read with boto3 directly, under the prefix and folder
    got = s3.get_object(Bucket=plain_bucket, Key="node/recordings/a-1.webm")
    assert got["Body"].read() == DATA
    assert storage.location("a-1.webm") == f"s3://{plain_bucket}/node/recordings/a-1.webm"
    assert storage.local_path("a-1.webm") is None

    assert storage.exists("a-1.webm") and storage.size("a-1.webm") == len(DATA)
    with storage.open_range("a-1.webm", 1000, 24) as body:
        assert body.read() == DATA[1000:1024]
    with storage.open_read("a-1.webm") as body:
        assert body.read() == DATA
    with storage.local_copy("a-1.webm") as copy:
        assert copy.read_bytes() == DATA
    assert not copy.exists()  # the private download is removed
    assert storage.stored_sha256("a-1.webm") == hashlib.sha256(DATA).hexdigest()

    # write-once: the conditional PUT itself refuses (adopt does not look first) ...
    with pytest.raises(RecordingExists):
        storage.adopt("a-1.webm", spooled(tmp_path, "again", b"other bytes"))
    assert (tmp_path / "again").exists()  # nothing consumed
    with pytest.raises(RecordingExists):  # ... and put_file refuses before producing
        storage.put_file("a-1.webm", lambda path: pytest.fail("produced over a stored key"))
    assert s3.get_object(Bucket=plain_bucket, Key="node/recordings/a-1.webm")["Body"].read() == (
        DATA
    )

    stored = storage.put_file("a-1.composite.webm", lambda path: path.write_bytes(b"side"))
    assert stored.size == 4
    s3.put_object(Bucket=plain_bucket, Key="node/recordings/notes.txt", Body=b"not a recording")
    assert [i.key for i in storage.list()] == ["a-1.composite.webm", "a-1.webm"]
    assert all(i.modified.tzinfo is not None for i in storage.list())
    assert list((tmp_path / "spool").iterdir()) == []  # no staging left behind

    with pytest.raises(NotFound):
        storage.size("b-1.webm")
    with pytest.raises(NotFound):
        storage.open_range("b-1.webm", 0, 10)
    with pytest.raises(NotFound):  # a key that is not a plain file name
        storage.exists("../a-1.webm")


def test_without_object_lock_the_server_enforces_and_deletes_every_version(
    s3_server: S3Server, s3: S3Client, plain_bucket: str, tmp_path: Path
) -> None:
    s3.put_bucket_versioning(Bucket=plain_bucket, VersioningConfiguration={"Status": "Enabled"})
    storage = make_storage(s3_server, plain_bucket, tmp_path)
    assert storage.protection == "server"
    storage.adopt("a-1.webm", spooled(tmp_path, "a-1.webm"))
    head: dict[str, object] = dict(
        s3.head_object(Bucket=plain_bucket, Key="node/recordings/a-1.webm")
    )
    assert "ObjectLockMode" not in head and "ObjectLockRetainUntilDate" not in head
    assert storage.set_legal_hold("a-1.webm", True) is False  # the sweep honours it instead
    storage.delete("a-1.webm")
    storage.delete("a-1.webm")  # idempotent
    versions = s3.list_object_versions(Bucket=plain_bucket, Prefix="node/recordings/a-1.webm")
    assert versions.get("Versions", []) == [] and versions.get("DeleteMarkers", []) == []


def test_retention_and_legal_hold_map_onto_object_lock(
    s3_server: S3Server, s3: S3Client, locked_bucket: str, tmp_path: Path
) -> None:
    storage = make_storage(s3_server, locked_bucket, tmp_path, retention_days=30)
    assert storage.protection == "object-lock"
    before = datetime.now(UTC)
    storage.adopt("a-1.webm", spooled(tmp_path, "a-1.webm"))
    name = "node/recordings/a-1.webm"
    head = s3.head_object(Bucket=locked_bucket, Key=name)
    assert head["ObjectLockMode"] == "GOVERNANCE"
    until = head["ObjectLockRetainUntilDate"].astimezone(UTC)
    assert before + timedelta(days=30) - timedelta(seconds=1) <= until
    assert until <= datetime.now(UTC) + timedelta(days=30)

    assert storage.set_legal_hold("a-1.webm", True) is True
    hold = s3.get_object_legal_hold(Bucket=locked_bucket, Key=name)
    assert hold["LegalHold"]["Status"] == "ON"
    with pytest.raises(RecordingError) as refused:  # the store itself refuses
        storage.delete("a-1.webm")
    assert refused.value.code == "recording_locked"
    assert storage.set_legal_hold("a-1.webm", False) is True
    hold = s3.get_object_legal_hold(Bucket=locked_bucket, Key=name)
    assert hold["LegalHold"]["Status"] == "OFF"
    with pytest.raises(RecordingError):  # still within retention (GOVERNANCE)
        storage.delete("a-1.webm")
    assert s3.get_object(Bucket=locked_bucket, Key=name)["Body"].read() == DATA


def test_lock_mode_off_writes_without_object_lock(
    s3_server: S3Server, s3: S3Client, locked_bucket: str, tmp_path: Path
) -> None:
    storage = make_storage(s3_server, locked_bucket, tmp_path, lock_mode="off")
    assert storage.protection == "server"
    storage.adopt("a-1.webm", spooled(tmp_path, "a-1.webm"))
    head: dict[str, object] = dict(
        s3.head_object(Bucket=locked_bucket, Key="node/recordings/a-1.webm")
    )
    assert "ObjectLockMode" not in head


def test_retention_sweep_on_the_bucket_keeps_held_and_young(
    s3_server: S3Server, s3: S3Client, plain_bucket: str, tmp_path: Path
) -> None:
    storage = make_storage(s3_server, plain_bucket, tmp_path)
    for key in ("old-1.webm", "held-1.webm"):
        storage.adopt(key, spooled(tmp_path, key))
    later = datetime.now(UTC) + timedelta(days=100)
    deleted = sweep(storage, retention_days=90, now=later, held=lambda key: key.startswith("h"))
    assert deleted == ["old-1.webm"]
    assert [i.key for i in storage.list()] == ["held-1.webm"]
    assert sweep(storage, retention_days=90, now=datetime.now(UTC), held=lambda key: False) == []


def test_a_recovered_recording_is_stored_once(
    s3_server: S3Server, s3: S3Client, plain_bucket: str, tmp_path: Path
) -> None:
    """The start-up sweep's file goes to the bucket; after a crash between the upload and the
    call record, the stored object with the same hash counts, and a different one does not."""
    storage = make_storage(s3_server, plain_bucket, tmp_path)
    digest = hashlib.sha256(DATA).hexdigest()
    path = spooled(tmp_path, "a-1.webm")
    segment = {"key": "a-1.webm", "path": str(path), "sha256": digest}
    assert store_recovered(storage, segment)
    assert segment["path"] == storage.location("a-1.webm") and not path.exists()
    again = {"key": "a-1.webm", "path": str(spooled(tmp_path, "a-1.webm")), "sha256": digest}
    assert store_recovered(storage, again) and not path.exists()
    other = spooled(tmp_path, "a-1.webm", b"different")
    segment = {"key": "a-1.webm", "path": str(other), "sha256": hashlib.sha256(b"x").hexdigest()}
    assert not store_recovered(storage, segment)
    assert other.exists()  # kept for a human to look at


def test_files_left_in_the_spool_are_stored_at_start_up(
    s3_server: S3Server, s3: S3Client, plain_bucket: str, tmp_path: Path
) -> None:
    """An upload that failed leaves the finished file in the spool; the next start-up stores
    it (and one already stored with the same bytes just leaves the spool)."""
    storage = make_storage(s3_server, plain_bucket, tmp_path)
    spool = tmp_path / "recordings"
    spool.mkdir()
    (spool / "a-1.webm").write_bytes(DATA)
    (spool / "a-2.mkv").write_bytes(b"second")
    (spool / ".a-3.webm.partial").write_bytes(b"staging")  # hidden: not a finished file
    storage.adopt("a-2.mkv", spooled(tmp_path, "copy", b"second"))
    assert flush_spool(storage, spool) == ["a-1.webm", "a-2.mkv"]
    assert sorted(p.name for p in spool.iterdir()) == [".a-3.webm.partial"]
    got = s3.get_object(Bucket=plain_bucket, Key="node/recordings/a-1.webm")
    assert got["Body"].read() == DATA
    assert flush_spool(storage, spool) == []
    local = tmp_path / "local"
    local.mkdir()
    (local / "a-1.webm").write_bytes(DATA)
    from recording.storage import LocalDiskStorage

    assert flush_spool(LocalDiskStorage(local), local) == []  # the spool is the storage
    assert (local / "a-1.webm").exists()


def test_the_sweep_skips_what_object_lock_still_holds_and_goes_on(
    s3_server: S3Server, s3: S3Client, locked_bucket: str, tmp_path: Path
) -> None:
    """Retention shortened after upload: the store keeps refusing until the lock date; the
    sweep logs it, keeps going, and deletes what is not locked."""
    locked = make_storage(s3_server, locked_bucket, tmp_path, retention_days=30)
    unlocked = make_storage(s3_server, locked_bucket, tmp_path, lock_mode="off")
    locked.adopt("a-1.webm", spooled(tmp_path, "a"))
    unlocked.adopt("b-1.webm", spooled(tmp_path, "b"))
    later = datetime.now(UTC) + timedelta(days=2)
    deleted = sweep(locked, retention_days=1, now=later, held=lambda key: False)
    assert deleted == ["b-1.webm"]
    assert [i.key for i in locked.list()] == ["a-1.webm"]
    name = "node/recordings/a-1.webm"
    assert s3.get_object(Bucket=locked_bucket, Key=name)["Body"].read() == DATA
