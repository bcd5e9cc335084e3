"""Auditor queries: call search, finding search, thread timelines and cases (SQL)."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncEngine

from signaling.errors import BadRequest, Conflict, NotFound
from signaling.events.catalogue import case_event
from signaling.events.outbox import EventRecorder
from signaling.store import schema as t
from signaling.store.sql import _aware, utcnow

CASE_STATUSES = ("open", "reviewing", "resolved")
_CASE_FLOW = {
    "open": {"reviewing", "resolved"},
    "reviewing": {"resolved", "open"},
    "resolved": {"reviewing"},
}


class Unchanged:
    """The ``assignee`` of an update that leaves the assignment alone."""


UNCHANGED = Unchanged()


def _history_note(changes: list[str], note: str | None) -> str:
    """A case's history line: what changed, then the auditor's note."""
    summary = "; ".join(changes).capitalize()
    if summary and note:
        return f"{summary}. {note}"
    return summary or note or "No change"


@dataclass(frozen=True)
class CallFilter:
    """Filters of ``GET /api/audit/calls`` (all optional)."""

    participant: str | None = None
    thread_id: str | None = None
    job_id: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    kind: str | None = None
    end_reason: str | None = None
    min_duration: float | None = None
    max_duration: float | None = None
    recorded: bool | None = None
    flag: str | None = None


@dataclass(frozen=True)
class FindingFilter:
    label: str | None = None
    user: str | None = None
    thread_id: str | None = None
    start: datetime | None = None
    end: datetime | None = None


def encode_cursor(created_at: datetime, row_id: Any) -> str:
    raw = json.dumps([created_at.isoformat(), row_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        stamp, row_id = json.loads(base64.urlsafe_b64decode(padded))
        return datetime.fromisoformat(stamp), row_id
    except (ValueError, TypeError) as exc:
        raise BadRequest("the cursor is not one this server issued", code="bad_cursor") from exc


def _iso(value: datetime | None) -> str | None:
    aware = _aware(value)
    return aware.isoformat() if aware is not None else None


def _like_escape(text: str) -> str:
    """``text`` matched literally inside a LIKE pattern (escape character: backslash)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def call_row_json(row: Any) -> dict[str, Any]:
    record = json.loads(row.record) if row.record else None
    return {
        "call_id": row.id,
        "thread_id": row.thread_id,
        "job_id": row.job_id,
        "job_title": row.job_title,
        "client_id": row.client_id,
        "client_name": getattr(row, "client_name", None),
        "freelancer_id": row.freelancer_id,
        "freelancer_name": getattr(row, "freelancer_name", None),
        "kind": row.kind,
        "initiator_id": row.initiator_id,
        "state": row.state,
        "end_reason": row.end_reason,
        "started_at": (_aware(row.created_at) or utcnow()).isoformat(),
        "connected_at": _iso(row.connected_at),
        "ended_at": _iso(row.ended_at),
        "connected_seconds": row.connected_seconds,
        "recorded": bool(row.recorded),
        "record": record,
    }


