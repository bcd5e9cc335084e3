"""Call setup time: from the callee's "Accept" to the first remote video frame, over N calls
through the real server.

--peers chromium (default): headless Chromium pages, accept click → first frame rendered
(browser → aiortc server peer → browser). Baseline in the same run: two RTCPeerConnections
inside one page connected directly over loopback (no server, no signaling round trips) — the
floor WebRTC itself sets.
--peers aiortc: aiortc client peers over socket.io sending a pre-encoded VP8 clip (a keyframe
every second; it cannot answer a PLI), call:accept sent → first encoded video frame received
from the caller.

The STUN server is unreachable: the server hands clients ``--stun`` (default
stun:192.0.2.1:3478, TEST-NET-1, where nothing answers), and this machine cannot resolve
aiortc's public default (stun.l.google.com), which the run checks and prints. Chromium
trickles its candidates, so a STUN server that never answers delays no offer; aiortc gathers
every candidate before it offers, so the aiortc stand-ins get no ICE servers (their own
gathering is not the server's). The server's peers use no STUN at all (no srflx candidate in
any answer, checked).

p95 is reported on its own (not as the maximum of a few calls), with where the time went:
the page's marks (offer sent, answer received, ICE connected, DTLS connected) or, with aiortc
peers, accept acknowledged, answer received, ICE completed, DTLS connected, first frame.

Usage: python benchmarks/call_setup.py [--calls 40] [--peers chromium|aiortc] [--stun URL]
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


UNREACHABLE_STUN = "stun:192.0.2.1:3478"  # TEST-NET-1 (RFC 5737): nothing answers there
PUBLIC_DEFAULT_STUN = ("stun.l.google.com", 19302)  # aiortc's default when given None


def public_stun_reachable() -> bool:
    """Whether aiortc's public default STUN server answers a Binding request within 2 s."""
    request = b"\x00\x01\x00\x00\x21\x12\xa4\x42" + os.urandom(12)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(2)
        try:
            s.sendto(request, PUBLIC_DEFAULT_STUN)
            return s.recv(2048)[8:20] == request[8:20]
        except OSError:
            return False


