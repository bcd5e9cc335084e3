// Threads: loading the list and its activity, joining threads' rooms (the open one, and the
// most recently active ones so that their messages arrive live), new messages, read receipts.

import type { Reply, Thread } from "./api";
import { onCallState, rejoinCall } from "./calls";
import { lastSeq, mergeMessages, previewOf, type Message } from "./format";
import type { ServerEvents } from "./generated/events";
import { notifyIfHidden } from "./notify";
import { dropPending } from "./outbox";
import { emitAck } from "./protocol";
import { nameOf, orderedThreads, state, type ReadMark } from "./store";
import { stopPreview } from "./views/callpanel";
import { invalidateSchedule, invalidateScheduleCards, paintReceipts, renderMessages, resetMessages } from "./views/messages";
import { renderThreadList, showBanner } from "./views/shell";
import { hideTyping, renderThreadView } from "./views/thread";

/** Threads joined at start (besides the open one) so their new messages arrive live. */
const WATCH_THREADS = 15;

export async function loadThreads(): Promise<void> {
  const { threads } = await state.api.get<Reply<"list_threads">>("/api/threads");
  state.threads = threads;
  for (const t of threads) {
    if (t.client_name) state.names.set(t.client_id, t.client_name);
    if (t.freelancer_name) state.names.set(t.freelancer_id, t.freelancer_name);
  }
}

export async function loadActivity(): Promise<void> {
  const { threads } = await state.api.get<Reply<"thread_activity">>("/api/activity");
  for (const item of threads) {
    const last = item.last_message;
    state.activity.set(item.thread_id, {
      lastAt: last?.created_at ?? null,
      lastSeq: last?.seq ?? 0,
      preview: last?.preview ?? "",
      previewAuthor: last?.author_id ?? null,
      unread: item.unread,
    });
    const marks = new Map<string, ReadMark>();
    for (const r of item.reads) marks.set(r.user_id, { delivered_seq: r.delivered_seq, read_seq: r.read_seq });
    state.reads.set(item.thread_id, marks);
  }
}

/** Join the most recently active threads (after their last seq: no messages are sent back)
 * so that their new messages, unread counts and notifications arrive live. */
export async function watchThreads(): Promise<void> {
  if (!state.socket?.connected) return;
  for (const t of orderedThreads().slice(0, WATCH_THREADS)) {
    if (state.joined.has(t.id)) continue;
    const after = state.activity.get(t.id)?.lastSeq ?? t.last_seq;
    const ack = await emitAck(state.socket, "thread:join", { thread_id: t.id, after_seq: after });
    if (!ack.ok) break; // rate limited: the rest are refreshed when opened
    state.joined.add(t.id);
    for (const m of ack.messages) if (t.id !== state.thread?.id) onMessage(m);
  }
}

export function onMessage(message: Message): void {
  const mine = message.author_id === state.me?.user_id;
  const activity = state.activity.get(message.thread_id) ?? { lastAt: null, lastSeq: 0, preview: "", previewAuthor: null, unread: 0 };
  const fresh = message.seq > activity.lastSeq;
  if (fresh) {
    activity.lastSeq = message.seq;
    activity.lastAt = message.created_at;
    activity.preview = previewOf(message.kind, message.body as Record<string, unknown>);
    activity.previewAuthor = message.author_id;
  }
  const open = message.thread_id === state.thread?.id;
  const seen = open && document.visibilityState === "visible";
  if (fresh && !mine && !seen) activity.unread += 1;
  state.activity.set(message.thread_id, activity);
  if (!mine) {
    if (seen) markRead(message.thread_id, message.seq);
    else markDelivered(message.thread_id, message.seq);
    if (fresh && message.author_id !== "system") {
      const thread = state.threads.find((t) => t.id === message.thread_id);
      notifyIfHidden(
        `${nameOf(message.author_id)}${thread ? ` · ${thread.job_title}` : ""}`,
        previewOf(message.kind, message.body as Record<string, unknown>),
        `thread-${message.thread_id}`,
        () => {
          if (thread) void openThread(thread);
        },
      );
    }
  }
  renderThreadList();
  if (!open) return;
  state.messages = mergeMessages(state.messages, [message]);
  if (mine && message.client_msg_id) dropPending(message.client_msg_id);
  if (message.kind === "schedule") invalidateSchedule(message);
  if (!mine) hideTyping();
  renderMessages();
  // Stage changes: the first message moves "invited" on; others come as system notes.
  const firstMessage = message.kind === "text" && state.thread?.stage === "invited";
  if (firstMessage || message.kind === "system") void refreshThread(message.thread_id);
}

