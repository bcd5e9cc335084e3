"""Where recordings live: a small port and the local-disk default (``./var/recordings``).

A recording is addressed by a *key*, its file name (``<call id>-<segment>.webm``). The port's
methods block (file I/O); callers on the event loop run them with ``asyncio.to_thread``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, Protocol

from signaling.errors import NotFound

DEFAULT_ROOT = Path("var/recordings")
RECORDING_SUFFIXES = frozenset({".webm", ".mkv"})
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$")


@dataclass(frozen=True)
class StoredRecording:
    """One stored file: its key, size in bytes and last modification time (UTC)."""

    key: str
    size: int
    modified: datetime


class RecordingStorage(Protocol):
    """Blocking file operations on stored recordings."""

    def path_for(self, key: str) -> Path:
        """The local path a recording with this key is (or will be) written to."""
        ...

    def open_read(self, key: str) -> BinaryIO:
        """Open a stored recording for reading; NotFound if absent."""
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


def _not_found() -> NotFound:
    return NotFound("no such recording", code="recording_not_found")


class LocalDiskStorage:
    """Recordings as files under one directory (``./var/recordings`` by default)."""

    def __init__(self, root: Path = DEFAULT_ROOT) -> None:
        self.root = root

    def path_for(self, key: str) -> Path:
        """The path for ``key``; a key that could escape the root is NotFound."""
        if not _KEY.match(key) or ".." in key:
            raise _not_found()
        return self.root / key

    def open_read(self, key: str) -> BinaryIO:
        """Open for reading (binary)."""
        try:
            return self.path_for(key).open("rb")
        except (FileNotFoundError, IsADirectoryError):
            raise _not_found() from None

    def size(self, key: str) -> int:
        """Size in bytes."""
        path = self.path_for(key)
        if not path.is_file():
            raise _not_found()
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
            if path.is_file() and path.suffix in RECORDING_SUFFIXES:
                stat = path.stat()
                out.append(
                    StoredRecording(
                        path.name, stat.st_size, datetime.fromtimestamp(stat.st_mtime, UTC)
                    )
                )
        return out
