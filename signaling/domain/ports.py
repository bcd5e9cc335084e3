"""Ports: the small Protocols the subsystems talk through. Adapters live in ``signaling/store``
(SQL), ``signaling/api`` and ``media/``; in-memory fakes implement the same Protocols."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from signaling.domain.calls import Call, CallEvent
from signaling.domain.messages import Message, MessageKind, NewMessage
from signaling.domain.threads import Role, Stage, Thread


@dataclass(frozen=True)
class UserProfile:
    id: str
    name: str
    role: str


@dataclass(frozen=True)
class AuditEntry:
    """One stored audit entry; ``entry`` is the canonical JSON that was hashed."""

    index: int
    chain: str
    position: int
    event_type: str
    actor_id: str
    created_at: datetime
    entry: str
    prev_hash: str
    hash: str
    # Position in the global Merkle log; None while the entry waits for the sequencer.
    leaf_index: int | None = None


@dataclass(frozen=True)
class ChainReport:
    """Result of re-computing an audit chain."""

    chain: str
    ok: bool
    checked: int
    first_bad_position: int | None = None
    reason: str = ""


@dataclass(frozen=True)
class AppendResult:
    message: Message
    created: bool
    thread: Thread


@dataclass(frozen=True)
class FindingRow:
    label: str
    start: int
    end: int
    matched: str
    value: str


class UserDirectory(Protocol):
    """Display names and roles of the people in threads."""

    async def upsert_user(self, user_id: str, name: str, role: str) -> None: ...

    async def get_users(self, user_ids: Sequence[str]) -> dict[str, UserProfile]: ...


class ThreadsAndMessages(Protocol):
    """Threads, their stage, and their gap-free message sequence."""

    async def create_thread(
        self, *, job_id: str, job_title: str, client_id: str, freelancer_id: str, actor_id: str
    ) -> tuple[Thread, bool]: ...

    async def get_thread(self, thread_id: str) -> Thread | None: ...

    async def list_threads(self, user_id: str | None, *, limit: int = 200) -> list[Thread]: ...

    async def append_message(self, new: NewMessage) -> AppendResult: ...

    async def list_messages(
        self, thread_id: str, *, after_seq: int = 0, limit: int = 200
    ) -> list[Message]: ...

    async def message_bodies(self, thread_id: str, kind: MessageKind) -> list[dict[str, Any]]: ...

    async def exempt_links(self, thread_id: str, seen_seq: int) -> list[str]: ...

    async def recent_thread(self, thread_id: str) -> Thread | None: ...

    async def set_stage(
        self, thread_id: str, to: Stage, *, actor_id: str, actor_role: Role
    ) -> Thread: ...


class AuditLog(Protocol):
    """The hash-chained audit entries (one chain per thread, plus ``access`` and others)."""

    async def append_audit(
        self, chain: str, event_type: str, actor_id: str, data: dict[str, Any]
    ) -> AuditEntry: ...

    async def audit_entries(
        self, chain: str | None = None, *, after_index: int = 0, limit: int = 10_000
    ) -> list[AuditEntry]: ...

    async def verify_chain(self, chain: str, *, cached: bool = False) -> ChainReport: ...

    async def audit_chains(self) -> list[str]: ...


class FindingsLog(Protocol):
    """What the contact-policy guard found in a message, with the original text."""

    async def record_findings(
        self,
        *,
        thread_id: str,
        message_id: str | None,
        author_id: str,
        action: str,
        original_text: str,
        findings: Sequence[FindingRow],
    ) -> None: ...


class ThreadStore(UserDirectory, ThreadsAndMessages, AuditLog, FindingsLog, Protocol):
    """All of the above, for the thread service (the one use case that needs them all);
    other code asks for the narrow port it uses."""

    async def close(self) -> None: ...


class MediaEventLike(Protocol):
    """What the media layer reports about a participant (connected, media_started, …)."""

    @property
    def kind(self) -> str: ...

    @property
    def participant_id(self) -> str: ...


class MediaSessionPort(Protocol):
    """The server-side peers of one call (implemented by ``media.session.MediaSession``)."""

    async def negotiate(self, participant_id: str, offer_sdp: str) -> str: ...

    async def add_candidate(
        self, participant_id: str, candidate: str, sdp_mid: str | None, sdp_mline_index: int | None
    ) -> None: ...

    def set_forwarding(self, enabled: bool) -> None: ...

    def stats(self) -> Any: ...

    async def close(self) -> None: ...


class MediaSessionFactory(Protocol):
    def __call__(
        self, call_id: str, on_event: Callable[[MediaEventLike], None]
    ) -> MediaSessionPort: ...


class CallStore(Protocol):
    """Persistence of call snapshots and the single call record per call."""

    async def save_call(
        self, call: Call, *, event: CallEvent | None = None, node_id: str = ""
    ) -> None: ...

    async def get_call(self, call_id: str) -> Call | None: ...

    async def unfinished_calls(self, node_id: str | None = None) -> list[Call]: ...

    async def finish_call(
        self,
        call: Call,
        record: dict[str, Any],
        *,
        event: CallEvent | None = None,
        expect_snapshot: str | None = None,
    ) -> Message | None: ...

    async def add_recording_segment(
        self, call_id: str, segment: dict[str, Any]
    ) -> tuple[Call, Message] | None:
        """Attach a segment to a call (snapshot, and record if written) with its audit event
        and a ``recording`` message; None if unknown or already attached."""
        ...


@dataclass(frozen=True)
class RecordedSegment:
    """One recorded segment as a call record lists it: its call, thread and the segment's
    facts (``key``, ``sha256``, ``bytes``, ``started_at``, ...)."""

    call_id: str
    thread_id: str
    segment: dict[str, Any]


class RecordingIndex(Protocol):
    """Which recordings exist and whose they are (from the call records)."""

    async def recorded_segments(self, thread_id: str | None = None) -> list[RecordedSegment]:
        """Every segment of every recorded call (of one thread if given), newest call first
        and in segment order within a call."""
        ...

    async def thread_of_call(self, call_id: str) -> str | None:
        """The thread a call belongs to; None for an unknown call."""
        ...


@dataclass(frozen=True)
class OpenCall:
    """A call without a record, as stored: its snapshot (and the exact text, for a
    compare-and-set) and the node that held it."""

    call: Call
    snapshot: str
    node_id: str | None


class NodeLeases(Protocol):
    """Each node holds its calls under a lease it renews; calls of a node whose lease expired
    (or never existed) are orphans that any live node may close. Times are the store's."""

    exclusive: bool  # one process owns the store (SQLite): every open call at start-up is ours

    async def acquire(self, node_id: str, incarnation: str, ttl: float) -> None:
        """Take the node's lease for this process (replacing a previous process's)."""
        ...

    async def renew(self, node_id: str, incarnation: str, ttl: float) -> bool:
        """Extend our lease; False if it is no longer ours or already expired."""
        ...

    async def open_calls(self, node_id: str | None) -> list[OpenCall]:
        """Calls without a record held by ``node_id`` (every node's with None)."""
        ...

    async def open_call(self, call_id: str) -> OpenCall | None:
        """One call, if it has no record yet."""
        ...

    async def orphaned_calls(self, live_node_id: str) -> list[OpenCall]:
        """Calls without a record whose node is not ``live_node_id`` and holds no live lease."""
        ...

    async def drop_expired(self) -> int:
        """Forget expired leases of nodes that no longer hold any open call."""
        ...


