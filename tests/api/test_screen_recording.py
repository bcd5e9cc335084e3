"""Screen sharing reaches the recorder: ``call:media`` with ``screen`` moves the party's video
to its screen track (and back), a recording started mid-share starts on the screen, and the
recording index lists each share with its span (what the auditor console shows)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from signaling.api.context import CTX
from signaling.domain.calls import Call
from signaling.domain.ports import CallRecording, MediaSessionPort
from signaling.recordings import recordings_of
from signaling.store.sql import SqlStore
from tests.api.conftest import HarnessFactory
from tests.api.fake_media import FakeMediaFactory


@dataclass
class ScreenAwareRecording:
    """Our recording port, with the optional ``set_screen`` the real recorder has."""

    call_id: str
    screens: list[tuple[str, bool]] = field(default_factory=list)

    def set_screen(self, participant_id: str, sharing: bool) -> None:
        self.screens.append((participant_id, sharing))

    async def stop(self) -> dict[str, Any]:
        return {
            "sha256": "cd" * 32,
            "bytes": 99,
            "duration_seconds": 9.0,
            "key": f"{self.call_id}-1.webm",
            "tracks": [
                {"participant_id": "c1", "kind": "video", "spans": [[0.0, 2.0], [6.0, 9.0]]},
                {
                    "participant_id": "c1",
                    "kind": "screen",
                    "spans": [[2.1, 5.9]],
                    "width": 1280,
                    "height": 720,
                },
            ],
        }


@dataclass
class Factory:
    started: list[ScreenAwareRecording] = field(default_factory=list)

    async def __call__(self, call: Call, media: MediaSessionPort) -> CallRecording | None:
        self.started.append(ScreenAwareRecording(call.id))
        return self.started[-1]


async def test_screen_flags_reach_the_recorder_and_the_index(make_harness: HarnessFactory) -> None:
    factory = Factory()
    harness = await make_harness(
        media_factory=FakeMediaFactory(), recorder_factory=factory, recording="optional"
    )
    thread = await harness.thread()
    client = await harness.socket("c1", "client")
    freelancer = await harness.socket("f1", "freelancer")
    started = await client.call("call:start", {"thread_id": thread["id"], "kind": "video"})
    call_id = started["call"]["call_id"]
    await client.call("rtc:offer", {"call_id": call_id, "sdp": "v=0 c"})
    await freelancer.call("call:accept", {"call_id": call_id})
    await freelancer.call("rtc:offer", {"call_id": call_id, "sdp": "v=0 f"})

    def flags(screen: bool) -> dict[str, Any]:
        return {"call_id": call_id, "audio": True, "video": True, "screen": screen}

    # Sharing before the recording starts: the recorder is told as it starts.
    assert (await client.call("call:media", flags(True)))["ok"]
    for sock in (client, freelancer):
        await sock.call("call:consent", {"call_id": call_id, "consent": True})
    [recording] = factory.started
    assert recording.screens == [("c1", True)]
    # A repeated flag (mute toggled while sharing) is not a change; stopping is.
    await client.call("call:media", {**flags(True), "audio": False})
    await client.call("call:media", flags(False))
    await freelancer.call("call:media", flags(False))
    assert recording.screens == [("c1", True), ("c1", False)]
    await client.call("call:hangup", {"call_id": call_id})

    store = harness.app[CTX].store
    assert isinstance(store, SqlStore)
    [item] = await recordings_of(store, thread_id=thread["id"])
    assert item["screen_shares"] == [
        {
            "participant_id": "c1",
            "start_seconds": 2.1,
            "end_seconds": 5.9,
            "width": 1280,
            "height": 720,
        }
    ]
