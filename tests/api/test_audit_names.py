"""The auditor console finds people by name: participant search matches ids and names."""

from __future__ import annotations

from signaling.api.context import CTX
from tests.api.conftest import HarnessFactory
from tests.api.fake_media import FakeMediaFactory
from tests.api.test_audit_api import AUDITOR, make_calls


async def test_participant_search_matches_names_and_rows_carry_them(
    make_harness: HarnessFactory,
) -> None:
    harness = await make_harness(media_factory=FakeMediaFactory())
    thread = await harness.thread()
    other = await harness.thread(client_id="c2", freelancer_id="f2", job_id="job-9")
    ids = await make_calls(harness, thread["id"], 2)
    store = harness.app[CTX].store
    await store.upsert_user("f1", "Dana Kowalski", "freelancer")
    await store.upsert_user("f2", "Sam 50%_Off", "freelancer")
    assert other["id"]

    async def search(participant: str) -> list[dict[str, object]]:
        resp = await harness.client.get(
            "/api/audit/calls",
            params={"participant": participant},
            headers=harness.headers(*AUDITOR),
        )
        assert resp.status == 200, await resp.text()
        calls: list[dict[str, object]] = (await resp.json())["calls"]
        return calls

    by_name = await search("kowal")
    assert sorted(str(c["call_id"]) for c in by_name) == sorted(ids)
    assert {c["freelancer_name"] for c in by_name} == {"Dana Kowalski"}
    assert {c["client_name"] for c in by_name} == {"C1"}
    assert len(await search("DANA k")) == 2  # any case, across the space
    assert len(await search("f1")) == 2  # ids still match exactly
    # LIKE wildcards in the query are literal: "%" does not match everyone
    assert await search("%") == []
    assert await search("_") == []
