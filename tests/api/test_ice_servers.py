"""GET /api/ice-servers: TURN credentials only for the two parties of an open thread, ≤ 1 h."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import uuid

import pytest

from signaling.errors import ConfigError
from signaling.settings import Settings
from tests.api.conftest import SERVICE_TOKEN, HarnessFactory

TURN = {
    "stun_urls": ("stun:stun.example.test:3478",),
    "turn_urls": ("turn:turn.example.test:3478",),
    "turn_secret": "s3cret-s3cret-s3cret",
    "turn_ttl_seconds": 600,
}


@pytest.mark.parametrize("party", [("c1", "client"), ("f1", "freelancer")])
async def test_thread_parties_get_time_limited_turn_credentials(
    make_harness: HarnessFactory, party: tuple[str, str]
) -> None:
    harness = await make_harness(**TURN)
    thread = await harness.thread()
    resp = await harness.client.get(
        f"/api/ice-servers?thread_id={thread['id']}", headers=harness.headers(*party)
    )
    assert resp.status == 200, await resp.text()
    data = await resp.json()
    stun, turn = data["ice_servers"]
    assert stun == {"urls": ["stun:stun.example.test:3478"]}
    expiry, user = turn["username"].split(":")
    assert user == party[0] and 0 < int(expiry) - time.time() <= 600
    expected = hmac.new(b"s3cret-s3cret-s3cret", turn["username"].encode(), hashlib.sha1)
    assert turn["credential"] == base64.b64encode(expected.digest()).decode()


async def test_auditors_strangers_and_the_service_get_no_credentials(
    make_harness: HarnessFactory,
) -> None:
    harness = await make_harness(**TURN)
    thread = await harness.thread()
    auditor = await harness.client.get(
        f"/api/ice-servers?thread_id={thread['id']}", headers=harness.headers("a1", "auditor")
    )
    assert auditor.status == 403 and (await auditor.json())["code"] == "not_a_party"
    service = await harness.client.get(
        f"/api/ice-servers?thread_id={thread['id']}",
        headers={"Authorization": f"Bearer {SERVICE_TOKEN}"},
    )
    assert service.status == 403
    # A stranger cannot tell a real thread from a random id.
    real = await harness.client.get(
        f"/api/ice-servers?thread_id={thread['id']}", headers=harness.headers("c2")
    )
    made_up = await harness.client.get(
        f"/api/ice-servers?thread_id={uuid.uuid4()}", headers=harness.headers("c2")
    )
    assert real.status == made_up.status == 404
    assert (await real.json())["code"] == (await made_up.json())["code"]
    for resp in (auditor, service, real, made_up):
        assert "credential" not in await resp.text()


async def test_a_thread_is_required(make_harness: HarnessFactory) -> None:
    harness = await make_harness(**TURN)
    resp = await harness.client.get("/api/ice-servers", headers=harness.headers("c1"))
    assert resp.status == 422
    assert "credential" not in await resp.text()


async def test_no_credentials_for_a_closed_thread(make_harness: HarnessFactory) -> None:
    harness = await make_harness(**TURN)
    thread = await harness.thread()
    closed = await harness.client.post(
        f"/api/threads/{thread['id']}/stage",
        json={"stage": "closed"},
        headers={"Authorization": f"Bearer {SERVICE_TOKEN}"},
    )
    assert closed.status == 200, await closed.text()
    resp = await harness.client.get(
        f"/api/ice-servers?thread_id={thread['id']}", headers=harness.headers("c1")
    )
    assert resp.status == 409 and (await resp.json())["code"] == "thread_closed"


@pytest.mark.parametrize("ttl", ["0", "3601", "86400"])
def test_turn_credentials_live_at_most_an_hour(ttl: str) -> None:
    with pytest.raises(ConfigError, match="TURN_TTL_SECONDS"):
        Settings.from_env({"INTERVIEW_TURN_TTL_SECONDS": ttl, "INTERVIEW_DEV_MODE": "1"})
