"""Recordings made through the real app (real recorder, background composite job, crash
recovery's storage step) end up in an S3 bucket (moto in server mode) and stream back, whole
and by Range, with the hash on the call record; a case's legal hold becomes the object's S3
legal hold. What the bucket holds is read with boto3 directly."""

from __future__ import annotations

import asyncio
import hashlib
from typing import TYPE_CHECKING, Any

import pytest

from recording.naming import composite_key
from signaling.api.context import CTX, RECORDING_STORAGE
from tests.api.conftest import Harness, HarnessFactory
from tests.api.test_recording_files import TappedFactory
from tests.api.test_socket import wait_for
from tests.recording.clips import h264_clip, opus_beep_clip
from tests.storage.conftest import ACCESS_KEY, SECRET_KEY, S3Server

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

pytestmark = pytest.mark.slow


def s3_settings(server: S3Server, bucket: str) -> dict[str, Any]:
    return {
        "storage_s3_bucket": bucket,
        "storage_s3_endpoint_url": server.endpoint,
        "storage_s3_access_key_id": ACCESS_KEY,
        "storage_s3_secret_access_key": SECRET_KEY,
        "storage_s3_addressing_style": "path",
        "storage_s3_prefix": "site/",
        "recording_retention_days": 30,
    }


async def record_a_call(harness: Harness, media: TappedFactory) -> str:
    """Both parties consent, publish two seconds of H.264 and Opus, and hang up."""
    video, audio = await asyncio.to_thread(h264_clip, 2.0), opus_beep_clip(2.0)
    thread = await harness.thread()
    client = await harness.socket("c1", "client")
    freelancer = await harness.socket("f1", "freelancer")
    start = await client.call("call:start", {"thread_id": thread["id"], "kind": "video"})
    call_id = str(start["call"]["call_id"])
    await client.call("rtc:offer", {"call_id": call_id, "sdp": "v=0 c"})
    await freelancer.call("call:accept", {"call_id": call_id})
    await freelancer.call("rtc:offer", {"call_id": call_id, "sdp": "v=0 f"})
    for sio in (client, freelancer):
        assert (await sio.call("call:consent", {"call_id": call_id, "consent": True}))["ok"]
    session = media.sessions[call_id]
    await wait_for(lambda: bool(session.sinks))
    await session.publish(video, audio)
    assert (await client.call("call:hangup", {"call_id": call_id}))["ok"]
    return call_id


