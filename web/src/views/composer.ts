// The composer: the message box with Send, the file picker (and drag and drop onto the thread),
// the typing signal, and the contact-details warning checked with the server while typing.

import type { Reply, Thread } from "../api";
import { h } from "../dom";
import { attachControls } from "../files";
import { mergeMessages } from "../format";
import { queueMessage } from "../outbox";
import { emitAck } from "../protocol";
import { state } from "../store";
import { renderMessages } from "./messages";

let typingSentAt = 0;
let previewTimer: number | undefined;
let previewSeq = 0;

export interface Composer {
  /** The policy warning shown while typing (above the composer). */
  warning: HTMLElement;
  /** Upload progress and errors. */
  uploads: HTMLElement;
  /** The row: attach, message box, Send. */
  row: HTMLElement;
  /** Why the last message was not sent. */
  error: HTMLElement;
}

/** Build the composer of ``thread``; files dropped anywhere on ``dropTarget`` are uploaded. */
export function buildComposer(thread: Thread, dropTarget: HTMLElement): Composer {
  const input = h("textarea", {
    id: "message-input",
    "data-testid": "message-input",
    rows: "2",
    placeholder: "Write a message",
    "aria-describedby": "policy-preview",
  });
  const error = h("p", { class: "error", "data-testid": "send-error", role: "alert" });
  const warning = h("p", { class: "warning", id: "policy-preview", "data-testid": "policy-preview", role: "status", "aria-live": "polite" });
  const send = (): void => {
    const text = input.value;
    if (!text.trim()) return;
    error.textContent = "";
    warning.textContent = "";
    input.value = "";
    queueMessage(thread.id, text);
  };
  // Files: picker or drag and drop anywhere on the thread (web/src/files.ts).
  const attach = attachControls(dropTarget, {
    threadId: thread.id,
    maxBytes: state.config?.file_max_bytes ?? 100 * 1024 * 1024,
    onUploaded: (message) => {
      if (state.thread?.id !== thread.id) return;
      state.messages = mergeMessages(state.messages, [message]);
      renderMessages();
    },
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      send();
    }
  });
  input.addEventListener("input", () => {
    const now = Date.now();
    if (input.value.trim() && state.socket?.connected && now - typingSentAt > 3000) {
      typingSentAt = now;
      void emitAck(state.socket, "thread:typing", { thread_id: thread.id });
    }
    window.clearTimeout(previewTimer);
    previewTimer = window.setTimeout(() => void previewPolicy(thread, input.value, warning), 400);
  });
  const row = h(
    "div",
    { class: "composer" },
    attach.button,
    h("label", { for: "message-input", class: "visually-hidden" }, "Message"),
    input,
    h("button", { class: "primary", "data-testid": "message-send", onclick: () => send() }, "Send"),
  );
  return { warning, uploads: attach.status, row, error };
}

/** A message the server refused: say why, and give the text back if the box is empty. */
export function showSendError(reason: string, text: string): void {
  const error = document.querySelector('[data-testid="send-error"]');
  if (error) error.textContent = reason;
  const input = document.querySelector<HTMLTextAreaElement>('[data-testid="message-input"]');
  if (input && !input.value) input.value = text;
}

/** While typing before a contract, ask the server's guard what would happen to the draft. */
async function previewPolicy(thread: Thread, text: string, out: HTMLElement): Promise<void> {
  if (!thread.pre_contract || !text.trim()) {
    out.textContent = "";
    return;
  }
  const mine = ++previewSeq;
  try {
    const result = await state.api.post<Reply<"policy_preview">>(`/api/threads/${thread.id}/policy-preview`, { text });
    if (mine !== previewSeq) return; // a newer draft was checked meanwhile
    out.textContent = result.warning;
    out.setAttribute("data-action", result.action ?? "");
  } catch {
    // the preview is advice only; sending still runs the guard
  }
}
