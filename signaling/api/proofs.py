"""Tamper-evidence routes: signed tree heads, inclusion and consistency proofs, and the
verifiable evidence bundle of a case."""

from __future__ import annotations

import asyncio
import html
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

from aiohttp import web
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import Field, model_validator

from recording.storage import LocalDiskStorage, RecordingStorage
from signaling.api.audit import AUDIT_STORE, auditor, log_access
from signaling.api.context import RECORDING_STORAGE
from signaling.api.export import bounded, export_workspace, stream_file, too_large
from signaling.api.files import FILES
from signaling.api.models import INT32_MAX, Strict
from signaling.api.recordings import recordings_of
from signaling.api.rest import Route, ctx, json_response, parse_query, principal
from signaling.audit.bundle import BundleWriter, add_audit_evidence
from signaling.audit.log import LiveMerkleLog
from signaling.audit.publish import TreeHeadPublisher
from signaling.audit.sequencer import AuditSequencer
from signaling.audit.tree_head import (
    SignedTreeHead,
    generate_signing_key,
    load_signing_key,
    public_key_pem,
)
from signaling.auth import Principal
from signaling.domain.threads import Role
from signaling.errors import Forbidden, NotFound, SignalingError
from signaling.files import files_of
from signaling.service import ThreadService, message_json
from signaling.settings import Settings
from signaling.store.audit import SqlAuditStore
from signaling.store.sql import SqlStore


@dataclass
class AuditKey:
    """The Ed25519 key that signs tree heads (loaded at start-up, off the loop)."""

    key: Ed25519PrivateKey | None = None

    def require(self) -> Ed25519PrivateKey:
        if self.key is None:
            raise SignalingError("the audit signing key is not loaded yet", code="not_ready")
        return self.key


AUDIT_KEY: web.AppKey[AuditKey] = web.AppKey("audit_key", AuditKey)
# The global Merkle log held in memory and caught up on each use (O(new entries)).
LIVE_LOG: web.AppKey[LiveMerkleLog] = web.AppKey("live_log", LiveMerkleLog)
PUBLISHER: web.AppKey[TreeHeadPublisher] = web.AppKey("tree_head_publisher", TreeHeadPublisher)
# The SQL store the audit log lives in (typed: no downcast of the context's ThreadStore).
SQL_STORE: web.AppKey[SqlStore] = web.AppKey("sql_store", SqlStore)
# This process's audit sequencer (integrates queued entries while it holds the cluster lease).
SEQUENCER: web.AppKey[AuditSequencer] = web.AppKey("audit_sequencer", AuditSequencer)


def load_or_create_key(settings: Settings) -> Ed25519PrivateKey:
    """INTERVIEW_AUDIT_SIGNING_KEY, else a key kept in the data dir (created once)."""
    if settings.audit_signing_key:
        return load_signing_key(settings.audit_signing_key)
    path = settings.data_dir / "audit-signing.key"
    if not path.exists():
        path.write_text(generate_signing_key() + "\n")
        path.chmod(0o600)
    return load_signing_key(path.read_text())


def load_existing_key(settings: Settings) -> Ed25519PrivateKey | None:
    """INTERVIEW_AUDIT_SIGNING_KEY, else the data dir's key if there is one (never creates)."""
    if settings.audit_signing_key:
        return load_signing_key(settings.audit_signing_key)
    path = settings.data_dir / "audit-signing.key"
    return load_signing_key(path.read_text()) if path.exists() else None


class InclusionQuery(Strict):
    """Exactly one of ``index`` (the entry's id: ``index`` in the thread timeline, ``id`` in
    bundles; ids only grow but may skip numbers) and ``leaf_index`` (its 0-based position in
    the Merkle log, RFC 6962 style); ``tree_size`` proves it in an older tree, e.g. the one a
    published head signed."""

    index: int | None = Field(default=None, ge=1, le=INT32_MAX)
    leaf_index: int | None = Field(default=None, ge=0, le=INT32_MAX)
    tree_size: int | None = Field(default=None, ge=1, le=INT32_MAX)

    @model_validator(mode="after")
    def _one_of(self) -> Self:
        if (self.index is None) == (self.leaf_index is None):
            raise ValueError("give exactly one of index (entry id) and leaf_index")
        return self


class ConsistencyQuery(Strict):
    first: int = Field(ge=1, le=INT32_MAX)
    second: int = Field(ge=1, le=INT32_MAX)


