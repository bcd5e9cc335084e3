"""The contact policy applied to real messages through the API: each action, the contract
switch, the exemption for platform-made meeting links, and the records auditors get."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from signaling.api.context import CTX
from signaling.domain.messages import SYSTEM_AUTHOR, MessageKind, NewMessage
from signaling.store import schema
from signaling.store.sql import SqlStore
from tests.api.conftest import SERVICE_TOKEN, Harness, HarnessFactory

LEAK = "Sure, my email is dana.kowalski@gmail.com or call +44 7911 123456 tonight"


async def send(harness: Harness, thread_id: str, text: str, user: str = "f1") -> Any:
    role = "freelancer" if user.startswith("f") else "client"
    return await harness.client.post(
        f"/api/threads/{thread_id}/messages",
        json={"text": text},
        headers=harness.headers(user, role),
    )


async def timeline(harness: Harness, thread_id: str) -> list[dict[str, Any]]:
    resp = await harness.client.get(
        f"/api/threads/{thread_id}/messages", headers=harness.headers("c1")
    )
    messages: list[dict[str, Any]] = (await resp.json())["messages"]
    return messages


async def findings(harness: Harness) -> list[Any]:
    store = harness.app[CTX].store
    assert isinstance(store, SqlStore)
    async with store.engine.connect() as conn:
        return list((await conn.execute(sa.select(schema.policy_findings))).all())


async def audit_types(harness: Harness, thread_id: str) -> list[str]:
    store = harness.app[CTX].store
    assert isinstance(store, SqlStore)
    return [e.event_type for e in await store.audit_entries(thread_id)]


async def test_redact_is_the_default(harness: Harness) -> None:
    thread = await harness.thread()
    resp = await send(harness, thread["id"], LEAK)
    assert resp.status == 201
    message = await resp.json()
    text = message["body"]["text"]
    assert "gmail" not in text and "7911" not in text and "[removed: email]" in text
    assert set(message["body"]["policy"]["labels"]) == {"email", "phone"}
    kinds = [(m["kind"], m["author_id"]) for m in await timeline(harness, thread["id"])]
    assert kinds == [("text", "f1"), ("policy", SYSTEM_AUTHOR)]
    rows = await findings(harness)
    assert {r.label for r in rows} == {"email", "phone"}
    assert all(r.original_text == LEAK and r.action == "redact" for r in rows)
    assert "policy.flagged" not in await audit_types(harness, thread["id"])
    store = harness.app[CTX].store
    assert isinstance(store, SqlStore)
    entries = await store.audit_entries(thread["id"])
    flagged = [e for e in entries if '"policy"' in e.entry and e.event_type == "message.created"]
    assert flagged and '"spans"' in flagged[0].entry


async def test_block_rejects_and_records(make_harness: HarnessFactory) -> None:
    harness = await make_harness(policy_action="block")
    thread = await harness.thread()
    resp = await send(harness, thread["id"], LEAK)
    assert resp.status == 422
    problem = await resp.json()
    assert problem["code"] == "policy_blocked" and "not delivered" in problem["detail"]
    assert set(problem["labels"]) == {"email", "phone"}
    messages = await timeline(harness, thread["id"])
    assert [m["kind"] for m in messages] == ["policy"]
    assert "gmail" not in str(messages)  # the text is never delivered
    assert "policy.blocked" in await audit_types(harness, thread["id"])
    rows = await findings(harness)
    assert rows and all(r.message_id is None and r.original_text == LEAK for r in rows)


async def test_block_over_socket_is_an_error_ack(make_harness: HarnessFactory) -> None:
    harness = await make_harness(policy_action="block")
    thread = await harness.thread()
    sio = await harness.socket("f1", "freelancer")
    ack = await sio.call("message:send", {"thread_id": thread["id"], "text": LEAK})
    assert ack["ok"] is False and ack["code"] == "policy_blocked" and ack["labels"]


async def test_warn_delivers_as_written_with_notice(make_harness: HarnessFactory) -> None:
    harness = await make_harness(policy_action="warn")
    thread = await harness.thread()
    message = await (await send(harness, thread["id"], LEAK)).json()
    assert message["body"]["text"] == LEAK
    assert message["body"]["policy"]["action"] == "warn"
    kinds = [m["kind"] for m in await timeline(harness, thread["id"])]
    assert kinds == ["text", "policy"]


async def test_nothing_is_flagged_after_the_contract_starts(harness: Harness) -> None:
    thread = await harness.thread()
    await send(harness, thread["id"], "Hello!", user="c1")
    hired = await harness.client.post(
        f"/api/threads/{thread['id']}/stage",
        json={"stage": "hired"},
        headers={"Authorization": f"Bearer {SERVICE_TOKEN}"},
    )
    assert hired.status == 200
    message = await (await send(harness, thread["id"], LEAK)).json()
    assert message["body"] == {"text": LEAK}
    assert await findings(harness) == []


@pytest.mark.parametrize(
    "text",
    [
        "Budget is $1,500 for the MVP, milestone 1 due 2025-07-01, invoice #48213.",
        "We use @angular/core 17.2 and deploy with docker; see example.com/docs for the mockup.",
        "Use the Zoom button above to start our interview call",
    ],
)
async def test_ordinary_project_talk_passes(harness: Harness, text: str) -> None:
    thread = await harness.thread()
    message = await (await send(harness, thread["id"], text)).json()
    assert message["body"] == {"text": text}


async def test_platform_meeting_link_is_exempt_but_pasted_one_is_not(harness: Harness) -> None:
    thread = await harness.thread()
    store = harness.app[CTX].store
    platform_link = "https://us02web.zoom.us/j/81234567890?pwd=abcDEF123"
    await store.append_message(
        NewMessage(
            thread["id"],
            SYSTEM_AUTHOR,
            MessageKind.MEETING,
            {"provider": "zoom", "meeting_id": "81234567890", "join_url": platform_link},
        )
    )
    ok = await (await send(harness, thread["id"], f"Joining now: {platform_link}")).json()
    assert ok["body"] == {"text": f"Joining now: {platform_link}"}
    other = await (
        await send(harness, thread["id"], "Or use my room https://zoom.us/j/99887766554")
    ).json()
    assert other["body"]["policy"]["labels"] == ["meeting_link"]
