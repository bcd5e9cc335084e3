// interview-server browser client: sign-in, threads, chat with seq-based resume, calls,
// and (for auditors) the review console.
//
// Views: the thread list (ordered by activity, unread counts), the thread (messages rendered
// incrementally by seq, receipts, typing, an outbox for messages typed offline), the call
// area, the scheduler (schedule.ts) and the auditor console (auditor.ts). On a phone the
// list and the thread are one column with a back button.

import { io, type Socket } from "socket.io-client";

import { Api, ApiError, takeTokenFromHash, type CallState, type Config, type Me, type Reply, type Thread } from "./api";
import { renderAuditor } from "./auditor";
import { reportButton } from "./cases";
import { attachControls, renderFileMessage } from "./files";
import { CallSession, consentView, deviceControls, emitAck, getLocalMedia, mediaErrorMessage, mediaTile, onServer, Ringer, type DeviceChoice } from "./call";
import { clear, h, trapFocus } from "./dom";
import {
  describeCall,
  describeRemoteMedia,
  formatDuration,
  formatTime,
  lastSeq,
  mergeMessages,
  orderByActivity,
  policySummary,
  previewOf,
  RECEIPT_WORDS,
  receiptFor,
  titleWithUnread,
  type Activity,
  type Message,
  type Receipt,
} from "./format";
import { askOnFirstGesture, notifyIfHidden } from "./notify";
import { openScheduler, renderScheduleCard, scheduleStatuses, type ScheduleHost } from "./schedule";
import { renderThreadNav } from "./threadlist";

const TOKEN_KEY = "interview.token";
const OUTBOX_KEY = "interview.outbox";
const APP_TITLE = "Interviews";
/** Threads joined at start (besides the open one) so their new messages arrive live. */
const WATCH_THREADS = 15;

interface ReadMark {
  delivered_seq: number;
  read_seq: number;
}

/** A message typed while offline (or not yet acknowledged): sent with its client_msg_id. */
interface Pending {
  threadId: string;
  text: string;
  id: string;
  at: string;
}

interface State {
  api: Api;
  config: Config | null;
  me: Me | null;
  socket: Socket | null;
  threads: Thread[];
  thread: Thread | null;
  messages: Message[];
  call: CallState | null;
  session: CallSession | null;
  devices: DeviceChoice;
  names: Map<string, string>;
  /** The live in-call view, updated in place while the call lasts. */
  view: CallView | null;
  /** What the other party last reported through call:media. */
  remoteMedia: RemoteMedia | null;
  /** The device-check preview stream, stopped before a call takes the devices. */
  preview: MediaStream | null;
  timer: number | undefined;
  /** Per thread: last message, preview, unread count. */
  activity: Map<string, Activity>;
  /** Per thread, per party: the seq their client received and saw. */
  reads: Map<string, Map<string, ReadMark>>;
  /** Messages not yet acknowledged by the server, oldest first (kept across reloads). */
  outbox: Pending[];
  /** Rendered message elements by seq (the list is updated incrementally). */
  rendered: Map<number, HTMLElement>;
  /** Threads whose room this socket joined (their message:new events reach us). */
  joined: Set<string>;
}

interface CallView {
  callId: string;
  session: CallSession | null;
  root: HTMLElement;
  update: (call: CallState) => void;
}

interface RemoteMedia {
  call_id: string;
  user_id: string;
  audio: boolean;
  video: boolean;
  screen?: boolean;
}

const state: State = {
  api: new Api(null),
  config: null,
  me: null,
  socket: null,
  threads: [],
  thread: null,
  messages: [],
  call: null,
  session: null,
  devices: {},
  names: new Map(),
  view: null,
  remoteMedia: null,
  preview: null,
  timer: undefined,
  activity: new Map(),
  reads: new Map(),
  outbox: loadOutbox(),
  rendered: new Map(),
  joined: new Set(),
};
const ringer = new Ringer();
const app = document.getElementById("app") as HTMLElement;

/** Sign-in links carry the token in the fragment (`/#token=…`), never the query: keep it for
 * this tab's session and take it out of the address bar and history. */
function takeTokenFromUrl(): void {
  const { token, rest } = takeTokenFromHash(window.location.hash);
  if (!token) return;
  sessionStorage.setItem(TOKEN_KEY, token);
  window.history.replaceState(null, "", window.location.pathname + window.location.search + rest);
}

function nameOf(userId: string): string {
  if (userId === "system") return "Platform";
  if (userId === state.me?.user_id) return "You";
  return state.names.get(userId) ?? userId;
}

function otherParty(thread: Thread): string {
  return state.me?.user_id === thread.client_id ? thread.freelancer_id : thread.client_id;
}

async function boot(): Promise<void> {
  takeTokenFromUrl();
  state.config = await state.api.get<Config>("/api/config");
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) return renderSignIn();
  state.api.setToken(token);
  try {
    state.me = await state.api.get<Me>("/api/me");
  } catch (error) {
    sessionStorage.removeItem(TOKEN_KEY);
    return renderSignIn(error instanceof ApiError ? error.message : undefined);
  }
  if (state.me.role === "auditor" || state.me.role === "admin") {
    connectSocket(token);
    renderShell("Review");
    renderAuditor(main(), state.api, sidebar());
    return;
  }
  askOnFirstGesture();
  await Promise.all([loadThreads(), loadActivity()]);
  renderShell("Threads");
  connectSocket(token);
  const wanted = new URL(window.location.href).hash.replace("#thread=", "");
  const first = state.threads.find((t) => t.id === wanted) ?? (isNarrow() ? undefined : orderedThreads()[0]);
  if (first) await openThread(first);
}

function isNarrow(): boolean {
  return window.matchMedia("(max-width: 720px)").matches;
}

