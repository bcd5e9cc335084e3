import assert from "node:assert/strict";
import { test } from "node:test";

import { takeTokenFromHash } from "../src/api";

test("a sign-in token is taken from the fragment, leaving the rest", () => {
  assert.deepEqual(takeTokenFromHash("#token=abc.def.ghi"), { token: "abc.def.ghi", rest: "" });
  assert.deepEqual(takeTokenFromHash("#token=t1&thread=th9"), { token: "t1", rest: "#thread=th9" });
});

test("no token in the fragment leaves it untouched", () => {
  assert.deepEqual(takeTokenFromHash("#thread=th9"), { token: null, rest: "#thread=th9" });
  assert.deepEqual(takeTokenFromHash(""), { token: null, rest: "" });
});
