// The outbox: messages typed while offline (or not yet acknowledged) wait here, shown as
// pending, kept in sessionStorage across a reload, and are sent oldest first with their
// client_msg_id, so that a message whose first attempt reached the server is never stored twice.

import { mergeMessages } from "./format";
import { emitAck } from "./protocol";
import { state, type Pending } from "./store";
import { showSendError } from "./views/composer";
import { renderMessages } from "./views/messages";

const OUTBOX_KEY = "interview.outbox";

export function loadOutbox(): void {
  try {
    const raw = JSON.parse(sessionStorage.getItem(OUTBOX_KEY) ?? "[]") as unknown;
    state.outbox = Array.isArray(raw) ? (raw as Pending[]) : [];
  } catch {
    state.outbox = [];
  }
}

function saveOutbox(): void {
  sessionStorage.setItem(OUTBOX_KEY, JSON.stringify(state.outbox));
}

/** Queue a message typed in the composer and try to send it now. */
export function queueMessage(threadId: string, text: string): void {
  state.outbox.push({ threadId, text, id: crypto.randomUUID(), at: new Date().toISOString() });
  saveOutbox();
  renderMessages();
  void flushOutbox();
}

export function dropPending(id: string): void {
  const before = state.outbox.length;
  state.outbox = state.outbox.filter((p) => p.id !== id);
  if (state.outbox.length !== before) saveOutbox();
}

let flushing = false;

/** Send what is waiting, oldest first, each with its client_msg_id: a message whose first
 * attempt reached the server is acknowledged again, never stored twice. */
export async function flushOutbox(): Promise<void> {
  if (flushing) return;
  flushing = true;
  try {
    while (state.outbox.length && state.socket?.connected) {
      const p = state.outbox[0];
      const ack = await emitAck(state.socket, "message:send", { thread_id: p.threadId, text: p.text, client_msg_id: p.id });
      if (ack.ok) {
        dropPending(p.id);
        if (state.thread?.id === p.threadId) {
          state.messages = mergeMessages(state.messages, [ack.message]);
          renderMessages();
        }
        continue;
      }
      if (ack.code === "timeout" || ack.code === "rate_limited") {
        // kept: sent again on the next reconnect (or after the limit's wait)
        const wait = Number(ack.retry_after ?? 0);
        if (ack.code === "rate_limited" && wait > 0) window.setTimeout(() => void flushOutbox(), wait * 1000);
        break;
      }
      dropPending(p.id);
      if (state.thread?.id === p.threadId) showSendError(ack.reason ?? "The message was not sent.", p.text);
      renderMessages();
    }
  } finally {
    flushing = false;
    renderMessages();
  }
}
