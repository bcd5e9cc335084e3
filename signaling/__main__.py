"""``interview-server`` command line: serve, migrate, demo, audit, policy, recordings.

This is the only module that reads ``os.environ`` and configures logging.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from signaling.errors import ConfigError
from signaling.settings import Settings

logger = logging.getLogger("signaling")


class _JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "ts": self.formatTime(record),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return json.dumps(data)


def configure_logging(settings: Settings) -> None:
    handler = logging.StreamHandler(sys.stderr)
    if settings.log_format == "json":
        handler.setFormatter(_JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler], force=True)
    logging.getLogger("alembic").setLevel(logging.WARNING)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="interview-server", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the HTTP + socket.io server")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    sub.add_parser("migrate", help="upgrade the database schema to the latest revision")
    sub.add_parser("demo", help="seed demo data and print sign-in links")
    audit = sub.add_parser("audit", help="audit log tools")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    verify = audit_sub.add_parser(
        "verify",
        help="recompute the audit chains and check the log against every published tree head",
    )
    verify.add_argument("--thread", default=None, help="only this thread's chain")
    verify.add_argument("--bundle", default=None, help="verify an exported evidence bundle (zip)")
    verify.add_argument("--public-key", default=None, help="PEM of the published signing key")
    verify.add_argument(
        "--tree-heads",
        action="append",
        default=[],
        metavar="FILE",
        help="another copy of the published heads (JSON Lines, e.g. the marketplace's); "
        "the data dir's tree-heads.jsonl is always checked",
    )
    verify.add_argument(
        "--tree-head",
        default=None,
        metavar="FILE",
        help="with --bundle: a published head (JSON, or JSON Lines: the largest) to link to",
    )
    verify.add_argument(
        "--earlier",
        default=None,
        metavar="ZIP",
        help="with --bundle: a bundle of the same case exported before; nothing it committed "
        "may be gone",
    )
    audit_sub.add_parser("publish", help="sign and publish a tree head now")
    recordings = sub.add_parser("recordings", help="recording tools")
    rec_sub = recordings.add_subparsers(dest="recordings_command", required=True)
    comp = rec_sub.add_parser(
        "composite", help="render a call's recording as one side-by-side WebM for playback"
    )
    comp.add_argument("call_id")
    comp.add_argument("--out", default=None, help="output file (default: next to the recording)")
    rec_sub.add_parser("sweep", help="apply the retention policy now")
    export = audit_sub.add_parser("export", help="write a case's evidence bundle (zip)")
    export.add_argument("--case", required=True, help="case id")
    export.add_argument("--out", required=True, help="output .zip")
    events = sub.add_parser("events", help="the event feed")
    events_sub = events.add_subparsers(dest="events_command", required=True)
    tail = events_sub.add_parser(
        "tail", help="print the event feed as JSON lines (pull API, INTERVIEW_SERVICE_TOKEN)"
    )
    tail.add_argument("--url", default=None, help="server base URL (default: PUBLIC_URL)")
    tail.add_argument("--after", default="0", help="start after this cursor (0: the beginning)")
    tail.add_argument("--types", default="", help="comma-separated event types")
    tail.add_argument("--follow", "-f", action="store_true", help="keep polling for new events")
    tail.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
    events_sub.add_parser(
        "deliver",
        help="deliver the event feed to INTERVIEW_BACKEND_WEBHOOK_URL from this process "
        "(PostgreSQL; pair with INTERVIEW_EVENTS_DELIVER_IN_PROCESS=0 on the servers)",
    )
    policy = sub.add_parser("policy", help="contact-information policy tools")
    policy_sub = policy.add_subparsers(dest="policy_command", required=True)
    policy_sub.add_parser("scan", help="scan JSON Lines {id, text} from stdin")
    return parser


async def _migrate(settings: Settings) -> int:
    from signaling.store.migrate import upgrade

    await upgrade(settings.sqlalchemy_url)
    print(f"database at {settings.sqlalchemy_url.split('@')[-1]} is up to date")
    return 0


async def _demo(settings: Settings) -> int:
    from signaling.auth import Authenticator
    from signaling.demo import seed, sign_in_links
    from signaling.store.migrate import upgrade
    from signaling.store.sql import SqlStore, make_engine

    await upgrade(settings.sqlalchemy_url)
    store = SqlStore(make_engine(settings.sqlalchemy_url))
    try:
        thread_id = await seed(store)
    finally:
        await store.close()
    print(f"demo thread: {thread_id}")
    for user, link in sign_in_links(settings, Authenticator(settings)):
        print(f"  {user.role.value:<10} {user.name:<18} {link}")
    return 0


async def _audit_verify(
    settings: Settings,
    thread: str | None,
    extra_heads: Sequence[str] = (),
    public_key: str | None = None,
) -> int:
    from signaling.store.sql import SqlStore, make_engine

    store = SqlStore(make_engine(settings.sqlalchemy_url))
    try:
        chains = [thread] if thread else await store.audit_chains()
        bad = 0
        for chain in chains:
            report = await store.verify_chain(chain)
            if report.ok:
                print(f"ok      {chain}  {report.checked} entries")
            else:
                bad += 1
                where = (
                    ""
                    if report.first_bad_position is None
                    else f" at position {report.first_bad_position}"
                )
                print(f"BROKEN  {chain}{where}: {report.reason}")
        print(f"{len(chains) - bad} of {len(chains)} chains verify")
        heads_ok = await _check_tree_heads(settings, store, extra_heads, public_key)
        return 1 if bad or not heads_ok else 0
    finally:
        await store.close()


def _public_key(settings: Settings, public_key: str | None) -> Any:
    """The key tree heads are checked with: ``--public-key``, else the server's own."""
    from signaling.api.proofs import load_existing_key
    from signaling.audit.tree_head import load_public_key

    if public_key:
        return load_public_key(Path(public_key).read_bytes())
    key = load_existing_key(settings)
    return None if key is None else key.public_key()


