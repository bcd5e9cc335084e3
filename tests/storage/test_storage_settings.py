"""The object storage settings: documented defaults (the local directories), and bad values
refused at start-up naming the variable; the local directory keeps the port's new methods
write-once."""

from __future__ import annotations

from pathlib import Path

import pytest

from recording.storage import LocalDiskStorage, RecordingExists, RecordingStorage
from recording.wiring import file_storage, recording_storage, s3_config
from signaling.errors import ConfigError, NotFound
from signaling.settings import Settings

ENV = {"INTERVIEW_DEV_MODE": "1"}


def test_defaults_are_the_local_directories(tmp_path: Path) -> None:
    settings = Settings.from_env({**ENV, "INTERVIEW_DATA_DIR": str(tmp_path)})
    assert s3_config(settings) is None
    recordings, files = recording_storage(settings), file_storage(settings)
    assert isinstance(recordings, LocalDiskStorage) and recordings.root == tmp_path / "recordings"
    assert isinstance(files, LocalDiskStorage) and files.root == tmp_path / "files"
    assert recordings.protection == "server"


def test_s3_settings_are_read() -> None:
    settings = Settings.from_env(
        {
            **ENV,
            "INTERVIEW_STORAGE_S3_BUCKET": "recordings.example-1",
            "INTERVIEW_STORAGE_S3_ENDPOINT_URL": "http://minio:9000",
            "INTERVIEW_STORAGE_S3_ADDRESSING_STYLE": "path",
            "INTERVIEW_STORAGE_S3_LOCK_MODE": "COMPLIANCE",
            "INTERVIEW_STORAGE_S3_PREFIX": "prod/",
            "INTERVIEW_RECORDING_RETENTION_DAYS": "30",
        }
    )
    config = s3_config(settings)
    assert config is not None
    assert (config.bucket, config.endpoint_url, config.addressing_style) == (
        "recordings.example-1",
        "http://minio:9000",
        "path",
    )
    assert (config.lock_mode, config.prefix, config.retention_days) == ("COMPLIANCE", "prod/", 30)
    assert (config.region, config.timeout_seconds) == ("us-east-1", 30.0)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("STORAGE_S3_BUCKET", "Not_A_Bucket"),
        ("STORAGE_S3_BUCKET", "ab"),
        ("STORAGE_S3_ADDRESSING_STYLE", "sideways"),
        ("STORAGE_S3_LOCK_MODE", "governance-ish"),
        ("STORAGE_S3_ACCESS_KEY_ID", "only-the-id"),
        ("STORAGE_S3_PREFIX", "/abs/"),
        ("STORAGE_S3_TIMEOUT_SECONDS", "0"),
    ],
)
def test_bad_storage_settings_are_refused(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=name):
        Settings.from_env(
            {**ENV, "INTERVIEW_STORAGE_S3_BUCKET": "ok-bucket", f"INTERVIEW_{name}": value}
        )


def test_local_directory_ranges_copies_and_adopts_write_once(tmp_path: Path) -> None:
    storage: RecordingStorage = LocalDiskStorage(tmp_path / "rec")
    spool = tmp_path / "upload"
    spool.write_bytes(b"0123456789")
    stored = storage.adopt("a-1.webm", spool)
    assert stored.size == 10 and not spool.exists()
    assert storage.local_path("a-1.webm") == tmp_path / "rec" / "a-1.webm"
    with storage.open_range("a-1.webm", 3, 4) as fh:
        assert fh.read(4) == b"3456"
    with storage.local_copy("a-1.webm") as path:
        assert path.read_bytes() == b"0123456789"
    assert path.exists()  # on disk the copy is the stored file itself
    # a recorder's file already at its key's path is stored as it is
    in_place = tmp_path / "rec" / "a-2.webm"
    in_place.write_bytes(b"rec")
    assert storage.adopt("a-2.webm", in_place).size == 3 and in_place.exists()
    again = tmp_path / "again"
    again.write_bytes(b"other")
    with pytest.raises(RecordingExists):
        storage.adopt("a-1.webm", again)
    assert (tmp_path / "rec" / "a-1.webm").read_bytes() == b"0123456789"
    assert storage.set_legal_hold("a-1.webm", True) is False  # the sweep honours holds
    with pytest.raises(NotFound):
        with storage.local_copy("b-1.webm"):
            pass