RemoteHandler = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]


class CallRouter(Protocol):
    """Which node owns a call, and how to reach it.

    A call's media peers live on one node; signaling for it may arrive at any node (each
    party's socket can be on a different one). The owner executes, others forward.
    """

    node_id: str

    async def claim_thread(self, thread_id: str, call_id: str) -> bool: ...

    async def release_thread(self, thread_id: str, call_id: str, owner: str | None = None) -> None:
        """Release the thread's claim if it still names ``call_id`` (and the call's owner entry
        if it still names ``owner``, this node by default): never someone else's claim."""
        ...

    async def renew_claims(self, claims: Sequence[tuple[str, str]]) -> int:
        """Extend this node's (thread id, call id) claims, re-creating any that vanished
        (e.g. a Redis restart); returns how many are ours. Claims not renewed expire."""
        ...

    async def owner(self, call_id: str) -> str | None: ...

    async def forward(self, node_id: str, request: dict[str, Any]) -> dict[str, Any]: ...

    async def start(self, handler: RemoteHandler) -> None: ...

    async def close(self) -> None: ...


class CallRecording(Protocol):
    """One running recording of a call (a remux writer fed by the media path)."""

    async def stop(self) -> dict[str, Any]: ...


class RecorderFactory(Protocol):
    """Starts recording a call's forwarded media; returns None if it cannot."""

    async def __call__(self, call: Call, media: MediaSessionPort) -> CallRecording | None: ...