def _store(request: web.Request) -> SqlStore:
    return request.app[SQL_STORE]


async def get_tree_head(request: web.Request) -> web.Response:
    who = auditor(request)
    key = request.app[AUDIT_KEY].require()
    sth = await request.app[LIVE_LOG].tree_head(_store(request), key)
    await log_access(request, who, "tree_head", tree_size=sth.tree_size)
    body = sth.to_json()
    body["public_key_pem"] = public_key_pem(key).decode()
    return json_response(body)


async def publish_tree_head(request: web.Request) -> web.Response:
    """Sign and publish a tree head now (``tree-heads.jsonl`` and the webhook)."""
    who = principal(request)
    if not (who.is_service or who.role is Role.ADMIN):
        raise Forbidden("publishing tree heads is for admins and the backend", code="not_admin")
    publisher = request.app[PUBLISHER]
    sth = await publisher.publish(force=True)
    assert sth is not None  # forced
    await log_access(request, who, "tree_head.publish", tree_size=sth.tree_size)
    body = sth.to_json()
    body["public_key_pem"] = public_key_pem(request.app[AUDIT_KEY].require()).decode()
    return json_response(body, status=201)


async def get_inclusion(request: web.Request) -> web.Response:
    who = auditor(request)
    q = parse_query(request, InclusionQuery)
    live, store = request.app[LIVE_LOG], _store(request)
    if q.leaf_index is not None:
        size = await live.sync(store)
        if q.leaf_index >= size:
            raise NotFound("no audit entry at that leaf index", code="entry_not_found")
        entry_id = live.entry_id(q.leaf_index)
    else:
        assert q.index is not None
        await live.sync(store)
        entry_id = q.index
    result = await live.inclusion(store, entry_id, request.app[AUDIT_KEY].require(), q.tree_size)
    result = {"id": entry_id, **result}
    await log_access(request, who, "proof.inclusion", index=entry_id)
    return json_response(result)


async def get_consistency(request: web.Request) -> web.Response:
    who = auditor(request)
    q = parse_query(request, ConsistencyQuery)
    result = await request.app[LIVE_LOG].consistency(_store(request), q.first, q.second)
    await log_access(request, who, "proof.consistency", first=q.first, second=q.second)
    return json_response(result)


def _timeline_html(thread: dict[str, Any], items: list[dict[str, Any]]) -> bytes:
    rows = []
    for i in items:
        original = i.get("original_text")
        note = f"<br><em>original: {html.escape(original)}</em>" if original else ""
        body = html.escape(json.dumps(i.get("body", {}), ensure_ascii=False))
        rows.append(
            f"<tr><td>{html.escape(str(i.get('created_at', '')))}</td>"
            f"<td>{html.escape(str(i.get('author_id', '')))}</td>"
            f"<td>{html.escape(str(i.get('kind', '')))}</td><td>{body}{note}</td></tr>"
        )
    header = "<tr><th>When</th><th>Who</th><th>Kind</th><th>Content</th></tr>"
    page = (
        "<!doctype html><meta charset='utf-8'><title>Thread timeline</title>"
        f"<h1>{html.escape(thread['job_title'])}</h1>"
        f"<p>{html.escape(thread['client_id'])} and {html.escape(thread['freelancer_id'])}, "
        f"stage {html.escape(thread['stage'])}</p>"
        f"<table border=1 cellpadding=4>{header}{''.join(rows)}</table>"
    )
    return page.encode()


def _ensure_stored_fit(
    stored: list[tuple[RecordingStorage, str, str]], max_bytes: int | None
) -> None:
    """Refuse before writing anything when the stored files alone exceed ``max_bytes``."""
    if max_bytes is None:
        return
    total = sum(storage.size(key) for storage, key, _ in stored if storage.exists(key))
    if total > max_bytes:
        raise too_large(max_bytes)


