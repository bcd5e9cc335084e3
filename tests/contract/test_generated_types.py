"""The web client's API types are generated from the server (``python -m web.codegen``): the
OpenAPI document, openapi-typescript's REST types, and the socket.io events. Regenerating must
give exactly the committed files, so a server change the client was not regenerated (and
typechecked) for fails here."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from web import codegen

pytestmark = pytest.mark.allow_blocking  # runs openapi-typescript (node) as a subprocess


def test_generated_types_match_the_server(tmp_path: Path) -> None:
    if not codegen.OPENAPI_TS.exists():
        if os.environ.get("CI"):
            pytest.fail("web/node_modules is missing: CI must run `npm ci` in web/ first")
        pytest.skip("run `npm ci` in web/ to check the generated types")
    fresh = codegen.generate(tmp_path)
    for name, text in fresh.items():
        committed = (codegen.GENERATED / name).read_text(encoding="utf-8")
        assert committed == text, (
            f"web/src/generated/{name} is stale: run `cd web && npm run generate` and commit"
        )


def test_server_event_payloads_are_schemas_of_the_document() -> None:
    events = (codegen.GENERATED / "events.ts").read_text(encoding="utf-8")
    assert '"message:new": Schemas["Message"];' in events
    assert '"call:state": Schemas["CallState"];' in events
    assert '"rtc:offer": RtcOffer;' in events
    with pytest.raises(ValueError, match="is not a schema of the OpenAPI document"):
        codegen.render_events({"Message"})
