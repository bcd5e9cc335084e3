"""Call setup time: from the callee's "Accept" to the first remote video frame, over N calls
through the real server.

--peers chromium (default): headless Chromium pages, accept click → first frame rendered
(browser → aiortc server peer → browser). Baseline in the same run: two RTCPeerConnections
inside one page connected directly over loopback (no server, no signaling round trips) — the
floor WebRTC itself sets.
--peers aiortc: aiortc client peers over socket.io sending a pre-encoded VP8 clip,
call:accept sent → first encoded video frame received from the caller.

Usage: python benchmarks/call_setup.py [--calls 40] [--peers chromium|aiortc]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--autoplay-policy=no-user-gesture-required",
]

FIRST_FRAME_JS = """() => { window.__firstFrame = new Promise(resolve => {
  const wait = () => {
    const v = document.querySelector('[data-testid="remote-video"]');
    if (v && v.srcObject && 'requestVideoFrameCallback' in v) {
      v.requestVideoFrameCallback(() => resolve(performance.now()));
    } else { setTimeout(wait, 5); }
  };
  wait();
}); }"""

# The latest call's timing marks in the page (web/src/call.ts): offer sent, answer received,
# ICE connected, DTLS connected.
MARKS_JS = """() => { const out = {};
  for (const m of performance.getEntriesByType('mark')) {
    const [, , phase] = m.name.split(':'); if (phase) out[phase] = m.startTime; }
  performance.clearMarks(); return out; }"""

LOGGED_JS = """n => document.querySelectorAll('[data-testid="call-log-item"]').length >= n"""

LOOPBACK_JS = """async () => {
  const stream = await navigator.mediaDevices.getUserMedia({video: {width: 640, height: 480}});
  const t0 = performance.now();
  const a = new RTCPeerConnection(), b = new RTCPeerConnection();
  a.onicecandidate = e => e.candidate && b.addIceCandidate(e.candidate);
  b.onicecandidate = e => e.candidate && a.addIceCandidate(e.candidate);
  const video = document.createElement('video');
  video.muted = true; video.autoplay = true; document.body.append(video);
  const first = new Promise(resolve => {
    b.ontrack = e => { video.srcObject = e.streams[0] || new MediaStream([e.track]);
                       video.requestVideoFrameCallback(() => resolve(performance.now())); };
  });
  stream.getTracks().forEach(t => a.addTrack(t, stream));
  await a.setLocalDescription(await a.createOffer());
  await b.setRemoteDescription(a.localDescription);
  await b.setLocalDescription(await b.createAnswer());
  await a.setRemoteDescription(b.localDescription);
  const t1 = await first;
  a.close(); b.close(); stream.getTracks().forEach(t => t.stop()); video.remove();
  return t1 - t0;
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(data_dir: str) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTERVIEW_")}
    env.update(
        {
            "INTERVIEW_DEV_MODE": "1",
            "INTERVIEW_DATA_DIR": data_dir,
            "INTERVIEW_RECORDING": "off",
            "INTERVIEW_MESSAGE_RATE_PER_MINUTE": "100000",
        }
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "signaling", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1):
                return proc, url
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not start")


def login_link(url: str, user: str, role: str) -> str:
    body = json.dumps({"user_id": user, "name": user, "role": role}).encode()
    req = urllib.request.Request(
        f"{url}/api/dev/login", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=10) as resp:
        return f"{url}/#token={json.loads(resp.read())['token']}"


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def dev_token(url: str, user: str, role: str) -> str:
    return login_link(url, user, role).split("#token=", 1)[1]


ROLES = ("client", "freelancer")


def first_thread(url: str, token: str) -> str:
    req = urllib.request.Request(f"{url}/api/threads", headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return str(json.loads(resp.read())["threads"][0]["id"])


async def aiortc_calls(url: str, calls: int) -> list[float]:
    """Accept → first video frame at the callee, with aiortc peers for both browsers."""
    import asyncio

    import socketio
    from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription

    from media import aiortc_tap
    from media.testing import ClipTrack, encode_opus_clip, encode_vp8_clip

    video, audio = encode_vp8_clip(60, gop=30), encode_opus_clip(50)
    tokens = {r: await asyncio.to_thread(dev_token, url, f"demo-{r}", r) for r in ROLES}
    thread_id = await asyncio.to_thread(first_thread, url, tokens["client"])
    socks = {}
    for role, token in tokens.items():
        sio = socketio.AsyncClient(reconnection=False)
        await sio.connect(url, auth={"token": token}, transports=["websocket"])
        socks[role] = sio
    ended: asyncio.Queue[str] = asyncio.Queue()

    def on_state(payload: dict[str, Any]) -> None:
        if payload.get("state") == "ended":
            ended.put_nowait(str(payload.get("call_id")))

    socks["client"].on("call:state", on_state)

    async def peer(role: str, call_id: str, first: asyncio.Future[float] | None) -> Any:
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        for kind, clip in (("audio", audio), ("video", video)):
            sender = pc.addTrack(ClipTrack(kind, clip))  # type: ignore[arg-type]
            transceiver = next(t for t in pc.getTransceivers() if t.sender is sender)
            if kind == "video" and first is not None:

                def on_frame(_codec: Any, _data: bytes, _ts: int) -> None:
                    if not first.done():
                        first.set_result(time.perf_counter())

                aiortc_tap.install_frame_tap(transceiver.receiver, on_frame)
        await pc.setLocalDescription(await pc.createOffer())
        ack = await socks[role].call(
            "rtc:offer", {"call_id": call_id, "sdp": pc.localDescription.sdp}, timeout=20
        )
        if not ack.get("ok"):
            raise RuntimeError(f"offer refused: {ack}")
        await pc.setRemoteDescription(RTCSessionDescription(ack["sdp"], "answer"))
        return pc

    setup: list[float] = []
    loop = asyncio.get_running_loop()
    for _ in range(calls):
        ack = await socks["client"].call("call:start", {"thread_id": thread_id, "kind": "video"})
        call_id = ack["call"]["call_id"]
        caller = await peer("client", call_id, None)
        first: asyncio.Future[float] = loop.create_future()
        t0 = time.perf_counter()
        accepted = await socks["freelancer"].call("call:accept", {"call_id": call_id})
        if not accepted.get("ok"):
            raise RuntimeError(f"accept refused: {accepted}")
        callee = await peer("freelancer", call_id, first)
        t1 = await asyncio.wait_for(first, 30)
        setup.append(t1 - t0)
        await socks["client"].call("call:hangup", {"call_id": call_id})
        while await asyncio.wait_for(ended.get(), 30) != call_id:
            pass
        await caller.close()
        await callee.close()
    for sio in socks.values():
        await sio.disconnect()
    return setup


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=40)
    parser.add_argument("--peers", choices=("chromium", "aiortc"), default="chromium")
    args = parser.parse_args()
    if args.peers == "aiortc":
        import asyncio

        sys.path.insert(0, str(ROOT))
        with tempfile.TemporaryDirectory() as data_dir:
            proc, url = start_server(data_dir)
            try:
                times = asyncio.run(aiortc_calls(url, args.calls))
            finally:
                proc.terminate()
                proc.wait(timeout=15)
        print(f"# call setup with aiortc peers over loopback, {args.calls} calls, VP8 clip")
        print(
            f"{'interview-server: accept → first video frame':<44} p50={pct(times, 50):.3f} s  "
            f"p95={pct(times, 95):.3f} s  max={max(times):.3f} s  "
            f"mean={statistics.fmean(times):.3f} s"
        )
        return
    from playwright.sync_api import sync_playwright

    setup: list[float] = []
    phases: list[dict[str, float]] = []
    loopback: list[float] = []
    with tempfile.TemporaryDirectory() as data_dir, sync_playwright() as p:
        proc, url = start_server(data_dir)
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        try:
            pages: dict[str, Any] = {}
            for user, role in (("demo-client", "client"), ("demo-freelancer", "freelancer")):
                page = browser.new_context().new_page()
                page.goto(login_link(url, user, role))
                page.get_by_test_id("thread-item").first.click()
                page.get_by_test_id("message-list").wait_for()
                pages[role] = page
            client, freelancer = pages["client"], pages["freelancer"]
            for i in range(args.calls):
                client.get_by_test_id("call-video").click()
                freelancer.get_by_test_id("incoming-call").wait_for(timeout=20000)
                freelancer.evaluate(FIRST_FRAME_JS)
                t0 = freelancer.evaluate(
                    "() => { const t = performance.now();"
                    " document.querySelector('[data-testid=\"call-accept\"]').click(); return t; }"
                )
                t1 = freelancer.evaluate("() => window.__firstFrame")
                setup.append((t1 - t0) / 1000)
                marks = freelancer.evaluate(MARKS_JS)
                phases.append(
                    {k: round((v - t0) / 1000, 3) for k, v in marks.items()}
                    | {"frame": round((t1 - t0) / 1000, 3)}
                )
                client.get_by_test_id("call-hangup").click()
                for page in (client, freelancer):
                    page.wait_for_function(LOGGED_JS, arg=i + 1, timeout=20000)
                    page.wait_for_selector('[data-testid="in-call"]', state="detached")
            for _ in range(args.calls):
                loopback.append(client.evaluate(LOOPBACK_JS) / 1000)
        finally:
            browser.close()
            proc.terminate()
            proc.wait(timeout=15)
    print(
        f"# call setup in headless Chromium over loopback, {args.calls} calls, 640x480 fake camera"
    )
    print(
        f"{'baseline: in-page peer-to-peer loopback':<44} p50={pct(loopback, 50):.3f} s  "
        f"p95={pct(loopback, 95):.3f} s  mean={statistics.fmean(loopback):.3f} s"
    )
    print(
        f"{'interview-server: accept → first remote frame':<44} p50={pct(setup, 50):.3f} s  "
        f"p95={pct(setup, 95):.3f} s  max={max(setup):.3f} s  "
        f"mean={statistics.fmean(setup):.3f} s"
    )
    # Where the slowest calls spent their time (seconds after the accept click).
    for row in sorted(phases, key=lambda r: r["frame"])[-3:]:
        print("  slow call phases:", "  ".join(f"{k}={v:.3f}" for k, v in row.items()))
    for phase in ("offer", "answer", "ice", "connected"):
        gaps = [r["frame"] - r[phase] for r in phases if phase in r]
        if gaps:
            print(f"  {phase} → first frame: p50={pct(gaps, 50):.3f} s  p95={pct(gaps, 95):.3f} s")


if __name__ == "__main__":
    main()
