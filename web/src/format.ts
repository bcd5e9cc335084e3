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
  return parts.filter(Boolean).join(" · ");
}

/** What the other party's mute/camera state means, in words ("" when all is on). */
export function describeRemoteMedia(name: string, audio: boolean, video: boolean): string {
  if (!audio && !video) return `${name} is muted and has the camera off`;
  if (!audio) return `${name} is muted`;
  if (!video) return `${name} has the camera off`;
  return "";
}