async def _check_tree_heads(
    settings: Settings, store: Any, extra: Sequence[str], public_key: str | None
) -> bool:
    """Is the stored log still the one every published tree head signed? Prints the first
    head that no longer matches."""
    from datetime import UTC, datetime

    from signaling.audit.log import LiveMerkleLog
    from signaling.audit.publish import HEADS_FILE, read_heads

    files = [settings.data_dir / HEADS_FILE, *(Path(f) for f in extra)]
    heads = []
    ok = True
    for number, file in enumerate(files):
        found, problems = await asyncio.to_thread(read_heads, file, missing_ok=number == 0)
        for problem in problems:
            print(f"BROKEN  {problem}")
            ok = False
        heads.extend(found)
    if not heads:
        print(f"no published tree heads in {', '.join(str(f) for f in files)}")
        return ok
    try:
        public = await asyncio.to_thread(_public_key, settings, public_key)
    except ValueError as exc:
        print(f"BROKEN  tree heads: {exc}")
        return False
    if public is None:
        print("BROKEN  tree heads: no key to check them with (pass --public-key)")
        return False
    result = await LiveMerkleLog().check_heads(store, heads, public)
    if result.ok:
        largest = max(h.tree_size for h in heads)
        print(f"ok      {result.checked} published tree heads match the log (up to size {largest})")
        return ok
    head = result.first_bad
    assert head is not None
    at = datetime.fromtimestamp(head.timestamp / 1000, UTC).isoformat(timespec="seconds")
    print(
        f"BROKEN  published tree head of size {head.tree_size} (signed {at}, key "
        f"{head.key_id}) no longer matches the log: {result.reason}"
    )
    print(f"{result.checked} of {len(heads)} published tree heads match")
    return False


async def _integrate(settings: Settings, store: Any) -> None:
    """One sequencer round from the CLI, if no server holds the sequencer lease (e.g. they are
    all stopped): queued audit entries join the log before a head or bundle is made."""
    import uuid

    from signaling.audit.sequencer import AuditSequencer

    sequencer = AuditSequencer(
        store,
        f"cli/{uuid.uuid4()}",
        batch=settings.audit_sequencer_batch,
        interval=settings.audit_sequencer_interval_seconds,
        lease_seconds=settings.audit_sequencer_lease_seconds,
    )
    if await sequencer.drain() is not None:
        await sequencer.release()  # a server may take over at once


async def _deliver(settings: Settings) -> int:
    """A delivery worker: the servers' dispatcher loop in a process of its own (it shares the
    claims and leases of the servers' loops, so any number of them may run), until SIGTERM or
    SIGINT. It is not woken by commits: it polls every INTERVIEW_EVENTS_POLL_SECONDS."""
    import signal

    import aiohttp

    from signaling.app import event_dispatcher
    from signaling.events.outbox import OutboxStore
    from signaling.store.sql import SqlStore, make_engine

    if settings.sqlalchemy_url.startswith("sqlite"):
        print(
            "events deliver needs PostgreSQL: with SQLite the server delivers in-process",
            file=sys.stderr,
        )
        return 2
    if not (settings.events_enabled and settings.backend_webhook_url):
        print(
            "events deliver needs INTERVIEW_BACKEND_WEBHOOK_URL (and the feed enabled)",
            file=sys.stderr,
        )
        return 2
    store = SqlStore(make_engine(settings.sqlalchemy_url))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    try:
        async with aiohttp.ClientSession() as http:
            dispatcher = event_dispatcher(settings, OutboxStore(store), http)
            assert dispatcher is not None
            logger.info("delivering events to %s as %s", settings.backend_webhook_url,
                        settings.node_id)  # fmt: skip
            task = asyncio.create_task(dispatcher.run())
            await stop.wait()
            task.cancel()  # the round in flight ends; its acknowledgements are recorded
            await asyncio.gather(task, return_exceptions=True)
            logger.info("delivered %d events", dispatcher.delivered_total)
    finally:
        await store.close()
    return 0