async function renderSignIn(problem?: string): Promise<void> {
  clear(app);
  const box = h("main", { class: "signin" }, h("h1", {}, "interview-server"));
  if (problem) box.append(h("p", { class: "error" }, problem));
  if (!state.config?.dev_mode) {
    box.append(h("p", {}, "Open the sign-in link your marketplace gave you."));
    app.append(box);
    return;
  }
  const { users } = await state.api.get<Reply<"dev_users">>("/api/dev/users");
  box.append(h("p", {}, "Development mode: pick a demo user."));
  for (const user of users) {
    box.append(
      h(
        "button",
        {
          "data-testid": `signin-${user.role}`,
          onclick: async () => {
            const { token } = await state.api.post<Reply<"dev_login">>("/api/dev/login", user);
            sessionStorage.setItem(TOKEN_KEY, token);
            window.location.reload();
          },
        },
        `${user.name} (${user.role})`,
      ),
    );
  }
  app.append(box);
}

function main(): HTMLElement {
  return document.getElementById("main") as HTMLElement;
}

function sidebar(): HTMLElement {
  return document.getElementById("threads") as HTMLElement;
}

function renderShell(navLabel: string): void {
  clear(app);
  document.body.dataset.role = state.me?.role ?? "";
  const header = h(
    "header",
    {},
    h("strong", {}, APP_TITLE),
    h("span", { class: "who", "data-testid": "whoami" }, `${state.me?.name} · ${state.me?.role}`),
    h("span", { class: "conn", "data-testid": "connection", role: "status" }),
    h(
      "button",
      {
        class: "link",
        onclick: () => {
          sessionStorage.removeItem(TOKEN_KEY);
          window.location.href = "/";
        },
      },
      "Sign out",
    ),
  );
  const list = h("nav", { "data-testid": "thread-list", id: "threads", "aria-label": navLabel });
  app.append(header, h("div", { class: "layout" }, list, h("main", { id: "main", tabindex: "-1" })));
  renderThreadList();
}

async function loadThreads(): Promise<void> {
  const { threads } = await state.api.get<Reply<"list_threads">>("/api/threads");
  state.threads = threads;
  for (const t of threads) {
    if (t.client_name) state.names.set(t.client_id, t.client_name);
    if (t.freelancer_name) state.names.set(t.freelancer_id, t.freelancer_name);
  }
}

async function loadActivity(): Promise<void> {
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

function orderedThreads(): Thread[] {
  return orderByActivity(state.threads, state.activity);
}

function totalUnread(): number {
  let n = 0;
  for (const a of state.activity.values()) n += a.unread;
  return n;
}

// While a call rings for this person, the tab's title says so (seen in the tab strip when the tab
// is hidden); otherwise it carries the unread count.
function setTitle(): void {
  const c = state.call;
  const ringing = c && c.state === "ringing" && c.callee_id === state.me?.user_id && !state.session;
  document.title = ringing ? `📞 Incoming call from ${nameOf(c.initiator_id)} · ${APP_TITLE}` : titleWithUnread(APP_TITLE, totalUnread());
}

function renderThreadList(): void {
  setTitle();
  const nav = document.getElementById("threads");
  if (!nav || state.me?.role === "auditor" || state.me?.role === "admin") return;
  renderThreadNav(nav, {
    threads: orderedThreads(),
    activity: state.activity,
    activeId: state.thread?.id,
    nameOf,
    otherParty,
    open: (t) => void openThread(t),
  });
}

// ------------------------------------------------------------------------- socket
function connectSocket(token: string): void {
  const socket = io({ auth: { token }, transports: ["websocket"] });
  state.socket = socket;
  socket.on("connect", () => {
    setConnection(true);
    state.joined.clear();
    void (async () => {
      if (state.thread) await joinThread(state.thread.id);
      await watchThreads();
      await flushOutbox();
    })();
  });
  socket.on("disconnect", () => setConnection(false));
  socket.on("connect_error", (err: Error) => {
    setConnection(false);
    const data = (err as Error & { data?: { reason?: string } }).data;
    if (data?.reason) showBanner(`Not connected: ${data.reason}`);
  });
  onServer(socket, "message:new", (message) => onMessage(message));
  onServer(socket, "thread:new", () => void Promise.all([loadThreads(), loadActivity()]).then(() => watchThreads()).then(renderThreadList));
  onServer(socket, "call:state", (call) => void onCallState(call));
  onServer(socket, "call:media", (info) => {
    if (info.user_id === state.me?.user_id) return; // our own other tab
    state.remoteMedia = info as RemoteMedia;
    if (state.call && state.view) state.view.update(state.call);
  });
  onServer(socket, "call:notice", (info) => showBanner(String((info as { notice?: string }).notice ?? "")));
  onServer(socket, "thread:read", (mark) => {
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
  });
  onServer(socket, "thread:typing", (info) => {
    if (info.user_id === state.me?.user_id || info.thread_id !== state.thread?.id) return;
    showTyping(info.user_id);
  });
}

/** Join the most recently active threads (after their last seq: no messages are sent back)
 * so that their new messages, unread counts and notifications arrive live. */
async function watchThreads(): Promise<void> {
  if (!state.socket?.connected) return;
  for (const t of orderedThreads().slice(0, WATCH_THREADS)) {
    if (state.joined.has(t.id)) continue;
    const after = state.activity.get(t.id)?.lastSeq ?? t.last_seq;
    const ack = await emitAck(state.socket, "thread:join", { thread_id: t.id, after_seq: after });
    if (!ack.ok) break; // rate limited: the rest are refreshed when opened
    state.joined.add(t.id);
    const newer = (ack.messages as Message[] | undefined) ?? [];
    for (const m of newer) if (t.id !== state.thread?.id) onMessage(m);
  }
}

function onMessage(message: Message): void {
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

function markRead(threadId: string, seq: number): void {
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

document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "visible" && state.thread) markRead(state.thread.id, lastSeq(state.messages));
});

