"""A whole call through the real server: socket.io signaling, aiortc peers on both sides,
the server's MediaSession forwarding encoded media, and the call record at the end."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiortc import RTCPeerConnection, RTCSessionDescription

from media import aiortc_tap
from media.testing import ClipTrack, encode_opus_clip, encode_vp8_clip
from tests.api.conftest import Harness, HarnessFactory
from tests.api.test_socket import collect, wait_for

pytestmark = pytest.mark.slow


class Browser:
    """An aiortc stand-in for a browser: sends pre-encoded clips, taps what it receives."""

    def __init__(self, video: list[bytes], audio: list[bytes]) -> None:
        self.pc = RTCPeerConnection()
        self.received: dict[str, list[bytes]] = {"audio": [], "video": []}
        for kind, clip in (("audio", audio), ("video", video)):
            sender = self.pc.addTrack(ClipTrack(kind, clip))  # type: ignore[arg-type]
            transceiver = next(t for t in self.pc.getTransceivers() if t.sender is sender)
            sink = self.received[kind]
            aiortc_tap.install_frame_tap(
                transceiver.receiver, lambda _c, data, _ts, sink=sink: sink.append(data)
            )

    async def offer(self, sio: Any, call_id: str) -> None:
        await self.pc.setLocalDescription(await self.pc.createOffer())
        ack = await sio.call(
            "rtc:offer", {"call_id": call_id, "sdp": self.pc.localDescription.sdp}, timeout=20
        )
        assert ack["ok"], ack
        await self.pc.setRemoteDescription(RTCSessionDescription(ack["sdp"], "answer"))


@pytest.fixture(scope="module")
def clips() -> tuple[list[bytes], list[bytes]]:
    return encode_vp8_clip(30, gop=15), encode_opus_clip(50)


async def test_video_call_forwards_encoded_media_and_logs_it(
    make_harness: HarnessFactory, clips: tuple[list[bytes], list[bytes]], database_url: str
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("one backend is enough for the media path")
    harness: Harness = await make_harness()
    thread = await harness.thread()
    client_sio = await harness.socket("c1", "client")
    freelancer_sio = await harness.socket("f1", "freelancer")
    states = await collect(freelancer_sio, "call:state")
    video, audio = clips
    client, freelancer = Browser(video, audio), Browser(video, audio)
    try:
        call = await client_sio.call("call:start", {"thread_id": thread["id"], "kind": "video"})
        call_id = call["call"]["call_id"]
        await client.offer(client_sio, call_id)
        assert (await freelancer_sio.call("call:accept", {"call_id": call_id}))["ok"]
        await freelancer.offer(freelancer_sio, call_id)
        await wait_for(
            lambda: all(len(b.received["video"]) >= 20 for b in (client, freelancer)), within=30
        )
        await wait_for(lambda: any(s["state"] == "connected" for s in states), within=15)
        # what arrives is exactly what was sent: encoded frames, byte for byte
        for browser in (client, freelancer):
            assert set(browser.received["video"]) <= set(video)
            assert len(browser.received["audio"]) > 10
            assert set(browser.received["audio"]) <= set(audio)
        await asyncio.sleep(1.0)
        ack = await client_sio.call("call:hangup", {"call_id": call_id})
        assert ack["call"]["state"] == "ended"
    finally:
        await client.pc.close()
        await freelancer.pc.close()
    resp = await harness.client.get(
        f"/api/threads/{thread['id']}/messages", headers=harness.headers("c1")
    )
    records = [m for m in (await resp.json())["messages"] if m["kind"] == "call"]
    assert len(records) == 1
    body = records[0]["body"]
    assert body["outcome"] == "completed" and body["end_reason"] == "hangup"
    assert body["connected_seconds"] > 0.5
    assert set(body["media"]) == {"c1", "f1"}
    metrics = await (await harness.client.get("/metrics")).text()
    assert "interview_calls_ended_total 1" in metrics
