"""Authorization matrix: every REST route and every socket.io event, called as a party, a
stranger (another client, another freelancer), an auditor, an admin, the service and with no
token, against a real thread with messages, a schedule, a case and a ringing call.

The routes come from the app's own route table (the one the OpenAPI document is built from)
and the events from ``signaling.api.events``, so a new route or event joins the matrix by
itself; one without a sample body below fails the test until it gets one.

The rules (a breach is an "unexpected grant"):

* no token: never a 2xx on an authenticated route;
* a stranger: never a 2xx on anything that names the thread or one of its schedules, cases,
  calls or recordings, and no 2xx body anywhere mentions them; no socket event is granted and
  no event of the thread reaches the stranger's socket;
* parties and the service: never a 2xx on auditor/admin routes (``/api/audit/...``);
* auditors and admins: may read a thread, never act in it as a party (no 2xx on a non-GET
  thread route outside ``/api/audit``, no socket event granted).

Counts are printed at the end of the run (tests/security/conftest.py).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import socketio

from signaling.api.context import CTX
from signaling.api.events import CLIENT_EVENTS
from signaling.api.rest import Route
from signaling.app import API_ROUTES
from tests.api.conftest import SERVICE_TOKEN, Harness, HarnessFactory
from tests.api.fake_media import FakeMediaFactory
from tests.security.conftest import MATRIX_RUNS, MatrixRun
from tests.sockets import connect, new_client

SECRET_TEXT = "matrix-secret-message-7c1e"


@dataclass(frozen=True)
class Who:
    label: str
    user_id: str | None  # None: the service token or no token
    role: str | None

    @property
    def stranger(self) -> bool:
        return self.label.startswith("stranger")

    @property
    def auditor(self) -> bool:
        return self.label in {"auditor", "admin"}


NONE = Who("no token", None, None)
SERVICE = Who("service", None, "service")
STRANGERS = (Who("stranger client", "c2", "client"), Who("stranger freelancer", "f2", "freelancer"))
AUDITORS = (Who("auditor", "a1", "auditor"), Who("admin", "ad1", "admin"))
PARTIES = (Who("party client", "c1", "client"), Who("party freelancer", "f1", "freelancer"))
# Parties last: what they do may change the thread; the others must see it as it was set up.
EVERYONE = (NONE, *STRANGERS, *AUDITORS, SERVICE, *PARTIES)


@dataclass
class World:
    thread: str
    schedule: str
    proposal: str
    case: str
    call: str
    file: str

    @property
    def secrets(self) -> tuple[str, ...]:
        return (self.thread, self.schedule, self.case, self.call, self.file, SECRET_TEXT)


def _slot(hours: float) -> dict[str, Any]:
    start = (datetime.now(UTC) + timedelta(hours=hours)).replace(microsecond=0)
    return {"start": start.isoformat(), "duration_minutes": 30, "kind": "video"}


def rest_bodies(w: World) -> dict[str, Callable[[Who], dict[str, Any]]]:
    """A valid body per request model, aimed at the world's thread."""
    return {
        "DevLogin": lambda who: {"user_id": "x9", "name": "X", "role": "client"},
        "CreateThread": lambda who: {
            "job_id": "matrix-job",
            "job_title": "T",
            "freelancer_id": "f1",
            **({"client_id": "c1"} if who is SERVICE else {}),
        },
        "SendMessage": lambda who: {"text": "hello"},
        "SetStage": lambda who: {"stage": "interviewing"},
        "OpenCase": lambda who: {"thread_id": w.thread, "reason": "matrix"},
        "UpdateCase": lambda who: {"note": "matrix"},
        "Report": lambda who: {"reason": "matrix"},
        "CreateMeeting": lambda who: {"duration_minutes": 30, "timezone": "UTC"},
        "ProposeSchedule": lambda who: {"slots": [_slot(72)], "timezone": "UTC"},
        "AcceptSchedule": lambda who: {"proposal_id": w.proposal, "slot_index": 0},
        "CounterSchedule": lambda who: {
            "proposal_id": w.proposal,
            "slots": [_slot(96)],
            "timezone": "UTC",
        },
        "CancelSchedule": lambda who: {"reason": "matrix"},
        "PolicyPreview": lambda who: {"text": "my email is dana.kowalski@gmail.com"},
        "ReplayDeadLetters": lambda who: {"event_ids": ["evt_" + "0" * 32]},
    }


def rest_queries(w: World) -> dict[str, dict[str, str]]:
    """Query parameters per query model: the thread's where the model takes one."""
    return {
        "MessagesQuery": {},
        "IceServersQuery": {"thread_id": w.thread},
        "AuditCallQuery": {"thread_id": w.thread},
        "AuditFindingQuery": {"thread_id": w.thread},
        "CaseQuery": {},
        "AccessQuery": {},
        "InclusionQuery": {"index": "1"},
        "ConsistencyQuery": {"first": "1", "second": "1"},
        "UploadQuery": {"name": "matrix.txt"},
        "EventsQuery": {},
        "DeadLetterQuery": {},
    }


