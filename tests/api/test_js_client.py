"""The official socket.io JavaScript client reads a refused connection (issue 11, item 7).

The web client shows ``err.data.reason`` in its banner (``web/src/socket.ts``); this runs the
same ``socket.io-client`` package under Node against the real server.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import SERVICE_TOKEN, Harness

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("js") / "connect_error.cjs"
NODE = shutil.which("node")
CLIENT = ROOT / "web" / "node_modules" / "socket.io-client"
pytestmark = pytest.mark.skipif(
    NODE is None or not CLIENT.is_dir(), reason="needs node and web/node_modules (npm ci in web/)"
)


async def js_connect(harness: Harness, token: str) -> dict[str, Any]:
    assert NODE is not None
    proc = await asyncio.create_subprocess_exec(
        NODE,
        str(SCRIPT),
        str(ROOT / "web" / "package.json"),
        harness.base_url,
        token,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    async with asyncio.timeout(30):
        out, err = await proc.communicate()
    assert proc.returncode == 0, err.decode()
    result: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    return result


async def test_js_client_gets_code_and_reason_of_a_refusal(harness: Harness) -> None:
    refused = await js_connect(harness, "garbage")
    assert refused["data"]["code"] and refused["data"]["reason"]
    assert refused["message"] == refused["data"]["reason"]
    service = await js_connect(harness, SERVICE_TOKEN)
    assert service["data"] == {
        "code": "forbidden",
        "reason": "the service token cannot open a socket",
    }
    assert await js_connect(harness, harness.token("c1")) == {"connected": True}
