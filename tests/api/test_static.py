"""The server serves the built client, refuses path traversal, and explains a missing build."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from tests.api.conftest import Harness
from web.assets import DIST, add_static_routes

BUILT = (DIST / "index.html").is_file()


async def test_index_and_assets(harness: Harness) -> None:
    resp = await harness.client.get("/")
    if BUILT:
        assert resp.status == 200 and '<div id="app">' in await resp.text()
        assert (await harness.client.get("/static/app.css")).status == 200
    else:
        assert resp.status == 503
    for bad in ("/static/../assets.py", "/static/%2e%2e/assets.py", "/static/nope.js"):
        assert (await harness.client.get(bad)).status == 404


async def test_missing_build_is_explained(tmp_path: Path, aiohttp_client: object) -> None:
    app = web.Application()
    add_static_routes(app, tmp_path / "empty")
    client: TestClient[web.Request, web.Application] = await aiohttp_client(TestServer(app))  # type: ignore[operator]
    resp = await client.get("/")
    assert resp.status == 503 and "make run" in await resp.text()
