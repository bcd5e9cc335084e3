"""The one place where the application is wired: ``create_app(settings)``."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import aiohttp
from aiohttp import web

from media.counters import MediaCounters
from recording.storage import RecordingStorage, flush_spool, store_recovered
from recording.wiring import recording_storage
from signaling.api.audit import AUDIT_ROUTES, AUDIT_STORE
from signaling.api.call_events import register_call_events
from signaling.api.context import (
    CTX,
    RECORDING_INDEX,
    RECORDING_STORAGE,
    AppContext,
    signing_key_middleware,
)
from signaling.api.events_feed import EVENT_ROUTES, EVENTS_OUTBOX
from signaling.api.files import FILE_ROUTES, FILES
from signaling.api.meetings import MEETING_ROUTES, MEETINGS
from signaling.api.openapi import build_openapi
from signaling.api.presence import PRESENCE_ROUTES, READS, register_presence_events
from signaling.api.problems import problem_middleware
from signaling.api.proofs import (
    AUDIT_KEY,
    LIVE_LOG,
    PROOF_ROUTES,
    PUBLISHER,
    SEQUENCER,
    SQL_STORE,
    AuditKey,
    load_or_create_key,
)
from signaling.api.recordings import RECORDING_ROUTES
from signaling.api.rest import ROUTES, Route, add_routes, json_response
from signaling.api.socket import SocketEdge, SocketNotifier, close_server, make_server, start_server
from signaling.audit.log import LiveMerkleLog
from signaling.audit.publish import HEADS_FILE, TreeHeadPublisher
from signaling.audit.sequencer import AuditSequencer
from signaling.auth import Authenticator
from signaling.calendar.webhook import OutboundWebhook
from signaling.calls import CallService, Clock
from signaling.domain.ports import (
    CallRouter,
    MediaEventLike,
    MediaSessionFactory,
    MediaSessionPort,
    RecorderFactory,
)
from signaling.events.dispatcher import Dispatcher, WebhookSender
from signaling.events.outbox import EventRecorder, OutboxStore
from signaling.files import FileService
from signaling.ice import IceAddressPolicy
from signaling.jobs import (
    JOBS,
    Jobs,
    composite_later,
    prune_events,
    refresh_jwks,
    retention_loop,
)
from signaling.meetings import MeetingService
from signaling.providers.base import MeetingProvider
from signaling.providers.factory import zoom_provider_from_settings
from signaling.ratelimit import InMemoryRateLimiter, Limits, RateLimiter, limits_from_settings
from signaling.routing import InMemoryCallRouter
from signaling.service import ThreadService
from signaling.settings import Settings
from signaling.store.audit import SqlAuditStore
from signaling.store.leases import SqlNodeLeases
from signaling.store.meetings import SqlMeetingStore
from signaling.store.migrate import upgrade
from signaling.store.reads import SqlReadStore
from signaling.store.sql import SqlStore, make_engine

logger = logging.getLogger(__name__)

API_ROUTES: web.AppKey[list[Route]] = web.AppKey("api_routes", list[Route])
SIO: web.AppKey[Any] = web.AppKey("sio", object)
CALLS: web.AppKey[CallService] = web.AppKey("calls", CallService)
HTTP: web.AppKey[aiohttp.ClientSession] = web.AppKey("http", aiohttp.ClientSession)
# The node's media counters for /metrics: monotonic for the process, across calls.
MEDIA_COUNTERS: web.AppKey[MediaCounters] = web.AppKey("media_counters", MediaCounters)
ProviderFactory = Callable[[Settings, aiohttp.ClientSession], MeetingProvider | None]


async def _openapi(request: web.Request) -> web.Response:
    routes: list[Route] = request.app[API_ROUTES]
    return json_response(build_openapi(routes))


async def _health(request: web.Request) -> web.Response:
    return json_response({"status": "ok"})


def _sequencer(settings: Settings, store: SqlStore) -> AuditSequencer:
    """The audit sequencer of this process (it works only while it holds the cluster lease)."""
    return AuditSequencer(
        store,
        f"{settings.node_id}/{uuid.uuid4()}",
        batch=settings.audit_sequencer_batch,
        interval=settings.audit_sequencer_interval_seconds,
        lease_seconds=settings.audit_sequencer_lease_seconds,
    )


def _tree_head_publisher(
    settings: Settings, store: SqlStore, key: AuditKey, sequencer: AuditSequencer
) -> TreeHeadPublisher:
    """Tree heads of the live log, appended to ``tree-heads.jsonl`` in the data dir (and sent
    to the webhook, set at start-up) every INTERVIEW_TREE_HEAD_INTERVAL_SECONDS.

    SQLite (one process): the sequencer runs in-process and also integrates what is queued
    before each sync, so a proof asked for right after a write finds it. PostgreSQL: the live
    log holds what the cluster's sequencer integrated so far (a queued entry answers 409)."""
    live = LiveMerkleLog(
        retry_after=settings.audit_sequencer_interval_seconds,
        integrate=sequencer.drain if store.is_sqlite else None,
    )
    return TreeHeadPublisher(
        store,
        live,
        key.require,
        settings.data_dir / HEADS_FILE,
        node_id=settings.node_id,
    )


