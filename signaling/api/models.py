"""Network payloads, parsed once at the edge with pydantic (unknown fields are refused)."""

from __future__ import annotations

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


class CallMedia(Strict):
    call_id: Id
    audio: bool
    video: bool
