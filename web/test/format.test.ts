import assert from "node:assert/strict";
import { test } from "node:test";

import {
  describeCall,
  formatDuration,
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
  assert.equal(formatDuration(0), "0:00");
  assert.equal(formatDuration(65), "1:05");
  assert.equal(formatDuration(3725), "1:02:05");
  assert.equal(formatDuration(-3), "0:00");
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
    "Video call · completed · 3:12 · hung up",
  );
  assert.equal(describeCall({ kind: "audio", outcome: "missed", end_reason: "missed" }), "Audio call · missed · not answered");
});