def _limits(settings: Settings) -> Limits:
    """Every per-user limit; shared across nodes through Redis when it is configured."""
    if settings.redis_url:
        from signaling.store.redis import RedisRateLimiter

        url = settings.redis_url
        return limits_from_settings(
            settings, lambda limit: RedisRateLimiter(url, limit.per_minute, limit.burst)
        )
    return limits_from_settings(settings)


def _rate_limiter(settings: Settings) -> RateLimiter:
    if settings.redis_url:
        from signaling.store.redis import RedisRateLimiter

        return RedisRateLimiter(
            settings.redis_url, settings.message_rate_per_minute, settings.message_burst
        )
    return InMemoryRateLimiter(settings.message_rate_per_minute, settings.message_burst)


def _router(settings: Settings) -> CallRouter:
    if settings.redis_url:
        from signaling.store.redis import RedisCallRouter

        return RedisCallRouter(
            settings.redis_url, settings.node_id, claim_ttl=settings.node_lease_seconds
        )
    return InMemoryCallRouter(settings.node_id)


def _recorder(settings: Settings, storage: RecordingStorage) -> RecorderFactory | None:
    if settings.recording == "off":
        return None
    from recording.service import make_recorder_factory

    return make_recorder_factory(
        settings.recordings_dir,
        keyframe_retry=settings.recording_keyframe_retry_seconds,
        storage=storage,
    )


def media_session_factory(
    settings: Settings, counters: MediaCounters | None = None
) -> MediaSessionFactory:
    """aiortc media sessions; each adds to ``counters`` (the node's /metrics totals)."""
    ice_policy = IceAddressPolicy.from_cidrs(settings.ice_networks)

    def factory(call_id: str, on_event: Callable[[MediaEventLike], None]) -> MediaSessionPort:
        from media.session import MediaSession  # aiortc loads on the first call only

        # The server's own peers need no STUN on the media host; clients get theirs from
        # /api/ice-servers. An empty list also keeps aiortc from using a public default.
        # Remote candidates outside global unicast are dropped unless allowed (dev: all).
        session: MediaSessionPort = MediaSession(
            call_id,
            ice_servers=(),
            ice_policy=ice_policy,
            on_event=on_event,
            counters=counters,
            forwarder=settings.media_forwarder,
        )
        return session

    return factory


