"""Typed settings, read once from ``INTERVIEW_*`` environment variables.

Only ``__main__`` calls :meth:`Settings.from_env`; everything else receives a ``Settings``.
A bad value fails fast with a :class:`~signaling.errors.ConfigError` naming the variable.
"""

from __future__ import annotations

import dataclasses
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

from signaling.errors import ConfigError
from signaling.ice import EVERYWHERE, parse_networks

PREFIX = "INTERVIEW_"

MIN_SECRET_BYTES = 32
# Secrets that were ever published in this repository (the old built-in default): never valid.
KNOWN_PUBLIC_SECRETS = frozenset({"dev-insecure-secret-change-me-0123456789"})

PolicyActionName = Literal["block", "redact", "warn"]
RecordingPolicyName = Literal["off", "optional", "required"]
MediaForwarderName = Literal["frame", "rtp"]
S3AddressingName = Literal["auto", "path", "virtual"]
S3LockModeName = Literal["GOVERNANCE", "COMPLIANCE", "off"]

T = TypeVar("T")


@dataclass(frozen=True)
class Settings:
    """Every knob of the server. Defaults are the embedded single-machine setup."""

    data_dir: Path = Path("./var")
    database_url: str = ""  # empty: sqlite file under data_dir
    redis_url: str = ""  # empty: in-process socket.io manager and routers
    # Group commit of messages (signaling.store.batch): the most messages one transaction
    # writes, and how long the writer waits for more after the first arrives while idle.
    message_batch_max: int = 200
    message_batch_wait_ms: float = 2.0
    # PostgreSQL connections are replaced after this long (no ping per checkout).
    database_pool_recycle_seconds: float = 1800.0
    # SQLite's PRAGMA synchronous: FULL syncs the WAL at every commit (an acked message
    # survives a power loss); NORMAL only at checkpoints (faster; a power loss can take the
    # last commits, consistent but gone).
    sqlite_synchronous: Literal["FULL", "NORMAL"] = "FULL"
    node_id: str = field(default_factory=socket.gethostname)
    node_lease_seconds: float = 30.0  # a node's calls are orphans this long after it dies
    node_lease_renew_seconds: float = 10.0  # renewal, orphan sweep and claim renewal period
    host: str = "127.0.0.1"
    port: int = 8080
    dev_mode: bool = False
    public_url: str = "http://127.0.0.1:8080"
    jwt_secret: str = ""  # required outside dev mode (≥ 32 bytes); dev mode makes its own
    jwt_algorithm: Literal["HS256", "RS256"] = "HS256"
    jwt_public_key_pem: str = ""
    jwt_jwks_url: str = ""
    jwt_audience: str = ""  # when set, tokens must carry this `aud`
    jwt_issuer: str = ""  # when set, tokens must carry this `iss`
    jwt_leeway_seconds: int = 30
    jwks_min_refresh_seconds: float = 30.0
    service_token: str = ""
    token_ttl_seconds: int = 12 * 3600
    message_max_chars: int = 10_000
    body_max_bytes: int = 64 * 1024
    message_rate_per_minute: int = 30
    message_burst: int = 10
    # Limits (per user; token buckets shared across nodes when INTERVIEW_REDIS_URL is set).
    thread_join_rate_per_minute: float = 60.0
    thread_join_burst: int = 20
    thread_join_page_size: int = 200  # messages per thread:join ack (then `has_more`)
    call_media_rate_per_minute: float = 60.0
    call_media_burst: int = 10
    typing_rate_per_minute: float = 30.0  # thread:typing events (relayed, never stored)
    typing_burst: int = 5
    policy_preview_rate_per_minute: float = 60.0  # the composer's contact-details warning
    policy_preview_burst: int = 20
    case_rate_per_minute: float = 0.2  # reports/cases opened: 12 an hour
    case_burst: int = 5
    meeting_rate_per_minute: float = 0.2  # Zoom meetings created: 12 an hour
    meeting_burst: int = 5
    schedule_rate_per_minute: float = 2.0  # schedule proposals/counters/reschedules
    schedule_burst: int = 10
    socket_event_rate_per_minute: float = 1200.0  # every socket.io event, all kinds together
    socket_event_burst: int = 200
    max_sockets_per_user: int = 10  # open socket.io connections per user on one node
    max_horizon_days: int = 366  # how far ahead a meeting or schedule slot may start
    policy_action: PolicyActionName = "redact"
    ring_timeout_seconds: float = 45.0
    reconnect_grace_seconds: float = 20.0
    peer_lost_seconds: float = 15.0
    consultation_notice_minutes: float = 30.0
    stun_urls: tuple[str, ...] = ()
    turn_urls: tuple[str, ...] = ()
    turn_secret: str = ""
    turn_ttl_seconds: int = 3600
    # CIDRs the media peers may send ICE checks to beyond global unicast (dev mode: all)
    ice_allowed_networks: tuple[str, ...] = ()
    # How the media relay forwards: "frame" (aiortc reassembles frames, re-packetizes) or
    # "rtp" (raw RTP packets, headers rewritten; see media/session.py)
    media_forwarder: MediaForwarderName = "rtp"
    recording: RecordingPolicyName = "optional"
    recording_retention_days: int = 90
    recording_parties_can_download: bool = False
    recording_stream_window_seconds: float = 900.0  # Range requests within it: one access entry
    # Object storage (recordings and thread files): an S3-compatible bucket shared by every
    # node. Empty bucket: the local directories under data_dir (the embedded default).
    storage_s3_bucket: str = ""
    storage_s3_endpoint_url: str = ""  # empty: AWS S3 for the region; e.g. http://minio:9000
    storage_s3_region: str = "us-east-1"
    storage_s3_access_key_id: str = ""  # empty: boto3's chain (AWS_* env, profile, role)
    storage_s3_secret_access_key: str = ""
    storage_s3_addressing_style: S3AddressingName = "auto"  # "path" for most self-hosted stores
    storage_s3_prefix: str = ""  # prepended to every object name (recordings/…, files/…)
    # Object Lock mode for retention when the bucket has Object Lock ("off": server-side only)
    storage_s3_lock_mode: S3LockModeName = "GOVERNANCE"
    storage_s3_timeout_seconds: float = 30.0  # connect and read timeout per request
    export_max_bytes: int = 2 * 1024**3  # largest evidence bundle built for a download
    file_max_bytes: int = 100 * 1024**2  # largest file a party can attach to a thread
    # An Office document (zip) whose parts unpack to more than this is not scanned (refused
    # before a contract), so a zip bomb cannot exhaust memory.
    file_unpacked_max_bytes: int = 256 * 1024**2
    # Text the contact guard reads from one file before a contract (about 1,000 pages); a file
    # with more is refused until the contract starts (scanning is CPU time).
    file_scan_max_chars: int = 2_000_000
    file_upload_rate_per_minute: float = 10.0  # file uploads per user
    file_upload_burst: int = 10
    # While a recorded video track waits for a keyframe, ask the sender again this often (PLI).
    recording_keyframe_retry_seconds: float = 0.5
    zoom_account_id: str = ""
    zoom_client_id: str = ""
    zoom_client_secret: str = ""
    zoom_webhook_secret: str = ""
    zoom_api_base: str = "https://api.zoom.us/v2"
    zoom_oauth_url: str = "https://zoom.us/oauth/token"
    reminder_offsets_minutes: tuple[int, ...] = (15, 0)
    backend_webhook_url: str = ""
    backend_webhook_secret: str = ""
    # The event feed (signaling.events): outbox rows written with each change, delivered to
    # BACKEND_WEBHOOK_URL at least once and readable by pull (GET /api/events).
    events_enabled: bool = True
    events_include_text: bool = False  # message.created carries the text itself
    events_max_attempts: int = 15  # then the event is a dead letter (admin API: replay)
    events_retry_base_seconds: float = 2.0  # first retry delay, doubled per attempt
    events_retry_max_seconds: float = 600.0  # longest retry delay
    events_lease_seconds: float = 60.0  # a node's claim on events it is sending
    events_timeout_seconds: float = 10.0  # one delivery attempt
    events_poll_seconds: float = 1.0  # how often a node looks for other nodes' events
    events_coalesce_seconds: float = 0.05  # after a commit, wait this long to send in a batch
    events_batch: int = 200  # events claimed per round
    events_delivery: str = "single"  # "single": one POST per event; "batch": a JSON array per round
    events_concurrency: int = 16  # POSTs in flight at once per node ("single" delivery)
    # deliver from the server process; 0: only `interview-server events deliver` workers do
    events_deliver_in_process: bool = True
    events_retention_days: int = 30  # then events leave the feed (dead letters stay); 0: never
    audit_signing_key: str = ""
    # Sign and publish a tree head this often (when the audit log grew): the longest time a
    # new audit entry is not yet covered by a published head.
    tree_head_interval_seconds: float = 60.0
    # Where published tree heads are POSTed (HMAC-signed with BACKEND_WEBHOOK_SECRET); empty:
    # BACKEND_WEBHOOK_URL if set, else no webhook (the JSONL file only).
    tree_head_webhook_url: str = ""
    # The audit sequencer (signaling.audit.sequencer): one node at a time gives queued audit
    # entries their leaf in the Merkle log, this many per round, every interval, under a lease
    # another node takes over when it is not renewed. Maximum merge delay: the interval while
    # the holder lives, lease + interval when it dies.
    audit_sequencer_batch: int = 1000
    audit_sequencer_interval_seconds: float = 1.0
    audit_sequencer_lease_seconds: float = 10.0
    log_format: Literal["text", "json"] = "text"
    extra: Mapping[str, str] = field(default_factory=dict)

    @property
    def sqlalchemy_url(self) -> str:
        """The async SQLAlchemy URL: the configured one or the embedded SQLite file."""
        if not self.database_url:
            return f"sqlite+aiosqlite:///{(self.data_dir / 'interview.sqlite3').resolve()}"
        url = self.database_url
        for plain, driver in (
            ("postgresql://", "postgresql+asyncpg://"),
            ("postgres://", "postgresql+asyncpg://"),
            ("sqlite://", "sqlite+aiosqlite://"),
        ):
            if url.startswith(plain):
                return driver + url[len(plain) :]
        return url

    @property
    def ice_networks(self) -> tuple[str, ...]:
        """Networks beyond global unicast that media peers send ICE checks to: the configured
        ``ice_allowed_networks``; unset, everything in dev mode (browser and server share a
        machine or LAN) and nothing otherwise."""
        if self.ice_allowed_networks:
            return self.ice_allowed_networks
        return EVERYWHERE if self.dev_mode else ()

    @property
    def zoom_enabled(self) -> bool:
        return bool(self.zoom_account_id and self.zoom_client_id and self.zoom_client_secret)

    @property
    def recordings_dir(self) -> Path:
        return self.data_dir / "recordings"

    def check_storage(self) -> None:
        """Object storage settings: a bucket name S3 accepts, keys that come in pairs."""
        bucket = self.storage_s3_bucket
        if bucket and not (
            3 <= len(bucket) <= 63
            and bucket.replace("-", "").replace(".", "").isalnum()
            and bucket == bucket.lower()
        ):
            raise ConfigError(
                f"{PREFIX}STORAGE_S3_BUCKET must be an S3 bucket name (3-63 lowercase letters, "
                "digits, '-' or '.')",
                code="config_invalid",
            )
        if bool(self.storage_s3_access_key_id) != bool(self.storage_s3_secret_access_key):
            raise ConfigError(
                f"{PREFIX}STORAGE_S3_ACCESS_KEY_ID and {PREFIX}STORAGE_S3_SECRET_ACCESS_KEY "
                "are set together (or neither: boto3's credential chain)",
                code="config_invalid",
            )
        if self.storage_s3_prefix.startswith("/") or ".." in self.storage_s3_prefix:
            raise ConfigError(
                f"{PREFIX}STORAGE_S3_PREFIX must be relative (no leading '/', no '..')",
                code="config_invalid",
            )
        if not 0 < self.storage_s3_timeout_seconds <= 600:
            raise ConfigError(f"{PREFIX}STORAGE_S3_TIMEOUT_SECONDS must be in (0, 600]")

    @property
    def files_dir(self) -> Path:
        """Where files attached to threads are stored (write-once)."""
        return self.data_dir / "files"

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> Settings:
        """Build settings from ``INTERVIEW_*`` variables, casting each and naming a bad one."""
        values: dict[str, Any] = {}
        known = {f.name for f in dataclasses.fields(cls)} - {"extra"}
        for key, raw in environ.items():
            if not key.startswith(PREFIX):
                continue
            name = key[len(PREFIX) :].lower()
            if name not in known:
                raise ConfigError(f"{key} is not a known setting", code="config_unknown")
            values[name] = _cast(key, name, raw)
        settings = cls(**values)
        settings.check()
        return settings

    def check(self) -> None:
        """Cross-field validation; raises ConfigError naming the variable."""
        if self.port < 0 or self.port > 65535:
            raise ConfigError(f"{PREFIX}PORT must be 0..65535, got {self.port}")
        self.check_token_settings()
        if self.turn_urls and not self.turn_secret:
            raise ConfigError(f"{PREFIX}TURN_URLS needs {PREFIX}TURN_SECRET")
        if not 0 < self.turn_ttl_seconds <= 3600:
            raise ConfigError(f"{PREFIX}TURN_TTL_SECONDS must be 1..3600 (TURN creds live ≤ 1 h)")
        try:
            parse_networks(self.ice_allowed_networks)
        except ValueError as exc:
            raise ConfigError(
                f"{PREFIX}ICE_ALLOWED_NETWORKS must be a comma-separated CIDR list: {exc}",
                code="config_invalid",
            ) from exc
        for name in ("message_max_chars", "body_max_bytes", "message_rate_per_minute"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"{PREFIX}{name.upper()} must be positive")
        self.check_limits()
        if self.ring_timeout_seconds <= 0:
            raise ConfigError(f"{PREFIX}RING_TIMEOUT_SECONDS must be positive")
        if self.recording_stream_window_seconds < 0:
            raise ConfigError(f"{PREFIX}RECORDING_STREAM_WINDOW_SECONDS must be ≥ 0")
        self.check_storage()
        if self.export_max_bytes <= 0:
            raise ConfigError(f"{PREFIX}EXPORT_MAX_BYTES must be positive")
        if min(self.file_max_bytes, self.file_unpacked_max_bytes, self.file_scan_max_chars) <= 0:
            raise ConfigError(
                f"{PREFIX}FILE_MAX_BYTES, FILE_UNPACKED_MAX_BYTES, FILE_SCAN_MAX_CHARS must be > 0"
            )
        if not 1 <= self.tree_head_interval_seconds <= 3600:
            raise ConfigError(f"{PREFIX}TREE_HEAD_INTERVAL_SECONDS must be 1..3600")
        if not 1 <= self.audit_sequencer_batch <= 100_000:
            raise ConfigError(f"{PREFIX}AUDIT_SEQUENCER_BATCH must be 1..100000")
        if not 0 < self.audit_sequencer_interval_seconds < self.audit_sequencer_lease_seconds:
            raise ConfigError(
                f"{PREFIX}AUDIT_SEQUENCER_INTERVAL_SECONDS must be positive and below "
                f"{PREFIX}AUDIT_SEQUENCER_LEASE_SECONDS"
            )
        if self.tree_head_webhook_url and not self.backend_webhook_secret:
            raise ConfigError(
                f"{PREFIX}TREE_HEAD_WEBHOOK_URL needs {PREFIX}BACKEND_WEBHOOK_SECRET (it signs "
                "every delivery)"
            )
        self.check_events()
        if not 0 < self.node_lease_renew_seconds < self.node_lease_seconds:
            raise ConfigError(
                f"{PREFIX}NODE_LEASE_RENEW_SECONDS must be positive and below "
                f"{PREFIX}NODE_LEASE_SECONDS (renew well before the lease expires)"
            )
        if not 0.05 <= self.recording_keyframe_retry_seconds <= 10:
            raise ConfigError(f"{PREFIX}RECORDING_KEYFRAME_RETRY_SECONDS must be 0.05..10")

    def check_events(self) -> None:
        """The event feed's knobs (names the variable)."""
        if self.backend_webhook_url and not self.backend_webhook_secret:
            raise ConfigError(
                f"{PREFIX}BACKEND_WEBHOOK_URL needs {PREFIX}BACKEND_WEBHOOK_SECRET (it signs "
                "every delivery)"
            )
        if not 1 <= self.events_max_attempts <= 100:
            raise ConfigError(f"{PREFIX}EVENTS_MAX_ATTEMPTS must be 1..100")
        if not 0 < self.events_retry_base_seconds <= self.events_retry_max_seconds:
            raise ConfigError(
                f"{PREFIX}EVENTS_RETRY_BASE_SECONDS must be positive and at most "
                f"{PREFIX}EVENTS_RETRY_MAX_SECONDS"
            )
        if not 0 < self.events_timeout_seconds < self.events_lease_seconds / 2:
            raise ConfigError(
                f"{PREFIX}EVENTS_TIMEOUT_SECONDS must be positive and below half of "
                f"{PREFIX}EVENTS_LEASE_SECONDS"
            )
        if not 0 < self.events_poll_seconds <= 60:
            raise ConfigError(f"{PREFIX}EVENTS_POLL_SECONDS must be 0..60 (not 0)")
        if not 0 <= self.events_coalesce_seconds <= 5:
            raise ConfigError(f"{PREFIX}EVENTS_COALESCE_SECONDS must be 0..5")
        if not 1 <= self.events_batch <= 10_000:
            raise ConfigError(f"{PREFIX}EVENTS_BATCH must be 1..10000")
        if self.events_delivery not in ("single", "batch"):
            raise ConfigError(f"{PREFIX}EVENTS_DELIVERY must be single or batch")
        if not 1 <= self.events_concurrency <= 1000:
            raise ConfigError(f"{PREFIX}EVENTS_CONCURRENCY must be 1..1000")
        if not 1 <= self.message_batch_max <= 1000:
            raise ConfigError(f"{PREFIX}MESSAGE_BATCH_MAX must be 1..1000")
        if not 0 <= self.message_batch_wait_ms <= 100:
            raise ConfigError(f"{PREFIX}MESSAGE_BATCH_WAIT_MS must be 0..100")
        if not 10 <= self.database_pool_recycle_seconds <= 86_400:
            raise ConfigError(f"{PREFIX}DATABASE_POOL_RECYCLE_SECONDS must be 10..86400")
        if not 0 <= self.events_retention_days <= 3650:
            raise ConfigError(f"{PREFIX}EVENTS_RETENTION_DAYS must be 0..3650 (0: keep all)")

    def check_limits(self) -> None:
        """Every limit is positive (a limit of 0 would lock everyone out)."""
        for f in dataclasses.fields(self):
            limit = f.name.endswith(("_rate_per_minute", "_burst", "_page_size"))
            bounded = limit or f.name in {"max_sockets_per_user", "max_horizon_days"}
            if bounded and not 0 < getattr(self, f.name) < float("inf"):
                raise ConfigError(f"{PREFIX}{f.name.upper()} must be a positive number")
        if self.thread_join_page_size > 1000:
            raise ConfigError(f"{PREFIX}THREAD_JOIN_PAGE_SIZE must be 1..1000")

    def check_token_settings(self) -> None:
        """Token settings that must make sense in every mode."""
        if not 0 <= self.jwt_leeway_seconds <= 300:
            raise ConfigError(f"{PREFIX}JWT_LEEWAY_SECONDS must be 0..300")
        if self.jwks_min_refresh_seconds <= 0:
            raise ConfigError(f"{PREFIX}JWKS_MIN_REFRESH_SECONDS must be positive")
        if self.jwt_algorithm == "RS256" and not (self.jwt_public_key_pem or self.jwt_jwks_url):
            raise ConfigError(
                f"{PREFIX}JWT_ALGORITHM=RS256 needs "
                f"{PREFIX}JWT_PUBLIC_KEY_PEM or {PREFIX}JWT_JWKS_URL"
            )

    def check_auth(self) -> None:
        """Token settings; outside dev mode, refuse secrets anyone could know or guess.

        Run by ``serve``/``demo`` at start-up and by every ``Authenticator``; commands that
        verify no tokens (``migrate``, ``audit verify``, ``policy scan``) do not need a secret.
        """
        self.check_token_settings()
        if self.dev_mode:
            return
        if self.jwt_algorithm == "HS256":
            if self.jwt_secret in KNOWN_PUBLIC_SECRETS:
                raise ConfigError(
                    f"{PREFIX}JWT_SECRET is a publicly known value; set your own secret "
                    f"(at least {MIN_SECRET_BYTES} random bytes) or use RS256 with "
                    f"{PREFIX}JWT_PUBLIC_KEY_PEM / {PREFIX}JWT_JWKS_URL",
                    code="config_insecure",
                )
            if len(self.jwt_secret.encode()) < MIN_SECRET_BYTES:
                raise ConfigError(
                    f"{PREFIX}JWT_SECRET must be at least {MIN_SECRET_BYTES} bytes outside dev "
                    f"mode (or set {PREFIX}JWT_ALGORITHM=RS256 with "
                    f"{PREFIX}JWT_PUBLIC_KEY_PEM or {PREFIX}JWT_JWKS_URL)",
                    code="config_insecure",
                )
        if self.service_token and (
            len(self.service_token.encode()) < MIN_SECRET_BYTES
            or self.service_token in KNOWN_PUBLIC_SECRETS
        ):
            raise ConfigError(
                f"{PREFIX}SERVICE_TOKEN must be at least {MIN_SECRET_BYTES} bytes outside dev mode",
                code="config_insecure",
            )