def socket_payloads(w: World) -> dict[str, dict[str, Any]]:
    candidate = "candidate:1 1 udp 2122260223 192.0.2.10 54321 typ host"
    return {
        "thread:join": {"thread_id": w.thread},
        "message:send": {"thread_id": w.thread, "text": "hello"},
        "call:start": {"thread_id": w.thread, "kind": "audio"},
        "call:accept": {"call_id": w.call},
        "call:decline": {"call_id": w.call},
        "call:cancel": {"call_id": w.call},
        "call:hangup": {"call_id": w.call},
        "rtc:offer": {"call_id": w.call, "sdp": "v=0 matrix"},
        "rtc:restart": {"call_id": w.call, "sdp": "v=0 matrix"},
        "rtc:candidate": {"call_id": w.call, "candidate": candidate, "sdpMid": "0"},
        "call:consent": {"call_id": w.call, "consent": True},
        "call:media": {"call_id": w.call, "audio": True, "video": False},
        "thread:read": {"thread_id": w.thread, "delivered_seq": 1, "read_seq": 1},
        "thread:typing": {"thread_id": w.thread},
    }


# Audit routes the marketplace backend may call: publishing a signed tree head (a cron job).
BACKEND = frozenset({("POST", "/api/audit/tree-heads")})
# What auditors and admins may do on a socket: watch a thread (read-only, as in the console).
AUDITOR_EVENTS = frozenset({"thread:join"})

_PARAM = re.compile(r"\{(\w+)(?::[^}]*)?\}")


def fill_path(path: str, w: World) -> str:
    values = {
        "thread_id": w.thread,
        "schedule_id": w.schedule,
        "case_id": w.case,
        "key": f"{w.call}-c1.webm",
        "file_id": w.file,
        "fmt": "csv",
    }
    return _PARAM.sub(lambda m: values[m[1]], path)


def thread_scoped(path: str, query: dict[str, str], body: dict[str, Any], w: World) -> bool:
    named = re.search(r"\{(thread_id|schedule_id|case_id|key)", path) is not None
    return named or w.thread in query.values() or w.thread in body.values()


def rest_breach(
    who: Who, method: str, path: str, auth: bool, scoped: bool, status: int, text: str, w: World
) -> str | None:
    """Why this answer is a grant it should not be; None if it is fine."""
    granted = 200 <= status < 300
    if not auth:
        return None  # public: config, dev login (dev mode), signed Zoom webhooks
    if who is NONE:
        return "granted without a token" if granted else None
    audit = path.startswith("/api/audit")
    if granted and audit and not who.auditor and not (who is SERVICE and (method, path) in BACKEND):
        return "auditor route granted to a non-auditor"
    if who.stranger:
        if granted and scoped:
            return "stranger granted a thread-scoped resource"
        if granted and any(s in text for s in w.secrets):
            return "stranger's answer mentions the thread"
    if who.auditor and granted and scoped and method != "GET" and not audit:
        return "auditor acted in a thread as a party"
    return None


async def build_world(harness: Harness) -> tuple[World, list[Any]]:
    thread = await harness.thread("c1", "f1", "matrix-job-1")
    await harness.thread("c2", "f2", "matrix-job-2")  # the strangers have a thread of their own
    tid = thread["id"]
    posted = await harness.client.post(
        f"/api/threads/{tid}/messages", json={"text": SECRET_TEXT}, headers=harness.headers("c1")
    )
    assert posted.status == 201, await posted.text()
    proposed = await harness.client.post(
        f"/api/threads/{tid}/schedules",
        json={"slots": [_slot(48), _slot(50)], "timezone": "UTC"},
        headers=harness.headers("c1"),
    )
    assert proposed.status == 201, await proposed.text()
    schedule = (await proposed.json())["schedule"]
    report = await harness.client.post(
        f"/api/threads/{tid}/reports", json={"reason": "matrix"}, headers=harness.headers("c1")
    )
    assert report.status == 201, await report.text()
    uploaded = await harness.client.post(
        f"/api/threads/{tid}/files",
        params={"name": "brief.txt"},
        data=b"a brief",
        headers=harness.headers("c1"),
    )
    assert uploaded.status == 201, await uploaded.text()
    client = await harness.socket("c1", "client")
    freelancer = await harness.socket("f1", "freelancer")
    for sio in (client, freelancer):
        assert (await sio.call("thread:join", {"thread_id": tid}))["ok"]
    ack = await client.call("call:start", {"thread_id": tid, "kind": "audio"})
    assert ack["ok"], ack
    world = World(
        thread=tid,
        schedule=schedule["id"],
        proposal=schedule["proposal"]["proposal_id"],
        case=(await report.json())["case_id"],
        call=ack["call"]["call_id"],
        file=(await uploaded.json())["body"]["file_id"],
    )
    return world, [client, freelancer]


