import assert from "node:assert/strict";
import { test } from "node:test";

import {
  describeCall,
  describeRemoteMedia,
  formatDuration,
  formatTime,
  intervalLoss,
  lastSeq,
  mergeMessages,
  qualityFrom,
  type Message,
} from "../src/format";

function msg(seq: number, text = `m${seq}`): Message {
  return {
    id: `id${seq}`,
    thread_id: "t",
    seq,
    author_id: "a",
    kind: "text",
    body: { text },
    created_at: "2026-01-01T00:00:00Z",
    client_msg_id: null,
  };
}

test("mergeMessages dedupes by seq and keeps order", () => {
  const merged = mergeMessages([msg(1), msg(3)], [msg(2), msg(3, "again"), msg(4)]);
  assert.deepEqual(
    merged.map((m) => m.seq),
    [1, 2, 3, 4],
  );
  assert.equal(merged[2].body.text, "again");
  assert.equal(lastSeq(merged), 4);
  assert.equal(lastSeq([]), 0);
});

test("formatDuration", () => {
  assert.equal(formatDuration(0), "00:00");
  assert.equal(formatDuration(65), "01:05");
  assert.equal(formatDuration(599.9), "09:59");
  assert.equal(formatDuration(3725), "1:02:05");
  assert.equal(formatDuration(-3), "00:00");
  assert.equal(formatDuration(Number.NaN), "00:00");
});

test("qualityFrom thresholds", () => {
  assert.equal(qualityFrom(null, null), "unknown");
  assert.equal(qualityFrom(40, 0), "good");
  assert.equal(qualityFrom(200, 0), "fair");
  assert.equal(qualityFrom(40, 0.1), "poor");
});

test("describeCall", () => {
  assert.equal(
    describeCall({ kind: "video", outcome: "completed", connected_seconds: 192, end_reason: "hangup" }),
    "Video call · completed · 03:12 · hung up",
  );
  assert.equal(describeCall({ kind: "audio", outcome: "missed", end_reason: "missed" }), "Audio call · missed · not answered");
  assert.equal(
    describeCall({ kind: "video", outcome: "completed", connected_seconds: 192, end_reason: "hangup", interruptions: { count: 2, seconds: 7.4 } }),
    "Video call · completed · 03:12 · hung up · 2 interruptions (00:07)",
  );
  assert.equal(describeCall({ kind: "audio", outcome: "completed", connected_seconds: 5, interruptions: { count: 0, seconds: 0 } }), "Audio call · completed · 00:05");
});

test("describeRemoteMedia", () => {
  assert.equal(describeRemoteMedia("Ana", true, true), "");
  assert.equal(describeRemoteMedia("Ana", false, true), "Ana is muted");
  assert.equal(describeRemoteMedia("Ana", true, false), "Ana has the camera off");
  assert.match(describeRemoteMedia("Ana", false, false), /muted.*camera off/);
});

test("formatTime makes the zone explicit", () => {
  const utc = formatTime("2026-03-01T14:05:00Z", "UTC");
  assert.match(utc, /(14|0?2):05/); // 24 h or 12 h, by locale
  assert.match(utc, /UTC/);
  // The same instant in another zone shows that zone's clock and name.
  const tokyo = formatTime("2026-03-01T14:05:00Z", "Asia/Tokyo");
  assert.match(tokyo, /(23|11):05/);
  assert.match(tokyo, /GMT\+9|JST/);
  assert.match(formatTime("2026-03-01T14:05:00Z", "UTC", true), /2026/);
  assert.equal(formatTime("not a date"), "not a date");
});

test("intervalLoss", () => {
  assert.equal(intervalLoss(0, 0), null);
  assert.equal(intervalLoss(5, 95), 0.05);
  assert.equal(qualityFrom(30, intervalLoss(0, 100)), "good");
});

import {
  attendanceLine,
  auditLabel,
  nameWithId,
  orderByActivity,
  policySummary,
  previewOf,
  receiptFor,
  scheduleError,
  titleWithUnread,
  type Activity,
} from "../src/format";

test("threads are ordered by last activity, newest first", () => {
  const threads = [
    { id: "a", created_at: "2026-01-01T00:00:00Z" },
    { id: "b", created_at: "2026-01-02T00:00:00Z" },
    { id: "c", created_at: "2026-01-03T00:00:00Z" },
  ];
  const activity = new Map<string, Activity>([
    ["a", { lastAt: "2026-02-01T00:00:00Z", lastSeq: 4, preview: "hi", previewAuthor: "x", unread: 1 }],
  ]);
  assert.deepEqual(orderByActivity(threads, activity).map((t) => t.id), ["a", "c", "b"]);
});

test("title, previews, receipts and policy words read like a person wrote them", () => {
  assert.equal(titleWithUnread("Interviews", 0), "Interviews");
  assert.equal(titleWithUnread("Interviews", 3), "(3) Interviews");
  assert.equal(titleWithUnread("Interviews", 250), "(99+) Interviews");
  assert.equal(previewOf("text", { text: "hello\n  there" }), "hello there");
  assert.equal(previewOf("text", { text: "x".repeat(200) }).length, 140);
  assert.equal(receiptFor(5, undefined), "sent");
  assert.equal(receiptFor(5, { delivered_seq: 5, read_seq: 4 }), "delivered");
  assert.equal(receiptFor(5, { delivered_seq: 6, read_seq: 6 }), "seen");
  assert.equal(policySummary("redact", ["email"]), "Contact details were removed: email");
  assert.equal(policySummary("redact", ["email", "phone"]), "Contact details were removed: email, phone number");
  assert.match(policySummary("block", ["handle"]), /not delivered/);
});

test("schedule errors are human, never a validator's text", () => {
  assert.equal(scheduleError("slot_count", "x"), "Pick at least one time (up to three).");
  assert.equal(
    scheduleError("invalid_body", "slots: List should have at least 1 item after validation, not 0"),
    "Check the times and try again.",
  );
  assert.equal(attendanceLine("Dana", { status: "on_time" }), "Dana joined on time");
  assert.equal(attendanceLine("You", { status: "late", delay_seconds: 185 }), "You joined 3 min late");
  assert.equal(attendanceLine("Sam", { status: "no_show" }), "Sam did not join");
});

test("auditor labels and names", () => {
  assert.equal(auditLabel("message", "schedule", "proposed"), "Scheduling: proposed times");
  assert.equal(auditLabel("blocked_message"), "Blocked message");
  assert.equal(auditLabel("policy.blocked"), "policy blocked");
  assert.equal(nameWithId("f1", "Dana Kowalski"), "Dana Kowalski (f1)");
  assert.equal(nameWithId("f1", null), "f1");
});
