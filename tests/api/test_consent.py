"""Recording consent through signaling, with an in-memory recorder (our own port)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from signaling.api.context import CTX
from signaling.domain.calls import Call
from signaling.domain.ports import CallRecording, MediaSessionPort
from signaling.store.sql import SqlStore
from tests.api.conftest import Harness, HarnessFactory
from tests.api.fake_media import FakeMediaFactory, InMemoryMediaSession


@dataclass
class InMemoryRecording:
    call_id: str
    stopped: bool = False

    async def stop(self) -> dict[str, Any]:
        self.stopped = True
        return {"sha256": "ab" * 32, "bytes": 1234, "duration_seconds": 1.5, "key": self.call_id}


@dataclass
class RecorderSpy:
    started: list[InMemoryRecording] = field(default_factory=list)

    async def __call__(self, call: Call, media: MediaSessionPort) -> CallRecording | None:
        recording = InMemoryRecording(call.id)
        self.started.append(recording)
        return recording


async def live_call(
    make_harness: HarnessFactory, policy: str
) -> tuple[Harness, FakeMediaFactory, RecorderSpy, str, Any, Any, str]:
    media, spy = FakeMediaFactory(), RecorderSpy()
    harness = await make_harness(media_factory=media, recorder_factory=spy, recording=policy)
    thread = await harness.thread()
    client = await harness.socket("c1", "client")
    freelancer = await harness.socket("f1", "freelancer")
    call_id = (await client.call("call:start", {"thread_id": thread["id"], "kind": "video"}))[
        "call"
    ]["call_id"]
    await client.call("rtc:offer", {"call_id": call_id, "sdp": "v=0 c"})
    await freelancer.call("call:accept", {"call_id": call_id})
    await freelancer.call("rtc:offer", {"call_id": call_id, "sdp": "v=0 f"})
    return harness, media, spy, call_id, client, freelancer, thread["id"]


def forwarding(session: InMemoryMediaSession) -> bool:
    return session.forwarding


async def test_optional_records_only_while_both_consent(make_harness: HarnessFactory) -> None:
    harness, media, spy, call_id, client, freelancer, thread_id = await live_call(
        make_harness, "optional"
    )
    assert forwarding(media.sessions[call_id])  # optional: media flows without consent
    ack = await client.call("call:consent", {"call_id": call_id, "consent": True})
    assert ack["ok"] and ack["call"]["consent"] == ["c1"] and spy.started == []
    await freelancer.call("call:consent", {"call_id": call_id, "consent": True})
    assert len(spy.started) == 1
    await freelancer.call("call:consent", {"call_id": call_id, "consent": False})
    assert spy.started[0].stopped  # withdrawing consent stops recording
    await client.call("call:hangup", {"call_id": call_id})
    store = harness.app[CTX].store
    assert isinstance(store, SqlStore)
    types = [e.event_type for e in await store.audit_entries(thread_id)]
    assert types.count("call.consent_given") == 2 and "call.consent_withdrawn" in types
    assert "call.recording_started" in types and "call.recording_stopped" in types
    messages = await store.list_messages(thread_id)
    (record,) = [m for m in messages if m.kind.value == "call"]
    segments = record.body["recording"]["segments"]
    assert len(segments) == 1 and segments[0]["sha256"] == "ab" * 32
    assert [m.kind.value for m in messages].count("recording") == 1


async def test_refusal_means_no_recording(make_harness: HarnessFactory) -> None:
    harness, _, spy, call_id, client, freelancer, thread_id = await live_call(
        make_harness, "optional"
    )
    await client.call("call:consent", {"call_id": call_id, "consent": True})
    await freelancer.call("call:consent", {"call_id": call_id, "consent": False})
    await client.call("call:hangup", {"call_id": call_id})
    assert spy.started == []
    store = harness.app[CTX].store
    messages = await store.list_messages(thread_id)
    (record,) = [m for m in messages if m.kind.value == "call"]
    assert record.body["recording"] is None


async def test_required_holds_media_until_both_consent(make_harness: HarnessFactory) -> None:
    _, media, spy, call_id, client, freelancer, _ = await live_call(make_harness, "required")
    session = media.sessions[call_id]
    assert not forwarding(session)
    await client.call("call:consent", {"call_id": call_id, "consent": True})
    assert not forwarding(session)
    await freelancer.call("call:consent", {"call_id": call_id, "consent": True})
    assert forwarding(session) and len(spy.started) == 1
    await client.call("call:consent", {"call_id": call_id, "consent": False})
    assert not forwarding(session) and spy.started[0].stopped


async def test_recording_off_refuses_consent(make_harness: HarnessFactory) -> None:
    _, _, _, call_id, client, _, _ = await live_call(make_harness, "off")
    ack = await client.call("call:consent", {"call_id": call_id, "consent": True})
    assert ack["code"] == "recording_disabled"
