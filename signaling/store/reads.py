"""Read receipts and thread activity (SQL).

Each party has one row per thread: the highest seq their client received (``delivered_seq``)
and the highest they saw (``read_seq``). Both only move forward, and ``read`` implies
``delivered``. The thread list reads its activity from here: the last message (for ordering
and a preview), the caller's unread count, and both parties' receipts.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from signaling.store import schema as t
from signaling.store.sql import SqlStore, _aware, utcnow

PREVIEW_CHARS = 140


@dataclass(frozen=True)
class ReadMark:
    user_id: str
    delivered_seq: int
    read_seq: int

    def json(self) -> dict[str, Any]:
        return {
            "user_id": self.user_id,
            "delivered_seq": self.delivered_seq,
            "read_seq": self.read_seq,
        }


def preview_of(kind: str, body: dict[str, Any]) -> str:
    """A short line for the thread list: the text, or what kind of message it was."""
    if kind == "text":
        text = " ".join(str(body.get("text", "")).split())
        return text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 1] + "…"
    words = {
        "call": "Call",
        "recording": "Recording saved",
        "meeting": "Zoom meeting",
        "schedule": "Scheduling",
        "policy": "Platform policy notice",
        "file": "File",
    }
    return words.get(kind, "Platform notice")


class SqlReadStore:
    """Read marks and thread activity over the same engine as :class:`SqlStore`."""

    def __init__(self, store: SqlStore) -> None:
        self.store = store

    async def mark(
        self, thread_id: str, user_id: str, *, delivered_seq: int, read_seq: int
    ) -> ReadMark:
        """Move ``user_id``'s marks forward (never back); read implies delivered."""
        delivered_seq = max(delivered_seq, read_seq)
        r = t.thread_reads
        where = and_(r.c.thread_id == thread_id, r.c.user_id == user_id)
        for _ in range(2):  # a concurrent first insert makes the second attempt an update
            try:
                async with self.store.write(threads=False) as conn:
                    row = (
                        await conn.execute(select(r.c.delivered_seq, r.c.read_seq).where(where))
                    ).first()
                    now = utcnow()
                    if row is None:
                        await conn.execute(
                            insert(r).values(
                                thread_id=thread_id,
                                user_id=user_id,
                                delivered_seq=delivered_seq,
                                read_seq=read_seq,
                                updated_at=now,
                            )
                        )
                        return ReadMark(user_id, delivered_seq, read_seq)
                    new_delivered = max(int(row.delivered_seq), delivered_seq)
                    new_read = max(int(row.read_seq), read_seq)
                    if (new_delivered, new_read) != (row.delivered_seq, row.read_seq):
                        await conn.execute(
                            update(r)
                            .where(where)
                            .values(delivered_seq=new_delivered, read_seq=new_read, updated_at=now)
                        )
                    return ReadMark(user_id, new_delivered, new_read)
            except IntegrityError:
                continue
        raise RuntimeError("could not store the read mark")  # pragma: no cover

    async def marks(self, thread_ids: Sequence[str]) -> dict[str, list[ReadMark]]:
        if not thread_ids:
            return {}
        r = t.thread_reads
        query = select(r.c.thread_id, r.c.user_id, r.c.delivered_seq, r.c.read_seq).where(
            r.c.thread_id.in_(list(thread_ids))
        )
        out: dict[str, list[ReadMark]] = {tid: [] for tid in thread_ids}
        async with self.store.engine.connect() as conn:
            for row in (await conn.execute(query)).all():
                out[row.thread_id].append(
                    ReadMark(row.user_id, int(row.delivered_seq), int(row.read_seq))
                )
        return out

    async def activity(self, user_id: str, thread_ids: Sequence[str]) -> list[dict[str, Any]]:
        """Per thread: the last message (seq, kind, author, preview, time), the caller's unread
        count (messages after their read mark that others wrote) and both parties' marks."""
        if not thread_ids:
            return []
        ids = list(thread_ids)
        msg, th, r = t.messages, t.threads, t.thread_reads
        last = (
            select(msg.c.thread_id, msg.c.seq, msg.c.author_id, msg.c.kind, msg.c.body)
            .add_columns(msg.c.created_at)
            .select_from(msg.join(th, and_(th.c.id == msg.c.thread_id, th.c.last_seq == msg.c.seq)))
            .where(msg.c.thread_id.in_(ids))
        )
        mine = (
            select(r.c.thread_id, r.c.read_seq)
            .where(and_(r.c.user_id == user_id, r.c.thread_id.in_(ids)))
            .subquery()
        )
        unread = (
            select(msg.c.thread_id, func.count().label("n"))
            .select_from(msg.outerjoin(mine, mine.c.thread_id == msg.c.thread_id))
            .where(
                and_(
                    msg.c.thread_id.in_(ids),
                    msg.c.author_id != user_id,
                    msg.c.seq > func.coalesce(mine.c.read_seq, 0),
                )
            )
            .group_by(msg.c.thread_id)
        )
        async with self.store.engine.connect() as conn:
            lasts = {row.thread_id: row for row in (await conn.execute(last)).all()}
            counts = {row.thread_id: int(row.n) for row in (await conn.execute(unread)).all()}
        marks = await self.marks(ids)
        out: list[dict[str, Any]] = []
        for tid in ids:
            row = lasts.get(tid)
            last_message = None
            if row is not None:
                body = json.loads(row.body) if isinstance(row.body, str) else dict(row.body)
                last_message = {
                    "seq": int(row.seq),
                    "author_id": row.author_id,
                    "kind": row.kind,
                    "preview": preview_of(row.kind, body),
                    "created_at": (_aware(row.created_at) or utcnow()).isoformat(),
                }
            out.append(
                {
                    "thread_id": tid,
                    "last_message": last_message,
                    "unread": counts.get(tid, 0),
                    "reads": [m.json() for m in marks.get(tid, [])],
                }
            )
        return out
