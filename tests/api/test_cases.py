"""The auditor case workflow (issue 14 item 4): assignment, a history of every change, reports
of a call checked against the thread, and auditors to assign cases to."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Harness, HarnessFactory
from tests.api.fake_media import FakeMediaFactory

AUDITOR = ("a1", "auditor")


async def report(harness: Harness, thread_id: str, **body: Any) -> Any:
    return await harness.client.post(
        f"/api/threads/{thread_id}/reports",
        json={"reason": "asked for my phone number", **body},
        headers=harness.headers("f1", "freelancer"),
    )


async def known(harness: Harness, user: str, role: str) -> None:
    """The user has used the app once (profiles come from tokens)."""
    assert (await harness.client.get("/api/me", headers=harness.headers(user, role))).status == 200


async def test_assign_hold_and_move_a_case_each_change_in_its_history(harness: Harness) -> None:
    thread = await harness.thread()
    case_id = (await (await report(harness, thread["id"])).json())["case_id"]
    await known(harness, "a1", "auditor")
    await known(harness, "a2", "auditor")
    auditors = await (
        await harness.client.get("/api/audit/auditors", headers=harness.headers(*AUDITOR))
    ).json()
    ids = [a["user_id"] for a in auditors["auditors"]]
    assert {"a1", "a2"} <= set(ids) and "f1" not in ids and "c1" not in ids
    url = f"/api/audit/cases/{case_id}"
    steps: list[dict[str, Any]] = [
        {"assignee_id": "a2"},
        {"status": "reviewing", "legal_hold": True},
        {"note": "Client told to stay on the platform"},
        {"legal_hold": False, "note": "Nothing to keep"},
        {"assignee_id": None},
        {"status": "resolved", "legal_hold": True},
    ]
    for step in steps:
        resp = await harness.client.post(url, json=step, headers=harness.headers(*AUDITOR))
        assert resp.status == 200, await resp.text()
    case = await resp.json()
    assert case["status"] == "resolved" and case["legal_hold"] is True
    assert case["assignee_id"] is None
    assert [n["note"] for n in case["notes"]] == [
        "Assigned to a2",
        "Status open → reviewing; legal hold on",
        "Client told to stay on the platform",
        "Legal hold off. Nothing to keep",
        "Unassigned",
        "Status reviewing → resolved; legal hold on",
    ]


async def test_a_case_is_assigned_only_to_an_auditor(harness: Harness) -> None:
    thread = await harness.thread()
    case_id = (await (await report(harness, thread["id"])).json())["case_id"]
    await known(harness, "c1", "client")
    for who in ("c1", "nobody"):
        resp = await harness.client.post(
            f"/api/audit/cases/{case_id}",
            json={"assignee_id": who},
            headers=harness.headers(*AUDITOR),
        )
        assert resp.status == 422 and (await resp.json())["code"] == "bad_assignee"
    empty = await harness.client.post(
        f"/api/audit/cases/{case_id}", json={}, headers=harness.headers(*AUDITOR)
    )
    assert empty.status == 422


async def test_a_report_of_a_call_must_name_a_call_of_that_thread(
    make_harness: HarnessFactory,
) -> None:
    """Was: any call_id was stored on the case, even one of another thread."""
    harness = await make_harness(media_factory=FakeMediaFactory())
    thread = await harness.thread()
    other = await harness.thread(client_id="c2", freelancer_id="f2", job_id="job-2")
    sio = await harness.socket("c2", "client")
    ack = await sio.call("call:start", {"thread_id": other["id"], "kind": "audio"})
    foreign_call = ack["call"]["call_id"]
    assert (await sio.call("call:cancel", {"call_id": foreign_call}))["ok"]
    refused = await report(harness, thread["id"], call_id=foreign_call)
    assert refused.status == 404 and (await refused.json())["code"] == "call_not_found"
    unknown = await report(harness, thread["id"], call_id="no-such-call")
    assert unknown.status == 404
    mine = await harness.socket("c1", "client")
    ack = await mine.call("call:start", {"thread_id": thread["id"], "kind": "audio"})
    call_id = ack["call"]["call_id"]
    assert (await mine.call("call:cancel", {"call_id": call_id}))["ok"]
    resp = await report(harness, thread["id"], call_id=call_id)
    assert resp.status == 201
    case = await (
        await harness.client.get(
            f"/api/audit/cases/{(await resp.json())['case_id']}", headers=harness.headers(*AUDITOR)
        )
    ).json()
    assert case["call_id"] == call_id and case["source"] == "report"