async def build_case_bundle(
    *,
    store: SqlStore,
    audit: SqlAuditStore,
    threads: ThreadService,
    recordings_dir: Path,
    key: Ed25519PrivateKey,
    live: LiveMerkleLog,
    published: SignedTreeHead | None,
    case_id: str,
    who: Principal,
    target: Path,
    progress: Callable[[str], None] | None = None,
    max_bytes: int | None = None,
    files_dir: Path | None = None,
    recording_storage: RecordingStorage | None = None,
    file_storage: RecordingStorage | None = None,
) -> dict[str, Any]:
    """Write the evidence bundle of a case to ``target`` (see :func:`build_thread_bundle`)."""
    case = await audit.get_case(case_id)
    await build_thread_bundle(
        store=store,
        audit=audit,
        threads=threads,
        recordings_dir=recordings_dir,
        key=key,
        live=live,
        published=published,
        thread_id=case["thread_id"],
        case=case,
        who=who,
        target=target,
        progress=progress,
        max_bytes=max_bytes,
        files_dir=files_dir,
        recording_storage=recording_storage,
        file_storage=file_storage,
    )
    return case


async def build_thread_bundle(
    *,
    store: SqlStore,
    audit: SqlAuditStore,
    threads: ThreadService,
    recordings_dir: Path,
    key: Ed25519PrivateKey,
    live: LiveMerkleLog,
    published: SignedTreeHead | None,
    thread_id: str,
    case: dict[str, Any] | None,
    who: Principal,
    target: Path,
    progress: Callable[[str], None] | None = None,
    max_bytes: int | None = None,
    files_dir: Path | None = None,
    recording_storage: RecordingStorage | None = None,
    file_storage: RecordingStorage | None = None,
) -> None:
    """Write the evidence bundle of a thread (of a case, when ``case`` is given) to ``target``
    (the zip is built off the loop, file by file, never whole in memory); ``progress`` is
    called with each file name. Files the parties attached are under ``files/`` (their SHA-256
    is in the ``file`` messages and on the thread's audit chain).

    The audit part comes from the live log: the thread's chain as logged (committed in the
    signed manifest), each entry proved against a head signed now, and the consistency proof
    from ``published`` (the latest published tree head) to it.

    Recordings and files are read through the storage port (``recording_storage`` and
    ``file_storage``, e.g. an S3 bucket); without one, from ``recordings_dir`` and
    ``files_dir`` on local disk."""
    thread = await threads.visible_thread(who, thread_id)
    originals = {
        f["message_id"]: f["original_text"]
        for f in await audit.findings_for_thread(thread.id)
        if f["message_id"]
    }
    items = []
    for m in await store.list_messages(thread.id, limit=100_000):
        item = message_json(m)
        if m.id in originals:
            item["original_text"] = originals[m.id]
        items.append(item)
    calls = await audit.calls_for_thread(thread.id)
    evidence = await live.chain_evidence(store, thread.id, key, published)
    recordings = await recordings_of(store, thread_id=thread.id)
    thread_json = await threads.thread_json(thread)
    rec_store = recording_storage or LocalDiskStorage(recordings_dir)
    file_store = file_storage
    if file_store is None and files_dir is not None:
        file_store = LocalDiskStorage(files_dir, noun="file", suffixes=None)
    files = await files_of(threads, thread.id) if file_store is not None else []
    stored: list[tuple[RecordingStorage, str, str]] = [
        (rec_store, str(r["key"]), f"recordings/{r['key']}") for r in recordings
    ]
    if file_store is not None:
        stored += [
            (file_store, str(f["file_id"]), f"files/{f['file_id']}/{_safe_member(f['name'])}")
            for f in files
        ]
    # ``max_bytes`` bounds the archive: refused up front if the recordings and files alone
    # exceed it, and the file can never grow past it while it is written
    await asyncio.to_thread(_ensure_stored_fit, stored, max_bytes)
    step = progress or (lambda _name: None)

    def build(path: Path) -> None:
        with path.open("wb") as raw:
            writer = BundleWriter(bounded(raw, max_bytes))
            writer.add_bytes(
                "timeline.json",
                json.dumps(
                    {"thread": thread_json, "case": case, "messages": items},
                    indent=2,
                    ensure_ascii=False,
                ).encode(),
            )
            step("timeline")
            writer.add_bytes("timeline.html", _timeline_html(thread_json, items))
            writer.add_bytes(
                "calls.jsonl", "".join(json.dumps(call) + "\n" for call in calls).encode()
            )
            step("calls")
            add_audit_evidence(writer, evidence, public_key_pem(key))
            step("audit entries and proofs")
            for storage, stored_key, member in stored:
                if storage.exists(stored_key):
                    with storage.local_copy(stored_key) as file:
                        writer.add_file(member, file)
                step(f"{member.split('/')[0].rstrip('s')} {stored_key}")
            subject = {"case_id": case["id"] if case else None, "thread_id": thread.id}
            writer.finish(subject, signing_key=key)

    await asyncio.to_thread(build, target)