async def _publish(settings: Settings) -> int:
    import aiohttp

    from signaling.api.proofs import load_or_create_key
    from signaling.audit.log import LiveMerkleLog
    from signaling.audit.publish import HEADS_FILE, TreeHeadPublisher
    from signaling.calendar.webhook import OutboundWebhook
    from signaling.store.sql import SqlStore, make_engine

    store = SqlStore(make_engine(settings.sqlalchemy_url))
    if settings.events_enabled:  # the head goes to the backend as a tree_head.published event
        from signaling.events.outbox import EventRecorder

        store.events = EventRecorder()
    key = await asyncio.to_thread(load_or_create_key, settings)
    await _integrate(settings, store)
    publisher = TreeHeadPublisher(
        store, LiveMerkleLog(), lambda: key, settings.data_dir / HEADS_FILE
    )
    url = settings.tree_head_webhook_url
    try:
        async with aiohttp.ClientSession() as http:
            if url:
                publisher.webhook = OutboundWebhook(url, settings.backend_webhook_secret, http)
            sth = await publisher.publish(force=True)
            await publisher.drain()
    finally:
        await store.close()
    assert sth is not None
    print(json.dumps(sth.to_json()))
    return 0


async def _export(settings: Settings, case_id: str, out: Path) -> int:
    from tqdm import tqdm

    from recording.wiring import file_storage, recording_storage
    from signaling.api.proofs import build_case_bundle, load_or_create_key
    from signaling.audit.log import LiveMerkleLog
    from signaling.audit.publish import HEADS_FILE, latest, read_heads
    from signaling.auth import Principal
    from signaling.domain.threads import Role
    from signaling.errors import InterviewError
    from signaling.ratelimit import InMemoryRateLimiter
    from signaling.service import NullNotifier, ThreadService
    from signaling.store.audit import SqlAuditStore
    from signaling.store.sql import SqlStore, make_engine

    store = SqlStore(make_engine(settings.sqlalchemy_url))
    operator = Principal("cli-operator", "Operator (CLI)", Role.ADMIN)
    try:
        with tqdm(
            desc=f"bundle {case_id[:8]}", unit=" part", disable=not sys.stderr.isatty()
        ) as bar:

            def step(name: str) -> None:
                bar.set_postfix_str(name)
                bar.update(1)

            heads, _ = await asyncio.to_thread(read_heads, settings.data_dir / HEADS_FILE)
            await _integrate(settings, store)
            case = await build_case_bundle(
                store=store,
                audit=SqlAuditStore(store.engine),
                threads=ThreadService(store, NullNotifier(), InMemoryRateLimiter(1, 1)),
                recordings_dir=settings.recordings_dir,
                key=await asyncio.to_thread(load_or_create_key, settings),
                live=LiveMerkleLog(),
                published=latest(heads),
                case_id=case_id,
                who=operator,
                target=out,
                progress=step,
                files_dir=settings.files_dir,
                recording_storage=recording_storage(settings),
                file_storage=file_storage(settings),
            )
        await store.append_audit(
            "access",
            "audit.access",
            operator.user_id,
            {"what": "case.export", "case_id": case["id"], "via": "cli"},
        )
    except InterviewError as exc:
        print(f"error: {exc.reason}", file=sys.stderr)
        return 1
    finally:
        await store.close()
    print(out)
    return 0


def _verify_bundle(
    bundle: str,
    public_key: str | None,
    tree_head: str | None = None,
    earlier: str | None = None,
) -> int:
    from signaling.audit.bundle import verify_bundle
    from signaling.audit.publish import latest, read_heads
    from signaling.audit.tree_head import SignedTreeHead

    pem = Path(public_key).read_bytes() if public_key else None
    published = None
    if tree_head:
        text = Path(tree_head).read_text(encoding="utf-8")
        try:
            published = SignedTreeHead.from_json(json.loads(text))
        except ValueError:  # not one JSON object: a JSON Lines file of heads
            heads, problems = read_heads(Path(tree_head))
            published = latest(heads)
            if published is None:
                print(f"BROKEN  {tree_head}: no tree head ({'; '.join(problems)})")
                return 1
    verdict = verify_bundle(
        Path(bundle), pem, published, earlier=Path(earlier) if earlier else None
    )
    for problem in verdict.problems:
        print(f"BROKEN  {problem}")
    print(f"{'ok' if verdict.ok else 'FAILED'}: {verdict.checked} items checked")
    return 0 if verdict.ok else 1


