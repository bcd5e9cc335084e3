"""The served OpenAPI document is valid OpenAPI 3.1 and documents what the server does."""

from __future__ import annotations

import json
from typing import Any
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest
from openapi_spec_validator import validate

from signaling.api.openapi import RESPONSES, app_routes, build_openapi, document
from tests.contract.live import LiveServer

pytestmark = pytest.mark.allow_blocking  # plain HTTP from the test thread to the live server


def fetch(server: LiveServer, path: str, headers: dict[str, str] | None = None) -> Any:
    with urlopen(Request(server.base_url + path, headers=headers or {}), timeout=30) as r:
        return json.loads(r.read())


def test_served_document_is_valid_openapi(server: LiveServer) -> None:
    doc = fetch(server, "/api/openapi.json")
    validate(doc)  # raises with the first error openapi-spec-validator finds
    assert doc == document()


def test_no_dangling_refs(server: LiveServer) -> None:
    """Every ``$ref`` points into the document (pydantic's ``#/$defs/...`` did not)."""
    doc = fetch(server, "/api/openapi.json")
    text = json.dumps(doc)
    assert "#/$defs/" not in text
    refs: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("$ref"), str):
                refs.append(node["$ref"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(doc)
    assert refs
    for target in refs:
        section, name = target.removeprefix("#/components/").split("/")
        assert section in ("schemas", "responses"), target
        assert name in doc["components"][section], target


def resolve(doc: dict[str, Any], response: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in response:
        name = response["$ref"].removeprefix("#/components/responses/")
        resolved: dict[str, Any] = doc["components"]["responses"][name]
        return resolved
    return response


def test_every_operation_documents_success_and_problems() -> None:
    doc = build_openapi(app_routes())
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            statuses = set(op["responses"])
            assert any(s.startswith("2") for s in statuses), (method, path)
            for status, ref in op["responses"].items():
                response = resolve(doc, ref)
                assert response.get("content"), (method, path, status)
                if status.startswith(("4", "5")):
                    assert "application/problem+json" in response["content"]
                    # only aiohttp's HTTP parser answers in plain text (a 400)
                    assert set(response["content"]) - {"application/problem+json"} <= (
                        {"text/plain"} if status == "400" else set()
                    )
    assert {r.handler.__name__ for r in app_routes()} == set(RESPONSES)


def test_statuses_the_server_returns_are_documented() -> None:
    doc = build_openapi(app_routes())
    ops = {op["operationId"]: op for path in doc["paths"].values() for op in path.values()}

    def response(op_id: str, status: str) -> dict[str, Any]:
        return resolve(doc, ops[op_id]["responses"][status])

    def media(op_id: str, status: str) -> set[str]:
        return set(response(op_id, status)["content"])

    assert {"200", "201"} <= set(ops["create_thread"]["responses"])  # 200: idempotent replay
    assert {"200", "201"} <= set(ops["send_message"]["responses"])
    assert {"200", "206", "416"} <= set(ops["stream_recording"]["responses"])
    assert "video/webm" in media("stream_recording", "206")
    assert "502" in ops["create_meeting"]["responses"]
    assert media("invite", "200") == {"text/calendar"}
    assert media("export_bundle", "200") == {"application/zip"}
    assert media("export_calls", "200") == {"text/csv", "application/x-ndjson"}
    unauthorized = response("get_me", "401")
    assert unauthorized["headers"]["WWW-Authenticate"]["required"] is True
    assert set(unauthorized["content"]) == {"application/problem+json"}
    limited = response("send_message", "429")
    assert limited["headers"]["Retry-After"]["required"] is True


def test_problems_follow_rfc_9457(server: LiveServer) -> None:
    problem = fetch(server, "/api/openapi.json")["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail"} <= set(problem["required"])
    with pytest.raises(HTTPError) as refused:
        fetch(server, "/api/me")
    assert refused.value.code == 401
    assert refused.value.headers["Content-Type"].startswith("application/problem+json")
    body = json.loads(refused.value.read())
    refused.value.close()
    assert body["status"] == 401 and body["code"] == "token_missing"


@pytest.mark.parametrize(
    ("token", "challenge"),
    [
        (None, 'Bearer realm="interview-server"'),
        ("not-a-jwt", 'Bearer realm="interview-server", error="invalid_token"'),
    ],
)
def test_401_carries_www_authenticate(
    server: LiveServer, token: str | None, challenge: str
) -> None:
    """RFC 9110 §15.5.2: a 401 MUST send a challenge (it was sent without one)."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    with pytest.raises(HTTPError) as refused:
        fetch(server, "/api/threads", headers)
    refused.value.close()
    assert refused.value.code == 401
    assert refused.value.headers["WWW-Authenticate"] == challenge


def test_blank_ids_are_refused_and_documented_so(
    server: LiveServer, callers: dict[str, str]
) -> None:
    """Ids are stripped before their length is checked, so "  " is refused: the document must
    say so, or a schema-valid request is rejected (schemathesis ST202)."""
    schemas = fetch(server, "/api/openapi.json")["components"]["schemas"]
    assert schemas["CreateThread"]["properties"]["job_id"]["pattern"] == r"\S"
    client_id = schemas["CreateThread"]["properties"]["client_id"]["anyOf"][0]
    assert client_id["pattern"] == r"\S"
    body = {"job_id": "   ", "job_title": "Logo", "freelancer_id": "f1", "client_id": "c1"}
    request = Request(
        server.base_url + "/api/threads",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {callers['service']}"},
    )
    with pytest.raises(HTTPError) as refused:
        urlopen(request, timeout=30)
    refused.value.close()
    assert refused.value.code == 422


def test_a_request_the_http_parser_refuses_is_documented(server: LiveServer) -> None:
    """aiohttp answers a request line over 8 KiB itself, in plain text, before any handler:
    the document lists that body for 400 (schemathesis: ST105 undocumented Content-Type)."""
    doc = fetch(server, "/api/openapi.json")
    assert "text/plain" in doc["components"]["responses"]["Problem400"]["content"]
    with pytest.raises(HTTPError) as refused:
        fetch(server, "/api/threads?x=" + "a" * 9000)
    refused.value.close()
    assert refused.value.code == 400
    assert refused.value.headers["Content-Type"].startswith("text/plain")
