"""Network payloads, parsed once at the edge with pydantic (unknown fields are refused)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Id = Annotated[str, StringConstraints(min_length=1, max_length=128, strip_whitespace=True)]
ClientMsgId = Annotated[str, StringConstraints(min_length=1, max_length=128)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DevLogin(Strict):
    user_id: Id
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    role: Literal["client", "freelancer", "auditor", "admin"]


class CreateThread(Strict):
    job_id: Id
    job_title: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    freelancer_id: Id
    client_id: Id | None = None


class SendMessage(Strict):
    text: str
    client_msg_id: ClientMsgId | None = None


class SetStage(Strict):
    stage: Literal["invited", "interviewing", "declined", "withdrawn", "closed", "hired"]


class MessagesQuery(Strict):
    after_seq: int = Field(default=0, ge=0)
    limit: int = Field(default=200, ge=1, le=1000)


class IceServersQuery(Strict):
    """TURN credentials are for a call in this thread: only its two parties get them."""

    thread_id: Id


class ThreadJoin(Strict):
    thread_id: Id
    after_seq: int = Field(default=0, ge=0)


class SocketSend(Strict):
    thread_id: Id
    text: str
    client_msg_id: ClientMsgId | None = None


class CallStart(Strict):
    thread_id: Id
    kind: Literal["audio", "video"]


class CallRef(Strict):
    call_id: Id


class RtcOffer(Strict):
    call_id: Id
    sdp: Annotated[str, StringConstraints(min_length=1)]


class RtcCandidate(Strict):
    call_id: Id
    candidate: str
    sdpMid: str | None = None
    sdpMLineIndex: int | None = Field(default=None, ge=0, le=64)


class CallConsent(Strict):
    call_id: Id
    consent: bool


class CallMedia(Strict):
    call_id: Id
    audio: bool
    video: bool


LABEL = Literal["email", "phone", "handle", "meeting_link", "file_share", "off_platform"]


class AuditCallQuery(Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    participant: Id | None = None
    thread_id: Id | None = None
    job_id: Id | None = None
    from_: datetime | None = Field(default=None, alias="from")
    to: datetime | None = None
    kind: Literal["audio", "video", "zoom"] | None = None
    end_reason: (
        Literal[
            "hangup", "peer_lost", "failed", "server_shutdown", "declined", "cancelled", "missed"
        ]
        | None
    ) = None
    min_duration: float | None = Field(default=None, ge=0)
    max_duration: float | None = Field(default=None, ge=0)
    recorded: bool | None = None
    flag: LABEL | None = None
    limit: int = Field(default=50, ge=1, le=500)
    cursor: Annotated[str, StringConstraints(max_length=400)] | None = None


class AuditFindingQuery(Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    label: LABEL | None = None
    user: Id | None = None
    thread_id: Id | None = None
    from_: datetime | None = Field(default=None, alias="from")
    to: datetime | None = None
    limit: int = Field(default=50, ge=1, le=500)
    cursor: Annotated[str, StringConstraints(max_length=400)] | None = None


class OpenCase(Strict):
    thread_id: Id
    call_id: Id | None = None
    reason: Annotated[str, StringConstraints(min_length=1, max_length=2000)]


class Report(Strict):
    call_id: Id | None = None
    reason: Annotated[str, StringConstraints(min_length=1, max_length=2000)]


class UpdateCase(Strict):
    status: Literal["open", "reviewing", "resolved"] | None = None
    note: Annotated[str, StringConstraints(min_length=1, max_length=5000)]
    legal_hold: bool | None = None


class CaseQuery(Strict):
    status: Literal["open", "reviewing", "resolved"] | None = None


class CreateMeeting(Strict):
    topic: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None
    start: datetime | None = None
    duration_minutes: int = Field(default=30, ge=1, le=240)
    timezone: Annotated[str, StringConstraints(min_length=1, max_length=64)] = "UTC"


class SlotIn(Strict):
    start: datetime
    duration_minutes: int
    kind: Literal["audio", "video", "zoom"]


class ProposeSchedule(Strict):
    slots: list[SlotIn] = Field(min_length=1, max_length=3)
    timezone: Annotated[str, StringConstraints(min_length=1, max_length=64)]


class AcceptSchedule(Strict):
    proposal_id: Id
    slot_index: int = Field(ge=0, le=2)


class CounterSchedule(Strict):
    proposal_id: Id
    slots: list[SlotIn] = Field(min_length=1, max_length=3)
    timezone: Annotated[str, StringConstraints(min_length=1, max_length=64)]


class CancelSchedule(Strict):
    reason: Annotated[str, StringConstraints(max_length=500)] | None = None