def start_server(
    data_dir: str, stun: str = UNREACHABLE_STUN
) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("INTERVIEW_")}
    env.update(
        {
            "INTERVIEW_DEV_MODE": "1",
            "INTERVIEW_DATA_DIR": data_dir,
            "INTERVIEW_RECORDING": "off",
            "INTERVIEW_MESSAGE_RATE_PER_MINUTE": "100000",
            "INTERVIEW_STUN_URLS": stun,
        }
    )
    # The server's log stays in the data directory (printed when a run fails).
    log = open(Path(data_dir) / "server.log", "wb")  # the child keeps it; gone with the dir
    proc = subprocess.Popen(
        [sys.executable, "-m", "signaling", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
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


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


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


async def aiortc_calls(url: str, calls: int) -> tuple[list[float], list[dict[str, float]]]:
    """Accept → first video frame at the callee, with aiortc peers for both browsers; also
    each call's phases (seconds after the accept was sent)."""
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

    async def peer(role: str, call_id: str, marks: dict[str, float] | None) -> Any:
        loop = asyncio.get_running_loop()
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        pc.addTrack(ClipTrack("audio", audio))
        video_sender = pc.addTrack(ClipTrack("video", video))
        if marks is not None:
            transceiver = next(t for t in pc.getTransceivers() if t.sender is video_sender)

            def on_frame(_codec: Any, _data: bytes, _ts: int) -> None:
                if not first.done():
                    marks["frame"] = time.perf_counter()
                    first.set_result(marks["frame"])

            first: asyncio.Future[float] = loop.create_future()
            marks_future[role] = first
            aiortc_tap.install_frame_tap(transceiver.receiver, on_frame)

            @pc.on("iceconnectionstatechange")
            def on_ice() -> None:
                if pc.iceConnectionState == "completed":
                    marks.setdefault("ice", time.perf_counter())

            @pc.on("connectionstatechange")
            def on_connection() -> None:
                if pc.connectionState == "connected":
                    marks.setdefault("dtls", time.perf_counter())

        await pc.setLocalDescription(await pc.createOffer())
        if marks is not None:
            marks["offer"] = time.perf_counter()
        ack = await socks[role].call(
            "rtc:offer", {"call_id": call_id, "sdp": pc.localDescription.sdp}, timeout=20
        )
        if not ack.get("ok"):
            raise RuntimeError(f"offer refused: {ack}")
        if "typ srflx" in ack["sdp"]:
            raise RuntimeError("the server's peer used a STUN server: srflx in its answer")
        if marks is not None:
            marks["answer"] = time.perf_counter()
        await pc.setRemoteDescription(RTCSessionDescription(ack["sdp"], "answer"))
        return pc

    marks_future: dict[str, asyncio.Future[float]] = {}
    setup: list[float] = []
    phases: list[dict[str, float]] = []
    for _ in range(calls):
        ack = await socks["client"].call("call:start", {"thread_id": thread_id, "kind": "video"})
        call_id = ack["call"]["call_id"]
        caller = await peer("client", call_id, None)
        marks: dict[str, float] = {}
        t0 = time.perf_counter()
        accepted = await socks["freelancer"].call("call:accept", {"call_id": call_id})
        if not accepted.get("ok"):
            raise RuntimeError(f"accept refused: {accepted}")
        marks["accepted"] = time.perf_counter()
        callee = await peer("freelancer", call_id, marks)
        try:
            t1 = await asyncio.wait_for(marks_future["freelancer"], 30)
        except TimeoutError:
            raise RuntimeError(f"no video at the callee in 30 s: {marks}") from None
        setup.append(t1 - t0)
        print(f"call {len(setup)}: {setup[-1]:.3f} s", file=sys.stderr, flush=True)
        phases.append({k: round(v - t0, 3) for k, v in marks.items()})
        await socks["client"].call("call:hangup", {"call_id": call_id})
        while await asyncio.wait_for(ended.get(), 30) != call_id:
            pass
        await caller.close()
        await callee.close()
    for sio in socks.values():
        await sio.disconnect()
    return setup, phases


def print_phases(phases: list[dict[str, float]], order: tuple[str, ...]) -> None:
    """The three slowest calls' phases, and each phase's gap to the first frame."""
    for row in sorted(phases, key=lambda r: r["frame"])[-3:]:
        print("  slow call phases:", "  ".join(f"{k}={row[k]:.3f}" for k in order if k in row))
    previous = None
    for phase in order:
        if previous is not None:
            gaps = [r[phase] - r[previous] for r in phases if phase in r and previous in r]
            if gaps:
                print(
                    f"  {previous} → {phase}: p50={pct(gaps, 50):.3f} s  "
                    f"p95={pct(gaps, 95):.3f} s  max={max(gaps):.3f} s"
                )
        previous = phase


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=40)
    parser.add_argument("--peers", choices=("chromium", "aiortc"), default="chromium")
    parser.add_argument("--stun", default=UNREACHABLE_STUN, help="STUN URL the clients get")
    args = parser.parse_args()
    if args.calls < 1:
        parser.error("--calls must be positive")
    print(
        f"# STUN for clients: {args.stun or '(none)'}; aiortc's public default "
        f"{PUBLIC_DEFAULT_STUN[0]} reachable from here: {public_stun_reachable()}; "
        f"load average {Path('/proc/loadavg').read_text().split()[0]}"
    )
    if args.peers == "aiortc":
        import asyncio

        sys.path.insert(0, str(ROOT))
        with tempfile.TemporaryDirectory() as data_dir:
            proc, url = start_server(data_dir, args.stun)
            try:
                times, aiortc_phases = asyncio.run(aiortc_calls(url, args.calls))
            except BaseException:
                print((Path(data_dir) / "server.log").read_text()[-4000:], file=sys.stderr)
                raise
            finally:
                stop_server(proc)
        print(
            f"# call setup with aiortc peers over loopback, {args.calls} calls, "
            "VP8 clip (keyframe every 1 s)"
        )
        print(
            f"{'interview-server: accept → first video frame':<44} p50={pct(times, 50):.3f} s  "
            f"p95={pct(times, 95):.3f} s  max={max(times):.3f} s  "
            f"mean={statistics.fmean(times):.3f} s"
        )
        print(f"p95 accept → first video frame: {pct(times, 95):.3f} s")
        print_phases(aiortc_phases, ("accepted", "offer", "answer", "ice", "dtls", "frame"))
        return
    from playwright.sync_api import sync_playwright

    setup: list[float] = []
    phases: list[dict[str, float]] = []
    loopback: list[float] = []
    with tempfile.TemporaryDirectory() as data_dir, sync_playwright() as p:
        proc, url = start_server(data_dir, args.stun)
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
            stop_server(proc)
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
    print(f"p95 accept → first remote frame: {pct(setup, 95):.3f} s")
    # Where the time went (seconds after the accept click; page marks from web/src/call.ts).
    print_phases(phases, ("offer", "answer", "ice", "connected", "frame"))


if __name__ == "__main__":
    main()
