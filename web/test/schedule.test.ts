import assert from "node:assert/strict";
import { test } from "node:test";

import type { Message } from "../src/format";
import { scheduleStatuses } from "../src/schedule";

function schedule(seq: number, body: Record<string, unknown>): Message {
  return {
    id: `m${seq}`,
    thread_id: "t",
    seq,
    author_id: "system",
    kind: "schedule",
    body: { schedule_id: "s1", ...body },
    created_at: "2026-01-01T00:00:00Z",
    client_msg_id: null,
  };
}

const slot = { start_utc: "2026-02-01T10:00:00Z", duration_minutes: 30, kind: "video" };

test("a schedule's cards follow its latest state", () => {
  const proposed = schedule(1, { event: "proposed", proposal_id: "p1", slots: [slot] });
  const countered = schedule(2, { event: "countered", proposal_id: "p2", slots: [slot] });
  const accepted = schedule(3, { event: "accepted", proposal_id: "p2", slot });
  let s = scheduleStatuses([proposed]).get("s1");
  assert.equal(s?.latestProposal, "p1");
  assert.equal(s?.accepted, null);
  s = scheduleStatuses([proposed, countered]).get("s1");
  assert.equal(s?.latestProposal, "p2"); // p1's Accept buttons go
  s = scheduleStatuses([proposed, countered, accepted]).get("s1");
  assert.deepEqual(s?.accepted, slot);
  assert.equal(s?.acceptedSeq, 3);
  assert.equal(s?.latestSeq, 3); // only the newest card carries Cancel
  s = scheduleStatuses([proposed, countered, accepted, schedule(4, { event: "cancelled" })]).get("s1");
  assert.equal(s?.cancelled, true);
  // reminders and attendance do not move the schedule
  s = scheduleStatuses([proposed, schedule(5, { event: "attendance", attendance: {} })]).get("s1");
  assert.equal(s?.latestSeq, 1);
});
