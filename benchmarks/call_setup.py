"""Call setup time in headless Chromium: from the callee's click on "Accept" to the first
remote video frame rendered, over N calls through the real server (browser → aiortc server
peer → browser). Baseline in the same run: two RTCPeerConnections inside one page connected
directly over loopback (no server, no signaling round trips) — the floor WebRTC itself sets.

Usage: python benchmarks/call_setup.py [--calls 20]
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=20)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    setup: list[float] = []
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
        f"p95={pct(setup, 95):.3f} s  mean={statistics.fmean(setup):.3f} s"
    )


if __name__ == "__main__":
    main()