async function refreshThread(threadId: string): Promise<void> {
  const fresh = await state.api.get<Thread>(`/api/threads/${threadId}`);
  state.threads = state.threads.map((t) => (t.id === fresh.id ? fresh : t));
  if (state.thread?.id === fresh.id) {
    state.thread = fresh;
    const stage = document.getElementById("thread-stage");
    if (stage) stage.textContent = fresh.stage;
  }
  renderThreadList();
}

function setConnection(online: boolean): void {
  document.body.classList.toggle("offline", !online);
  const el = document.querySelector('[data-testid="connection"]');
  if (el) el.textContent = online ? "" : "Offline — reconnecting…";
  paintReceipts();
}

function showBanner(text: string): void {
  const banner = h("div", { class: "banner", role: "status", "data-testid": "banner" }, text);
  document.body.append(banner);
  window.setTimeout(() => banner.remove(), 10000);
}

async function joinThread(threadId: string): Promise<void> {
  if (!state.socket?.connected) return;
  const ack = await emitAck(state.socket, "thread:join", {
    thread_id: threadId,
    after_seq: lastSeq(state.messages),
  });
  if (!ack.ok) return showBanner(ack.reason ?? "Could not open the thread.");
  state.joined.add(threadId);
  if (threadId !== state.thread?.id) return;
  state.messages = mergeMessages(state.messages, ack.messages as Message[]);
  // The join ack is one bounded page; the rest comes over REST, 1000 at a time.
  let more = ack.has_more === true;
  while (more && threadId === state.thread?.id) {
    const page = await state.api.get<Reply<"list_messages">>(
      `/api/threads/${threadId}/messages?after_seq=${lastSeq(state.messages)}&limit=1000`,
    );
    if (threadId !== state.thread?.id) return;
    state.messages = mergeMessages(state.messages, page.messages);
    more = page.messages.length === 1000;
  }
  state.rendered.clear(); // schedule cards depend on the whole history: draw once more
  renderMessages();
  const last = lastSeq(state.messages);
  const activity = state.activity.get(threadId);
  if (activity && last > activity.lastSeq) activity.lastSeq = last;
  if (document.visibilityState === "visible") markRead(threadId, last);
  const call = ack.call as CallState | null;
  if (call && !state.call) void onCallState(call);
  if (call) void rejoinCall(call);
}

// A party's page that reloaded (or came back online) while its call is live joins it again:
// the server answers the new offer with a new peer and the call goes on (same call, same record).
let rejoining = false;
async function rejoinCall(call: CallState): Promise<void> {
  const me = state.me?.user_id;
  const live = call.state === "accepted" || call.state === "connected" || (call.state === "ringing" && me === call.initiator_id);
  if (!live || state.session || rejoining || !mediaHere(call.call_id)) return;
  rejoining = true;
  try {
    let local: MediaStream;
    try {
      local = await getLocalMedia(call.kind, state.devices);
    } catch (error) {
      return showCallError(mediaErrorMessage(error));
    }
    if (state.call?.call_id !== call.call_id || state.session) {
      local.getTracks().forEach((t) => t.stop());
      return;
    }
    await beginMedia(local);
  } finally {
    rejoining = false;
  }
}

async function openThread(thread: Thread): Promise<void> {
  stopPreview();
  state.thread = thread;
  state.messages = [];
  state.rendered.clear();
  document.body.classList.add("thread-open");
  window.history.replaceState(null, "", `#thread=${thread.id}`);
  const activity = state.activity.get(thread.id);
  if (activity && document.visibilityState === "visible") activity.unread = 0; // marked read once joined
  renderThreadList();
  renderThreadView();
  void refreshThread(thread.id).catch(() => undefined); // the stage may have moved meanwhile
  await joinThread(thread.id);
}

function closeThread(): void {
  document.body.classList.remove("thread-open");
  const item = document.querySelector<HTMLElement>(`[data-testid="thread-item"][data-thread-id="${state.thread?.id ?? ""}"]`);
  item?.focus();
}

// ------------------------------------------------------------------------- thread view
let typingSentAt = 0;
let typingTimer: number | undefined;
let previewTimer: number | undefined;
let previewSeq = 0;

