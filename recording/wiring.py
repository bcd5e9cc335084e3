"""The one place that chooses where recordings and thread files are stored, from settings:
an S3-compatible bucket when ``INTERVIEW_STORAGE_S3_BUCKET`` is set, else the local
directories under the data dir (the embedded default)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from recording.storage import LocalDiskStorage, RecordingStorage
from signaling.settings import Settings

if TYPE_CHECKING:
    from recording.s3 import S3Config


def s3_config(settings: Settings) -> S3Config | None:
    """The bucket's configuration, or None for local directories."""
    if not settings.storage_s3_bucket:
        return None
    from recording.s3 import S3Config  # boto3 loads only when a bucket is configured

    return S3Config(
        bucket=settings.storage_s3_bucket,
        endpoint_url=settings.storage_s3_endpoint_url,
        region=settings.storage_s3_region,
        access_key_id=settings.storage_s3_access_key_id,
        secret_access_key=settings.storage_s3_secret_access_key,
        addressing_style=settings.storage_s3_addressing_style,
        prefix=settings.storage_s3_prefix,
        lock_mode=settings.storage_s3_lock_mode,
        retention_days=settings.recording_retention_days,
        timeout_seconds=settings.storage_s3_timeout_seconds,
    )


def recording_storage(settings: Settings) -> RecordingStorage:
    """Recordings: ``<bucket>/<prefix>recordings/`` or ``<data dir>/recordings``. Recorders
    always write into ``<data dir>/recordings`` first (the spool), then store the file."""
    config = s3_config(settings)
    if config is None:
        return LocalDiskStorage(settings.recordings_dir)
    from recording.s3 import S3Storage

    return S3Storage(config, folder="recordings", spool=settings.recordings_dir)


def file_storage(settings: Settings) -> RecordingStorage:
    """Thread files: ``<bucket>/<prefix>files/`` or ``<data dir>/files`` (staged there first)."""
    config = s3_config(settings)
    if config is None:
        return LocalDiskStorage(settings.files_dir, noun="file", suffixes=None)
    from recording.s3 import S3Storage

    return S3Storage(config, folder="files", spool=settings.files_dir, noun="file", suffixes=None)
