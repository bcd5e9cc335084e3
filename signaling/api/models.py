"""Network payloads, parsed once at the edge with pydantic (unknown fields are refused).

Two rules hold for every model here, enforced when the class is defined:

- every integer is bounded within a 32-bit signed column (``Int``/``Seq`` below, or explicit
  ``ge``/``le`` inside that range), so no value from the network overflows a database column
  (SQLite's int64, PostgreSQL's int32) and turns into a 500;
- dates are ISO 8601 strings with a UTC offset (``Timestamp``): numbers such as ``0`` or
  ``0.5`` are not dates, and neither is anything outside 2000..2100.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

INT32_MIN = -(2**31)
INT32_MAX = 2**31 - 1
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)

# A count or position from the network: 0..2**31-1 (the narrowest column it may meet).
Seq = Annotated[int, Field(ge=0, le=INT32_MAX)]
# Any other integer from the network: bounded to a signed 32-bit column.
Int = Annotated[int, Field(ge=INT32_MIN, le=INT32_MAX)]

Id = Annotated[str, StringConstraints(min_length=1, max_length=128, strip_whitespace=True)]
ClientMsgId = Annotated[str, StringConstraints(min_length=1, max_length=128)]

_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def _iso_datetime(value: Any) -> Any:
    """Accept only ISO 8601 date-times (pydantic would take 0 or "0.5" as Unix time)."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _ISO_DATETIME.match(value):
        raise ValueError(
            "a date-time must be an ISO 8601 string with an offset, e.g. 2026-11-23T15:00:00Z"
        )
    # Parsed here so that bodies validated in strict mode (rest.parse_body) accept it.
    return datetime.fromisoformat(value)


def _plausible(value: datetime) -> datetime:
    if not EARLIEST <= value < LATEST:
        raise ValueError("a date-time must fall between the years 2000 and 2100")
    return value


Timestamp = Annotated[
    AwareDatetime,
    BeforeValidator(_iso_datetime),
    AfterValidator(_plausible),
    Field(json_schema_extra={"format": "date-time"}),
]


def json_integers(value: Any) -> Any:
    """Floats with no fraction become ints: JSON Schema counts ``2.0`` as an integer, pydantic's
    strict mode (used for bodies and socket payloads, so ``0`` is not ``false`` and ``"5"`` is
    not ``5``) does not."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, list):
        return [json_integers(v) for v in value]
    if isinstance(value, dict):
        return {k: json_integers(v) for k, v in value.items()}
    return value


def _check_bounds(model: type[BaseModel]) -> None:
    """Refuse to define a model with an integer that could overflow a 32-bit column."""
    properties = model.model_json_schema().get("properties", {})
    for name, info in model.model_fields.items():
        schema = properties.get(info.alias or name, {})
        for node in _integer_nodes(schema):
            low, high = node.get("minimum"), node.get("maximum")
            if low is None or high is None or low < INT32_MIN or high > INT32_MAX:
                raise TypeError(
                    f"{model.__name__}.{name}: integers from the network must be bounded to "
                    "32 bits (use models.Int or models.Seq)"
                )


def _integer_nodes(schema: Any) -> list[dict[str, Any]]:
    if not isinstance(schema, dict):
        return []
    found = [schema] if schema.get("type") == "integer" else []
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key, []):
            found += _integer_nodes(sub)
    if isinstance(schema.get("items"), dict):
        found += _integer_nodes(schema["items"])
    return found


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        _check_bounds(cls)


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
    after_seq: Seq = 0
    limit: int = Field(default=200, ge=1, le=1000)


class IceServersQuery(Strict):
    """TURN credentials are for a call in this thread: only its two parties get them."""

    thread_id: Id


class ThreadJoin(Strict):
    thread_id: Id
    after_seq: Seq = 0


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
    # the video track carries a shared screen instead of the camera
    screen: bool = False


LABEL = Literal["email", "phone", "handle", "meeting_link", "file_share", "off_platform"]


class AuditCallQuery(Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    participant: Id | None = None
    thread_id: Id | None = None
    job_id: Id | None = None
    from_: Timestamp | None = Field(default=None, alias="from")
    to: Timestamp | None = None
    kind: Literal["audio", "video", "zoom"] | None = None
    end_reason: (
        Literal[
            "hangup", "peer_lost", "failed", "server_shutdown", "declined", "cancelled", "missed"
        ]
        | None
    ) = None
    min_duration: float | None = Field(default=None, ge=0, le=10**9)
    max_duration: float | None = Field(default=None, ge=0, le=10**9)
    recorded: bool | None = None
    flag: LABEL | None = None
    limit: int = Field(default=50, ge=1, le=500)
    cursor: Annotated[str, StringConstraints(max_length=400)] | None = None


class AuditFindingQuery(Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    label: LABEL | None = None
    user: Id | None = None
    thread_id: Id | None = None
    from_: Timestamp | None = Field(default=None, alias="from")
    to: Timestamp | None = None
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
    """At least one of the fields; without ``note`` the case history says what changed.
    ``assignee_id``: an auditor's id, or null to unassign (absent: unchanged)."""

    model_config = ConfigDict(json_schema_extra={"minProperties": 1})

    status: Literal["open", "reviewing", "resolved"] | None = None
    note: Annotated[str, StringConstraints(min_length=1, max_length=5000)] | None = None
    legal_hold: bool | None = None
    assignee_id: Id | None = None

    @model_validator(mode="after")
    def _something(self) -> UpdateCase:
        if not self.model_fields_set:
            raise ValueError("give a status, a note, legal_hold or assignee_id")
        return self


class CaseQuery(Strict):
    status: Literal["open", "reviewing", "resolved"] | None = None


class CreateMeeting(Strict):
    topic: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None
    start: Timestamp | None = None
    duration_minutes: int = Field(default=30, ge=1, le=240)
    timezone: Annotated[str, StringConstraints(min_length=1, max_length=64)] = "UTC"


class SlotIn(Strict):
    start: Timestamp
    duration_minutes: Int  # 1..240 is checked by the schedule domain (codes per rule)
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


class ThreadRead(Strict):
    """``thread:read``: the highest seq this party's client received and the highest seen."""

    thread_id: Id
    delivered_seq: Seq = 0
    read_seq: Seq = 0


class ThreadTyping(Strict):
    thread_id: Id


class PolicyPreview(Strict):
    text: Annotated[str, StringConstraints(max_length=10_000)]