function renderThreadView(): void {
  const thread = state.thread;
  if (!thread) return;
  const el = main();
  clear(el);
  const other = otherParty(thread);
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
    const pending: Pending = { threadId: thread.id, text, id: crypto.randomUUID(), at: new Date().toISOString() };
    state.outbox.push(pending);
    saveOutbox();
    renderMessages();
    void flushOutbox();
  };
  // Files: picker or drag and drop anywhere on the thread (web/src/files.ts).
  const attach = attachControls(el, {
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
  el.append(
    h(
      "div",
      { class: "thread-head" },
      h(
        "button",
        { class: "back", "data-testid": "back-to-threads", "aria-label": "Back to threads", onclick: () => closeThread() },
        "← Threads",
      ),
      h(
        "div",
        { class: "thread-title" },
        h("h2", {}, thread.job_title),
        h("span", { class: "muted" }, `with ${nameOf(other)} · `),
        h("span", { class: "muted", id: "thread-stage", "data-testid": "thread-stage" }, thread.stage),
      ),
      h(
        "div",
        { class: "call-buttons" },
        h("button", { "data-testid": "call-audio", onclick: () => void startCall("audio") }, "Audio call"),
        h("button", { "data-testid": "call-video", onclick: () => void startCall("video") }, "Video call"),
        h("button", { "data-testid": "schedule-open", onclick: () => openScheduler(scheduleHost, dialogArea(), thread.id) }, "Schedule"),
        reportButton(state.api, thread.id),
        state.config?.zoom_enabled
          ? h("button", { "data-testid": "zoom-create", onclick: () => void createZoom() }, "Zoom link")
          : null,
        h("button", { class: "link", "data-testid": "device-check", onclick: () => void deviceCheck() }, "Check devices"),
      ),
    ),
    h("div", { id: "call-alerts" }),
    h("div", { id: "dialog-area" }),
    h("div", { id: "device-area" }),
    h("div", { id: "call-area" }),
    h("ol", { class: "messages", "data-testid": "message-list", id: "messages", "aria-label": "Messages", "aria-live": "polite", tabindex: "0" }),
    h("p", { class: "typing", id: "typing", "data-testid": "typing", "aria-live": "polite" }),
    warning,
    attach.status,
    h(
      "div",
      { class: "composer" },
      attach.button,
      h("label", { for: "message-input", class: "visually-hidden" }, "Message"),
      input,
      h("button", { class: "primary", "data-testid": "message-send", onclick: () => send() }, "Send"),
    ),
    error,
  );
  renderMessages();
  renderCall();
}

function dialogArea(): HTMLElement {
  return document.getElementById("dialog-area") as HTMLElement;
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

function showTyping(userId: string): void {
  const el = document.getElementById("typing");
  if (!el) return;
  el.textContent = `${nameOf(userId)} is typing…`;
  window.clearTimeout(typingTimer);
  typingTimer = window.setTimeout(hideTyping, 5000);
}

function hideTyping(): void {
  const el = document.getElementById("typing");
  if (el) el.textContent = "";
}

// ------------------------------------------------------------------------- outbox
function loadOutbox(): Pending[] {
  try {
    const raw = JSON.parse(sessionStorage.getItem(OUTBOX_KEY) ?? "[]") as unknown;
    return Array.isArray(raw) ? (raw as Pending[]) : [];
  } catch {
    return [];
  }
}

function saveOutbox(): void {
  sessionStorage.setItem(OUTBOX_KEY, JSON.stringify(state.outbox));
}

function dropPending(id: string): void {
  const before = state.outbox.length;
  state.outbox = state.outbox.filter((p) => p.id !== id);
  if (state.outbox.length !== before) saveOutbox();
}

let flushing = false;

/** Send what is waiting, oldest first, each with its client_msg_id: a message whose first
 * attempt reached the server is acknowledged again, never stored twice. */
async function flushOutbox(): Promise<void> {
  if (flushing) return;
  flushing = true;
  try {
    while (state.outbox.length && state.socket?.connected) {
      const p = state.outbox[0];
      const ack = await emitAck(state.socket, "message:send", { thread_id: p.threadId, text: p.text, client_msg_id: p.id });
      if (ack.ok) {
        dropPending(p.id);
        if (state.thread?.id === p.threadId) {
          state.messages = mergeMessages(state.messages, [ack.message as Message]);
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
      if (state.thread?.id === p.threadId) {
        const error = document.querySelector('[data-testid="send-error"]');
        if (error) error.textContent = ack.reason ?? "The message was not sent.";
        const input = document.querySelector<HTMLTextAreaElement>('[data-testid="message-input"]');
        if (input && !input.value) input.value = p.text;
      }
      renderMessages();
    }
  } finally {
    flushing = false;
    renderMessages();
  }
}

// ------------------------------------------------------------------------- messages
/** Draw what changed: new messages are inserted by seq, pending ones follow them. */
function renderMessages(): void {
  const list = document.getElementById("messages");
  if (!list || !state.thread) return;
  const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 30;
  const statuses = scheduleStatuses(state.messages);
  let cursor: ChildNode | null = list.firstChild;
  for (const m of state.messages) {
    let el = state.rendered.get(m.seq);
    if (!el) {
      el = renderMessage(m, statuses);
      state.rendered.set(m.seq, el);
    }
    if (cursor === el) {
      cursor = el.nextSibling;
      continue;
    }
    list.insertBefore(el, cursor);
  }
  // Whatever is left after the messages: stale pending items and replaced elements.
  while (cursor) {
    const next = cursor.nextSibling;
    cursor.remove();
    cursor = next;
  }
  for (const p of state.outbox.filter((x) => x.threadId === state.thread?.id)) {
    list.append(
      h(
        "li",
        { class: "msg mine pending", "data-testid": "message-pending", "data-client-msg-id": p.id },
        h("div", { class: "meta" }, "You · ", h("time", { datetime: p.at }, formatTime(p.at))),
        h("div", { class: "text" }, p.text),
        h("div", { class: "receipt", "data-testid": "receipt", "data-status": "pending" }, RECEIPT_WORDS.pending),
      ),
    );
  }
  paintReceipts();
  if (atBottom) list.scrollTop = list.scrollHeight;
}

/** Schedule cards show the schedule as it stands: redraw the cards of a schedule that moved. */
function invalidateSchedule(message: Message): void {
  const id = String((message.body as Record<string, unknown>).schedule_id ?? "");
  for (const m of state.messages) {
    if (m.kind === "schedule" && String((m.body as Record<string, unknown>).schedule_id ?? "") === id) {
      state.rendered.delete(m.seq);
    }
  }
}

/** Sent → delivered → seen on my messages, from the other party's marks. */
function paintReceipts(): void {
  const thread = state.thread;
  if (!thread) return;
  const other = state.reads.get(thread.id)?.get(otherParty(thread));
  for (const el of document.querySelectorAll<HTMLElement>('[data-testid="receipt"][data-seq]')) {
    const status: Receipt = receiptFor(Number(el.dataset.seq), other);
    if (el.dataset.status !== status) {
      el.dataset.status = status;
      el.textContent = RECEIPT_WORDS[status];
    }
  }
}

const scheduleHost: ScheduleHost = {
  api: state.api,
  me: () => state.me?.user_id,
  nameOf,
  zoomEnabled: () => state.config?.zoom_enabled === true,
  showBanner,
  join: (kind) => {
    const call = state.call;
    if (call && call.state === "ringing" && call.callee_id === state.me?.user_id) void accept();
    else void startCall(kind);
  },
  downloadIcs: (scheduleId) => void downloadIcs(scheduleId),
};

function renderMessage(m: Message, statuses: ReturnType<typeof scheduleStatuses>): HTMLElement {
  const time = h("time", { datetime: m.created_at }, formatTime(m.created_at));
  const base = { "data-testid": "message-item", "data-seq": String(m.seq), "data-kind": m.kind };
  const body = m.body as Record<string, unknown>;
  switch (m.kind) {
    case "text": {
      const mine = m.author_id === state.me?.user_id;
      const policy = body.policy as { action: string; labels: string[] } | undefined;
      return h(
        "li",
        { ...base, class: `msg ${mine ? "mine" : ""}` },
        h("div", { class: "meta" }, nameOf(m.author_id), " · ", time),
        h("div", { class: "text" }, String(body.text ?? "")),
        policy ? h("div", { class: "flag", "data-testid": "policy-flag" }, policySummary(policy.action, policy.labels)) : null,
        mine ? h("div", { class: "receipt", "data-testid": "receipt", "data-seq": String(m.seq), "data-status": "" }) : null,
      );
    }
    case "policy": {
      const labels = (body.labels as string[] | undefined) ?? [];
      const action = String(body.action ?? "");
      const about = body.author_id ? ` (${nameOf(String(body.author_id))})` : "";
      return h(
        "li",
        { ...base, class: "notice policy" },
        h(
          "details",
          { "data-testid": "policy-notice", role: "note" },
          h("summary", {}, `${policySummary(action, labels)}${about}`),
          h("p", {}, String(body.notice ?? "")),
        ),
        time,
      );
    }
    case "call": {
      const started = typeof body.started_at === "string" ? body.started_at : m.created_at;
      return h(
        "li",
        { ...base, class: "card call" },
        h(
          "div",
          {
            "data-testid": "call-log-item",
            "data-outcome": String(body.outcome ?? ""),
            "data-call-kind": String(body.kind ?? ""),
          },
          h("strong", {}, describeCall(body)),
          h(
            "div",
            { class: "muted" },
            `started by ${nameOf(String(body.initiator_id))} · `,
            h("time", { datetime: started }, formatTime(started, undefined, true)),
          ),
          body.recording ? h("div", { class: "muted" }, "Recorded with both parties' consent") : null,
          typeof body.call_id === "string" && state.me?.role !== "auditor" ? reportButton(state.api, m.thread_id, body.call_id) : null,
        ),
      );
    }
    case "file":
      return renderFileMessage(m, base, time, nameOf(m.author_id), m.author_id === state.me?.user_id);
    case "recording":
      return h("li", { ...base, class: "card" }, "A recording of this call was saved for review. ", time);
    case "meeting":
      return h(
        "li",
        { ...base, class: "card" },
        `Zoom meeting created: `,
        h("a", { href: String(body.join_url ?? "#"), target: "_blank", rel: "noopener" }, "join"),
        " · ",
        time,
      );
    case "schedule":
      return renderScheduleCard(scheduleHost, m, statuses.get(String(body.schedule_id ?? "")), base, time);
    default:
      return h("li", { ...base, class: "notice" }, String(body.text ?? body.name ?? ""), " · ", time);
  }
}

async function downloadIcs(scheduleId: string): Promise<void> {
  const token = sessionStorage.getItem(TOKEN_KEY) ?? "";
  const response = await fetch(`/api/schedules/${scheduleId}/invite.ics`, { headers: { Authorization: `Bearer ${token}` } });
  if (!response.ok) return showBanner("The invite could not be downloaded.");
  const a = h("a", { href: URL.createObjectURL(await response.blob()), download: "interview.ics" });
  document.body.append(a);
  a.click();
  a.remove();
}

async function createZoom(): Promise<void> {
  if (!state.thread) return;
  try {
    await state.api.post(`/api/threads/${state.thread.id}/meetings`, {});
    showBanner("Zoom meeting created; the join link is in the thread.");
  } catch (error) {
    showBanner(error instanceof Error ? error.message : String(error));
  }
}

// ------------------------------------------------------------------------- calls
async function startCall(kind: "audio" | "video"): Promise<void> {
  if (!state.socket || !state.thread || state.call) return;
  clearCallError();
  stopPreview();
  let local: MediaStream;
  try {
    local = await getLocalMedia(kind, state.devices);
  } catch (error) {
    return showCallError(mediaErrorMessage(error));
  }
  const ack = await emitAck(state.socket, "call:start", { thread_id: state.thread.id, kind });
  if (!ack.ok) {
    local.getTracks().forEach((t) => t.stop());
    return showCallError(ack.reason ?? "The call could not start.");
  }
  state.call = ack.call as CallState;
  markMediaHere(state.call.call_id);
  // The initiator offers while the other side is still ringing, so media is ready on accept.
  await beginMedia(local);
}

async function beginMedia(local: MediaStream): Promise<void> {
  if (!state.socket || !state.call) return;
  const callId = state.call.call_id;
  let iceServers: RTCIceServer[];
  try {
    // TURN credentials are handed out per thread, to its two parties only.
    ({ ice_servers: iceServers } = await iceServersFor(state.call.thread_id));
  } catch (error) {
    local.getTracks().forEach((t) => t.stop());
    showCallError(`The call could not connect: ${error instanceof Error ? error.message : String(error)}`);
    await emitAck(state.socket, "call:hangup", { call_id: callId });
    return endCallLocally();
  }
  if (state.call?.call_id !== callId) {
    // The call ended (declined, cancelled) while we were fetching the ICE servers.
    local.getTracks().forEach((t) => t.stop());
    return;
  }
  const session = new CallSession(state.socket, callId, local, iceServers);
  state.session = session;
  session.onQuality = (q) => {
    const el = document.querySelector('[data-testid="call-quality"]');
    if (el) {
      el.textContent = `Network: ${q}`;
      el.setAttribute("data-quality", q);
    }
  };
  session.onLive = (live) => {
    const el = document.querySelector('[data-testid="call-quality"]');
    if (el && !live) {
      el.textContent = "Reconnecting…";
      el.setAttribute("data-quality", "reconnecting");
    }
  };
  session.onError = showCallError;
  renderCall();
  try {
    await session.connect();
  } catch (error) {
    showCallError(error instanceof Error ? error.message : "The call could not connect.");
  }
}

async function onCallState(call: CallState): Promise<void> {
  const final = ["ended", "declined", "cancelled", "missed"].includes(call.state);
  if (state.call && state.call.call_id !== call.call_id && !final) return;
  if (final) {
    if (state.call?.call_id === call.call_id || !state.call) endCallLocally();
    return;
  }
  const isNew = state.call?.call_id !== call.call_id;
  state.call = call;
  if (call.state === "ringing" && call.callee_id === state.me?.user_id && !state.session) {
    ringer.start();
    if (isNew) {
      const thread = state.threads.find((t) => t.id === call.thread_id);
      notifyIfHidden(`Incoming ${call.kind} call`, `${nameOf(call.initiator_id)}${thread ? ` · ${thread.job_title}` : ""}`, `call-${call.call_id}`, () => {
        if (thread && state.thread?.id !== thread.id) void openThread(thread);
      });
      // Ringing for another thread: open it so the Accept button is on the screen.
      if (thread && state.thread?.id !== thread.id) void openThread(thread);
    }
  } else ringer.stop();
  setTitle();
  renderCall();
}

function endCallLocally(): void {
  ringer.stop();
  releaseIncoming?.();
  releaseIncoming = null;
  state.session?.close();
  state.session = null;
  state.call = null;
  state.remoteMedia = null;
  markMediaHere(null);
  setTitle();
  renderCall();
}

// Which call this tab carries the media of. Kept in sessionStorage, which survives a reload of
// the same tab but is not shared with other tabs: a reloaded tab rejoins its call, a second tab
// of the same person does not take the call away from the first.
const MEDIA_HERE = "interview.call-media";
function markMediaHere(callId: string | null): void {
  try {
    if (callId) sessionStorage.setItem(MEDIA_HERE, callId);
    else sessionStorage.removeItem(MEDIA_HERE);
  } catch {
    // storage unavailable: a reload then shows the call as elsewhere
  }
}
function mediaHere(callId: string): boolean {
  try {
    return sessionStorage.getItem(MEDIA_HERE) === callId;
  } catch {
    return false;
  }
}

// The ICE servers are fetched while the camera starts and the accept goes out (one round trip
// less between the click and the offer); a fetch is used once.
let iceFetch: { threadId: string; reply: Promise<Reply<"get_ice_servers">> } | null = null;
function prefetchIceServers(threadId: string): void {
  const reply = state.api.get<Reply<"get_ice_servers">>(`/api/ice-servers?thread_id=${encodeURIComponent(threadId)}`);
  reply.catch(() => undefined); // reported when used
  iceFetch = { threadId, reply };
}
function iceServersFor(threadId: string): Promise<Reply<"get_ice_servers">> {
  if (!iceFetch || iceFetch.threadId !== threadId) prefetchIceServers(threadId);
  const { reply } = iceFetch as { reply: Promise<Reply<"get_ice_servers">> };
  iceFetch = null;
  return reply;
}

async function accept(): Promise<void> {
  if (!state.socket || !state.call) return;
  ringer.stop();
  clearCallError();
  stopPreview();
  const call = state.call;
  prefetchIceServers(call.thread_id);
  // Ask for the devices first so a denied permission is reported before the call connects.
  let local: MediaStream;
  try {
    local = await getLocalMedia(call.kind, state.devices);
  } catch (error) {
    showCallError(mediaErrorMessage(error));
    await emitAck(state.socket, "call:decline", { call_id: call.call_id });
    return;
  }
  markMediaHere(call.call_id);
  const ack = await emitAck(state.socket, "call:accept", { call_id: call.call_id });
  if (!ack.ok) {
    local.getTracks().forEach((t) => t.stop());
    return showCallError(ack.reason ?? "The call could not be accepted.");
  }
  state.call = ack.call as CallState;
  // The callee offers right after accepting: no further click between accept and media.
  await beginMedia(local);
}

async function decline(callId: string): Promise<void> {
  ringer.stop();
  const ack = await emitAck(state.socket as Socket, "call:decline", { call_id: callId });
  if (!ack.ok) showCallError(ack.reason ?? "The call could not be declined.");
}

// Errors live outside #call-area so that the state change which usually follows an error
// (e.g. the decline after a denied permission) does not wipe the explanation.
function showCallError(message: string): void {
  const alerts = document.getElementById("call-alerts");
  if (!alerts) return showBanner(message);
  clearCallError();
  alerts.append(h("p", { class: "error", role: "alert", "data-testid": "call-error" }, message));
}

function clearCallError(): void {
  document.querySelector('[data-testid="call-error"]')?.remove();
}

function stopTimer(): void {
  window.clearInterval(state.timer);
  state.timer = undefined;
}

function tickTimer(): void {
  const el = document.querySelector('[data-testid="call-timer"]');
  const call = state.call;
  if (!el || !call) return;
  const since = call.connected_at;
  el.textContent = since
    ? formatDuration((Date.now() - Date.parse(since)) / 1000)
    : call.state === "ringing"
      ? "Ringing…"
      : "Connecting…";
}

function renderCall(): void {
  const area = document.getElementById("call-area");
  if (!area) return;
  const call = state.call;
  const me = state.me?.user_id;
  if (!call || call.thread_id !== state.thread?.id) {
    stopTimer();
    state.view = null;
    clear(area);
    return;
  }
  if (call.state === "ringing" && call.callee_id === me && !state.session) {
    stopTimer();
    state.view = null;
    if (area.querySelector(`[data-testid="incoming-call"][data-call-id="${call.call_id}"]`)) return;
    clear(area);
    const prompt = incomingPrompt(call);
    area.append(prompt);
    // An incoming call is a dialog: focus goes to Accept and stays inside until answered.
    releaseIncoming?.();
    releaseIncoming = trapFocus(prompt, undefined, prompt.querySelector<HTMLElement>('[data-testid="call-accept"]'));
    return;
  }
  releaseIncoming?.();
  releaseIncoming = null;
  if (!state.session && !mediaHere(call.call_id)) {
    // Answered (or started) in another tab or on another device: no dead call panel here.
    stopTimer();
    state.view = null;
    if (area.querySelector(`[data-testid="call-elsewhere"][data-call-id="${call.call_id}"]`)) return;
    clear(area);
    area.append(
      h(
        "p",
        { class: "call-elsewhere", "data-testid": "call-elsewhere", "data-call-id": call.call_id, role: "status" },
        `This ${call.kind} call with ${nameOf(call.initiator_id === me ? call.callee_id : call.initiator_id)} is ${call.state === "ringing" ? "ringing" : "going on"} in another tab or window.`,
      ),
    );
    return;
  }
  // Update the live view in place: rebuilding it would detach the <video> elements, which
  // pauses them and resets their size until the next frame.
  const view = state.view;
  if (view && view.callId === call.call_id && view.session === state.session && view.root.isConnected) {
    view.update(call);
    return;
  }
  clear(area);
  state.view = buildCallView(call, state.session);
  area.append(state.view.root);
  state.view.update(call);
  stopTimer();
  tickTimer();
  state.timer = window.setInterval(tickTimer, 1000);
}

let releaseIncoming: (() => void) | null = null;

function incomingPrompt(call: CallState): HTMLElement {
  const title = `Incoming ${call.kind} call from ${nameOf(call.initiator_id)}`;
  return h(
    "div",
    {
      class: "incoming",
      "data-testid": "incoming-call",
      "data-call-id": call.call_id,
      role: "alertdialog",
      "aria-modal": "true",
      "aria-labelledby": "incoming-title",
    },
    h("strong", { id: "incoming-title" }, title),
    h("button", { class: "accept", "data-testid": "call-accept", onclick: () => void accept() }, "Accept"),
    h("button", { class: "decline", "data-testid": "call-decline", onclick: () => void decline(call.call_id) }, "Decline"),
  );
}

function buildCallView(call: CallState, session: CallSession | null): CallView {
  const me = state.me?.user_id ?? "";
  const localVideo = h("video", {
    "data-testid": "local-video",
    autoplay: true,
    muted: true,
    playsinline: true,
    "aria-label": "Your camera",
  });
  const remoteVideo = h("video", {
    "data-testid": "remote-video",
    autoplay: true,
    playsinline: true,
    "aria-label": "The other party",
  });
  if (session) {
    localVideo.srcObject = session.local;
    localVideo.muted = true; // the attribute alone does not mute a MediaStream source
    remoteVideo.srcObject = session.remote;
  }
  // Tiles: each labelled with the person's name; initials instead of a black box in an audio
  // call or with the camera off; a speaking indicator from the audio levels.
  const otherId = call.initiator_id === me ? call.callee_id : call.initiator_id;
  const remoteTile = mediaTile(remoteVideo, nameOf(otherId), "remote", call.kind);
  const myName = state.me?.name ?? "You";
  const localTile = mediaTile(localVideo, myName, "local", call.kind, `${myName} (you)`);
  if (session) {
    session.onLevels = (local, remote) => {
      localTile.setLevel(local);
      remoteTile.setLevel(remote);
    };
  }
  const remoteMuted = h("p", { class: "muted", "data-testid": "remote-muted", "aria-live": "polite" });
  const rec = h("div", { class: "rec", "data-testid": "recording-indicator", hidden: true }, "● REC — this call is being recorded");
  const sendMedia = (): void => {
    if (!session) return;
    void emitAck(state.socket as Socket, "call:media", {
      call_id: call.call_id,
      audio: session.audioEnabled,
      video: session.videoEnabled,
      screen: session.sharing,
    });
  };
  const mute = h("button", { "data-testid": "call-mute", "aria-pressed": "false", disabled: !session }, "Mute");
  const camera = h("button", { "data-testid": "call-camera", "aria-pressed": "false", disabled: !session }, "Camera off");
  const paintButtons = (): void => {
    const audioOn = session?.audioEnabled ?? true;
    const videoOn = session?.videoEnabled ?? true;
    mute.textContent = audioOn ? "Mute" : "Unmute";
    mute.setAttribute("aria-pressed", String(!audioOn));
    camera.textContent = videoOn ? "Camera off" : "Camera on";
    camera.setAttribute("aria-pressed", String(!videoOn));
  };
  mute.addEventListener("click", () => {
    session?.setTrackEnabled("audio", !session.audioEnabled);
    paintButtons();
    sendMedia();
  });
  camera.addEventListener("click", () => {
    session?.setTrackEnabled("video", !session.videoEnabled);
    localTile.setCamera(session?.videoEnabled ?? true);
    paintButtons();
    sendMedia();
  });
  paintButtons();
  // Screen sharing replaces the camera on the same video track (see README, Calls).
  const share = h("button", { "data-testid": "call-share", "aria-pressed": "false", disabled: !session }, "Share screen");
  const paintShare = (): void => {
    const on = session?.sharing ?? false;
    share.textContent = on ? "Stop sharing" : "Share screen";
    share.setAttribute("aria-pressed", String(on));
    localTile.setLabel(on ? `${myName} (you) — your screen` : `${myName} (you)`);
    if (on) localTile.setCamera(true);
    else localTile.setCamera(session?.videoEnabled ?? true);
    if (session) localVideo.srcObject = on ? new MediaStream(session.pc.getSenders().flatMap((x) => (x.track?.kind === "video" ? [x.track] : []))) : session.local;
  };
  if (session) {
    session.onScreenChange = () => {
      paintShare();
      sendMedia();
    };
  }
  share.addEventListener("click", () => {
    if (!session) return;
    (session.sharing ? session.stopScreen() : session.shareScreen()).catch((error: unknown) => {
      if (error instanceof DOMException && error.name === "NotAllowedError") return; // picker cancelled
      showCallError(error instanceof Error ? error.message : "Screen sharing failed.");
    });
  });
  let current = call;
  const record =
    state.config?.recording_policy !== "off"
      ? h("button", {
          "data-testid": "call-record",
          onclick: async () => {
            const consented = (current.consent ?? []).includes(me);
            const ack = await emitAck(state.socket as Socket, "call:consent", { call_id: current.call_id, consent: !consented });
            if (!ack.ok) showCallError(ack.reason ?? "Consent could not be recorded.");
            else void onCallState(ack.call as CallState);
          },
        })
      : null;
  const consent =
    state.config?.recording_policy !== "off"
      ? consentView(me, nameOf, async (agree) => {
          const ack = await emitAck(state.socket as Socket, "call:consent", { call_id: current.call_id, consent: agree });
          if (!ack.ok) showCallError(ack.reason ?? "Consent could not be recorded.");
          else void onCallState(ack.call as CallState);
        })
      : null;
  const root = h(
    "div",
    { class: "in-call", "data-testid": "in-call", "data-call-id": call.call_id, role: "region", "aria-label": `${call.kind} call` },
    rec,
    consent?.root,
    h("div", { class: "videos", "data-kind": call.kind }, remoteTile.root, localTile.root),
    remoteMuted,
    h(
      "div",
      { class: "call-status" },
      h("span", { "data-testid": "call-timer", role: "timer", "aria-label": "Call duration" }, ""),
      h("span", { "data-testid": "call-quality", "data-quality": "unknown" }, "Network: …"),
    ),
    session ? deviceControls(session, remoteVideo, call.kind, showCallError) : null,
    // The buttons are one toolbar; on a phone it is a bar fixed to the bottom of the screen so
    // that Hang up is always reachable without scrolling (app.css).
    h(
      "div",
      { class: "controls", role: "toolbar", "aria-label": "Call controls", "data-testid": "call-controls" },
      mute,
      call.kind === "video" ? camera : null,
      call.kind === "video" ? share : null,
      record,
      h(
        "button",
        {
          class: "hangup",
          "data-testid": "call-hangup",
          onclick: async () => {
            const ack = await emitAck(state.socket as Socket, "call:hangup", { call_id: current.call_id });
            if (!ack.ok && ack.code === "timeout") showCallError(ack.reason ?? "The server did not confirm the hang-up.");
            endCallLocally();
          },
        },
        "Hang up",
      ),
    ),
  );
  return {
    callId: call.call_id,
    session,
    root,
    update: (next: CallState) => {
      current = next;
      root.setAttribute("data-state", next.state);
      rec.hidden = next.recording?.status !== "recording";
      if (record) {
        const given = next.consent ?? [];
        record.textContent = given.includes(me) ? "Withdraw recording consent" : given.length ? "Consent to recording" : "Ask to record";
      }
      consent?.update(next);
      const remote = state.remoteMedia;
      const mine = remote && remote.call_id === next.call_id ? remote : null;
      remoteTile.setCamera(!(mine && !mine.video && !mine.screen));
      remoteTile.setLabel(mine?.screen ? `${nameOf(otherId)} — sharing their screen` : nameOf(otherId));
      root.dataset.remoteScreen = String(Boolean(mine?.screen));
      remoteMuted.textContent =
        remote && remote.call_id === next.call_id ? describeRemoteMedia(nameOf(remote.user_id), remote.audio, remote.video) : "";
      tickTimer();
    },
  };
}

function stopPreview(): void {
  state.preview?.getTracks().forEach((t) => t.stop());
  state.preview = null;
  const area = document.getElementById("device-area");
  if (area) clear(area);
}

// The device check has its own area: it never hides an incoming call, and whatever it picks
// is used by the next call without any extra click between accept and the call.
async function deviceCheck(): Promise<void> {
  const area = document.getElementById("device-area");
  if (!area) return;
  stopPreview();
  clearCallError();
  let stream: MediaStream;
  try {
    stream = await getLocalMedia("video", state.devices);
  } catch (error) {
    return showCallError(mediaErrorMessage(error));
  }
  state.preview = stream;
  const devices = await navigator.mediaDevices.enumerateDevices();
  const preview = h("video", { autoplay: true, muted: true, playsinline: true, "data-testid": "device-preview", "aria-label": "Camera preview" });
  preview.muted = true;
  preview.srcObject = stream;
  const select = (kind: MediaDeviceKind, key: "audioId" | "videoId", label: string): HTMLElement => {
    const sel = h("select", { "aria-label": label, "data-testid": `device-${key}` });
    const inUse = stream.getTracks().find((t) => t.kind === (kind === "videoinput" ? "video" : "audio"))?.getSettings().deviceId;
    for (const d of devices.filter((x) => x.kind === kind)) {
      const opt = h("option", { value: d.deviceId }, d.label || label);
      if ((state.devices[key] ?? inUse) === d.deviceId) opt.selected = true;
      sel.append(opt);
    }
    sel.addEventListener("change", () => {
      state.devices[key] = sel.value;
      void deviceCheck();
    });
    return h("label", {}, label, " ", sel);
  };
  area.append(
    h(
      "div",
      { class: "device-check", role: "group", "aria-label": "Camera and microphone check" },
      preview,
      select("videoinput", "videoId", "Camera"),
      select("audioinput", "audioId", "Microphone"),
      h("button", { "data-testid": "device-done", onclick: () => stopPreview() }, "Done"),
    ),
  );
}

void boot().catch((error: unknown) => {
  clear(app);
  app.append(h("p", { class: "error" }, `The app failed to start: ${error instanceof Error ? error.message : String(error)}`));
});