def _composite(settings: Settings, call_id: str, out: str | None) -> int:
    from recording.composite import main_composite
    from recording.naming import composite_key, parse_key
    from recording.storage import RecordingExists
    from recording.wiring import recording_storage
    from signaling.errors import InterviewError

    storage = recording_storage(settings)
    segments = []
    for item in storage.list():
        parsed = parse_key(item.key)
        if parsed is not None and parsed.is_original and parsed.call_id == call_id:
            segments.append((parsed.segment, item.key))
    if not segments:
        print(f"no recording of call {call_id} is stored", file=sys.stderr)
        return 1
    for _, key in sorted(segments):
        target = Path(out) if out and len(segments) == 1 else None
        try:
            written = main_composite(storage, key, target, show_progress=sys.stderr.isatty())
        except RecordingExists:
            # rendered before (e.g. by the server after the call): stored files stay as they are
            written = storage.location(composite_key(key))
            print(f"{written} is already rendered; it is kept as it is", file=sys.stderr)
        except InterviewError as exc:
            print(f"error: {exc.reason}", file=sys.stderr)
            return 1
        print(written)
    return 0


async def _sweep(settings: Settings) -> int:
    from signaling.jobs import run_retention
    from signaling.store.audit import SqlAuditStore
    from signaling.store.sql import SqlStore, make_engine

    store = SqlStore(make_engine(settings.sqlalchemy_url))
    try:
        deleted = await run_retention(settings, SqlAuditStore(store.engine), store)
    finally:
        await store.close()
    print(f"retention deleted {len(deleted)} recording(s)")
    return 0


def _serve(settings: Settings, host: str | None, port: int | None) -> int:
    from aiohttp import web

    from signaling.app import create_app

    app = create_app(settings)
    if settings.dev_mode:

        async def announce(app: web.Application) -> None:
            from signaling.auth import Authenticator
            from signaling.demo import sign_in_links

            print("\nDemo sign-in links (open two browser windows):", flush=True)
            for user, link in sign_in_links(settings, Authenticator(settings)):
                print(f"  {user.role.value:<10} {user.name:<18} {link}", flush=True)

        app.on_startup.append(announce)
    web.run_app(app, host=host or settings.host, port=port or settings.port, print=print)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_env(os.environ)
        if args.command in {"serve", "demo"}:
            settings.check_auth()  # outside dev mode: a real secret or key, or no start
    except ConfigError as exc:
        print(f"configuration error: {exc.reason}", file=sys.stderr)
        return 2
    configure_logging(settings)
    try:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        if settings.dev_mode and not settings.jwt_secret:
            from dataclasses import replace

            from signaling.auth import load_or_create_dev_secret

            settings = replace(settings, jwt_secret=load_or_create_dev_secret(settings.data_dir))
        return _run(args, settings)
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        print(
            f"database error: {exc.__class__.__name__}: {exc.args[0] if exc.args else exc}",
            file=sys.stderr,
        )
        return 1


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "serve":
        return _serve(settings, args.host, args.port)
    if args.command == "migrate":
        return asyncio.run(_migrate(settings))
    if args.command == "demo":
        return asyncio.run(_demo(settings))
    if args.command == "audit" and args.audit_command == "export":
        return asyncio.run(_export(settings, args.case, Path(args.out)))
    if args.command == "audit" and args.audit_command == "verify" and args.bundle:
        return _verify_bundle(args.bundle, args.public_key, args.tree_head, args.earlier)
    if args.command == "audit" and args.audit_command == "verify":
        return asyncio.run(_audit_verify(settings, args.thread, args.tree_heads, args.public_key))
    if args.command == "audit" and args.audit_command == "publish":
        return asyncio.run(_publish(settings))
    if args.command == "recordings" and args.recordings_command == "composite":
        return _composite(settings, args.call_id, args.out)
    if args.command == "recordings" and args.recordings_command == "sweep":
        return asyncio.run(_sweep(settings))
    if args.command == "events" and args.events_command == "deliver":
        return asyncio.run(_deliver(settings))
    if args.command == "events" and args.events_command == "tail":
        from signaling.events.tail import tail

        types = [t for t in args.types.split(",") if t]
        try:
            return asyncio.run(
                tail(
                    args.url or settings.public_url,
                    settings.service_token,
                    out=sys.stdout,
                    err=sys.stderr,
                    after=args.after,
                    types=types,
                    follow=args.follow,
                    interval=args.interval,
                )
            )
        except KeyboardInterrupt:
            return 0
    if args.command == "policy" and args.policy_command == "scan":
        from signaling.policy.cli import run_scan

        return int(run_scan(sys.stdin, sys.stdout, sys.stderr))
    return 2  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":
    sys.exit(main())