async def _recover_recordings(
    settings: Settings,
    storage: RecordingStorage,
    store: SqlStore,
    notifier: SocketNotifier,
    jobs: Jobs,
) -> None:
    """Start-up sweep: recordings a killed process left unfinished are finished, hashed and
    attached to their call (record, audit chain, a ``recording`` message), before the call is
    closed, so its record lists them (see ``recording.recovery.recover_cut_recordings``)."""
    from recording.recovery import recover_cut_recordings
    from signaling.service import message_json

    async def attach(call_id: str, segment: dict[str, Any]) -> bool:
        if not await asyncio.to_thread(store_recovered, storage, segment):
            return False
        attached = await store.add_recording_segment(call_id, segment)
        if attached is None:
            return False
        call, message = attached
        await notifier.to_thread(call.thread_id, "message:new", message_json(message))
        return True

    for segment in await recover_cut_recordings(settings.recordings_dir, store.get_call, attach):
        jobs.spawn(composite_later(storage, segment))
    # files a failed upload (or a stop) left in the spool go to the bucket now
    for key in await asyncio.to_thread(flush_spool, storage, settings.recordings_dir):
        logger.info("stored a recording left in the spool key=%s", key)


async def _metrics(request: web.Request) -> web.Response:
    calls = request.app[CALLS]
    lines = [
        "# HELP interview_calls_active Calls in progress on this node.",
        "# TYPE interview_calls_active gauge",
        f"interview_calls_active {len(calls.active_calls())}",
        "# HELP interview_calls_started_total Calls started on this node.",
        "# TYPE interview_calls_started_total counter",
        f"interview_calls_started_total {calls.started_total}",
        "# HELP interview_calls_ended_total Calls finished on this node.",
        "# TYPE interview_calls_ended_total counter",
        f"interview_calls_ended_total {calls.ended_total}",
    ]
    from media.metrics import render_prometheus
    from media.session import MediaSession

    sessions = [s for s in calls.media_sessions() if isinstance(s, MediaSession)]
    lines.append(render_prometheus(sessions, request.app[MEDIA_COUNTERS]))
    return web.Response(text="\n".join(lines) + "\n", content_type="text/plain")


def _file_service(settings: Settings, threads: ThreadService) -> FileService:
    """Thread files, stored write-once under ``<data dir>/files`` or in the bucket."""
    from recording.wiring import file_storage

    return FileService(
        threads,
        file_storage(settings),
        spool=settings.files_dir,
        max_bytes=settings.file_max_bytes,
        max_unpacked=settings.file_unpacked_max_bytes,
        max_scan_chars=settings.file_scan_max_chars,
    )


def event_dispatcher(
    settings: Settings, outbox: OutboxStore, http: aiohttp.ClientSession
) -> Dispatcher | None:
    """The node's event delivery loop, when the feed is on and a webhook URL is set."""
    if not (settings.events_enabled and settings.backend_webhook_url):
        return None
    sender = WebhookSender(
        settings.backend_webhook_url,
        settings.backend_webhook_secret,
        http,
        timeout=settings.events_timeout_seconds,
    )
    return Dispatcher(
        outbox,
        sender,
        node_id=settings.node_id,
        lease_seconds=settings.events_lease_seconds,
        batch=settings.events_batch,
        max_attempts=settings.events_max_attempts,
        retry_base_seconds=settings.events_retry_base_seconds,
        retry_max_seconds=settings.events_retry_max_seconds,
        poll_seconds=settings.events_poll_seconds,
        coalesce_seconds=settings.events_coalesce_seconds,
        batch_body=settings.events_delivery == "batch",
        concurrency=settings.events_concurrency,
    )


def _zoom(settings: Settings, http: aiohttp.ClientSession) -> MeetingProvider | None:
    return zoom_provider_from_settings(settings, session=http)


