"""A whole call through the real server: socket.io signaling, aiortc peers on both sides,
the server's MediaSession forwarding encoded media, and the call record at the end."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiortc import RTCPeerConnection, RTCSessionDescription

from media import aiortc_tap
from media.testing import ClipTrack, encode_opus_clip, encode_vp8_clip
from signaling.api.context import CTX
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
            aiortc_tap.install_frame_tap(transceiver.receiver, self._collector(kind))

    def _collector(self, kind: str) -> Any:
        sink = self.received[kind]

        def collect(_codec: Any, data: bytes, _timestamp: int) -> None:
            sink.append(data)

        return collect

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


def probe_recording(path: str) -> list[tuple[str, str, float]]:
    import av

    out: list[tuple[str, str, float]] = []
    with av.open(path) as container:
        for stream in container.streams:
            last = 0.0
            for pkt in container.demux(stream):
                if pkt.pts is not None and pkt.time_base is not None:
                    last = max(last, float(pkt.pts * pkt.time_base))
            container.seek(0)
            out.append((str(stream.type), stream.codec_context.name, last))
    return out


async def recorded_call(
    harness: Harness, clips: tuple[list[bytes], list[bytes]], seconds: float
) -> tuple[str, str]:
    """A video call between two aiortc peers that both consent to recording; returns
    (thread id, call id) once it has been hung up."""
    thread = await harness.thread()
    client_sio = await harness.socket("c1", "client")
    freelancer_sio = await harness.socket("f1", "freelancer")
    video, audio = clips
    client, freelancer = Browser(video, audio), Browser(video, audio)
    try:
        call_id = (
            await client_sio.call("call:start", {"thread_id": thread["id"], "kind": "video"})
        )["call"]["call_id"]
        await client.offer(client_sio, call_id)
        await freelancer_sio.call("call:accept", {"call_id": call_id})
        await freelancer.offer(freelancer_sio, call_id)
        await wait_for(lambda: len(freelancer.received["video"]) >= 10, within=30)
        for sio in (client_sio, freelancer_sio):
            ack = await sio.call("call:consent", {"call_id": call_id, "consent": True})
            assert ack["ok"]
        assert ack["call"]["recording"]["status"] == "recording"
        await asyncio.sleep(seconds)
        await client_sio.call("call:hangup", {"call_id": call_id})
    finally:
        await client.pc.close()
        await freelancer.pc.close()
    return thread["id"], str(call_id)


async def test_recorded_call_produces_a_playable_file(
    make_harness: HarnessFactory, clips: tuple[list[bytes], list[bytes]], database_url: str
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("one backend is enough for the media path")
    harness: Harness = await make_harness(recording="optional")
    thread_id, call_id = await recorded_call(harness, clips, 3.0)
    auditor = harness.headers("a1", "auditor")
    listed = await (await harness.client.get("/api/audit/recordings", headers=auditor)).json()
    (item,) = listed["recordings"]
    assert item["call_id"] == call_id and len(item["sha256"]) == 64
    path = str(harness.app[CTX].settings.recordings_dir / item["key"])
    streams = await asyncio.to_thread(probe_recording, path)
    assert sorted((kind, codec) for kind, codec, _ in streams) == [
        ("audio", "opus"),
        ("audio", "opus"),
        ("video", "vp8"),
        ("video", "vp8"),
    ]
    for _, _, end in streams:
        assert abs(end - item["duration_seconds"]) < 0.5, (streams, item)
    # auditors stream it with Range; parties cannot download by default
    part = await harness.client.get(item["url"], headers={**auditor, "Range": "bytes=0-99"})
    assert part.status == 206 and len(await part.read()) == 100
    party = await harness.client.get(item["url"], headers=harness.headers("c1"))
    assert party.status == 403
    outsider = await harness.client.get(item["url"], headers=harness.headers("zz"))
    assert outsider.status == 404
    # the side-by-side composite is rendered in the background for auditors to play
    async with asyncio.timeout(60):
        while True:
            listed = await (
                await harness.client.get("/api/audit/recordings", headers=auditor)
            ).json()
            if listed["recordings"][0]["composite_url"]:
                break
            await asyncio.sleep(0.5)
    composite = await harness.client.get(listed["recordings"][0]["composite_url"], headers=auditor)
    assert composite.status == 200 and len(await composite.read()) > 1000
    messages = (
        await (
            await harness.client.get(
                f"/api/threads/{thread_id}/messages", headers=harness.headers("c1")
            )
        ).json()
    )["messages"]
    kinds = [m["kind"] for m in messages]
    assert kinds.count("recording") == 1 and kinds.count("call") == 1
    record = next(m for m in messages if m["kind"] == "call")["body"]
    assert record["recording"]["segments"][0]["sha256"] == item["sha256"]


async def test_composite_cli_renders_a_single_playable_file(
    make_harness: HarnessFactory, clips: tuple[list[bytes], list[bytes]], database_url: str
) -> None:
    """`interview-server recordings composite CALL_ID` on a real recorded call."""
    if not database_url.startswith("sqlite"):
        pytest.skip("one backend is enough for the media path")
    import os
    import sys

    harness: Harness = await make_harness(recording="optional")
    _, call_id = await recorded_call(harness, clips, 2.0)
    settings = harness.app[CTX].settings
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTERVIEW_")}
    env["INTERVIEW_DATA_DIR"] = str(settings.data_dir)
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "signaling",
        "recordings",
        "composite",
        call_id,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    target = out.decode().strip().splitlines()[-1]
    streams = await asyncio.to_thread(probe_recording, target)
    assert sorted(kind for kind, _, _ in streams) == ["audio", "video"]