def _safe_member(name: str) -> str:
    """A file's name as a zip member name: no directories, no leading dots."""
    cleaned = "".join(c if c.isalnum() or c in " ._-()" else "_" for c in name).strip(" .")
    return cleaned or "file"


async def export_bundle(request: web.Request) -> web.StreamResponse:
    """The evidence bundle of a case, written to a private temporary file off the loop (at
    most ``INTERVIEW_EXPORT_MAX_BYTES``), opened, deleted, then streamed from the open file."""
    who = auditor(request)
    c = ctx(request)
    async with export_workspace() as workspace:  # removed on exit, however the build ends
        target = workspace / "bundle.zip"
        case = await build_case_bundle(
            store=_store(request),
            audit=request.app[AUDIT_STORE],
            threads=c.threads,
            recordings_dir=c.settings.recordings_dir,
            key=request.app[AUDIT_KEY].require(),
            live=request.app[LIVE_LOG],
            published=await request.app[PUBLISHER].load(),
            case_id=request.match_info["case_id"],
            who=who,
            target=target,
            max_bytes=c.settings.export_max_bytes,
            files_dir=c.settings.files_dir,
            recording_storage=request.app[RECORDING_STORAGE],
            file_storage=request.app[FILES].storage,
        )
        fh = await asyncio.to_thread(target.open, "rb")
    await log_access(request, who, "case.export", case_id=case["id"], thread_id=case["thread_id"])
    return await stream_file(
        request,
        fh,
        headers={
            "Content-Type": "application/zip",
            "Content-Disposition": f'attachment; filename="case-{case["id"]}.zip"',
        },
    )


async def export_thread_bundle(request: web.Request) -> web.StreamResponse:
    """The evidence bundle of a thread, without a case: exporting opens no case; the export is
    an entry on the ``access`` chain (``thread.export``)."""
    who = auditor(request)
    c = ctx(request)
    thread_id = request.match_info["thread_id"]
    async with export_workspace() as workspace:
        target = workspace / "bundle.zip"
        await build_thread_bundle(
            store=_store(request),
            audit=request.app[AUDIT_STORE],
            threads=c.threads,
            recordings_dir=c.settings.recordings_dir,
            key=request.app[AUDIT_KEY].require(),
            live=request.app[LIVE_LOG],
            published=await request.app[PUBLISHER].load(),
            thread_id=thread_id,
            case=None,
            who=who,
            target=target,
            max_bytes=c.settings.export_max_bytes,
            files_dir=c.settings.files_dir,
            recording_storage=request.app[RECORDING_STORAGE],
            file_storage=request.app[FILES].storage,
        )
        fh = await asyncio.to_thread(target.open, "rb")
    await log_access(request, who, "thread.export", thread_id=thread_id)
    return await stream_file(
        request,
        fh,
        headers={
            "Content-Type": "application/zip",
            "Content-Disposition": f'attachment; filename="thread-{thread_id}.zip"',
        },
    )


PROOF_ROUTES: list[Route] = [
    Route(
        "GET",
        "/api/audit/tree-head",
        get_tree_head,
        "A signed tree head of the audit log",
        tag="audit",
    ),
    Route(
        "POST",
        "/api/audit/tree-heads",
        publish_tree_head,
        "Sign and publish a tree head now (admins and the backend)",
        success=201,
        tag="audit",
    ),
    Route(
        "GET",
        "/api/audit/proofs/inclusion",
        get_inclusion,
        "Inclusion proof of one entry",
        query=InclusionQuery,
        tag="audit",
    ),
    Route(
        "GET",
        "/api/audit/proofs/consistency",
        get_consistency,
        "Consistency proof between two tree sizes",
        query=ConsistencyQuery,
        tag="audit",
    ),
    Route(
        "GET",
        "/api/audit/cases/{case_id}/bundle",
        export_bundle,
        "Verifiable evidence bundle (zip)",
        tag="audit",
    ),
    Route(
        "GET",
        "/api/audit/threads/{thread_id}/bundle",
        export_thread_bundle,
        "Verifiable evidence bundle of a thread (zip); opens no case",
        tag="audit",
    ),
]
