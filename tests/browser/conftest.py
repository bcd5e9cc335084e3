"""Headless Chromium (Debian's) driven by Playwright against a real server subprocess."""

from __future__ import annotations

import os
import random
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
DIST = Path(__file__).resolve().parents[2] / "web" / "dist" / "index.html"
CHROME_ARGS = [
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    url: str
    data_dir: Path
    process: subprocess.Popen[bytes]
    log: Any

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()

    def token_link(self, user_id: str, role: str) -> str:
        """A sign-in link, as the demo prints them, via the dev login endpoint."""
        import json

        request = urllib.request.Request(
            f"{self.url}/api/dev/login",
            data=json.dumps({"user_id": user_id, "name": user_id.title(), "role": role}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as resp:
            token = json.loads(resp.read())["token"]
        return f"{self.url}/#token={token}"


def start_server(tmp: Path, **env: str) -> Server:
    port = free_port()
    environ = {k: v for k, v in os.environ.items() if not k.startswith("INTERVIEW_")}
    environ.update(
        {
            "INTERVIEW_DEV_MODE": "1",
            "INTERVIEW_DATA_DIR": str(tmp),
            "INTERVIEW_PUBLIC_URL": f"http://127.0.0.1:{port}",
            **env,
        }
    )
    log = open(tmp / "server.log", "wb")  # closed by Server.stop()
    process = subprocess.Popen(
        [sys.executable, "-m", "signaling", "serve", "--port", str(port)],
        env=environ,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.close()
            raise RuntimeError(f"server exited: {(tmp / 'server.log').read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1):
                return Server(url, tmp, process, log)
        except OSError:
            time.sleep(0.2)
    process.kill()
    log.close()
    raise RuntimeError("server did not start in 60 s")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    if not DIST.is_file():
        pytest.skip("web/dist is not built (run `make web`)")
    srv = start_server(tmp_path)
    yield srv
    srv.stop()


@pytest.fixture
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed at /usr/bin/chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROME_ARGS, headless=True)
        yield b
        b.close()


@dataclass
class Coturn:
    """Debian's coturn on 127.0.0.1, which a test stops and starts again on the same port (a
    relay that goes away drops every allocation on it, as a network change does)."""

    port: int
    secret: str
    tmp: Path
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"turn:127.0.0.1:{self.port}?transport=udp"

    def start(self) -> None:
        binary = shutil.which("turnserver")
        if binary is None:
            pytest.skip("coturn's turnserver is not installed (make sysdeps)")
        relay_base = random.randrange(20000, 32000, 100)
        config = self.tmp / "turnserver.conf"
        config.write_text(
            "\n".join(
                [
                    "listening-ip=127.0.0.1",
                    "relay-ip=127.0.0.1",
                    f"listening-port={self.port}",
                    f"min-port={relay_base}",
                    f"max-port={relay_base + 99}",
                    "realm=interview",
                    "use-auth-secret",
                    f"static-auth-secret={self.secret}",
                    "fingerprint",
                    "no-tls",
                    "no-dtls",
                    "no-tcp",
                    "no-cli",
                    "no-multicast-peers",
                    # The server's media peer and the browser share this machine.
                    "allow-loopback-peers",
                    f"pidfile={self.tmp / 'turnserver.pid'}",
                    f"userdb={self.tmp / 'turndb'}",
                    f"log-file={self.tmp / 'turnserver.log'}",
                    "simple-log",
                    "",
                ]
            )
        )
        self.process = subprocess.Popen(
            [binary, "-c", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 15
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.settimeout(0.3)
            # A STUN binding request (RFC 5389): type 0x0001, length 0, magic cookie, id.
            request = b"\x00\x01\x00\x00\x21\x12\xa4\x42" + os.urandom(12)
            while True:
                if self.process.poll() is not None:
                    raise RuntimeError(f"turnserver exited with {self.process.returncode}")
                probe.sendto(request, ("127.0.0.1", self.port))
                try:
                    if probe.recv(2048)[8:20] == request[8:20]:
                        return
                except TimeoutError:
                    if time.monotonic() > deadline:
                        raise RuntimeError("turnserver did not answer STUN in 15 s") from None

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.kill()  # no goodbye to its clients: the relay is simply gone
        self.process.wait()
        self.process = None


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def coturn(tmp_path: Path) -> Iterator[Coturn]:
    relay = Coturn(free_udp_port(), secrets.token_urlsafe(24), tmp_path / "coturn")
    relay.tmp.mkdir()
    relay.start()
    yield relay
    relay.stop()
