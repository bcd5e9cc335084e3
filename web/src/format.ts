// Pure helpers shared by the views; unit-tested in test/format.test.ts.

import type { components } from "./generated/api";

/** A thread message as the server sends it (generated from the OpenAPI document). */
export type Message = components["schemas"]["Message"];

/** Merge messages by seq: no duplicates, ordered, later copies win. */
export function mergeMessages(existing: Message[], incoming: Message[]): Message[] {
  const bySeq = new Map<number, Message>();
  for (const m of existing) bySeq.set(m.seq, m);
  for (const m of incoming) bySeq.set(m.seq, m);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

/** The highest seq we hold (what to resume after on reconnect). */
export function lastSeq(messages: Message[]): number {
  return messages.length ? messages[messages.length - 1].seq : 0;
}

/** mm:ss, with hours only when needed: 65 -> "01:05", 3725 -> "1:02:05". */
export function formatDuration(totalSeconds: number): string {
  const s = Number.isFinite(totalSeconds) ? Math.max(0, Math.floor(totalSeconds)) : 0;
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, "0");
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** A timestamp in the viewer's zone, with the zone made explicit ("14:05 CET"). */
export function formatTime(iso: string, timeZone?: string, withDate = false): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const options: Intl.DateTimeFormatOptions = {
    hour: "2-digit",
    minute: "2-digit",
    timeZoneName: "short",
    timeZone,
  };
  if (withDate) {
    options.year = "numeric";
    options.month = "short";
    options.day = "numeric";
  }
  return new Intl.DateTimeFormat(undefined, options).format(date);
}

export type Quality = "good" | "fair" | "poor" | "unknown";

/** Fraction of packets lost in one stats interval; null when nothing was expected. */
export function intervalLoss(lost: number, received: number): number | null {
  const expected = lost + received;
  return expected > 0 ? lost / expected : null;
}

/** Network quality from RTT (ms) and loss (fraction 0..1), as shown in the call. */
export function qualityFrom(rttMs: number | null, loss: number | null): Quality {
  if (rttMs === null && loss === null) return "unknown";
  const r = rttMs ?? 0;
  const l = loss ?? 0;
  if (r > 400 || l > 0.08) return "poor";
  if (r > 150 || l > 0.02) return "fair";
  return "good";
}

const OUTCOME_WORDS: Record<string, string> = {
  completed: "completed",
  missed: "missed",
  declined: "declined",
  cancelled: "cancelled",
  failed: "failed",
};

const REASON_WORDS: Record<string, string> = {
  hangup: "hung up",
  peer_lost: "connection lost",
  failed: "connection failed",
  server_shutdown: "server restarted",
  declined: "declined",
  cancelled: "cancelled",
  missed: "not answered",
};

/** One line describing a call record ("Video call · completed · 3:12 · hung up"). */
export function describeCall(body: Record<string, unknown>): string {
  const kind = String(body.kind ?? "call");
  const label = kind === "zoom" ? "Zoom meeting" : `${kind[0].toUpperCase()}${kind.slice(1)} call`;
  const outcome = OUTCOME_WORDS[String(body.outcome)] ?? String(body.outcome ?? "");
  const parts = [label, outcome];
  const seconds = Number(body.connected_seconds ?? body.duration_seconds ?? 0);
  if (seconds > 0) parts.push(formatDuration(seconds));
  const reason = body.end_reason ? REASON_WORDS[String(body.end_reason)] : undefined;
  if (reason && reason !== outcome) parts.push(reason);
  const breaks = body.interruptions as { count?: number; seconds?: number } | undefined;
  if (breaks && Number(breaks.count) > 0) {
    const n = Number(breaks.count);
    parts.push(`${n} interruption${n === 1 ? "" : "s"} (${formatDuration(Number(breaks.seconds ?? 0))})`);
  }
  return parts.filter(Boolean).join(" · ");
}

/** What the other party's mute/camera state means, in words ("" when all is on). */
export function describeRemoteMedia(name: string, audio: boolean, video: boolean): string {
  if (!audio && !video) return `${name} is muted and has the camera off`;
  if (!audio) return `${name} is muted`;
  if (!video) return `${name} has the camera off`;
  return "";
}

// ------------------------------------------------------------------ thread list

/** What the thread list knows about a thread's activity (GET /api/activity, then live). */
export interface Activity {
  lastAt: string | null;
  lastSeq: number;
  preview: string;
  previewAuthor: string | null;
  unread: number;
}

/** Threads by last activity, newest first (a thread without messages by its creation). */
export function orderByActivity<T extends { id: string; created_at: string }>(
  threads: T[],
  activity: Map<string, Activity>,
): T[] {
  const at = (t: T): number => Date.parse(activity.get(t.id)?.lastAt ?? t.created_at) || 0;
  return [...threads].sort((a, b) => at(b) - at(a) || a.id.localeCompare(b.id));
}

/** The document title with the unread total in front: "(3) Interviews". */
export function titleWithUnread(base: string, unread: number): string {
  return unread > 0 ? `(${unread > 99 ? "99+" : unread}) ${base}` : base;
}

