"""SQL persistence for Zoom meetings (their call-log snapshots), schedules and reminder claims."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from signaling.domain.audit_chain import canonical_json
from signaling.domain.messages import SYSTEM_AUTHOR, Message, MessageKind, NewMessage
from signaling.domain.schedule import Schedule
from signaling.errors import not_found
from signaling.store import schema as t
from signaling.store.sql import SqlStore, utcnow


@dataclass(frozen=True)
class ZoomMeetingRow:
    meeting_id: str
    call_id: str
    thread_id: str
    join_url: str
    log: dict[str, Any]


class SqlMeetingStore:
    """Zoom meetings and schedules, sharing the engine and write lock of :class:`SqlStore`."""

    def __init__(self, store: SqlStore, node_id: str = "") -> None:
        self.store = store
        self.node_id = node_id

    # ------------------------------------------------------------------ zoom
    async def create_zoom_call(
        self,
        *,
        thread_id: str,
        initiator_id: str,
        meeting_id: str,
        join_url: str,
        log: dict[str, Any],
    ) -> str:
        """A ``calls`` row of kind zoom, linked to the meeting; returns the call id."""
        now = utcnow()
        call_id = str(uuid.uuid4())
        async with self.store.write() as conn:
            await conn.execute(
                t.calls.insert().values(
                    id=call_id,
                    thread_id=thread_id,
                    kind="zoom",
                    initiator_id=initiator_id,
                    state="scheduled",
                    end_reason=None,
                    created_at=now,
                    connected_at=None,
                    ended_at=None,
                    connected_seconds=None,
                    recorded=False,
                    record=None,
                    state_json=canonical_json({"zoom_meeting_id": meeting_id}).decode(),
                    node_id=None,
                )
            )
            await conn.execute(
                t.zoom_meetings.insert().values(
                    meeting_id=meeting_id,
                    call_id=call_id,
                    thread_id=thread_id,
                    join_url=join_url,
                    log=canonical_json(log).decode(),
                    created_at=now,
                )
            )
            await self.store._audit(
                conn,
                thread_id,
                "meeting.created",
                initiator_id,
                {"provider": "zoom", "meeting_id": meeting_id, "call_id": call_id},
                now,
            )
        return call_id

    async def zoom_meeting(self, meeting_id: str) -> ZoomMeetingRow | None:
        async with self.store.engine.connect() as conn:
            row = (
                await conn.execute(
                    select(t.zoom_meetings).where(t.zoom_meetings.c.meeting_id == meeting_id)
                )
            ).first()
        if row is None:
            return None
        return ZoomMeetingRow(
            row.meeting_id, row.call_id, row.thread_id, row.join_url, json.loads(row.log)
        )

    async def update_zoom_log(
        self,
        meeting_id: str,
        log: dict[str, Any],
        *,
        event: dict[str, Any],
        record: dict[str, Any] | None,
        state: str,
    ) -> Message | None:
        """Store the new snapshot; with a final ``record``, write the one ``call`` message."""
        now = utcnow()
        async with self.store.write() as conn:
            row = (
                await conn.execute(
                    select(t.zoom_meetings).where(t.zoom_meetings.c.meeting_id == meeting_id)
                )
            ).one()
            await conn.execute(
                t.zoom_meetings.update()
                .where(t.zoom_meetings.c.meeting_id == meeting_id)
                .values(log=canonical_json(log).decode())
            )
            await self.store._audit(
                conn, row.thread_id, "zoom." + event["event"], "zoom", event, now
            )
            values: dict[str, Any] = {"state": state}
            if record is None:
                await conn.execute(
                    t.calls.update().where(t.calls.c.id == row.call_id).values(**values)
                )
                return None
            values.update(
                record=canonical_json(record).decode(),
                end_reason=record.get("end_reason"),
                connected_seconds=record.get("connected_seconds"),
                connected_at=_dt(record.get("connected_at")),
                ended_at=_dt(record.get("ended_at")),
            )
            claimed = await conn.execute(
                t.calls.update()
                .where(t.calls.c.id == row.call_id, t.calls.c.record.is_(None))
                .values(**values)
            )
            if claimed.rowcount == 0:
                return None
            result = await self.store._append(
                conn, NewMessage(row.thread_id, SYSTEM_AUTHOR, MessageKind.CALL, record), now
            )
            return result.message

    # ------------------------------------------------------------- schedules
    async def save_schedule(
        self, schedule: Schedule, *, event: dict[str, Any], actor: str
    ) -> Message:
        """Upsert the schedule and append its ``schedule`` message (and audit entry)."""
        now = utcnow()
        start = schedule.accepted_slot.start_utc if schedule.accepted_slot else None
        values = {
            "thread_id": schedule.thread_id,
            "state": schedule.state.value,
            "start_utc": start,
            "snapshot": canonical_json(schedule.to_snapshot()).decode(),
            "updated_at": now,
        }
        async with self.store.write() as conn:
            updated = await conn.execute(
                t.schedules.update().where(t.schedules.c.id == schedule.id).values(**values)
            )
            if updated.rowcount == 0:
                await conn.execute(t.schedules.insert().values(id=schedule.id, **values))
            result = await self.store._append(
                conn,
                NewMessage(
                    schedule.thread_id,
                    actor if actor != "system" else SYSTEM_AUTHOR,
                    MessageKind.SCHEDULE,
                    event,
                    audit={"schedule_id": schedule.id, "event": event.get("event")},
                ),
                now,
            )
            return result.message

    async def get_schedule(self, schedule_id: str) -> Schedule:
        async with self.store.engine.connect() as conn:
            row = (
                await conn.execute(select(t.schedules).where(t.schedules.c.id == schedule_id))
            ).first()
        if row is None:
            raise not_found("schedule")
        return Schedule.from_snapshot(json.loads(row.snapshot))

    async def accepted_in_thread(self, thread_id: str) -> list[Schedule]:
        async with self.store.engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(t.schedules.c.snapshot).where(
                        t.schedules.c.thread_id == thread_id, t.schedules.c.state == "accepted"
                    )
                )
            ).all()
        return [Schedule.from_snapshot(json.loads(r.snapshot)) for r in rows]

    async def accepted_between(self, start: datetime, end: datetime) -> list[Schedule]:
        """Accepted schedules whose slot starts in [start, end) (for reminders)."""
        async with self.store.engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(t.schedules.c.snapshot).where(
                        t.schedules.c.state == "accepted",
                        t.schedules.c.start_utc >= start,
                        t.schedules.c.start_utc < end,
                    )
                )
            ).all()
        return [Schedule.from_snapshot(json.loads(r.snapshot)) for r in rows]

    async def first_joins(self, thread_id: str, since: datetime) -> dict[str, datetime]:
        """Each party's first join of a call in the thread since ``since`` (from the calls'
        server-side presence snapshots)."""
        async with self.store.engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(t.calls.c.state_json).where(
                        t.calls.c.thread_id == thread_id,
                        t.calls.c.created_at >= since,
                        t.calls.c.kind.in_(("audio", "video")),
                    )
                )
            ).all()
        joins: dict[str, datetime] = {}
        for row in rows:
            for presence in json.loads(row.state_json).get("presence", []):
                at = _dt(presence.get("joined_at"))
                user = presence.get("user_id")
                if at is not None and user and (user not in joins or at < joins[user]):
                    joins[user] = at
        return joins

    async def claim_and_post(self, key: str, new: NewMessage) -> Message | None:
        """Claim ``key`` and append ``new`` (with its events) in one transaction: both or
        neither. None if another caller (node, earlier run) holds the claim."""
        now = utcnow()
        try:
            async with self.store.write() as conn:
                await conn.execute(
                    t.reminder_claims.insert().values(
                        key=key, node_id=self.node_id or None, claimed_at=now
                    )
                )
                result = await self.store._append(conn, new, now)
        except IntegrityError:
            return None
        return result.message

    async def claim(self, key: str) -> bool:
        """The ReminderClaims port: exactly one node wins each key (a primary key insert)."""
        try:
            async with self.store.write() as conn:
                await conn.execute(
                    t.reminder_claims.insert().values(
                        key=key, node_id=self.node_id or None, claimed_at=utcnow()
                    )
                )
        except IntegrityError:
            return False
        return True


def _dt(value: Any) -> datetime | None:
    if not value:
        return None
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))
