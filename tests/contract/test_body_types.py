"""Request bodies have the JSON types the OpenAPI document states (schemathesis found the
server accepting ``"legal_hold": 0`` where the document says boolean)."""

from __future__ import annotations

import json
from typing import Any
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest

from tests.contract.live import LiveServer

pytestmark = pytest.mark.allow_blocking


def post(server: LiveServer, path: str, token: str, body: Any) -> tuple[int, dict[str, Any]]:
    request = Request(
        server.base_url + path,
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except HTTPError as exc:
        data = json.loads(exc.read())
        exc.close()
        return exc.code, data


@pytest.mark.parametrize("legal_hold", [0, 1, "true", "false", "yes", [], {}])
def test_a_boolean_field_takes_only_booleans(
    server: LiveServer, callers: dict[str, str], legal_hold: Any
) -> None:
    case = f"/api/audit/cases/{server.seeded['case_id']}"
    status, body = post(server, case, callers["auditor"], {"note": "n", "legal_hold": legal_hold})
    assert status == 422, body
    assert body["code"] == "invalid" and "legal_hold" in body["detail"]


def test_an_integer_field_takes_integral_numbers_but_no_strings(
    server: LiveServer, callers: dict[str, str]
) -> None:
    accept = f"/api/schedules/{server.seeded['schedule_id']}/accept"
    proposal = server.seeded["proposal_id"]
    status, body = post(
        server, accept, callers["party"], {"proposal_id": proposal, "slot_index": "0"}
    )
    assert status == 422 and "slot_index" in body["detail"], body
    # 0.0 is the integer 0 in JSON Schema: it passes validation (the schedule is already
    # accepted, so the answer is the domain's 409, not a 422)
    status, body = post(
        server, accept, callers["party"], {"proposal_id": proposal, "slot_index": 0.0}
    )
    assert status == 409 and body["code"] == "already_accepted", body


def test_a_string_field_takes_no_numbers(server: LiveServer, callers: dict[str, str]) -> None:
    path = f"/api/threads/{server.seeded['thread_id']}/messages"
    status, body = post(server, path, callers["party"], {"text": 5})
    assert status == 422 and "text" in body["detail"], body
