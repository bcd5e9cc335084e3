import assert from "node:assert/strict";
import { test } from "node:test";

import { fileBadge, formatBytes, uploadError } from "../src/files";

test("sizes read as bytes, KB, MB, GB", () => {
  assert.equal(formatBytes(1), "1 byte");
  assert.equal(formatBytes(900), "900 bytes");
  assert.equal(formatBytes(2048), "2 KB");
  assert.equal(formatBytes(3 * 1024 * 1024 + 512 * 1024), "3.5 MB");
  assert.equal(formatBytes(100 * 1024 * 1024), "100.0 MB");
  assert.equal(formatBytes(5 * 1024 ** 3), "5.0 GB");
});

test("a refused upload says why, in words", () => {
  const limit = 100 * 1024 * 1024;
  assert.equal(uploadError(413, { code: "file_too_large" }, limit), "The file is larger than the limit of 100.0 MB.");
  assert.equal(uploadError(413, {}, limit), "The file is larger than the limit of 100.0 MB.");
  assert.equal(uploadError(422, { code: "file_executable" }, limit), "Programs and scripts cannot be shared here.");
  const blocked = "The file cv.pdf was not shared because it contains contact details (email).";
  assert.equal(uploadError(422, { code: "policy_blocked", detail: blocked }, limit), blocked);
  assert.match(uploadError(409, { code: "thread_closed" }, limit), /closed/);
  assert.match(uploadError(0, {}, limit), /network error/);
  assert.equal(
    uploadError(422, { code: "file_unscannable", detail: "the PDF is password-protected" }, limit),
    "The PDF is password-protected. It can be shared once the contract starts.",
  );
});

test("the card's badge is the extension, else FILE", () => {
  assert.equal(fileBadge("cv.pdf"), "PDF");
  assert.equal(fileBadge("brief.docx"), "DOCX");
  assert.equal(fileBadge("archive.tar.gz"), "GZ");
  assert.equal(fileBadge("README"), "FILE");
  assert.equal(fileBadge(".env"), "FILE");
  assert.equal(fileBadge("notes.verylongext"), "FILE");
});
