"""Messages: the thread's single timeline (text, calls, policy notices, meetings, schedules)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

SYSTEM_AUTHOR = "system"


class MessageKind(StrEnum):
    TEXT = "text"
    SYSTEM = "system"
    CALL = "call"
    MEETING = "meeting"
    SCHEDULE = "schedule"
    POLICY = "policy"
    RECORDING = "recording"
    FILE = "file"  # a file a party attached (id, name, size, content type, sha256)


@dataclass(frozen=True)
class Message:
    """One stored message. ``seq`` is per-thread, gap-free and increasing."""

    id: str
    thread_id: str
    seq: int
    author_id: str
    kind: MessageKind
    body: dict[str, Any]
    created_at: datetime
    client_msg_id: str | None = None

    def __post_init__(self) -> None:
        if self.seq < 1:
            raise ValueError("seq starts at 1")


@dataclass(frozen=True)
class NewMessage:
    """A message about to be appended; the store assigns id, seq and created_at."""

    thread_id: str
    author_id: str
    kind: MessageKind
    body: dict[str, Any]
    client_msg_id: str | None = None
    audit: dict[str, Any] = field(default_factory=dict)
