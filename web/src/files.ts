// Files on the platform: attach (picker or drag and drop) with an upload progress bar, the
// `file` message card, and downloads (with the bearer token, saved as the file's name).

import type { Reply } from "./api";
import type { components } from "./generated/api";
import { h } from "./dom";
import type { Message } from "./format";

type FileBody = components["schemas"]["FileMessage"];
/** An RFC 9457 problem as the server sends it (a failed upload may have no body at all). */
type Problem = Partial<components["schemas"]["Problem"]>;

const TOKEN_KEY = "interview.token";

/** "1.5 MB", "820 KB", "12 bytes". */
export function formatBytes(size: number): string {
  if (size < 1024) return `${size} byte${size === 1 ? "" : "s"}`;
  if (size < 1024 * 1024) return `${Math.round(size / 1024)} KB`;
  if (size < 1024 * 1024 * 1024) return `${(size / (1024 * 1024)).toFixed(1)} MB`;
  return `${(size / (1024 * 1024 * 1024)).toFixed(1)} GB`;
}

/** What a refused upload tells the sender, in words. */
export function uploadError(status: number, problem: Problem, maxBytes: number): string {
  switch (problem.code) {
    case "file_too_large":
      return `The file is larger than the limit of ${formatBytes(maxBytes)}.`;
    case "file_executable":
      return "Programs and scripts cannot be shared here.";
    case "policy_blocked":
      return problem.detail ?? "The file contains contact details, so it was not shared.";
    case "file_unscannable":
      return `${sentence(problem.detail ?? "The file could not be read")} It can be shared once the contract starts.`;
    case "thread_closed":
      return "This conversation is closed; files can no longer be added.";
    case "rate_limited":
      return "You are uploading files too fast; wait a moment.";
    default:
      if (status === 413) return `The file is larger than the limit of ${formatBytes(maxBytes)}.`;
      return problem.detail ?? `The upload failed (${status || "network error"}).`;
  }
}