async def test_a_recording_goes_to_the_bucket_and_streams_back(
    make_harness: HarnessFactory,
    database_url: str,
    s3_server: S3Server,
    s3: S3Client,
    locked_bucket: str,
) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("one backend is enough for the file path (the index is tested on both)")
    media = TappedFactory()
    harness = await make_harness(
        media_factory=media, recording="optional", **s3_settings(s3_server, locked_bucket)
    )
    call_id = await record_a_call(harness, media)
    auditor = harness.headers("a1", "auditor")

    async def listed() -> dict[str, Any]:
        resp = await harness.client.get("/api/audit/recordings", headers=auditor)
        assert resp.status == 200
        (item,) = (await resp.json())["recordings"]
        return dict(item)

    async with asyncio.timeout(90):
        item = await listed()
        while item["composite_url"] is None:
            await asyncio.sleep(0.2)
            item = await listed()
    key = str(item["key"])
    assert key == f"{call_id}-1.mkv"

    # in the bucket, read by boto3 itself: same bytes as the hash on the call record
    name = f"site/recordings/{key}"
    got = await asyncio.to_thread(s3.get_object, Bucket=locked_bucket, Key=name)
    stored = await asyncio.to_thread(got["Body"].read)
    assert hashlib.sha256(stored).hexdigest() == item["sha256"]
    assert len(stored) == item["bytes"]
    head = await asyncio.to_thread(s3.head_object, Bucket=locked_bucket, Key=name)
    assert head["ObjectLockMode"] == "GOVERNANCE" and "ObjectLockRetainUntilDate" in head
    composite = await asyncio.to_thread(
        s3.head_object, Bucket=locked_bucket, Key=f"site/recordings/{composite_key(key)}"
    )
    assert composite["ContentLength"] > 0
    # the local spool keeps nothing once the bucket has it
    spool = harness.app[CTX].settings.recordings_dir
    left = await asyncio.to_thread(lambda: sorted(p.name for p in spool.glob("*")))
    assert left == []

    # streamed back from the bucket: whole, and by Range (seek, suffix, past the end)
    whole = await harness.client.get(item["url"], headers=auditor)
    assert whole.status == 200 and whole.headers["Content-Type"] == "video/x-matroska"
    assert hashlib.sha256(await whole.read()).hexdigest() == item["sha256"]
    size = len(stored)
    pieces = []
    for start in range(0, size, 65_536):
        resp = await harness.client.get(
            item["url"], headers={**auditor, "Range": f"bytes={start}-{start + 65_535}"}
        )
        assert resp.status == 206
        end = min(start + 65_535, size - 1)
        assert resp.headers["Content-Range"] == f"bytes {start}-{end}/{size}"
        pieces.append(await resp.read())
    assert hashlib.sha256(b"".join(pieces)).hexdigest() == item["sha256"]
    tail = await harness.client.get(item["url"], headers={**auditor, "Range": "bytes=-100"})
    assert tail.status == 206 and await tail.read() == stored[-100:]
    past = await harness.client.get(item["url"], headers={**auditor, "Range": f"bytes={size}-"})
    assert past.status == 416
    rendered = await harness.client.get(item["composite_url"], headers=auditor)
    assert rendered.status == 200 and rendered.headers["Content-Type"] == "video/webm"
    assert len(await rendered.read()) == composite["ContentLength"]

    # a case's legal hold is the object's S3 legal hold, and releasing it releases it
    admin = harness.headers("root", "admin")
    opened = await harness.client.post(
        "/api/audit/cases",
        json={"thread_id": item["thread_id"], "reason": "dispute"},
        headers=admin,
    )
    assert opened.status == 201
    case_id = (await opened.json())["id"]
    for on in (True, False):
        resp = await harness.client.post(
            f"/api/audit/cases/{case_id}", json={"legal_hold": on}, headers=admin
        )
        assert resp.status == 200, await resp.text()
        for stored_key in (name, f"site/recordings/{composite_key(key)}"):
            hold = await asyncio.to_thread(
                s3.get_object_legal_hold, Bucket=locked_bucket, Key=stored_key
            )
            assert hold["LegalHold"]["Status"] == ("ON" if on else "OFF")


async def test_thread_files_go_to_the_bucket(
    make_harness: HarnessFactory, s3_server: S3Server, s3: S3Client, plain_bucket: str
) -> None:
    harness = await make_harness(**s3_settings(s3_server, plain_bucket))
    storage = harness.app[RECORDING_STORAGE]
    assert await asyncio.to_thread(lambda: storage.protection) == "server"  # no Object Lock
    thread = await harness.thread()
    party = harness.headers("c1", "client")
    body = b"Brief: a logo in three colours.\n" * 400
    resp = await harness.client.post(
        f"/api/threads/{thread['id']}/files",
        params={"name": "brief.txt"},
        data=body,
        headers=party,
    )
    assert resp.status == 201, await resp.text()
    message = await resp.json()
    info = message["body"] if "body" in message else message
    file_id = str(info["file_id"])
    got = await asyncio.to_thread(s3.get_object, Bucket=plain_bucket, Key=f"site/files/{file_id}")
    assert await asyncio.to_thread(got["Body"].read) == body
    download = await harness.client.get(str(info["url"]), headers=party)
    assert download.status == 200 and await download.read() == body
    ranged = await harness.client.get(str(info["url"]), headers={**party, "Range": "bytes=10-19"})
    assert ranged.status == 206 and await ranged.read() == body[10:20]
