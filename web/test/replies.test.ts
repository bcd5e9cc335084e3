import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";

import type { Reply } from "../src/api";

const SRC = new URL("../src/", import.meta.url);

function sources(): [string, string][] {
  return (readdirSync(SRC, { recursive: true }) as string[])
    .filter((name) => name.endsWith(".ts") && !name.startsWith("generated"))
    .map((name) => [name, readFileSync(new URL(name, SRC), "utf-8")]);
}

test("every REST call names its reply by operationId (types generated from the OpenAPI document)", () => {
  const calls = /\.(get|post)(<(?:[^()]|\([^()]*\))*?>)?\(\s*[`"']\/api\//g;
  let seen = 0;
  const loose: string[] = [];
  for (const [name, text] of sources()) {
    for (const match of text.matchAll(calls)) {
      seen += 1;
      if (!match[2]?.startsWith("<Reply<")) loose.push(`${name}: ${match[0]}`);
    }
  }
  assert.ok(seen >= 20, `only ${seen} REST calls found: is the pattern still right?`);
  assert.deepEqual(loose, [], "hand-written or missing reply types");
});

test("timeline items are told apart by their type", () => {
  type Item = Reply<"thread_timeline">["timeline"][number];
  const describe = (item: Item): string =>
    item.type === "blocked_message" ? `${item.labels.join(",")}: ${item.original_text}` : `${item.kind} #${item.seq}`;
  const at = "2026-11-30T10:00:00+00:00";
  assert.equal(describe({ type: "blocked_message", at, author_id: "f1", original_text: "mail me", labels: ["email"] }), "email: mail me");
  const message: Item = {
    type: "message",
    at,
    id: "m1",
    thread_id: "t1",
    seq: 3,
    author_id: "c1",
    kind: "text",
    body: { text: "hi" },
    created_at: at,
    client_msg_id: null,
  };
  assert.equal(describe(message), "text #3");
});
