"""Where recordings (and thread files) live: a small port, the local-disk default
(``./var/recordings``) and, when configured, an S3-compatible object store
(:mod:`recording.s3`).

A recording is addressed by a *key*, its file name (named only by :mod:`recording.naming`).
The port's methods block (file or network I/O); callers on the event loop run them with
``asyncio.to_thread``.

Storage is **write-once**: a key that exists is never written again (``put_file``, ``adopt``
and ``create`` refuse with :class:`RecordingExists`), so an original whose hash is on the audit
chain cannot be replaced by a later rendering. Retention may still delete a key.

Recorders and uploads always write a local file first (the *spool*); ``adopt`` and
``put_file`` then commit it under its key: on local disk that is a hard link into the root
(or nothing, when the file is already there), on S3 a conditional ``PUT`` (``If-None-Match:
*``) after which the local copy is removed.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import logging
import os
import re
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO, Literal, Protocol

from signaling.errors import NotFound, RecordingError

logger = logging.getLogger(__name__)

DEFAULT_ROOT = Path("var/recordings")
RECORDING_SUFFIXES = frozenset({".webm", ".mkv"})
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$")


class RecordingExists(RecordingError):
    """A key that is already stored was written again: refused (storage is write-once)."""

    status = 409
    default_code = "recording_exists"


@dataclass(frozen=True)
class StoredRecording:
    """One stored file: its key, size in bytes and last modification time (UTC)."""

    key: str
    size: int
    modified: datetime


Protection = Literal["server", "object-lock"]
"""Who enforces retention and legal hold: this server only (it deletes nothing held or young,
but anyone with access to the disk or bucket can), or the object store too (S3 Object Lock:
the store itself refuses to delete or overwrite a locked version)."""


class RecordingStorage(Protocol):
    """Blocking file operations on stored recordings."""

    @property
    def protection(self) -> Protection:
        """Who enforces retention and legal hold (see :data:`Protection`)."""
        ...

    def location(self, key: str) -> str:
        """Where ``key`` is stored, for records and logs (a path or an ``s3://`` URL)."""
        ...

    def local_path(self, key: str) -> Path | None:
        """The file itself when the storage is a local directory (served with sendfile), else
        None (read it with :meth:`open_range` or :meth:`local_copy`)."""
        ...

    def open_range(self, key: str, start: int, length: int) -> BinaryIO:
        """``length`` bytes of ``key`` from ``start`` (an HTTP Range read); NotFound if
        absent. The caller reads it to the end (or less) and closes it."""
        ...

    def local_copy(self, key: str) -> contextlib.AbstractContextManager[Path]:
        """A local file with the bytes of ``key`` for as long as the context is open (the file
        itself on local disk; a private download removed afterwards on S3)."""
        ...

    def adopt(self, key: str, path: Path, *, sha256: str | None = None) -> StoredRecording:
        """Commit the finished local file ``path`` under ``key``, write-once; the local copy
        is consumed (it stays only where it already is the stored file). ``sha256`` (hex), when
        given, is checked by an object store on arrival. RecordingExists if stored."""
        ...

    def stored_sha256(self, key: str) -> str | None:
        """The SHA-256 (hex) of the stored bytes as the store knows it (None: absent, or the
        store keeps no digest)."""
        ...

    def set_legal_hold(self, key: str, on: bool) -> bool:
        """Put ``key`` under legal hold (or release it) where the store enforces holds; True
        if the store did, False if only this server's sweep honours it."""
        ...

    def open_read(self, key: str) -> BinaryIO:
        """Open a stored recording for reading; NotFound if absent."""
        ...

    def exists(self, key: str) -> bool:
        """Whether ``key`` is stored."""
        ...

    def create(self, key: str) -> BinaryIO:
        """Open a new key for writing (progressively); RecordingExists if it is stored."""
        ...

    def put_file(self, key: str, produce: Callable[[Path], object]) -> StoredRecording:
        """Store what ``produce(path)`` writes to a private staging file under ``key``, all or
        nothing; RecordingExists (before producing, and again at commit) if it is stored."""
        ...

    def size(self, key: str) -> int:
        """Size in bytes; NotFound if absent."""
        ...

    def delete(self, key: str) -> None:
        """Delete a recording; a missing one is not an error."""
        ...

    def list(self) -> list[StoredRecording]:
        """Every stored recording, sorted by key."""
        ...


def _not_found(noun: str = "recording") -> NotFound:
    return NotFound(f"no such {noun}", code=f"{noun}_not_found")


def _exists(key: str, noun: str = "recording") -> RecordingExists:
    return RecordingExists(
        f"a {noun} is already stored under {key}; stored files are never overwritten",
        code=f"{noun}_exists",
    )


class LocalDiskStorage:
    """Write-once files under one directory: recordings (``./var/recordings`` by default) and,
    with ``noun="file"`` and ``suffixes=None``, the files parties attach to threads
    (``<data dir>/files``). ``noun`` names what a missing or existing key is in errors;
    ``suffixes`` filters what :meth:`list` returns (None: every file)."""

    def __init__(
        self,
        root: Path = DEFAULT_ROOT,
        *,
        noun: str = "recording",
        suffixes: frozenset[str] | None = RECORDING_SUFFIXES,
    ) -> None:
        self.root = root
        self.noun = noun
        self.suffixes = suffixes

    protection: Protection = "server"

    def path_for(self, key: str) -> Path:
        """The path for ``key``; a key that could escape the root is NotFound."""
        if not _KEY.match(key) or ".." in key:
            raise _not_found(self.noun)
        return self.root / key

    def location(self, key: str) -> str:
        """The file's path."""
        return str(self.path_for(key))

    def local_path(self, key: str) -> Path | None:
        """The file's path (it may not exist)."""
        return self.path_for(key)

    def open_range(self, key: str, start: int, length: int) -> BinaryIO:
        """The file opened at ``start`` (the caller reads at most ``length`` bytes)."""
        fh = self.open_read(key)
        fh.seek(start)
        return fh

    @contextlib.contextmanager
    def local_copy(self, key: str) -> Iterator[Path]:
        """The stored file itself (nothing is copied)."""
        path = self.path_for(key)
        if not path.is_file():
            raise _not_found(self.noun)
        yield path

    def adopt(self, key: str, path: Path, *, sha256: str | None = None) -> StoredRecording:
        """A file already at its key's path (a recorder writes there) is stored as it is;
        another file is linked into place write-once and removed from where it was."""
        target = self.path_for(key)
        if path.resolve() != target.resolve():
            self.put_file(key, lambda staging: shutil.move(path, staging))
        stat = target.stat()
        return StoredRecording(key, stat.st_size, datetime.fromtimestamp(stat.st_mtime, UTC))

    def stored_sha256(self, key: str) -> str | None:
        """The file's SHA-256, computed now (None if absent)."""
        path = self.path_for(key)
        if not path.is_file():
            return None
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()

    def set_legal_hold(self, key: str, on: bool) -> bool:
        """Nothing to do on disk: the retention sweep skips held recordings."""
        return False

    def open_read(self, key: str) -> BinaryIO:
        """Open for reading (binary)."""
        try:
            return self.path_for(key).open("rb")
        except (FileNotFoundError, IsADirectoryError):
            raise _not_found(self.noun) from None

    def exists(self, key: str) -> bool:
        """Whether a file is stored under ``key``."""
        return self.path_for(key).is_file()

    def create(self, key: str) -> BinaryIO:
        """Open a new file exclusively (``O_EXCL``): an existing key is never truncated."""
        path = self.path_for(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return path.open("xb")
        except FileExistsError:
            raise _exists(key, self.noun) from None

    def put_file(self, key: str, produce: Callable[[Path], object]) -> StoredRecording:
        """Produce into a hidden staging file next to the target, then hard-link it into place.

        ``link(2)`` fails if the target exists, so the commit cannot overwrite a key even if
        another writer got there between the check and the commit. The staging file is
        removed whatever happens.
        """
        target = self.path_for(key)
        if target.exists():
            raise _exists(key, self.noun)
        self.root.mkdir(parents=True, exist_ok=True)
        staging = self.root / f".{key}.{uuid.uuid4().hex}.partial"
        try:
            produce(staging)
            try:
                os.link(staging, target)
            except FileExistsError:
                raise _exists(key, self.noun) from None
            except OSError as exc:
                if exc.errno not in (errno.EPERM, errno.EXDEV, errno.ENOTSUP):
                    raise
                # no hard links here: copy through an exclusive create instead
                with staging.open("rb") as src, self.create(key) as dst:
                    shutil.copyfileobj(src, dst, 1024 * 1024)
        finally:
            with contextlib.suppress(FileNotFoundError):
                staging.unlink()
        stat = target.stat()
        return StoredRecording(key, stat.st_size, datetime.fromtimestamp(stat.st_mtime, UTC))

    def size(self, key: str) -> int:
        """Size in bytes."""
        path = self.path_for(key)
        if not path.is_file():
            raise _not_found(self.noun)
        return path.stat().st_size

    def delete(self, key: str) -> None:
        """Remove the file if it exists."""
        self.path_for(key).unlink(missing_ok=True)

    def list(self) -> list[StoredRecording]:
        """Recording files directly under the root (other files are ignored)."""
        if not self.root.is_dir():
            return []
        out = []
        for path in sorted(self.root.iterdir()):
            wanted = self.suffixes is None or path.suffix in self.suffixes
            if path.is_file() and wanted and not path.name.startswith("."):
                stat = path.stat()
                out.append(
                    StoredRecording(
                        path.name, stat.st_size, datetime.fromtimestamp(stat.st_mtime, UTC)
                    )
                )
        return out


def store_recovered(storage: RecordingStorage, segment: dict[str, Any]) -> bool:
    """Store a recording the start-up sweep finished from the local spool (``segment["path"]``)
    under its key; True when it is stored with the segment's hash. Where the spool is the
    storage (local disk) there is nothing to do. An object already stored under the key (a
    crash after the upload, before the call record) counts if its hash is the segment's."""
    key = str(segment["key"])
    path = Path(str(segment["path"]))
    if storage.local_path(key) == path:
        return True
    try:
        storage.adopt(key, path, sha256=str(segment["sha256"]))
    except RecordingExists:
        if storage.stored_sha256(key) != segment["sha256"]:
            logger.error(
                "a different recording is already stored under key=%s; the local copy at %s "
                "is kept and not attached",
                key,
                path,
            )
            return False
        path.unlink(missing_ok=True)
    segment["path"] = storage.location(key)
    return True


def flush_spool(storage: RecordingStorage, spool: Path) -> list[str]:
    """Store every finished file left in the local spool (an upload that failed, or a node
    stopped before it): each goes to the storage write-once, and counts as stored if the same
    bytes are already there. Nothing to do where the spool is the storage. Returns the keys
    stored. Run at start-up, after crash recovery (which finishes cut files first). Blocking."""
    if not spool.is_dir():
        return []
    stored = []
    for path in sorted(spool.iterdir()):
        if not path.is_file() or path.name.startswith(".") or path.suffix not in RECORDING_SUFFIXES:
            continue
        if storage.local_path(path.name) == path:
            return []  # the spool is the storage (local directory)
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        segment: dict[str, Any] = {
            "key": path.name,
            "path": str(path),
            "sha256": digest.hexdigest(),
        }
        try:
            ok = store_recovered(storage, segment)
        except Exception:
            logger.exception("could not store a spooled file key=%s", path.name)
            continue
        if ok:
            logger.info("stored a spooled file key=%s at %s", path.name, segment["path"])
            stored.append(path.name)
    return stored
