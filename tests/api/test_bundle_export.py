"""Evidence-bundle downloads leave nothing in the temp directory (finished, refused, or cut off
by the client) and never write more than INTERVIEW_EXPORT_MAX_BYTES."""

from __future__ import annotations

import asyncio
import io
import os
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from signaling.api.context import CTX
from signaling.domain.calls import Call
from signaling.domain.ports import CallRecording, MediaSessionPort
from tests.api.conftest import Harness, HarnessFactory
from tests.api.fake_media import FakeMediaFactory

AUDITOR = ("a1", "auditor")


@pytest.fixture
def temp_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The process-wide temporary directory, pointed at an empty one for this test."""
    path = tmp_path / "system-tmp"
    path.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(path))
    return path


async def leftovers(path: Path) -> list[str]:
    def scan() -> list[str]:
        return sorted(str(p.relative_to(path)) for p in path.rglob("*"))

    return await asyncio.to_thread(scan)


@dataclass
class SegmentRecorder:
    """Our RecorderFactory port: each recording is a file of ``size`` bytes written at stop."""

    root: Path
    size: int
    keys: list[str] = field(default_factory=list)

    async def __call__(self, call: Call, media: MediaSessionPort) -> CallRecording | None:
        return _Segment(self, f"{call.id}-1.webm")


@dataclass
class _Segment:
    owner: SegmentRecorder
    key: str

    async def stop(self) -> dict[str, Any]:
        path = self.owner.root / self.key
        await asyncio.to_thread(path.parent.mkdir, parents=True, exist_ok=True)
        await asyncio.to_thread(path.write_bytes, os.urandom(self.owner.size))
        self.owner.keys.append(self.key)
        return {"key": self.key, "sha256": "0" * 64, "bytes": self.owner.size}


async def case_with_messages(harness: Harness) -> str:
    thread = await harness.thread()
    for text in ("Hello!", "Here is the brief", "Thanks"):
        resp = await harness.client.post(
            f"/api/threads/{thread['id']}/messages",
            json={"text": text},
            headers=harness.headers("f1", "freelancer"),
        )
        assert resp.status == 201
    report = await harness.client.post(
        f"/api/threads/{thread['id']}/reports",
        json={"reason": "please review"},
        headers=harness.headers("c1"),
    )
    case_id: str = (await report.json())["case_id"]
    return case_id


async def case_with_recording(make_harness: HarnessFactory, size: int, **settings: Any) -> Any:
    """A harness whose one case has a recorded call of ``size`` bytes."""
    holder: dict[str, SegmentRecorder] = {}

    harness = await make_harness(
        media_factory=FakeMediaFactory(),
        recorder_factory=lambda call, media: holder["r"](call, media),
        recording="optional",
        **settings,
    )
    holder["r"] = recorder = SegmentRecorder(harness.app[CTX].settings.recordings_dir, size)
    case_id = await case_with_messages(harness)
    thread_id = (
        await (
            await harness.client.get(
                f"/api/audit/cases/{case_id}", headers=harness.headers(*AUDITOR)
            )
        ).json()
    )["thread_id"]
    client = await harness.socket("c1", "client")
    freelancer = await harness.socket("f1", "freelancer")
    start = await client.call("call:start", {"thread_id": thread_id, "kind": "video"})
    call_id = start["call"]["call_id"]
    await client.call("rtc:offer", {"call_id": call_id, "sdp": "v=0 c"})
    await freelancer.call("call:accept", {"call_id": call_id})
    await freelancer.call("rtc:offer", {"call_id": call_id, "sdp": "v=0 f"})
    for sio in (client, freelancer):
        assert (await sio.call("call:consent", {"call_id": call_id, "consent": True}))["ok"]
    assert (await client.call("call:hangup", {"call_id": call_id}))["ok"]
    assert recorder.keys == [f"{call_id}-1.webm"]
    return harness, case_id


async def test_exports_leave_no_files_behind(harness: Harness, temp_dir: Path) -> None:
    case_id = await case_with_messages(harness)
    for _ in range(3):
        resp = await harness.client.get(
            f"/api/audit/cases/{case_id}/bundle", headers=harness.headers(*AUDITOR)
        )
        assert resp.status == 200 and resp.content_type == "application/zip"
        data = await resp.read()
        assert int(resp.headers["Content-Length"]) == len(data)
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            assert "manifest.json" in zf.namelist() and zf.testzip() is None
    assert await leftovers(temp_dir) == []


async def test_an_export_growing_past_the_limit_is_413_and_leaves_nothing(
    make_harness: HarnessFactory, temp_dir: Path
) -> None:
    harness = await make_harness(export_max_bytes=1500)
    case_id = await case_with_messages(harness)
    resp = await harness.client.get(
        f"/api/audit/cases/{case_id}/bundle", headers=harness.headers(*AUDITOR)
    )
    assert resp.status == 413
    problem = await resp.json()
    assert (
        problem["code"] == "export_too_large" and "INTERVIEW_EXPORT_MAX_BYTES" in problem["detail"]
    )
    assert await leftovers(temp_dir) == []


@pytest.mark.slow
async def test_recordings_over_the_limit_are_refused_before_writing(
    make_harness: HarnessFactory, temp_dir: Path
) -> None:
    harness, case_id = await case_with_recording(
        make_harness, 3 * 1024 * 1024, export_max_bytes=2 * 1024 * 1024
    )
    resp = await harness.client.get(
        f"/api/audit/cases/{case_id}/bundle", headers=harness.headers(*AUDITOR)
    )
    assert resp.status == 413 and (await resp.json())["code"] == "export_too_large"
    assert await leftovers(temp_dir) == []


@pytest.mark.slow
async def test_a_download_cut_off_by_the_client_leaves_nothing(
    make_harness: HarnessFactory, temp_dir: Path
) -> None:
    harness, case_id = await case_with_recording(make_harness, 40 * 1024 * 1024)
    resp = await harness.client.get(
        f"/api/audit/cases/{case_id}/bundle", headers=harness.headers(*AUDITOR)
    )
    assert resp.status == 200
    assert int(resp.headers["Content-Length"]) > 40 * 1024 * 1024
    assert len(await resp.content.read(64 * 1024)) > 0
    assert await leftovers(temp_dir) == []  # nothing on disk by name while it streams
    resp.close()  # the client goes away mid-download
    assert await leftovers(temp_dir) == []  # streamed from an open file whose name is gone
    # and a full download afterwards is whole
    full = await harness.client.get(
        f"/api/audit/cases/{case_id}/bundle", headers=harness.headers(*AUDITOR)
    )
    data = await full.read()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert any(n.startswith("recordings/") for n in zf.namelist())
    assert await leftovers(temp_dir) == []