const sentMarks = new Map<string, { delivered: number; read: number }>();

function markDelivered(threadId: string, seq: number): void {
  const sent = sentMarks.get(threadId) ?? { delivered: 0, read: 0 };
  if (seq <= sent.delivered || !state.socket?.connected) return;
  sent.delivered = seq;
  sentMarks.set(threadId, sent);
  void emitAck(state.socket, "thread:read", { thread_id: threadId, delivered_seq: seq });
}

export function markRead(threadId: string, seq: number): void {
  const activity = state.activity.get(threadId);
  if (activity?.unread) {
    activity.unread = 0;
    renderThreadList();
  }
  const sent = sentMarks.get(threadId) ?? { delivered: 0, read: 0 };
  if (seq <= sent.read || !state.socket?.connected) return;
  sent.read = seq;
  sent.delivered = Math.max(sent.delivered, seq);
  sentMarks.set(threadId, sent);
  void emitAck(state.socket, "thread:read", { thread_id: threadId, delivered_seq: seq, read_seq: seq });
}

/** A party's read mark moved (ours from another tab, or the other party's). */
export function onReadMark(mark: ServerEvents["thread:read"]): void {
  const marks = state.reads.get(mark.thread_id) ?? new Map<string, ReadMark>();
  marks.set(mark.user_id, { delivered_seq: mark.delivered_seq, read_seq: mark.read_seq });
  state.reads.set(mark.thread_id, marks);
  if (mark.user_id === state.me?.user_id) {
    // read in another tab of ours: nothing is unread up to there
    const a = state.activity.get(mark.thread_id);
    if (a && mark.read_seq >= a.lastSeq && a.unread) {
      a.unread = 0;
      renderThreadList();
    }
  } else if (mark.thread_id === state.thread?.id) {
    paintReceipts();
  }
}

document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && state.thread) markRead(state.thread.id, lastSeq(state.messages));
});

export async function refreshThread(threadId: string): Promise<void> {
  const fresh = await state.api.get<Reply<"get_thread">>(`/api/threads/${threadId}`);
  state.threads = state.threads.map((t) => (t.id === fresh.id ? fresh : t));
  if (state.thread?.id === fresh.id) {
    state.thread = fresh;
    const stage = document.getElementById("thread-stage");
    if (stage) stage.textContent = fresh.stage;
  }
  renderThreadList();
}

export async function joinThread(threadId: string): Promise<void> {
  if (!state.socket?.connected) return;
  const ack = await emitAck(state.socket, "thread:join", {
    thread_id: threadId,
    after_seq: lastSeq(state.messages),
  });
  if (!ack.ok) return showBanner(ack.reason ?? "Could not open the thread.");
  state.joined.add(threadId);
  if (threadId !== state.thread?.id) return;
  state.messages = mergeMessages(state.messages, ack.messages);
  // The join ack is one bounded page; the rest comes over REST, 1000 at a time.
  let more = ack.has_more;
  while (more && threadId === state.thread?.id) {
    const page = await state.api.get<Reply<"list_messages">>(
      `/api/threads/${threadId}/messages?after_seq=${lastSeq(state.messages)}&limit=1000`,
    );
    if (threadId !== state.thread?.id) return;
    state.messages = mergeMessages(state.messages, page.messages);
    more = page.messages.length === 1000;
  }
  invalidateScheduleCards(); // schedule cards depend on the whole history: draw them once more
  renderMessages();
  const last = lastSeq(state.messages);
  const activity = state.activity.get(threadId);
  if (activity && last > activity.lastSeq) activity.lastSeq = last;
  if (document.visibilityState === "visible") markRead(threadId, last);
  const call = ack.call;
  if (call && !state.call) void onCallState(call);
  if (call) void rejoinCall(call);
}

export async function openThread(thread: Thread): Promise<void> {
  stopPreview();
  state.thread = thread;
  state.messages = [];
  resetMessages();
  document.body.classList.add("thread-open");
  window.history.replaceState(null, "", `#thread=${thread.id}`);
  const activity = state.activity.get(thread.id);
  if (activity && document.visibilityState === "visible") activity.unread = 0; // marked read once joined
  renderThreadList();
  renderThreadView(thread);
  void refreshThread(thread.id).catch(() => undefined); // the stage may have moved meanwhile
  await joinThread(thread.id);
}

export function closeThread(): void {
  document.body.classList.remove("thread-open");
  const item = document.querySelector<HTMLElement>(`[data-testid="thread-item"][data-thread-id="${state.thread?.id ?? ""}"]`);
  item?.focus();
}