/** A short preview line for a message as it arrives over the socket. */
export function previewOf(kind: string, body: Record<string, unknown>): string {
  if (kind === "text") {
    const text = String(body.text ?? "").split(/\s+/).join(" ").trim();
    return text.length > 140 ? `${text.slice(0, 139)}…` : text;
  }
  if (kind === "call") return describeCall(body);
  if (kind === "file") return `File: ${String(body.name ?? "")}`;
  if (kind === "policy") return "Platform policy notice";
  if (kind === "schedule") return "Scheduling";
  if (kind === "recording") return "Recording saved";
  if (kind === "meeting") return "Zoom meeting";
  return "Platform notice";
}

// ---------------------------------------------------------------- read receipts

export type Receipt = "pending" | "sent" | "delivered" | "seen";

/** The receipt of one of my messages, from the other party's marks. */
export function receiptFor(seq: number, other: { delivered_seq: number; read_seq: number } | undefined): Receipt {
  if (!other) return "sent";
  if (other.read_seq >= seq) return "seen";
  if (other.delivered_seq >= seq) return "delivered";
  return "sent";
}

export const RECEIPT_WORDS: Record<Receipt, string> = {
  pending: "Waiting for connection…",
  sent: "Sent",
  delivered: "Delivered",
  seen: "Seen",
};

// ---------------------------------------------------------------- policy words

const LABEL_SHORT: Record<string, string> = {
  email: "email",
  phone: "phone number",
  handle: "messaging handle",
  meeting_link: "meeting link",
  file_share: "file-sharing link",
  off_platform: "moving off the platform",
};

export function labelWords(labels: string[]): string {
  return labels.map((l) => LABEL_SHORT[l] ?? l.replaceAll("_", " ")).join(", ");
}

/** A policy notice in one short line: "Contact details were removed: email". */
export function policySummary(action: string, labels: string[]): string {
  const what = labelWords(labels);
  if (action === "block") return `A message was not delivered: it had contact details (${what})`;
  if (action === "redact") return `Contact details were removed: ${what}`;
  return `Contact details were flagged: ${what}`;
}

// ------------------------------------------------------------------- scheduling

const SCHEDULE_ERRORS: Record<string, string> = {
  slot_count: "Pick at least one time (up to three).",
  slot_in_past: "That time has already passed. Pick a time in the future.",
  slot_too_far: "That time is too far ahead. Pick a time within the next year.",
  overlapping_slots: "Two of the times overlap. Pick times that do not overlap.",
  duration_too_long: "The call is too long. Pick at most 240 minutes.",
  bad_duration: "Enter the length in whole minutes (at least 5).",
  unknown_timezone: "Your browser's time zone is not recognised; set it in your system settings.",
  naive_datetime: "Pick a date and a time for each option.",
  schedule_cancelled: "This schedule was cancelled.",
  proposal_superseded: "Those times were replaced by newer ones.",
  already_accepted: "A time was already accepted.",
  own_proposal: "The other party accepts the times you propose.",
  rate_limited: "Too many proposals in a short time. Try again in a minute.",
};

/** A person-readable reason for a refused schedule request (never a validator's raw text). */
export function scheduleError(code: string, fallback: string): string {
  return SCHEDULE_ERRORS[code] ?? (/[:[\]{}]|List should/.test(fallback) ? "Check the times and try again." : fallback);
}

/** "Dana joined on time", "You joined 3 min late", "Sam did not join". */
export function attendanceLine(name: string, item: { status: string; delay_seconds?: number | null }): string {
  if (item.status === "on_time") return `${name} joined on time`;
  if (item.status === "late") return `${name} joined ${Math.max(1, Math.round((item.delay_seconds ?? 0) / 60))} min late`;
  if (item.status === "no_show") return `${name} did not join`;
  return `${name}: not joined yet`;
}

/** The zone and its current offset, e.g. "Europe/Berlin (UTC+01:00)". */
export function zoneLabel(zone: string, at = new Date()): string {
  const offset = -at.getTimezoneOffset();
  const sign = offset >= 0 ? "+" : "-";
  const abs = Math.abs(offset);
  const hh = String(Math.floor(abs / 60)).padStart(2, "0");
  const mm = String(abs % 60).padStart(2, "0");
  return `${zone} (UTC${sign}${hh}:${mm})`;
}

// ------------------------------------------------------------------- audit words

const AUDIT_WORDS: Record<string, string> = {
  message: "Message",
  blocked_message: "Blocked message",
  text: "Message",
  call: "Call",
  schedule: "Scheduling",
  policy: "Policy notice",
  recording: "Recording saved",
  meeting: "Zoom meeting",
  file: "File",
  system: "Platform note",
};

/** A readable label for a timeline entry ("Scheduling: proposed times"). */
export function auditLabel(type: string, kind?: string, event?: string): string {
  const base = AUDIT_WORDS[kind ?? type] ?? AUDIT_WORDS[type] ?? type.replaceAll("_", " ").replaceAll(".", " ");
  if (!event) return base;
  const words: Record<string, string> = {
    proposed: "proposed times",
    countered: "proposed other times",
    rescheduled: "proposed new times",
    accepted: "accepted a time",
    cancelled: "cancelled",
    attendance: "attendance",
    "schedule.reminder": "reminder",
  };
  return `${base}: ${words[event] ?? event.replaceAll("_", " ")}`;
}

/** "Dana Kowalski (f1)", or the id alone when no name is known. */
export function nameWithId(id: string, name: string | null | undefined): string {
  return name && name !== id ? `${name} (${id})` : id;
}