def create_app(
    settings: Settings,
    *,
    media_factory: MediaSessionFactory | None = None,
    recorder_factory: RecorderFactory | None = None,
    provider_factory: ProviderFactory = _zoom,
    call_clock: Clock | None = None,
) -> web.Application:
    """Build the aiohttp application with REST, socket.io, media and static assets.

    ``media_factory`` replaces the aiortc media sessions (tests of call signaling alone);
    ``call_clock`` the call service's clock (tests advance a ``ManualClock`` through ring
    timeouts and grace periods instead of sleeping).
    """
    app = web.Application(
        client_max_size=settings.body_max_bytes,
        middlewares=[problem_middleware, signing_key_middleware],
    )
    store = SqlStore(
        make_engine(
            settings.sqlalchemy_url,
            pool_recycle=settings.database_pool_recycle_seconds,
            sqlite_synchronous=settings.sqlite_synchronous,
        ),
        batch_max=settings.message_batch_max,
        batch_wait=settings.message_batch_wait_ms / 1000,
    )
    if settings.events_enabled:  # the event feed's outbox, written with every change
        store.events = EventRecorder(include_text=settings.events_include_text)
    sio = make_server(settings.redis_url)
    notifier = SocketNotifier(sio)
    threads = ThreadService(
        store,
        notifier,
        _rate_limiter(settings),
        policy_action=settings.policy_action,
        max_chars=settings.message_max_chars,
        limits=_limits(settings),
    )
    context = AppContext(
        settings=settings, store=store, auth=Authenticator(settings), threads=threads
    )
    app[CTX] = context
    app[SIO] = sio
    edge = SocketEdge(sio, context)
    sio.attach(app)

    app[AUDIT_STORE] = SqlAuditStore(store.engine, store.events)
    storage = recording_storage(settings)
    app[RECORDING_STORAGE] = storage
    app[RECORDING_INDEX] = store
    app[EVENTS_OUTBOX] = OutboxStore(store)
    app[FILES] = _file_service(settings, threads)
    routes = [
        *ROUTES,
        *FILE_ROUTES,
        *AUDIT_ROUTES,
        *PROOF_ROUTES,
        *RECORDING_ROUTES,
        *MEETING_ROUTES,
    ]
    routes += PRESENCE_ROUTES
    routes += EVENT_ROUTES
    app[READS] = SqlReadStore(store)
    register_presence_events(edge, app[READS])
    app[AUDIT_KEY] = AuditKey()
    app[SQL_STORE] = store
    app[SEQUENCER] = _sequencer(settings, store)
    app[PUBLISHER] = _tree_head_publisher(settings, store, app[AUDIT_KEY], app[SEQUENCER])
    app[LIVE_LOG] = app[PUBLISHER].live
    app[API_ROUTES] = routes
    add_routes(app, routes)
    app.router.add_get("/api/openapi.json", _openapi)
    app.router.add_get("/healthz", _health)

    media_counters = app[MEDIA_COUNTERS] = MediaCounters()
    calls = CallService(
        store,
        threads,
        notifier,
        media_factory or media_session_factory(settings, media_counters),
        router=_router(settings),
        recorder_factory=(
            recorder_factory if recorder_factory is not None else _recorder(settings, storage)
        ),
        recording_policy=settings.recording,
        on_recording_saved=lambda result: composite_later(storage, result),
        annotate_record=lambda call, record: app[MEETINGS].annotate_call_record(call, record),
        ring_timeout=settings.ring_timeout_seconds,
        peer_lost_seconds=settings.peer_lost_seconds,
        consultation_minutes=settings.consultation_notice_minutes,
        leases=SqlNodeLeases(store),
        lease_seconds=settings.node_lease_seconds,
        lease_renew_seconds=settings.node_lease_renew_seconds,
        clock=call_clock,
    )
    context.calls = calls
    app[CALLS] = calls
    register_call_events(edge, calls)
    app.router.add_get("/metrics", _metrics)

    meetings = MeetingService(
        threads,
        SqlMeetingStore(store, settings.node_id),
        None,  # the Zoom provider needs the running loop's HTTP session: set at startup
        public_url=settings.public_url,
        webhook_secret=settings.zoom_webhook_secret,
        reminder_offsets=settings.reminder_offsets_minutes,
        max_horizon_days=settings.max_horizon_days,
    )
    app[MEETINGS] = meetings

    from web.assets import add_static_routes

    add_static_routes(app)

    jobs = app[JOBS] = Jobs()

    # One cleanup context per resource, registered in start-up order: aiohttp runs each one's
    # start-up in order and its cleanup in reverse, and a start-up that fails half-way cleans
    # up exactly the contexts that had started. Every job a context starts, it stops (each
    # cancellation awaited) before the resources it uses are closed.
    async def database(app: web.Application) -> AsyncIterator[None]:
        await asyncio.to_thread(settings.data_dir.mkdir, parents=True, exist_ok=True)
        await upgrade(settings.sqlalchemy_url)
        app[AUDIT_KEY].key = await asyncio.to_thread(load_or_create_key, settings)
        if settings.dev_mode:
            from signaling.demo import seed

            await seed(store)
        yield
        await jobs.stop_all()  # whatever is left (short-lived renders) before the store goes
        await store.close()

    async def limits(app: web.Application) -> AsyncIterator[None]:
        yield
        closer = getattr(threads.rate_limiter, "close", None)
        if closer is not None:
            await closer()
        await threads.limits.close()

    async def signing_keys(app: web.Application) -> AsyncIterator[None]:
        if settings.jwt_jwks_url:
            jobs.start("jwks", refresh_jwks(context.auth))
        yield
        await jobs.stop("jwks")

    async def sockets(app: web.Application) -> AsyncIterator[None]:
        await start_server(sio)
        yield
        await close_server(sio)

    async def call_service(app: web.Application) -> AsyncIterator[None]:
        await calls.start_lease()  # before any call is taken or recovered
        try:
            await _recover_recordings(settings, storage, store, notifier, jobs)
            await calls.router.start(calls.handle_remote)
            recovered = await calls.recover()
            if recovered:
                logger.info("closed %d call(s) left open by a previous process", recovered)
            calls.start_background()
            yield
        finally:
            await calls.shutdown()
            await calls.router.close()

    async def retention(app: web.Application) -> AsyncIterator[None]:
        jobs.start("retention", retention_loop(settings, app[AUDIT_STORE], store, storage))
        yield
        await jobs.stop("retention")

    async def http_client(app: web.Application) -> AsyncIterator[None]:
        http = app[HTTP] = aiohttp.ClientSession()
        meetings.provider = provider_factory(settings, http)
        # The backend gets tree heads through the event feed (tree_head.published); a separate
        # URL (an archive of heads) still gets them POSTed directly.
        if settings.tree_head_webhook_url:
            app[PUBLISHER].webhook = OutboundWebhook(
                settings.tree_head_webhook_url, settings.backend_webhook_secret, http
            )
        yield
        if meetings.provider is not None:
            await meetings.provider.aclose()
        await http.close()

    async def reminders(app: web.Application) -> AsyncIterator[None]:
        jobs.start("reminders", meetings.reminder_loop())
        yield
        await jobs.stop("reminders")

    async def event_feed(app: web.Application) -> AsyncIterator[None]:
        dispatcher = (
            event_dispatcher(settings, app[EVENTS_OUTBOX], app[HTTP])
            if settings.events_deliver_in_process
            else None  # separate `interview-server events deliver` workers deliver
        )
        if settings.events_enabled and settings.events_retention_days:
            jobs.start("event-pruning", prune_events(settings, app[EVENTS_OUTBOX]))
        if dispatcher is not None:
            store.on_events = dispatcher.nudge
            jobs.start("event-delivery", dispatcher.run())
        yield
        store.on_events = None
        await jobs.stop("event-delivery")  # it finishes the round it is in
        await jobs.stop("event-pruning")

    async def audit_log(app: web.Application) -> AsyncIterator[None]:
        jobs.start("audit-sequencer", app[SEQUENCER].run())
        jobs.start(
            "tree-heads",
            app[PUBLISHER].run(
                settings.tree_head_interval_seconds, leader=lambda: app[SEQUENCER].holding
            ),
        )
        yield
        await jobs.stop("tree-heads")
        await jobs.stop("audit-sequencer")  # gives its lease up: another node takes over now
        await app[PUBLISHER].close()

    app.cleanup_ctx.extend(
        [
            database,
            limits,
            signing_keys,
            sockets,
            call_service,
            retention,
            http_client,
            reminders,
            event_feed,
            audit_log,
        ]
    )
    return app
