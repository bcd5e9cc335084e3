"""SQLAlchemy Core tables. Alembic migrations in ``migrations/`` create exactly this schema
(a test compares them)."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

users = Table(
    "users",
    metadata,
    Column("id", String(128), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("role", String(20), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

threads = Table(
    "threads",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("job_id", String(128), nullable=False),
    Column("job_title", String(300), nullable=False),
    Column("client_id", String(128), nullable=False),
    Column("freelancer_id", String(128), nullable=False),
    Column("stage", String(20), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("contract_started_at", DateTime(timezone=True), nullable=True),
    Column("last_seq", Integer, nullable=False, default=0),
    UniqueConstraint("client_id", "freelancer_id", "job_id", name="uq_thread_parties_job"),
)
Index("ix_threads_client", threads.c.client_id)
Index("ix_threads_freelancer", threads.c.freelancer_id)
Index("ix_threads_job", threads.c.job_id)

messages = Table(
    "messages",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("thread_id", String(36), ForeignKey("threads.id"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("author_id", String(128), nullable=False),
    Column("kind", String(20), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("client_msg_id", String(128), nullable=True),
    UniqueConstraint("thread_id", "seq", name="uq_message_seq"),
    UniqueConstraint("thread_id", "author_id", "client_msg_id", name="uq_message_client_id"),
)

audit_log = Table(
    "audit_log",
    metadata,
    # The global index: position of the entry in the Merkle log.
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("chain", String(64), nullable=False),  # thread id, or "global"
    Column("position", Integer, nullable=False),
    Column("event_type", String(64), nullable=False),
    Column("actor_id", String(128), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("entry", Text, nullable=False),  # canonical JSON, exactly the hashed bytes
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    # The entry's position in the global Merkle log, assigned by the sequencer
    # (signaling.audit.sequencer) after the row committed; NULL while it is queued.
    Column("leaf_index", BigInteger().with_variant(Integer, "sqlite"), nullable=True),
    UniqueConstraint("chain", "position", name="uq_audit_chain_position"),
)
Index("ix_audit_type", audit_log.c.event_type)
Index("uq_audit_leaf_index", audit_log.c.leaf_index, unique=True)
# The sequencer's queue: committed rows without a leaf index, in id order (kept tiny).
Index(
    "ix_audit_unsequenced",
    audit_log.c.id,
    postgresql_where=audit_log.c.leaf_index.is_(None),
    sqlite_where=audit_log.c.leaf_index.is_(None),
)

# Cluster-wide singleton leases (one row per role, e.g. "audit_sequencer"): the holder renews
# it in the same transaction as the work it does under it, so a holder whose lease lapsed can
# never commit work (signaling.audit.sequencer).
singleton_leases = Table(
    "singleton_leases",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("holder", String(128), nullable=False),  # node id / incarnation
    Column("acquired_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)

calls = Table(
    "calls",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("thread_id", String(36), ForeignKey("threads.id"), nullable=False),
    Column("kind", String(10), nullable=False),
    Column("initiator_id", String(128), nullable=False),
    Column("state", String(20), nullable=False),
    Column("end_reason", String(32), nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("connected_at", DateTime(timezone=True), nullable=True),
    Column("ended_at", DateTime(timezone=True), nullable=True),
    Column("connected_seconds", Float, nullable=True),
    Column("recorded", Boolean, nullable=False, default=False),
    Column("record", Text, nullable=True),  # the call message body once written
    Column("state_json", Text, nullable=False),  # latest snapshot for crash recovery
    Column("node_id", String(64), nullable=True),
)
Index("ix_calls_thread", calls.c.thread_id)
Index("ix_calls_state", calls.c.state)
Index("ix_calls_created", calls.c.created_at)

policy_findings = Table(
    "policy_findings",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("thread_id", String(36), ForeignKey("threads.id"), nullable=False),
    Column("message_id", String(36), nullable=True),  # null when the message was blocked
    Column("author_id", String(128), nullable=False),
    Column("label", String(20), nullable=False),
    Column("action", String(10), nullable=False),
    Column("span_start", Integer, nullable=False),
    Column("span_end", Integer, nullable=False),
    Column("matched", Text, nullable=False),
    Column("value", Text, nullable=False),
    Column("original_text", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
Index("ix_findings_thread", policy_findings.c.thread_id)
Index("ix_findings_label_author", policy_findings.c.label, policy_findings.c.author_id)

cases = Table(
    "cases",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("thread_id", String(36), ForeignKey("threads.id"), nullable=False),
    Column("call_id", String(36), nullable=True),
    Column("status", String(20), nullable=False),  # open | reviewing | resolved
    Column("reason", Text, nullable=False),
    Column("opened_by", String(128), nullable=False),
    Column("source", String(20), nullable=False),  # report | auditor
    Column("legal_hold", Boolean, nullable=False, default=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("assignee_id", String(128), nullable=True),  # the auditor working on it
)
Index("ix_cases_status", cases.c.status, cases.c.created_at)
Index("ix_cases_thread", cases.c.thread_id)

case_notes = Table(
    "case_notes",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("case_id", String(36), ForeignKey("cases.id"), nullable=False),
    Column("author_id", String(128), nullable=False),
    Column("status", String(20), nullable=True),
    Column("note", Text, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)
Index("ix_case_notes_case", case_notes.c.case_id)

Index("ix_calls_created_id", calls.c.created_at, calls.c.id)
Index("ix_findings_created", policy_findings.c.created_at, policy_findings.c.id)

schedules = Table(
    "schedules",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("thread_id", String(36), ForeignKey("threads.id"), nullable=False),
    Column("state", String(20), nullable=False),
    Column("start_utc", DateTime(timezone=True), nullable=True),  # the accepted slot
    Column("snapshot", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)
Index("ix_schedules_thread", schedules.c.thread_id)
Index("ix_schedules_state_start", schedules.c.state, schedules.c.start_utc)

reminder_claims = Table(
    "reminder_claims",
    metadata,
    Column("key", String(200), primary_key=True),
    Column("node_id", String(64), nullable=True),
    Column("claimed_at", DateTime(timezone=True), nullable=False),
)

zoom_meetings = Table(
    "zoom_meetings",
    metadata,
    Column("meeting_id", String(32), primary_key=True),
    Column("call_id", String(36), ForeignKey("calls.id"), nullable=False),
    Column("thread_id", String(36), ForeignKey("threads.id"), nullable=False),
    Column("join_url", Text, nullable=False),
    Column("log", Text, nullable=False),  # ZoomCallLog snapshot
    Column("created_at", DateTime(timezone=True), nullable=False),
)

# Read receipts: per party, the highest seq their client received and the highest they saw.
thread_reads = Table(
    "thread_reads",
    metadata,
    Column("thread_id", String(36), ForeignKey("threads.id"), primary_key=True),
    Column("user_id", String(128), primary_key=True),
    Column("delivered_seq", Integer, nullable=False),
    Column("read_seq", Integer, nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

# A node holds its calls under a lease it renews; a call whose node's lease expired (or is
# absent) is closed by any live node (see signaling.store.leases and CallService.sweep).
node_leases = Table(
    "node_leases",
    metadata,
    Column("node_id", String(64), primary_key=True),
    Column("incarnation", String(36), nullable=False),  # one per process start
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("renewed_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
)
Index(
    "ix_calls_unfinished",
    calls.c.node_id,
    postgresql_where=calls.c.record.is_(None),
    sqlite_where=calls.c.record.is_(None),
)

# The transactional outbox of the event feed (signaling.events): each row is written in the
# transaction of the change it reports; ``feed_position`` (assigned after commit) is the feed order.
event_outbox = Table(
    "event_outbox",
    metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("event_id", String(40), nullable=False),
    Column("type", String(64), nullable=False),
    Column("version", Integer, nullable=False),
    Column("thread_id", String(36), nullable=True),
    Column("order_key", String(64), nullable=False),  # thread id, or "global"
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Column("data", Text, nullable=False),  # canonical JSON
    Column("state", String(12), nullable=False),  # pending | delivered | dead
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False),
    Column("lease_owner", String(64), nullable=True),
    Column("lease_until", DateTime(timezone=True), nullable=True),
    Column("claim_token", String(36), nullable=True),
    Column("last_error", Text, nullable=True),
    Column("delivered_at", DateTime(timezone=True), nullable=True),
    # The feed position: assigned after commit, in visibility order, by one assigner at a time
    # (OutboxStore.assign_positions); NULL until then. The pull API's cursor and the claim order.
    Column("feed_position", BigInteger().with_variant(Integer, "sqlite"), nullable=True),
)
# One index, kept small on purpose (every message writes a row): claims read the pending rows
# (few, unless the receiver is down) and look up earlier pending rows of the same thread.
# event_id is a random UUID (unique without an index; replay looks it up among dead letters).
Index(
    "ix_event_outbox_state_key", event_outbox.c.state, event_outbox.c.order_key, event_outbox.c.id
)
Index("uq_event_outbox_feed_position", event_outbox.c.feed_position, unique=True)

# Batch delivery's cursor (INTERVIEW_EVENTS_DELIVERY=batch): the feed position through which
# the webhook has acknowledged every event, the lease of the node delivering the next batch,
# and the retry state of that batch (one row per receiver; see OutboxStore.claim_batch).
event_delivery = Table(
    "event_delivery",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("position", BigInteger().with_variant(Integer, "sqlite"), nullable=False),
    Column("lease_owner", String(64), nullable=True),
    Column("lease_until", DateTime(timezone=True), nullable=True),
    Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", DateTime(timezone=True), nullable=False),
    Column("last_error", Text, nullable=True),
    # the last position of the failed batch waiting for its retry (NULL: none): the retry
    # sends that batch again and nothing committed after it
    Column("through", BigInteger().with_variant(Integer, "sqlite"), nullable=True),
)
Index(
    "ix_event_outbox_unpositioned",
    event_outbox.c.id,
    postgresql_where=event_outbox.c.feed_position.is_(None),
    sqlite_where=event_outbox.c.feed_position.is_(None),
)
