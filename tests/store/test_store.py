"""The SQL store against both real backends (SQLite file and PostgreSQL)."""

from __future__ import annotations

import asyncio

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from signaling.domain.messages import MessageKind, NewMessage
from signaling.domain.ports import ThreadStore
from signaling.domain.threads import Role, Stage
from signaling.errors import Conflict, NotFound
from signaling.store import schema
from signaling.store.sql import SqlStore


async def new_thread(store: SqlStore, job: str = "job-1") -> str:
    thread, created = await store.create_thread(
        job_id=job, job_title="A job", client_id="c1", freelancer_id="f1", actor_id="c1"
    )
    assert created
    return thread.id


def test_conforms_to_port(store: SqlStore) -> None:
    _: ThreadStore = store


async def test_migrations_match_schema(store: SqlStore) -> None:
    def diff(sync_conn: sa.Connection) -> list[object]:
        ctx = MigrationContext.configure(sync_conn)
        return list(compare_metadata(ctx, schema.metadata))

    async with store.engine.connect() as conn:
        differences = await conn.run_sync(diff)
    assert differences == []


async def test_one_thread_per_client_applicant_job(store: SqlStore) -> None:
    tid = await new_thread(store)
    again, created = await store.create_thread(
        job_id="job-1", job_title="A job", client_id="c1", freelancer_id="f1", actor_id="c1"
    )
    assert not created and again.id == tid
    other = await new_thread(store, "job-2")
    assert other != tid


async def test_seq_is_gap_free_under_concurrency(store: SqlStore) -> None:
    tid = await new_thread(store)
    results = await asyncio.gather(
        *(
            store.append_message(NewMessage(tid, "c1", MessageKind.TEXT, {"text": f"m{i}"}))
            for i in range(30)
        )
    )
    seqs = sorted(r.message.seq for r in results)
    assert seqs == list(range(1, 31))
    listed = await store.list_messages(tid, after_seq=10, limit=5)
    assert [m.seq for m in listed] == [11, 12, 13, 14, 15]


async def test_client_msg_id_is_idempotent(store: SqlStore) -> None:
    tid = await new_thread(store)
    first = await store.append_message(
        NewMessage(tid, "c1", MessageKind.TEXT, {"text": "hello"}, "abc")
    )
    second = await store.append_message(
        NewMessage(tid, "c1", MessageKind.TEXT, {"text": "hello"}, "abc")
    )
    assert first.created and not second.created
    assert second.message.id == first.message.id
    assert len(await store.list_messages(tid)) == 1


async def test_first_message_moves_to_interviewing(store: SqlStore) -> None:
    tid = await new_thread(store)
    result = await store.append_message(NewMessage(tid, "f1", MessageKind.TEXT, {"text": "hi"}))
    assert result.thread.stage is Stage.INTERVIEWING
    thread = await store.get_thread(tid)
    assert thread is not None and thread.stage is Stage.INTERVIEWING


async def test_stage_transitions_and_closed_thread(store: SqlStore) -> None:
    tid = await new_thread(store)
    await store.append_message(NewMessage(tid, "c1", MessageKind.TEXT, {"text": "hi"}))
    await store.set_stage(tid, Stage.WITHDRAWN, actor_id="f1", actor_role=Role.FREELANCER)
    with pytest.raises(Conflict):
        await store.set_stage(tid, Stage.HIRED, actor_id="service", actor_role=Role.SERVICE)
    with pytest.raises(Conflict, match="withdrawn"):
        await store.append_message(NewMessage(tid, "c1", MessageKind.TEXT, {"text": "late"}))
    # server notices still land in a closed thread
    await store.append_message(NewMessage(tid, "system", MessageKind.SYSTEM, {"text": "note"}))


async def test_unknown_thread(store: SqlStore) -> None:
    with pytest.raises(NotFound):
        await store.append_message(NewMessage("nope", "c1", MessageKind.TEXT, {"text": "x"}))
    assert await store.get_thread("nope") is None


async def test_audit_chain_verifies(store: SqlStore) -> None:
    tid = await new_thread(store)
    for i in range(5):
        await store.append_message(NewMessage(tid, "c1", MessageKind.TEXT, {"text": f"m{i}"}))
    await store.set_stage(tid, Stage.HIRED, actor_id="service", actor_role=Role.SERVICE)
    report = await store.verify_chain(tid)
    assert report.ok, report.reason
    assert report.checked == 1 + 1 + 5 + 1  # created, stage (first msg), 5 messages, hired


@pytest.mark.parametrize(
    ("table", "column"),
    [
        ("audit_log", "entry"),
        ("audit_log", "hash"),
        ("audit_log", "prev_hash"),
        ("audit_log", "event_type"),
        ("audit_log", "actor_id"),
        ("messages", "body"),
    ],
)
async def test_editing_any_stored_byte_is_detected(
    store: SqlStore, table: str, column: str
) -> None:
    tid = await new_thread(store)
    for i in range(4):
        await store.append_message(NewMessage(tid, "c1", MessageKind.TEXT, {"text": f"m{i}"}))
    tbl = schema.metadata.tables[table]
    key = tbl.c.thread_id if table == "messages" else tbl.c.chain
    async with store.engine.begin() as conn:
        rows = (await conn.execute(sa.select(tbl).where(key == tid))).all()
        victim = rows[len(rows) // 2]
        value: str = getattr(victim, column)
        # flip one character in the middle of the stored value
        i = len(value) // 2
        flipped = value[:i] + ("0" if value[i] != "0" else "1") + value[i + 1 :]
        await conn.execute(tbl.update().where(tbl.c.id == victim.id).values({column: flipped}))
    report = await store.verify_chain(tid)
    assert not report.ok
    assert report.reason


async def test_deleted_message_is_detected(store: SqlStore) -> None:
    tid = await new_thread(store)
    for i in range(3):
        await store.append_message(NewMessage(tid, "c1", MessageKind.TEXT, {"text": f"m{i}"}))
    async with store.engine.begin() as conn:
        await conn.execute(
            schema.messages.delete().where(
                schema.messages.c.thread_id == tid, schema.messages.c.seq == 2
            )
        )
    report = await store.verify_chain(tid)
    assert not report.ok and "gone" in report.reason


async def test_user_profile_refreshes(store: SqlStore) -> None:
    await store.upsert_user("u1", "Old", "client")
    await store.upsert_user("u1", "New", "client")
    users = await store.get_users(["u1", "missing"])
    assert users["u1"].name == "New" and "missing" not in users


async def test_a_hash_edited_into_non_hex_is_reported_not_raised(store: SqlStore) -> None:
    tid = await new_thread(store)
    for i in range(3):
        await store.append_message(NewMessage(tid, "c1", MessageKind.TEXT, {"text": f"m{i}"}))
    log = schema.audit_log
    async with store.engine.begin() as conn:  # a forger keeps the links consistent
        await conn.execute(
            log.update().where(log.c.chain == tid, log.c.position == 1).values(hash="zz" * 32)
        )
        await conn.execute(
            log.update().where(log.c.chain == tid, log.c.position == 2).values(prev_hash="zz" * 32)
        )
    report = await store.verify_chain(tid)
    assert not report.ok and report.first_bad_position == 1
