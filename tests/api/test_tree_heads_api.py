"""Tree heads published by the running app (the file, the signed webhook, on demand), the
bundle's link to the latest one, and inclusion proofs by entry id or leaf index."""

from __future__ import annotations

import asyncio
import io
import json
import time
import zipfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

from signaling.api.context import CTX
from signaling.audit.bundle import verify_bundle
from signaling.audit.publish import HEADS_FILE, read_heads
from signaling.audit.tree_head import SignedTreeHead, load_public_key, verify_tree_head
from signaling.calendar.webhook import (
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    verify_outbound,
)
from signaling.domain import merkle
from signaling.store.sql import SqlStore
from tests.api.conftest import SERVICE_TOKEN, Harness, HarnessFactory
from tests.api.test_proofs_api import seed

AUDITOR = ("a1", "auditor")
ADMIN = ("root", "admin")
SECRET = "tree-head-webhook-secret-0123456789abcdef"


async def eventually(check: Callable[[], Awaitable[bool]], within: float = 20.0) -> None:
    """Poll until ``check`` holds (a bound on waiting, not a timing assertion)."""
    deadline = asyncio.get_running_loop().time() + within
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, "condition not reached in time"
        await asyncio.sleep(0.05)


async def file_heads(harness: Harness) -> list[SignedTreeHead]:
    path = harness.app[CTX].settings.data_dir / HEADS_FILE
    heads, problems = await asyncio.to_thread(read_heads, path)
    assert problems == []
    return heads


async def test_heads_are_published_on_an_interval_on_demand_and_to_a_signed_webhook(
    make_harness: HarnessFactory,
) -> None:
    received: list[dict[str, Any]] = []
    deliveries: list[str] = []

    async def receive(request: web.Request) -> web.Response:
        body = await request.read()
        if not verify_outbound(
            SECRET,
            request.headers.get(TIMESTAMP_HEADER),
            body,
            request.headers.get(SIGNATURE_HEADER),
            now=time.time(),
        ):
            return web.Response(status=401)
        deliveries.append(request.headers[DELIVERY_HEADER])
        received.append(json.loads(body))
        return web.Response(status=204)

    receiver = web.Application()
    receiver.router.add_post("/tree-heads", receive)
    server = TestServer(receiver, host="127.0.0.1", port=0)
    await server.start_server()
    try:
        harness = await make_harness(
            tree_head_webhook_url=str(server.make_url("/tree-heads")),
            backend_webhook_secret=SECRET,
            tree_head_interval_seconds=1.0,
        )

        async def delivered() -> bool:
            return len(received) >= 1

        # at start-up: the first head, in the file and at the marketplace
        await eventually(delivered)
        first = received[0]
        assert first["type"] == "audit.tree_head"
        public = load_public_key(first["public_key_pem"].encode())
        sth = SignedTreeHead.from_json(first["tree_head"])
        assert verify_tree_head(public, sth)
        assert (await file_heads(harness))[-1] == sth

        # the log grows: the next interval publishes a larger head, without being asked
        ids = await seed(harness)

        async def grown() -> bool:
            heads = await file_heads(harness)
            return heads[-1].tree_size > sth.tree_size and len(received) >= len(heads)

        await eventually(grown)
        periodic = (await file_heads(harness))[-1]
        assert verify_tree_head(public, periodic)
        assert SignedTreeHead.from_json(received[-1]["tree_head"]) == periodic

        # on demand: admins and the backend, not auditors or parties
        for who in (AUDITOR, ("f1", "freelancer")):
            resp = await harness.client.post("/api/audit/tree-heads", headers=harness.headers(*who))
            assert resp.status == 403
        for headers in (
            harness.headers(*ADMIN),
            {"Authorization": f"Bearer {SERVICE_TOKEN}"},
        ):
            resp = await harness.client.post("/api/audit/tree-heads", headers=headers)
            assert resp.status == 201, await resp.text()
            body = await resp.json()
            now = SignedTreeHead.from_json(body)
            assert verify_tree_head(public, now) and now.tree_size >= periodic.tree_size
            assert (await file_heads(harness))[-1] == now

            async def sent(head: SignedTreeHead = now) -> bool:
                return any(SignedTreeHead.from_json(r["tree_head"]) == head for r in received)

            await eventually(sent)
        assert len(set(deliveries)) == len(deliveries)  # one delivery id per head
        assert ids["thread_id"]
    finally:
        await server.close()


