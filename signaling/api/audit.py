"""Auditor REST routes (``/api/audit/*``) and party reports.

Auditors and admins read across all threads but write nothing in them. Every auditor read is
itself an audit event on the ``access`` chain (who opened what, when); admins can list those.
Everyone else gets 403 on every ``/api/audit`` route.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from aiohttp import web
from pydantic import Field

from signaling.api import models as m
from signaling.api.access import ACCESS_CHAIN, note_access
from signaling.api.context import CTX, RECORDING_INDEX, RECORDING_STORAGE
from signaling.api.rest import Route, ctx, json_response, parse_body, parse_query, principal
from signaling.auth import Principal
from signaling.domain.threads import Role
from signaling.errors import Forbidden, NotFound, Unprocessable
from signaling.recordings import apply_legal_hold
from signaling.service import message_json
from signaling.store.audit import (
    UNCHANGED,
    CallFilter,
    FindingFilter,
    SqlAuditStore,
    Unchanged,
)

AUDIT_STORE: web.AppKey[SqlAuditStore] = web.AppKey("audit_store", SqlAuditStore)


def auditor(request: web.Request, *, admin: bool = False) -> Principal:
    who = principal(request)
    allowed = {Role.ADMIN} if admin else {Role.AUDITOR, Role.ADMIN}
    if who.role not in allowed:
        raise Forbidden(
            "this is for " + ("admins" if admin else "auditors and admins"), code="not_auditor"
        )
    return who


async def log_access(request: web.Request, who: Principal, what: str, **detail: Any) -> None:
    """Name this request's entry on the ``access`` chain and add detail to it.

    The entry itself is written once per request by the route table's mechanism
    (``signaling/api/access.py``), for every auditor or admin request that succeeds, whether
    or not its handler calls this.
    """
    note_access(request, what, **detail)


def _range(start: Any, end: Any) -> None:
    if start is not None and end is not None and start >= end:
        raise Unprocessable("'from' must be before 'to'", code="bad_range")


def call_filter(q: m.AuditCallQuery) -> CallFilter:
    _range(q.from_, q.to)
    if (
        q.min_duration is not None
        and q.max_duration is not None
        and q.min_duration > q.max_duration
    ):
        raise Unprocessable("min_duration is larger than max_duration", code="bad_range")
    return CallFilter(
        participant=q.participant,
        thread_id=q.thread_id,
        job_id=q.job_id,
        start=q.from_,
        end=q.to,
        kind=q.kind,
        end_reason=q.end_reason,
        min_duration=q.min_duration,
        max_duration=q.max_duration,
        recorded=q.recorded,
        flag=q.flag,
    )


async def search_calls(request: web.Request) -> web.Response:
    who = auditor(request)
    q = parse_query(request, m.AuditCallQuery)
    items, cursor = await request.app[AUDIT_STORE].search_calls(
        call_filter(q), limit=q.limit, cursor=q.cursor
    )
    await log_access(request, who, "calls.search", query=dict(request.query))
    return json_response({"calls": items, "next_cursor": cursor})


CSV_COLUMNS = (
    "call_id",
    "thread_id",
    "job_id",
    "client_id",
    "freelancer_id",
    "kind",
    "initiator_id",
    "state",
    "end_reason",
    "started_at",
    "connected_at",
    "ended_at",
    "connected_seconds",
    "recorded",
)


async def export_calls(request: web.Request) -> web.StreamResponse:
    """CSV or JSON Lines of a search, streamed page by page."""
    who = auditor(request)
    fmt = request.match_info["fmt"]
    query = {k: v for k, v in request.query.items() if k not in {"limit", "cursor"}}
    q = m.AuditCallQuery.model_validate(query) if query else m.AuditCallQuery()
    flt = call_filter(q)
    await log_access(request, who, f"calls.export.{fmt}", query=query)
    response = web.StreamResponse(
        headers={
            "Content-Type": "text/csv" if fmt == "csv" else "application/x-ndjson",
            "Content-Disposition": f'attachment; filename="calls.{fmt}"',
        }
    )
    await response.prepare(request)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow(CSV_COLUMNS)
        await response.write(buf.getvalue().encode())
    async for item in request.app[AUDIT_STORE].stream_calls(flt):
        if fmt == "csv":
            buf = io.StringIO()
            csv.writer(buf).writerow([item[c] for c in CSV_COLUMNS])
            await response.write(buf.getvalue().encode())
        else:
            await response.write((json.dumps(item) + "\n").encode())
    await response.write_eof()
    return response


async def search_findings(request: web.Request) -> web.Response:
    who = auditor(request)
    q = parse_query(request, m.AuditFindingQuery)
    _range(q.from_, q.to)
    items, cursor = await request.app[AUDIT_STORE].search_findings(
        FindingFilter(label=q.label, user=q.user, thread_id=q.thread_id, start=q.from_, end=q.to),
        limit=q.limit,
        cursor=q.cursor,
    )
    await log_access(request, who, "findings.search", query=dict(request.query))
    return json_response({"findings": items, "next_cursor": cursor})


async def thread_timeline(request: web.Request) -> web.Response:
    """One thread end to end, with original texts of redacted and blocked messages."""
    who = auditor(request)
    c = request.app[CTX]
    thread = await c.threads.visible_thread(who, request.match_info["thread_id"])
    audit = request.app[AUDIT_STORE]
    findings = await audit.findings_for_thread(thread.id)
    originals: dict[str, str] = {}
    for f in findings:
        if f["message_id"]:
            originals[f["message_id"]] = f["original_text"]
    items: list[dict[str, Any]] = []
    after = 0
    while True:
        batch = await c.store.list_messages(thread.id, after_seq=after, limit=1000)
        for message in batch:
            item = {
                "type": "message",
                "at": message.created_at.isoformat(),
                **message_json(message),
            }
            if message.id in originals:
                item["original_text"] = originals[message.id]
            items.append(item)
        if len(batch) < 1000:
            break
        after = batch[-1].seq
    blocked: dict[tuple[str, str], dict[str, Any]] = {}
    for f in findings:
        if f["message_id"] is None:
            key = (f["created_at"], f["author_id"])
            entry = blocked.setdefault(
                key,
                {
                    "type": "blocked_message",
                    "at": f["created_at"],
                    "author_id": f["author_id"],
                    "original_text": f["original_text"],
                    "labels": [],
                },
            )
            if f["label"] not in entry["labels"]:
                entry["labels"].append(f["label"])
    items.extend(blocked.values())
    entries = await c.store.audit_entries(thread.id)
    events = [
        {
            "type": "audit",
            "at": e.created_at.isoformat(),
            "position": e.position,
            "event_type": e.event_type,
            "actor_id": e.actor_id,
            "entry": json.loads(e.entry),
            "hash": e.hash,
            "index": e.index,
        }
        for e in entries
    ]
    items.sort(key=lambda i: i["at"])
    report = await c.store.verify_chain(thread.id, cached=True)  # per chain head
    cases = await audit.list_cases(thread_id=thread.id)
    await log_access(request, who, "thread.timeline", thread_id=thread.id)
    return json_response(
        {
            "thread": await c.threads.thread_json(thread),
            "timeline": items,
            "audit": events,
            "calls": await audit.calls_for_thread(thread.id),
            "findings": findings,
            "cases": cases,
            "verification": {
                "ok": report.ok,
                "checked": report.checked,
                "first_bad_position": report.first_bad_position,
                "reason": report.reason,
            },
        }
    )


async def verify_thread(request: web.Request) -> web.Response:
    who = auditor(request)
    c = request.app[CTX]
    thread = await c.threads.visible_thread(who, request.match_info["thread_id"])
    report = await c.store.verify_chain(thread.id)
    await log_access(request, who, "thread.verify", thread_id=thread.id)
    return json_response(
        {
            "thread_id": thread.id,
            "ok": report.ok,
            "checked": report.checked,
            "first_bad_position": report.first_bad_position,
            "reason": report.reason,
        }
    )


async def list_cases(request: web.Request) -> web.Response:
    who = auditor(request)
    q = parse_query(request, m.CaseQuery)
    cases = await request.app[AUDIT_STORE].list_cases(q.status)
    await log_access(request, who, "cases.list")
    return json_response({"cases": cases})


async def open_case(request: web.Request) -> web.Response:
    who = auditor(request)
    body = await parse_body(request, m.OpenCase)
    thread = await ctx(request).threads.visible_thread(who, body.thread_id)
    await ctx(request).threads.limits.check("case", who.user_id)  # 429 + Retry-After
    case = await request.app[AUDIT_STORE].open_case(
        thread_id=thread.id,
        call_id=body.call_id,
        reason=body.reason,
        opened_by=who.user_id,
        source="auditor",
    )
    await log_access(request, who, "case.open", case_id=case["id"], thread_id=thread.id)
    return json_response(case, status=201)


async def get_case(request: web.Request) -> web.Response:
    who = auditor(request)
    case = await request.app[AUDIT_STORE].get_case(request.match_info["case_id"])
    await log_access(request, who, "case.read", case_id=case["id"])
    return json_response(case)


async def update_case(request: web.Request) -> web.Response:
    who = auditor(request)
    body = await parse_body(request, m.UpdateCase)
    assignee: str | Unchanged | None = UNCHANGED
    if "assignee_id" in body.model_fields_set:
        assignee = body.assignee_id
        if assignee is not None:
            users = await ctx(request).store.get_users([assignee])
            known = users.get(assignee)
            if known is None or known.role not in (Role.AUDITOR.value, Role.ADMIN.value):
                raise Unprocessable(
                    "a case can only be assigned to an auditor or admin", code="bad_assignee"
                )
    audit = request.app[AUDIT_STORE]
    case = await audit.update_case(
        request.match_info["case_id"],
        author_id=who.user_id,
        status=body.status,
        note=body.note,
        hold=body.legal_hold,
        assignee=assignee,
    )
    if body.legal_hold is not None:
        # the thread is held while any of its cases is; an object store with Object Lock
        # then refuses to delete its recordings, whatever this server does
        thread_id = str(case["thread_id"])
        held = thread_id in await audit.held_threads()
        await apply_legal_hold(
            request.app[RECORDING_STORAGE], request.app[RECORDING_INDEX], thread_id, held
        )
    await log_access(
        request,
        who,
        "case.update",
        case_id=case["id"],
        status=body.status,
        legal_hold=body.legal_hold,
        assignee_id=case["assignee_id"],
    )
    return json_response(case)


async def list_auditors(request: web.Request) -> web.Response:
    """Auditors and admins a case can be assigned to."""
    auditor(request)
    return json_response({"auditors": await request.app[AUDIT_STORE].auditors()})


async def stats(request: web.Request) -> web.Response:
    who = auditor(request)
    data = await request.app[AUDIT_STORE].daily_counts()
    await log_access(request, who, "stats")
    return json_response(data)


class AccessQuery(m.Strict):
    """``GET /api/audit/access``: newest first; ``before`` is the ``next`` of the last page."""

    before: int | None = Field(default=None, ge=1, le=m.INT32_MAX)
    limit: int = Field(default=100, ge=1, le=1000)


async def access_log(request: web.Request) -> web.Response:
    """The ``access`` chain for admins, newest first, cursor-paginated (``before``/``next``)."""
    auditor(request, admin=True)
    q = parse_query(request, AccessQuery)
    items, cursor = await request.app[AUDIT_STORE].chain_page(
        ACCESS_CHAIN, before=q.before, limit=q.limit
    )
    return json_response({"access": items, "next": cursor})


async def report_thread(request: web.Request) -> web.Response:
    """A party reports the thread (or one of its calls); this opens a case for auditors."""
    who = principal(request)
    body = await parse_body(request, m.Report)
    thread = await ctx(request).threads.party_thread(who, request.match_info["thread_id"])
    if body.call_id is not None:
        if await request.app[RECORDING_INDEX].thread_of_call(body.call_id) != thread.id:
            raise NotFound("no such call in this thread", code="call_not_found")
    await ctx(request).threads.limits.check("case", who.user_id)  # 429 + Retry-After
    case = await request.app[AUDIT_STORE].open_case(
        thread_id=thread.id,
        call_id=body.call_id,
        reason=body.reason,
        opened_by=who.user_id,
        source="report",
    )
    await ctx(request).store.append_audit(
        thread.id, "case.reported", who.user_id, {"case_id": case["id"], "call_id": body.call_id}
    )
    return json_response({"case_id": case["id"], "status": case["status"]}, status=201)


AUDIT_ROUTES: list[Route] = [
    Route(
        "GET",
        "/api/audit/calls",
        search_calls,
        "Search call records",
        query=m.AuditCallQuery,
        tag="audit",
    ),
    Route(
        "GET",
        "/api/audit/calls.{fmt:csv|jsonl}",
        export_calls,
        "Export a call search (streamed)",
        tag="audit",
    ),
    Route(
        "GET",
        "/api/audit/findings",
        search_findings,
        "Search policy findings",
        query=m.AuditFindingQuery,
        tag="audit",
    ),
    Route(
        "GET",
        "/api/audit/threads/{thread_id}/timeline",
        thread_timeline,
        "A thread's full timeline",
        tag="audit",
    ),
    Route(
        "GET",
        "/api/audit/threads/{thread_id}/verify",
        verify_thread,
        "Verify a thread's audit chain",
        tag="audit",
    ),
    Route("GET", "/api/audit/cases", list_cases, "The case queue", query=m.CaseQuery, tag="audit"),
    Route(
        "POST",
        "/api/audit/cases",
        open_case,
        "Open a case",
        body=m.OpenCase,
        success=201,
        tag="audit",
    ),
    Route("GET", "/api/audit/cases/{case_id}", get_case, "One case with notes", tag="audit"),
    Route(
        "POST",
        "/api/audit/cases/{case_id}",
        update_case,
        "Move a case, add a note, set legal hold",
        body=m.UpdateCase,
        tag="audit",
    ),
    Route("GET", "/api/audit/stats", stats, "Chart data", tag="audit"),
    Route(
        "GET",
        "/api/audit/auditors",
        list_auditors,
        "Auditors and admins (case assignment)",
        tag="audit",
        access="auditors.list",
    ),
    Route(
        "GET",
        "/api/audit/access",
        access_log,
        "Auditor and admin access events, newest first (admins)",
        query=AccessQuery,
        tag="audit",
        access="access.list",
    ),
    Route(
        "POST",
        "/api/threads/{thread_id}/reports",
        report_thread,
        "Report a thread or call",
        body=m.Report,
        success=201,
    ),
]
