"""Recordings (and thread files) in an S3-compatible object store: the storage port
(:class:`recording.storage.RecordingStorage`) over boto3, for several nodes sharing one bucket.

Each method blocks (boto3 is synchronous); callers on the event loop run them in a thread, as
they do for the local directory.

* **Write-once.** Every object is written by a conditional ``PUT`` with ``If-None-Match: *``:
  the store refuses (412) a key that exists, even if another node wrote it a moment ago. That
  surfaces as :class:`~recording.storage.RecordingExists`, as on local disk. The PUT carries the
  file's SHA-256 (``x-amz-checksum-sha256``), so the store rejects bytes damaged on the way and
  keeps the digest beside the object.
* **Object Lock.** If the bucket has Object Lock enabled (checked once, on first use), each
  object is written with ``ObjectLockMode`` (``INTERVIEW_STORAGE_S3_LOCK_MODE``) and
  ``ObjectLockRetainUntilDate`` = now + ``INTERVIEW_RECORDING_RETENTION_DAYS``: the store itself
  refuses to delete or overwrite that version before the retention sweep would. A thread's
  legal hold sets ``LegalHold`` on its recordings (:meth:`S3Storage.set_legal_hold`). Without
  Object Lock (or with ``INTERVIEW_STORAGE_S3_LOCK_MODE=off``) the server logs a warning once
  and enforces retention and holds itself, as on local disk (:attr:`protection` says which).
* **Deletion** removes every version of the key (a plain DELETE on a versioned bucket would
  only add a delete marker and keep the bytes).
* A single PUT stores at most 5 GiB (S3's limit for one request); a larger file is refused
  with a clear error before anything is sent.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import logging
import re
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Literal, cast

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

from recording.storage import (
    RECORDING_SUFFIXES,
    Protection,
    StoredRecording,
    _exists,
    _not_found,
)
from signaling.errors import RecordingError

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

logger = logging.getLogger(__name__)

AddressingStyle = Literal["auto", "path", "virtual"]
LockMode = Literal["GOVERNANCE", "COMPLIANCE", "off"]
MAX_SINGLE_PUT = 5 * 1024**3  # S3's limit for one PutObject
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$")
_MISSING = {"404", "NoSuchKey", "NotFound", "NoSuchVersion"}
_NO_LOCK = {
    "ObjectLockConfigurationNotFoundError",
    "ObjectLockConfigurationNotFound",
    "NotImplemented",
    "AccessDenied",
    "MethodNotAllowed",
}


@dataclass(frozen=True)
class S3Config:
    """Where the bucket is and how to reach it (``INTERVIEW_STORAGE_S3_*``)."""

    bucket: str
    endpoint_url: str = ""  # empty: AWS for the region
    region: str = "us-east-1"
    access_key_id: str = ""  # empty: boto3's default chain (environment, profile, role)
    secret_access_key: str = ""
    addressing_style: AddressingStyle = "auto"
    prefix: str = ""  # prepended to every key (e.g. "prod/")
    lock_mode: LockMode = "GOVERNANCE"
    retention_days: int = 90  # Object Lock retain-until = write time + this (≤ 0: none)
    timeout_seconds: float = 30.0  # connect and read timeout of each request

    def client(self) -> S3Client:
        """A boto3 S3 client for this configuration (thread-safe; one per storage)."""
        kwargs: dict[str, Any] = {
            "region_name": self.region,
            "config": Config(
                s3={"addressing_style": self.addressing_style},
                connect_timeout=self.timeout_seconds,
                read_timeout=self.timeout_seconds,
                retries={"max_attempts": 3, "mode": "standard"},
            ),
        }
        if self.endpoint_url:
            kwargs["endpoint_url"] = self.endpoint_url
        if self.access_key_id:
            kwargs["aws_access_key_id"] = self.access_key_id
            kwargs["aws_secret_access_key"] = self.secret_access_key
        client: S3Client = boto3.session.Session().client("s3", **kwargs)
        return client


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


class S3Storage:
    """Write-once objects under ``<prefix><folder>/`` of one bucket.

    ``folder`` separates recordings from thread files in one bucket; ``spool`` is the local
    directory for private downloads (:meth:`local_copy`) and staging (:meth:`put_file`);
    ``noun`` and ``suffixes`` work as on :class:`recording.storage.LocalDiskStorage`.
    """

    def __init__(
        self,
        config: S3Config,
        *,
        folder: str = "recordings",
        spool: Path,
        noun: str = "recording",
        suffixes: frozenset[str] | None = RECORDING_SUFFIXES,
        client: S3Client | None = None,
    ) -> None:
        self.config = config
        self.bucket = config.bucket
        self.base = f"{config.prefix}{folder}/" if folder else config.prefix
        self.spool = spool
        self.noun = noun
        self.suffixes = suffixes
        self._client = client
        self._lock_checked = threading.Lock()
        self._object_lock: bool | None = None

    @property
    def client(self) -> S3Client:
        """The boto3 client, made on first use (it reads its service model from disk, so
        not on the event loop, where the storage is constructed)."""
        if self._client is None:
            with self._lock_checked:
                if self._client is None:
                    self._client = self.config.client()
        return self._client

    # ------------------------------------------------------------------ lock support
    @property
    def object_lock(self) -> bool:
        """Whether objects are written under Object Lock (bucket enabled, mode not off)."""
        if self._object_lock is None:
            probed = self._probe_lock()
            with self._lock_checked:
                if self._object_lock is None:
                    self._object_lock = probed
        return self._object_lock

    def _probe_lock(self) -> bool:
        if self.config.lock_mode == "off":
            logger.warning(
                "S3 Object Lock is off (INTERVIEW_STORAGE_S3_LOCK_MODE=off): retention and "
                "legal holds are enforced by this server only bucket=%s",
                self.bucket,
            )
            return False
        try:
            got = self.client.get_object_lock_configuration(Bucket=self.bucket)
            enabled = got.get("ObjectLockConfiguration", {}).get("ObjectLockEnabled") == "Enabled"
        except ClientError as exc:
            if _code(exc) not in _NO_LOCK:
                raise
            enabled = False
        if not enabled:
            logger.warning(
                "bucket %s has no Object Lock: recordings are stored write-once (conditional "
                "PUT) but retention and legal holds are enforced by this server only",
                self.bucket,
            )
        return enabled

    @property
    def protection(self) -> Protection:
        """``object-lock`` when the bucket enforces retention and holds, else ``server``."""
        return "object-lock" if self.object_lock else "server"

    # ------------------------------------------------------------------ names
    def object_key(self, key: str) -> str:
        """The object's name in the bucket; a key that is not a plain file name is NotFound."""
        if not _KEY.match(key) or ".." in key:
            raise _not_found(self.noun)
        return self.base + key

    def location(self, key: str) -> str:
        """``s3://bucket/<prefix><folder>/key``."""
        return f"s3://{self.bucket}/{self.object_key(key)}"

    def local_path(self, key: str) -> Path | None:
        """None: objects are read through :meth:`open_range` or :meth:`local_copy`."""
        return None

    # ------------------------------------------------------------------ reads
    def _head(self, key: str) -> dict[str, Any] | None:
        try:
            return cast(
                "dict[str, Any]",
                self.client.head_object(Bucket=self.bucket, Key=self.object_key(key)),
            )
        except ClientError as exc:
            if _code(exc) in _MISSING:
                return None
            raise

    def exists(self, key: str) -> bool:
        """Whether an object is stored under ``key``."""
        return self._head(key) is not None

    def size(self, key: str) -> int:
        """Size in bytes."""
        head = self._head(key)
        if head is None:
            raise _not_found(self.noun)
        return int(head["ContentLength"])

    def _get(self, key: str, **extra: Any) -> BinaryIO:
        try:
            got = self.client.get_object(Bucket=self.bucket, Key=self.object_key(key), **extra)
        except ClientError as exc:
            if _code(exc) in _MISSING:
                raise _not_found(self.noun) from None
            raise
        return cast(BinaryIO, got["Body"])

    def open_read(self, key: str) -> BinaryIO:
        """The whole object as a stream (read it, then close it)."""
        return self._get(key)

    def open_range(self, key: str, start: int, length: int) -> BinaryIO:
        """A ranged GET (``Range: bytes=start-(start+length-1)``)."""
        if length <= 0:
            raise ValueError("length must be positive")
        return self._get(key, Range=f"bytes={start}-{start + length - 1}")

    @contextlib.contextmanager
    def local_copy(self, key: str) -> Iterator[Path]:
        """Download to a private file in the spool, removed when the context closes."""
        self.spool.mkdir(parents=True, exist_ok=True)
        path = self.spool / f".{key}.{uuid.uuid4().hex}.download"
        try:
            with self._get(key) as body, path.open("xb") as out:
                for chunk in iter(lambda: body.read(1024 * 1024), b""):
                    out.write(chunk)
            yield path
        finally:
            path.unlink(missing_ok=True)

    def list(self) -> list[StoredRecording]:
        """Every object directly under the folder (filtered by suffix), sorted by key."""
        out = []
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.base):
            for item in page.get("Contents", []):
                key = item["Key"][len(self.base) :]
                if "/" in key or key.startswith(".") or not key:
                    continue
                if self.suffixes is not None and Path(key).suffix not in self.suffixes:
                    continue
                modified = item["LastModified"].astimezone(UTC)
                out.append(StoredRecording(key, int(item["Size"]), modified))
        return sorted(out, key=lambda item: item.key)

    # ------------------------------------------------------------------ writes
    def create(self, key: str) -> BinaryIO:
        """Not offered by an object store: write a local file and :meth:`adopt` it."""
        raise RecordingError(
            "an object store cannot be written progressively; write a local file and adopt it",
            code="storage_unsupported",
        )

    def put_file(self, key: str, produce: Callable[[Path], object]) -> StoredRecording:
        """Produce into a private file in the spool, then upload it write-once."""
        if self.exists(key):
            raise _exists(key, self.noun)
        self.spool.mkdir(parents=True, exist_ok=True)
        staging = self.spool / f".{key}.{uuid.uuid4().hex}.partial"
        try:
            produce(staging)
            return self.adopt(key, staging)
        finally:
            staging.unlink(missing_ok=True)

    def adopt(self, key: str, path: Path, *, sha256: str | None = None) -> StoredRecording:
        """Upload ``path`` under ``key`` with ``If-None-Match: *`` (and Object Lock retention
        when the bucket has it); the local file is removed once the store has it."""
        name = self.object_key(key)
        size = path.stat().st_size
        if size > MAX_SINGLE_PUT:
            raise RecordingError(
                f"{key} has {size} bytes; one object store upload takes at most "
                f"{MAX_SINGLE_PUT} bytes",
                code="recording_too_large",
            )
        digest = bytes.fromhex(sha256) if sha256 else _sha256(path)
        extra: dict[str, Any] = {}
        if self.object_lock and self.config.retention_days > 0:
            extra["ObjectLockMode"] = self.config.lock_mode
            extra["ObjectLockRetainUntilDate"] = datetime.now(UTC) + timedelta(
                days=self.config.retention_days
            )
        with path.open("rb") as body:
            try:
                self.client.put_object(
                    Bucket=self.bucket,
                    Key=name,
                    Body=body,
                    ContentLength=size,
                    IfNoneMatch="*",
                    ChecksumAlgorithm="SHA256",
                    ChecksumSHA256=base64.b64encode(digest).decode(),
                    **extra,
                )
            except ClientError as exc:
                if _code(exc) in {"PreconditionFailed", "412", "ConditionalRequestConflict"}:
                    raise _exists(key, self.noun) from None
                raise
        path.unlink(missing_ok=True)
        logger.info("stored object=%s bytes=%d lock=%s", self.location(key), size, bool(extra))
        return StoredRecording(key, size, datetime.now(UTC))

    def stored_sha256(self, key: str) -> str | None:
        """The SHA-256 (hex) the store kept for ``key`` at upload, if it reports one."""
        try:
            head = self.client.head_object(
                Bucket=self.bucket, Key=self.object_key(key), ChecksumMode="ENABLED"
            )
        except ClientError as exc:
            if _code(exc) in _MISSING:
                return None
            raise
        value = head.get("ChecksumSHA256")
        return base64.b64decode(value).hex() if value else None

    def set_legal_hold(self, key: str, on: bool) -> bool:
        """``PutObjectLegalHold`` ON/OFF on the current version; False without Object Lock."""
        if not self.object_lock:
            return False
        try:
            self.client.put_object_legal_hold(
                Bucket=self.bucket,
                Key=self.object_key(key),
                LegalHold={"Status": "ON" if on else "OFF"},
            )
        except ClientError as exc:
            if _code(exc) in _MISSING:
                return False
            raise
        return True

    def delete(self, key: str) -> None:
        """Delete every version of ``key`` (a missing key is not an error). A version still
        under Object Lock retention or legal hold is refused by the store: RecordingError."""
        name = self.object_key(key)
        paginator = self.client.get_paginator("list_object_versions")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=name):
            versions = [*page.get("Versions", []), *page.get("DeleteMarkers", [])]
            for version in versions:
                if version["Key"] != name:
                    continue
                try:
                    self.client.delete_object(
                        Bucket=self.bucket, Key=name, VersionId=version["VersionId"]
                    )
                except ClientError as exc:
                    if _code(exc) in _MISSING:
                        continue
                    if _code(exc) == "AccessDenied":
                        raise RecordingError(
                            f"the object store refuses to delete {key}: it is under Object "
                            "Lock retention or legal hold",
                            code="recording_locked",
                        ) from None
                    raise


def _sha256(path: Path) -> bytes:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.digest()
