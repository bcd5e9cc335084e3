"""/metrics counters only grow while the process lives: a call's end takes nothing away
(a real call between two aiortc peers through the server's media path)."""

from __future__ import annotations

import re

import pytest

from media.testing import encode_opus_clip, encode_vp8_clip
from tests.api.conftest import Harness, HarnessFactory
from tests.api.test_call_media import Browser
from tests.api.test_socket import wait_for

pytestmark = pytest.mark.slow

Clips = tuple[list[bytes], list[bytes]]


@pytest.fixture(scope="module")
def media_clips() -> Clips:
    return encode_vp8_clip(30, gop=15), encode_opus_clip(50)


async def scrape(harness: Harness) -> dict[str, float]:
    """Every sample of /metrics by its name with labels."""
    text = await (await harness.client.get("/metrics")).text()
    samples: dict[str, float] = {}
    for line in text.splitlines():
        match = re.fullmatch(r"([a-z_]+(?:\{[^}]*\})?) (\S+)", line)
        if match:
            samples[match[1]] = float(match[2])
    return samples


COUNTERS = (
    'interview_media_packets_forwarded_total{kind="video"}',
    'interview_media_packets_forwarded_total{kind="audio"}',
    'interview_media_bytes_forwarded_total{kind="video"}',
    "interview_media_sessions_total",
)


async def call(harness: Harness, clips: Clips, thread_id: str) -> None:
    """One video call, media flowing both ways; hung up before returning."""
    client_sio = await harness.socket("c1", "client")
    freelancer_sio = await harness.socket("f1", "freelancer")
    video, audio = clips
    client, freelancer = Browser(video, audio), Browser(video, audio)
    try:
        ack = await client_sio.call("call:start", {"thread_id": thread_id, "kind": "video"})
        call_id = ack["call"]["call_id"]
        await client.offer(client_sio, call_id)
        assert (await freelancer_sio.call("call:accept", {"call_id": call_id}))["ok"]
        await freelancer.offer(freelancer_sio, call_id)
        await wait_for(
            lambda: all(len(b.received["video"]) >= 10 for b in (client, freelancer)), within=30
        )
        during = await scrape(harness)
        assert during["interview_media_sessions_active"] == 1
        assert during['interview_media_packets_forwarded_total{kind="video"}'] >= 20
        ack = await client_sio.call("call:hangup", {"call_id": call_id})
        assert ack["call"]["state"] == "ended"
    finally:
        await client.pc.close()
        await freelancer.pc.close()
        for sio in (client_sio, freelancer_sio):
            await sio.disconnect()


async def test_media_counters_survive_the_end_of_calls(
    make_harness: HarnessFactory, media_clips: Clips, database_url: str
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("one backend is enough for the media path")
    harness = await make_harness()
    thread = await harness.thread()
    await call(harness, media_clips, thread["id"])
    after_first = await scrape(harness)
    assert after_first["interview_media_sessions_active"] == 0
    assert after_first['interview_media_packets_forwarded_total{kind="video"}'] >= 20
    assert after_first["interview_media_sessions_total"] == 1
    await call(harness, media_clips, thread["id"])
    after_second = await scrape(harness)
    for name in COUNTERS:
        assert after_second[name] > after_first[name] > 0, name
    assert after_second["interview_calls_ended_total"] == 2