class SqlAuditStore:
    """Read models for auditors, over the same engine as :class:`SqlStore`."""

    def __init__(self, engine: AsyncEngine, events: EventRecorder | None = None) -> None:
        self.events = events  # case.opened / case.resolved go to the event outbox
        self.engine = engine

    # ----------------------------------------------------------------- calls
    def _call_query(self, f: CallFilter) -> Any:
        c, th = t.calls, t.threads
        client, freelancer = t.users.alias("client_user"), t.users.alias("freelancer_user")
        query = select(
            c.c.id,
            c.c.thread_id,
            c.c.kind,
            c.c.initiator_id,
            c.c.state,
            c.c.end_reason,
            c.c.created_at,
            c.c.connected_at,
            c.c.ended_at,
            c.c.connected_seconds,
            c.c.recorded,
            c.c.record,
            th.c.job_id,
            th.c.job_title,
            th.c.client_id,
            th.c.freelancer_id,
            client.c.name.label("client_name"),
            freelancer.c.name.label("freelancer_name"),
        ).select_from(
            c.join(th, th.c.id == c.c.thread_id)
            .outerjoin(client, client.c.id == th.c.client_id)
            .outerjoin(freelancer, freelancer.c.id == th.c.freelancer_id)
        )
        conds: list[ColumnElement[bool]] = [c.c.record.is_not(None)]
        if f.participant:
            # an id, or a part of a party's display name (any case)
            pattern = "%" + _like_escape(f.participant.lower()) + "%"
            conds.append(
                or_(
                    th.c.client_id == f.participant,
                    th.c.freelancer_id == f.participant,
                    func.lower(client.c.name).like(pattern, escape="\\"),
                    func.lower(freelancer.c.name).like(pattern, escape="\\"),
                )
            )
        if f.thread_id:
            conds.append(c.c.thread_id == f.thread_id)
        if f.job_id:
            conds.append(th.c.job_id == f.job_id)
        if f.start:
            conds.append(c.c.created_at >= f.start)
        if f.end:
            conds.append(c.c.created_at < f.end)
        if f.kind:
            conds.append(c.c.kind == f.kind)
        if f.end_reason:
            conds.append(c.c.end_reason == f.end_reason)
        if f.min_duration is not None:
            conds.append(c.c.connected_seconds >= f.min_duration)
        if f.max_duration is not None:
            conds.append(c.c.connected_seconds <= f.max_duration)
        if f.recorded is not None:
            conds.append(c.c.recorded.is_(f.recorded))
        if f.flag:
            pf = t.policy_findings
            conds.append(
                exists().where(and_(pf.c.thread_id == c.c.thread_id, pf.c.label == f.flag))
            )
        return query.where(and_(*conds))

    async def search_calls(
        self, f: CallFilter, *, limit: int = 50, cursor: str | None = None
    ) -> tuple[list[dict[str, Any]], str | None]:
        """Newest first, keyset-paginated on (created_at, id)."""
        c = t.calls
        query = self._call_query(f)
        if cursor:
            stamp, row_id = decode_cursor(cursor)
            query = query.where(
                or_(c.c.created_at < stamp, and_(c.c.created_at == stamp, c.c.id < str(row_id)))
            )
        query = query.order_by(c.c.created_at.desc(), c.c.id.desc()).limit(limit + 1)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        more = len(rows) > limit
        rows = rows[:limit]
        next_cursor = (
            encode_cursor(_aware(rows[-1].created_at) or utcnow(), rows[-1].id) if more else None
        )
        return [call_row_json(r) for r in rows], next_cursor

    async def stream_calls(
        self, f: CallFilter, *, batch: int = 500
    ) -> AsyncIterator[dict[str, Any]]:
        """Every matching call, in pages, for exports that must not build in memory."""
        cursor: str | None = None
        while True:
            page, cursor = await self.search_calls(f, limit=batch, cursor=cursor)
            for item in page:
                yield item
            if cursor is None:
                return

    # -------------------------------------------------------------- findings
    async def search_findings(
        self, f: FindingFilter, *, limit: int = 50, cursor: str | None = None
    ) -> tuple[list[dict[str, Any]], str | None]:
        pf = t.policy_findings
        conds: list[ColumnElement[bool]] = []
        if f.label:
            conds.append(pf.c.label == f.label)
        if f.user:
            conds.append(pf.c.author_id == f.user)
        if f.thread_id:
            conds.append(pf.c.thread_id == f.thread_id)
        if f.start:
            conds.append(pf.c.created_at >= f.start)
        if f.end:
            conds.append(pf.c.created_at < f.end)
        if cursor:
            stamp, row_id = decode_cursor(cursor)
            conds.append(
                or_(pf.c.created_at < stamp, and_(pf.c.created_at == stamp, pf.c.id < int(row_id)))
            )
        query = select(pf).where(and_(*conds)) if conds else select(pf)
        query = query.order_by(pf.c.created_at.desc(), pf.c.id.desc()).limit(limit + 1)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        more = len(rows) > limit
        rows = rows[:limit]
        items = [
            {
                "id": r.id,
                "thread_id": r.thread_id,
                "message_id": r.message_id,
                "author_id": r.author_id,
                "label": r.label,
                "action": r.action,
                "span": [r.span_start, r.span_end],
                "matched": r.matched,
                "value": r.value,
                "original_text": r.original_text,
                "created_at": (_aware(r.created_at) or utcnow()).isoformat(),
            }
            for r in rows
        ]
        next_cursor = (
            encode_cursor(_aware(rows[-1].created_at) or utcnow(), rows[-1].id) if more else None
        )
        return items, next_cursor

    async def findings_for_thread(self, thread_id: str) -> list[dict[str, Any]]:
        items, _ = await self.search_findings(FindingFilter(thread_id=thread_id), limit=10_000)
        return items

    async def calls_for_thread(self, thread_id: str) -> list[dict[str, Any]]:
        items, _ = await self.search_calls(CallFilter(thread_id=thread_id), limit=10_000)
        return items

    # ----------------------------------------------------------------- cases
    @staticmethod
    def _case(row: Any, notes: list[Any]) -> dict[str, Any]:
        return {
            "id": row.id,
            "thread_id": row.thread_id,
            "call_id": row.call_id,
            "status": row.status,
            "reason": row.reason,
            "opened_by": row.opened_by,
            "source": row.source,
            "legal_hold": bool(row.legal_hold),
            "assignee_id": row.assignee_id,
            "created_at": (_aware(row.created_at) or utcnow()).isoformat(),
            "updated_at": (_aware(row.updated_at) or utcnow()).isoformat(),
            "notes": [
                {
                    "author_id": n.author_id,
                    "status": n.status,
                    "note": n.note,
                    "created_at": (_aware(n.created_at) or utcnow()).isoformat(),
                }
                for n in notes
            ],
        }

    async def open_case(
        self, *, thread_id: str, call_id: str | None, reason: str, opened_by: str, source: str
    ) -> dict[str, Any]:
        now = utcnow()
        case_id = str(uuid.uuid4())
        async with self.engine.begin() as conn:
            await conn.execute(
                t.cases.insert().values(
                    id=case_id,
                    thread_id=thread_id,
                    call_id=call_id,
                    status="open",
                    reason=reason,
                    opened_by=opened_by,
                    source=source,
                    legal_hold=False,
                    created_at=now,
                    updated_at=now,
                )
            )
            if self.events is not None:
                case = {"id": case_id, "thread_id": thread_id, "call_id": call_id}
                case.update(source=source, status="open", by=opened_by)
                await self.events.add(conn, [case_event(case, resolved=False, at=now)])
        return await self.get_case(case_id)

    async def get_case(self, case_id: str) -> dict[str, Any]:
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(t.cases).where(t.cases.c.id == case_id))).first()
            if row is None:
                raise NotFound("no such case", code="case_not_found")
            notes = (
                await conn.execute(
                    select(t.case_notes)
                    .where(t.case_notes.c.case_id == case_id)
                    .order_by(t.case_notes.c.id)
                )
            ).all()
        return self._case(row, list(notes))

    async def list_cases(
        self, status: str | None = None, limit: int = 200, *, thread_id: str | None = None
    ) -> list[dict[str, Any]]:
        query = select(t.cases).order_by(t.cases.c.created_at.desc()).limit(limit)
        if status:
            query = query.where(t.cases.c.status == status)
        if thread_id:
            query = query.where(t.cases.c.thread_id == thread_id)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [self._case(r, []) for r in rows]

    async def update_case(
        self,
        case_id: str,
        *,
        author_id: str,
        status: str | None,
        note: str | None,
        hold: bool | None,
        assignee: str | Unchanged | None = UNCHANGED,
    ) -> dict[str, Any]:
        """Move a case, set legal hold, (un)assign it; every update adds a note to its history
        (``note``, or one saying what changed)."""
        now = utcnow()
        async with self.engine.begin() as conn:
            row = (await conn.execute(select(t.cases).where(t.cases.c.id == case_id))).first()
            if row is None:
                raise NotFound("no such case", code="case_not_found")
            values: dict[str, Any] = {"updated_at": now}
            if status is not None and status != row.status:
                if status not in _CASE_FLOW[row.status]:
                    raise Conflict(
                        f"a case cannot go from {row.status} to {status}",
                        code="illegal_case_transition",
                    )
                values["status"] = status
            changes: list[str] = []
            if "status" in values:
                changes.append(f"status {row.status} → {status}")
            if hold is not None:
                values["legal_hold"] = hold
                if hold != bool(row.legal_hold):
                    changes.append("legal hold " + ("on" if hold else "off"))
            if not isinstance(assignee, Unchanged):
                values["assignee_id"] = assignee
                if assignee != row.assignee_id:
                    changes.append(f"assigned to {assignee}" if assignee else "unassigned")
            await conn.execute(t.cases.update().where(t.cases.c.id == case_id).values(**values))
            if self.events is not None and values.get("status") == "resolved":
                case = {"id": case_id, "thread_id": row.thread_id, "call_id": row.call_id}
                case.update(source=row.source, status="resolved", by=author_id)
                await self.events.add(conn, [case_event(case, resolved=True, at=now)])
            await conn.execute(
                t.case_notes.insert().values(
                    case_id=case_id,
                    author_id=author_id,
                    status=values.get("status"),
                    note=_history_note(changes, note),
                    created_at=now,
                )
            )
        return await self.get_case(case_id)

    async def auditors(self) -> list[dict[str, Any]]:
        """Auditors and admins known to the server (cases can be assigned to them)."""
        query = (
            select(t.users.c.id, t.users.c.name, t.users.c.role)
            .where(t.users.c.role.in_(("auditor", "admin")))
            .order_by(t.users.c.name, t.users.c.id)
        )
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [{"user_id": r.id, "name": r.name, "role": r.role} for r in rows]

    async def held_threads(self) -> set[str]:
        """Threads with a case under legal hold (their recordings are kept)."""
        async with self.engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(t.cases.c.thread_id).where(t.cases.c.legal_hold.is_(True))
                )
            ).all()
        return {r.thread_id for r in rows}

    # ------------------------------------------------------------ chain pages
    async def chain_page(
        self, chain: str, *, before: int | None = None, limit: int = 100
    ) -> tuple[list[dict[str, Any]], int | None]:
        """One chain's entries newest first, ``limit`` at a time; the cursor is the position
        of the last entry returned (pass it as ``before`` for the next, older page), None at
        the start of the chain. Uses the (chain, position) unique index: O(limit) per page."""
        query = select(
            t.audit_log.c.position,
            t.audit_log.c.created_at,
            t.audit_log.c.actor_id,
            t.audit_log.c.entry,
        ).where(t.audit_log.c.chain == chain)
        if before is not None:
            query = query.where(t.audit_log.c.position < before)
        query = query.order_by(t.audit_log.c.position.desc()).limit(limit + 1)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        items = [
            {
                "position": r.position,
                "at": _iso(r.created_at),
                "actor_id": r.actor_id,
                **json.loads(r.entry)["data"],
            }
            for r in rows[:limit]
        ]
        more = len(rows) > limit
        return items, (rows[limit - 1].position if more else None)

    # ----------------------------------------------------------------- charts
    async def daily_counts(self, days: int = 30) -> dict[str, Any]:
        """Calls per day by kind, median connected duration, findings per day, open cases."""
        since = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
        from datetime import timedelta

        since -= timedelta(days=days - 1)
        c, pf = t.calls, t.policy_findings
        async with self.engine.connect() as conn:
            call_rows = (
                await conn.execute(
                    select(c.c.created_at, c.c.kind, c.c.connected_seconds).where(
                        c.c.created_at >= since, c.c.record.is_not(None)
                    )
                )
            ).all()
            finding_rows = (
                await conn.execute(
                    select(pf.c.created_at, pf.c.label).where(pf.c.created_at >= since)
                )
            ).all()
            open_cases = (
                await conn.execute(
                    select(func.count()).select_from(t.cases).where(t.cases.c.status != "resolved")
                )
            ).scalar_one()
        calls_per_day: dict[str, dict[str, int]] = {}
        durations: dict[str, list[float]] = {}
        for r in call_rows:
            day = (_aware(r.created_at) or utcnow()).date().isoformat()
            calls_per_day.setdefault(day, {}).setdefault(r.kind, 0)
            calls_per_day[day][r.kind] += 1
            if r.connected_seconds:
                durations.setdefault(day, []).append(float(r.connected_seconds))
        findings_per_day: dict[str, dict[str, int]] = {}
        for finding in finding_rows:
            day = (_aware(finding.created_at) or utcnow()).date().isoformat()
            findings_per_day.setdefault(day, {}).setdefault(finding.label, 0)
            findings_per_day[day][finding.label] += 1
        import statistics

        return {
            "calls_per_day": calls_per_day,
            "median_connected_seconds": {d: statistics.median(v) for d, v in durations.items()},
            "findings_per_day": findings_per_day,
            "open_cases": int(open_cases),
        }