def _cast(key: str, name: str, raw: str) -> Any:
    field_type = {f.name: f.type for f in dataclasses.fields(Settings)}[name]
    caster = _CASTERS.get(str(field_type))
    if caster is None:
        raise ConfigError(f"{key}: no caster for type {field_type}")  # pragma: no cover
    try:
        return caster(raw.strip())
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"{key}={raw!r} is invalid: {exc}", code="config_invalid") from exc


def _bool(raw: str) -> bool:
    lowered = raw.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError("expected one of 1/0/true/false/yes/no/on/off")


def _choice(*options: str) -> Callable[[str], str]:
    def cast(raw: str) -> str:
        if raw not in options:
            raise ValueError(f"expected one of {', '.join(options)}")
        return raw

    return cast


def _csv(raw: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in raw.split(",") if part.strip())


def _int_csv(raw: str) -> tuple[int, ...]:
    values = tuple(int(part) for part in _csv(raw))
    if any(v < 0 for v in values):
        raise ValueError("offsets must be ≥ 0")
    return values


_CASTERS: dict[str, Callable[[str], Any]] = {
    "Path": Path,
    "str": str,
    "int": int,
    "float": float,
    "bool": _bool,
    "tuple[str, ...]": _csv,
    "tuple[int, ...]": _int_csv,
    "Literal['HS256', 'RS256']": _choice("HS256", "RS256"),
    "PolicyActionName": _choice("block", "redact", "warn"),
    "RecordingPolicyName": _choice("off", "optional", "required"),
    "MediaForwarderName": _choice("frame", "rtp"),
    "S3AddressingName": _choice("auto", "path", "virtual"),
    "S3LockModeName": _choice("GOVERNANCE", "COMPLIANCE", "off"),
    "Literal['text', 'json']": _choice("text", "json"),
    "Literal['FULL', 'NORMAL']": _choice("FULL", "NORMAL"),
}
