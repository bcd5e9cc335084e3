"""The fake Zoom server is strict where Zoom is: auth headers, grant type, payload shapes."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator

import aiohttp
import pytest

from tests.fakes.zoom_server import FakeZoom


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def _token(fake: FakeZoom, http: aiohttp.ClientSession) -> str:
    basic = base64.b64encode(f"{fake.client_id}:{fake.client_secret}".encode()).decode()
    async with http.post(
        fake.oauth_url,
        data={"grant_type": "account_credentials", "account_id": fake.account_id},
        headers={"Authorization": f"Basic {basic}"},
    ) as resp:
        assert resp.status == 200
        body = await resp.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == fake.expires_in
    assert body["scope"]
    token: str = body["access_token"]
    return token


async def test_token_endpoint_checks_grant_type_and_query_form(
    fake_zoom: FakeZoom, http: aiohttp.ClientSession
) -> None:
    basic = base64.b64encode(f"{fake_zoom.client_id}:{fake_zoom.client_secret}".encode()).decode()
    headers = {"Authorization": f"Basic {basic}"}
    async with http.post(
        fake_zoom.oauth_url, params={"grant_type": "client_credentials"}, headers=headers
    ) as resp:
        assert resp.status == 400
        assert (await resp.json())["error"] == "unsupported_grant_type"
    # Zoom's docs also show the parameters in the query string: accepted too.
    async with http.post(
        fake_zoom.oauth_url,
        params={"grant_type": "account_credentials", "account_id": fake_zoom.account_id},
        headers=headers,
    ) as resp:
        assert resp.status == 200


async def test_meeting_endpoints_follow_zooms_shapes(
    fake_zoom: FakeZoom, http: aiohttp.ClientSession
) -> None:
    auth = {"Authorization": f"Bearer {await _token(fake_zoom, http)}"}
    async with http.post(
        f"{fake_zoom.api_base}/users/me/meetings",
        json={"topic": "t", "type": 2, "start_time": "2030-01-01T10:00:00Z", "duration": 30},
        headers=auth,
    ) as resp:
        assert resp.status == 201
        created = await resp.json()
    assert isinstance(created["id"], int)
    for key in ("uuid", "join_url", "start_url", "password", "topic", "type", "start_time"):
        assert key in created
    async with http.get(f"{fake_zoom.api_base}/meetings/{created['id']}", headers=auth) as resp:
        assert resp.status == 200
        assert (await resp.json())["join_url"] == created["join_url"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"topic": "t", "type": 5}, "type"),
        ({"topic": "t", "type": 2, "start_time": "tomorrow at 3"}, "start_time"),
        ({"topic": "t", "type": 2}, "start_time"),
        ({"topic": "x" * 201, "type": 1}, "topic"),
    ],
)
async def test_invalid_payloads_get_zooms_validation_error(
    fake_zoom: FakeZoom, http: aiohttp.ClientSession, payload: dict[str, object], field: str
) -> None:
    auth = {"Authorization": f"Bearer {await _token(fake_zoom, http)}"}
    async with http.post(
        f"{fake_zoom.api_base}/users/me/meetings", json=payload, headers=auth
    ) as resp:
        assert resp.status == 400
        body = await resp.json()
    assert body["code"] == 300
    assert body["errors"][0]["field"] == field


async def test_api_requires_a_valid_bearer_token(
    fake_zoom: FakeZoom, http: aiohttp.ClientSession
) -> None:
    url = f"{fake_zoom.api_base}/users/me/meetings"
    async with http.post(url, json={"topic": "t", "type": 1}) as resp:
        assert resp.status == 401
    async with http.post(
        url, json={"topic": "t", "type": 1}, headers={"Authorization": "Bearer forged"}
    ) as resp:
        assert resp.status == 401
        assert (await resp.json())["code"] == 124
