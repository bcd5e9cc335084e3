"""Serves the built browser client: ``/`` is the app, ``/static/*`` its assets."""

from __future__ import annotations

import asyncio
from pathlib import Path

from aiohttp import web

DIST = Path(__file__).resolve().parent / "dist"

_MISSING = """<!doctype html><meta charset="utf-8"><title>interview-server</title>
<h1>The web client is not built</h1>
<p>Run <code>make run</code> (or <code>cd web &amp;&amp; npm ci &amp;&amp; npm run build</code>)
and reload. The API is up at <code>/api/openapi.json</code>.</p>"""


def _inside_and_exists(root: Path, name: str) -> bool:
    path = (root / name).resolve()
    return root.resolve() in path.parents and path.is_file()


def add_static_routes(app: web.Application, dist_dir: Path | None = None) -> None:
    """Register ``/`` and ``/static`` for the client in ``dist_dir`` (default ``web/dist``)."""
    dist = dist_dir or DIST

    async def index(request: web.Request) -> web.StreamResponse:
        page = dist / "index.html"
        if not await asyncio.to_thread(page.is_file):
            return web.Response(status=503, text=_MISSING, content_type="text/html")
        return web.FileResponse(page, headers={"Cache-Control": "no-cache"})

    async def asset(request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        if not await asyncio.to_thread(_inside_and_exists, dist, name):
            raise web.HTTPNotFound(text="no such asset")
        path = dist / name
        return web.FileResponse(path, headers={"Cache-Control": "no-cache"})

    app.router.add_get("/", index)
    app.router.add_get("/static/{name:.+}", asset)
