"""Where recordings live: a small port and the local-disk default (``./var/recordings``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from signaling.errors import NotFound

_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$")


@dataclass(frozen=True)
class StoredRecording:
    key: str
    size: int
    modified: datetime


class RecordingStorage(Protocol):
    """Blocking file operations; callers run them in a worker thread."""

    def path_for(self, key: str) -> Path: ...

    def list(self) -> list[StoredRecording]: ...

    def delete(self, key: str) -> None: ...


class LocalDiskStorage:
    """Recordings as files under one directory."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, key: str) -> Path:
        if not _KEY.match(key) or ".." in key:
            raise NotFound("no such recording", code="recording_not_found")
        return self.root / key

    def list(self) -> list[StoredRecording]:
        if not self.root.is_dir():
            return []
        out = []
        for path in sorted(self.root.iterdir()):
            if path.is_file() and path.suffix in {".webm", ".mkv"}:
                stat = path.stat()
                out.append(
                    StoredRecording(
                        path.name, stat.st_size, datetime.fromtimestamp(stat.st_mtime, UTC)
                    )
                )
        return out

    def delete(self, key: str) -> None:
        self.path_for(key).unlink(missing_ok=True)