/** The server's reason as a sentence: capitalised, with a full stop. */
function sentence(text: string): string {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

export interface AttachOptions {
  threadId: string;
  maxBytes: number;
  /** Called with the stored `file` message when an upload finishes. */
  onUploaded: (message: Message) => void;
}

/**
 * The attach button, the hidden file input, the progress area, and drag and drop on `dropTarget`.
 * Returns the elements to place in the thread view: the button and the status area.
 */
export function attachControls(dropTarget: HTMLElement, options: AttachOptions): { button: HTMLElement; status: HTMLElement } {
  const status = h("div", { class: "uploads", "data-testid": "upload-area", "aria-live": "polite" });
  const input = h("input", { type: "file", multiple: true, hidden: true, "data-testid": "file-input", "aria-label": "Attach files" }) as HTMLInputElement;
  input.addEventListener("change", () => {
    for (const file of Array.from(input.files ?? [])) uploadFile(file, options, status);
    input.value = "";
  });
  const button = h(
    "span",
    {},
    h("button", { type: "button", "data-testid": "file-attach", onclick: () => input.click() }, "Attach file"),
    input,
  );
  // The thread view is re-rendered into the same element: drop the previous view's listeners.
  dropListeners.get(dropTarget)?.abort();
  const listening = new AbortController();
  dropListeners.set(dropTarget, listening);
  const signal = listening.signal;
  let depth = 0;
  dropTarget.addEventListener("dragenter", (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    depth += 1;
    dropTarget.classList.add("dropping");
  }, { signal });
  dropTarget.addEventListener("dragover", (event) => {
    if (hasFiles(event)) event.preventDefault();
  }, { signal });
  dropTarget.addEventListener("dragleave", () => {
    depth = Math.max(0, depth - 1);
    if (!depth) dropTarget.classList.remove("dropping");
  }, { signal });
  dropTarget.addEventListener("drop", (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    depth = 0;
    dropTarget.classList.remove("dropping");
    for (const file of Array.from(event.dataTransfer?.files ?? [])) uploadFile(file, options, status);
  }, { signal });
  return { button, status };
}

const dropListeners = new WeakMap<HTMLElement, AbortController>();

function hasFiles(event: DragEvent): boolean {
  return Array.from(event.dataTransfer?.types ?? []).includes("Files");
}

/** Upload one file with XHR (for its progress events); one row with a progress bar per file. */
export function uploadFile(file: File, options: AttachOptions, status: HTMLElement): void {
  const bar = h("progress", { max: "100", value: "0", "aria-label": `Uploading ${file.name}` }) as HTMLProgressElement;
  const label = h("span", { "data-testid": "upload-status" }, `Uploading ${file.name} (${formatBytes(file.size)})…`);
  const row = h("div", { class: "upload", "data-testid": "upload-row", "data-name": file.name }, label, bar);
  status.append(row);
  const fail = (message: string): void => {
    row.classList.add("error");
    row.setAttribute("role", "alert");
    bar.remove();
    label.textContent = message.includes(file.name) ? message : `${file.name} was not shared. ${message}`;
    row.append(h("button", { class: "link", onclick: () => row.remove() }, "Dismiss"));
  };
  if (file.size > options.maxBytes) {
    fail(uploadError(413, { code: "file_too_large" }, options.maxBytes));
    return;
  }
  const xhr = new XMLHttpRequest();
  xhr.open("POST", `/api/threads/${encodeURIComponent(options.threadId)}/files?name=${encodeURIComponent(file.name)}`);
  xhr.setRequestHeader("Authorization", `Bearer ${sessionStorage.getItem(TOKEN_KEY) ?? ""}`);
  xhr.setRequestHeader("Content-Type", "application/octet-stream");
  xhr.upload.addEventListener("progress", (event) => {
    if (!event.lengthComputable) return;
    const percent = Math.round((event.loaded / event.total) * 100);
    bar.value = percent;
    row.dataset.progress = String(percent);
    label.textContent = `Uploading ${file.name}: ${percent}%`;
  });
  xhr.addEventListener("load", () => {
    let data: unknown = {};
    try {
      data = JSON.parse(xhr.responseText || "{}");
    } catch {
      data = {};
    }
    if (xhr.status === 201) {
      row.remove();
      options.onUploaded(data as Reply<"upload_file">);
    } else {
      fail(uploadError(xhr.status, data as Problem, options.maxBytes));
    }
  });
  xhr.addEventListener("error", () => fail(uploadError(0, {}, options.maxBytes)));
  xhr.send(file);
}

/** The card of a `file` message: name, size, type, SHA-256 and a download button. */
export function renderFileMessage(m: Message, base: Record<string, string>, time: HTMLElement, author: string, mine: boolean): HTMLElement {
  const body = m.body as unknown as FileBody;
  const error = h("span", { class: "error", role: "alert" });
  const policy = body.policy;
  return h(
    "li",
    { ...base, class: `msg file ${mine ? "mine" : ""}` },
    h("div", { class: "meta" }, author, " · ", time),
    h(
      "div",
      { class: "file-card", "data-testid": "file-card", "data-file-id": body.file_id },
      h("span", { class: "file-icon", "aria-hidden": "true" }, fileBadge(body.name)),
      h(
        "div",
        {},
        h("strong", { class: "file-name" }, body.name),
        h("div", { class: "muted" }, `${formatBytes(body.size)} · ${body.content_type}`),
        h("div", { class: "muted hash", title: body.sha256 }, `SHA-256 ${body.sha256.slice(0, 12)}…`),
      ),
      h(
        "button",
        {
          "data-testid": "file-download",
          "aria-label": `Download ${body.name}`,
          onclick: async () => {
            error.textContent = "";
            try {
              await downloadFile(body.url, body.name);
            } catch (e) {
              error.textContent = e instanceof Error ? e.message : String(e);
            }
          },
        },
        "Download",
      ),
    ),
    policy
      ? h("div", { class: "flag", "data-testid": "policy-flag" }, `Flagged under the platform's contact policy: ${policy.labels.map((l) => l.replaceAll("_", " ")).join(", ")}`)
      : null,
    error,
  );
}

/** A short type label for the card's icon: the name's extension ("PDF"), else "FILE". */
export function fileBadge(name: string): string {
  const dot = name.lastIndexOf(".");
  const ext = dot > 0 ? name.slice(dot + 1) : "";
  return ext && ext.length <= 4 && /^[a-z0-9]+$/i.test(ext) ? ext.toUpperCase() : "FILE";
}

/** Fetch with the bearer token and save under the file's name (downloads are logged). */
export async function downloadFile(url: string, name: string): Promise<void> {
  const token = sessionStorage.getItem(TOKEN_KEY) ?? "";
  const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(response.status === 404 ? "The file is not available." : `The download failed (${response.status}).`);
  const href = URL.createObjectURL(await response.blob());
  const a = h("a", { href, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