def headers_for(harness: Harness, who: Who) -> dict[str, str]:
    if who is NONE:
        return {}
    if who is SERVICE:
        return {"Authorization": f"Bearer {SERVICE_TOKEN}"}
    assert who.user_id is not None and who.role is not None
    return harness.headers(who.user_id, who.role)


async def test_nobody_gets_into_a_thread_that_is_not_theirs(make_harness: HarnessFactory) -> None:
    harness = await make_harness(media_factory=FakeMediaFactory())
    world, _ = await build_world(harness)
    bodies, queries = rest_bodies(world), rest_queries(world)
    database = harness.app[CTX].settings.database_url.split(":")[0].split("+")[0]
    run = MatrixRun(label=database)
    breaches: list[str] = []
    granted_controls: set[str] = set()

    # --- REST: every route of the route table, every identity
    routes: list[Route] = harness.app[API_ROUTES]
    for who in EVERYONE:
        for route in routes:
            body_model = route.body.__name__ if route.body else None
            query_model = route.query.__name__ if route.query else None
            assert body_model is None or body_model in bodies, f"add a sample {body_model} body"
            assert query_model is None or query_model in queries, f"add a {query_model} query"
            body = bodies[body_model](who) if body_model else {}
            query = queries[query_model] if query_model else {}
            path = fill_path(route.path, world)
            if route.path == "/api/webhooks/zoom":
                body = {}
            resp = await harness.client.request(
                route.method,
                path,
                params=query,
                json=body if route.method != "GET" else None,
                headers=headers_for(harness, who),
            )
            text = (await resp.read()).decode("utf-8", "replace")
            run.rest_cases += 1
            assert resp.status < 500, f"{who.label} {route.method} {path}: {resp.status} {text}"
            scoped = thread_scoped(route.path, query, body, world)
            breach = rest_breach(
                who, route.method, route.path, route.auth, scoped, resp.status, text, world
            )
            if breach:
                breaches.append(f"{who.label}: {route.method} {path} -> {resp.status}: {breach}")
            if 200 <= resp.status < 300:
                granted_controls.add(f"{who.label} {route.method} {route.path}")

    # --- socket.io: connections without a person's token are refused
    for who in (NONE, SERVICE):
        sio = new_client()
        auth = {} if who is NONE else {"token": SERVICE_TOKEN}
        run.socket_cases += 1
        try:
            await connect(sio, harness.base_url, auth)
        except socketio.exceptions.ConnectionError:
            continue
        harness.sockets.append(sio)
        breaches.append(f"{who.label}: socket connection accepted")

    # --- socket.io: every client event, from everyone who may hold a socket
    payloads = socket_payloads(world)
    for event in CLIENT_EVENTS:
        assert event.name in payloads, f"add a sample payload for {event.name}"
    overheard: dict[str, list[Any]] = {}
    for who in (*STRANGERS, *AUDITORS, *PARTIES):
        assert who.user_id is not None and who.role is not None
        sio = await harness.socket(who.user_id, who.role)
        if who.stranger:
            heard: list[Any] = []
            overheard[who.label] = heard
            sio.on("*", lambda event, data, heard=heard: heard.append((event, data)))
        for event in CLIENT_EVENTS:
            ack = await sio.call(event.name, payloads[event.name], timeout=10)
            run.socket_cases += 1
            ok = isinstance(ack, dict) and ack.get("ok") is True
            if ok:
                granted_controls.add(f"{who.label} {event.name}")
            if who.stranger and (ok or SECRET_TEXT in repr(ack)):
                breaches.append(f"{who.label}: {event.name} granted: {repr(ack)[:200]}")
            if who.auditor and ok and event.name not in AUDITOR_EVENTS:
                breaches.append(f"{who.label}: {event.name} granted: {repr(ack)[:200]}")
    await asyncio.sleep(0.2)  # let any stray fan-out arrive before looking
    for label, heard in overheard.items():
        leaked = [e for e in heard if any(s in repr(e) for s in world.secrets)]
        if leaked:
            breaches.append(f"{label}: received thread events {repr(leaked)[:200]}")

    run.unexpected_grants = len(breaches)
    run.breaches = breaches
    MATRIX_RUNS.append(run)
    # The matrix can fail: the parties and auditors do get what is theirs.
    for control in (
        "party client GET /api/threads/{thread_id}",
        "party freelancer GET /api/threads/{thread_id}/messages",
        "party freelancer GET /api/schedules/{schedule_id}",
        "auditor GET /api/audit/threads/{thread_id}/timeline",
        "admin GET /api/audit/access",
        "party client thread:join",
    ):
        assert control in granted_controls, f"positive control failed: {control}"
    assert not breaches, "\n".join(breaches)