async def test_the_exported_bundle_links_to_the_latest_published_head(
    harness: Harness, tmp_path: Path
) -> None:
    ids = await seed(harness)
    await harness.integrate()
    resp = await harness.client.post("/api/audit/tree-heads", headers=harness.headers(*ADMIN))
    assert resp.status == 201
    body = await resp.json()
    head = SignedTreeHead.from_json(body)
    pem = body["public_key_pem"].encode()
    await harness.client.post(
        f"/api/threads/{ids['thread_id']}/messages",
        json={"text": "after the head"},
        headers=harness.headers("f1", "freelancer"),
    )
    await harness.integrate()
    resp = await harness.client.get(
        f"/api/audit/cases/{ids['case_id']}/bundle", headers=harness.headers(*AUDITOR)
    )
    assert resp.status == 200
    data = await resp.read()
    bundle = tmp_path / "case.zip"
    await asyncio.to_thread(bundle.write_bytes, data)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        links = json.loads(zf.read("audit/consistency.json"))
        manifest = json.loads(zf.read("manifest.json"))
        lines = zf.read("audit/entries.jsonl").decode().splitlines()
    assert SignedTreeHead.from_json(links["published"]) == head
    assert [proof["old_size"] for proof in links["proofs"]] == [head.tree_size]
    committed = manifest["chains"][ids["thread_id"]]
    assert committed["length"] == len(lines)
    assert committed["head_hash"] == json.loads(lines[-1])["hash"]
    verdict = await asyncio.to_thread(verify_bundle, bundle, pem, head)
    assert verdict.ok and verdict.manifest_signed, verdict.problems


async def test_inclusion_by_entry_id_or_leaf_index_and_at_a_published_size(
    harness: Harness,
) -> None:
    await seed(harness)
    await harness.integrate()
    store = harness.app[CTX].store
    assert isinstance(store, SqlStore)
    rows = await store.audit_entries(None, limit=5)
    auditor = harness.headers(*AUDITOR)

    async def proof(**params: str) -> tuple[int, dict[str, Any]]:
        resp = await harness.client.get(
            "/api/audit/proofs/inclusion", params=params, headers=auditor
        )
        data: dict[str, Any] = await resp.json()
        return resp.status, data

    # ``index`` is the entry's id (``index`` in the timeline, ``id`` in bundles) ...
    status, by_id = await proof(index=str(rows[2].index))
    assert status == 200 and by_id["id"] == rows[2].index and by_id["leaf_index"] == 2
    # ... and ``leaf_index`` its 0-based position in the Merkle log
    status, by_leaf = await proof(leaf_index="2")
    assert status == 200 and by_leaf["leaf_index"] == 2 and by_leaf["id"] == rows[2].index
    assert by_leaf["entry"] == rows[2].entry

    published = await harness.client.post("/api/audit/tree-heads", headers=harness.headers(*ADMIN))
    head = SignedTreeHead.from_json(await published.json())
    await seed(harness)  # the log moves on
    status, old = await proof(leaf_index="2", tree_size=str(head.tree_size))
    assert status == 200 and old["tree_head"]["tree_size"] == head.tree_size
    assert merkle.verify_inclusion(
        merkle.leaf_hash(old["entry"].encode()),
        2,
        head.tree_size,
        [bytes.fromhex(p) for p in old["proof"]],
        head.root,  # the published head itself, not only the one signed for this answer
    )

    for params, expected in (
        ({"index": str(rows[2].index), "leaf_index": "2"}, 422),
        ({}, 422),
        ({"leaf_index": "-1"}, 422),
        ({"leaf_index": "100000"}, 404),
        ({"index": "100000000"}, 404),
        ({"leaf_index": "2", "tree_size": "100000"}, 422),
        ({"leaf_index": "2", "tree_size": "2"}, 422),  # a tree of 2 leaves has no leaf 2
    ):
        status, problem = await proof(**params)
        assert status == expected, (params, problem)
        assert problem["status"] == expected
