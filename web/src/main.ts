// interview-server browser client: sign-in, threads, chat with seq-based resume, calls,
// and (for auditors) the review console.

import { io, type Socket } from "socket.io-client";

import { Api, ApiError, takeTokenFromHash, type CallState, type Config, type Me, type Reply, type Thread } from "./api";
import { renderAuditor } from "./auditor";
import { reportButton } from "./cases";
import { attachControls, renderFileMessage } from "./files";
import { CallSession, emitAck, getLocalMedia, mediaErrorMessage, Ringer, type DeviceChoice } from "./call";
import { clear, h } from "./dom";
import {
  describeCall,
  describeRemoteMedia,
  formatDuration,
  formatTime,
  lastSeq,
  mergeMessages,
  type Message,
} from "./format";

const TOKEN_KEY = "interview.token";

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
  /** The last message that failed to send, kept so a resend reuses its client_msg_id. */
  unsent: { threadId: string; text: string; id: string } | null;
  /** Threads with messages that arrived while another thread was open. */
  unread: Set<string>;
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
  unsent: null,
  unread: new Set(),
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
  connectSocket(token);
  if (state.me.role === "auditor" || state.me.role === "admin") {
    renderShell();
    renderAuditor(main(), state.api);
    return;
  }
  await loadThreads();
  renderShell();
  const wanted = new URL(window.location.href).hash.replace("#thread=", "");
  const first = state.threads.find((t) => t.id === wanted) ?? state.threads[0];
  if (first) await openThread(first);
}

async function renderSignIn(problem?: string): Promise<void> {
  clear(app);
  const box = h("section", { class: "signin" }, h("h1", {}, "interview-server"));
  if (problem) box.append(h("p", { class: "error" }, problem));
  if (!state.config?.dev_mode) {
    box.append(h("p", {}, "Open the sign-in link your marketplace gave you."));
    app.append(box);
    return;
  }
  const { users } = await state.api.get<Reply<"dev_users">>(
    "/api/dev/users",
  );
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

function renderShell(): void {
  clear(app);
  const header = h(
    "header",
    {},
    h("strong", {}, "Interviews"),
    h("span", { class: "who", "data-testid": "whoami" }, `${state.me?.name} · ${state.me?.role}`),
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
  const list = h("nav", { "data-testid": "thread-list", id: "threads", "aria-label": "Threads" });
  app.append(header, h("div", { class: "layout" }, list, h("main", { id: "main" })));
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

function renderThreadList(): void {
  const nav = document.getElementById("threads");
  if (!nav) return;
  clear(nav);
  if (!state.threads.length) nav.append(h("p", { class: "muted" }, "No threads yet."));
  for (const t of state.threads) {
    const other = state.me?.user_id === t.client_id ? t.freelancer_id : t.client_id;
    nav.append(
      h(
        "button",
        {
          class: `thread-item${state.thread?.id === t.id ? " active" : ""}`,
          "data-testid": "thread-item",
          "data-thread-id": t.id,
          onclick: () => void openThread(t),
        },
        h("span", { class: "title" }, t.job_title),
        h("span", { class: "muted" }, `${nameOf(other)} · ${t.stage}`),
        state.unread.has(t.id) ? h("span", { class: "unread", "data-testid": "thread-unread" }, "new messages") : null,
      ),
    );
  }
}

function connectSocket(token: string): void {
  const socket = io({ auth: { token }, transports: ["websocket"] });
  state.socket = socket;
  socket.on("connect", () => {
    setConnection(true);
    if (state.thread) void joinThread(state.thread.id);
  });
  socket.on("disconnect", () => setConnection(false));
  socket.on("connect_error", (err: Error) => {
    setConnection(false);
    const data = (err as Error & { data?: { reason?: string } }).data;
    if (data?.reason) showBanner(`Not connected: ${data.reason}`);
  });
  socket.on("message:new", (message: Message) => {
    if (message.thread_id !== state.thread?.id) {
      // A thread opened earlier in this tab stays joined: mark it, it reloads when opened.
      state.unread.add(message.thread_id);
      return renderThreadList();
    }
    state.messages = mergeMessages(state.messages, [message]);
    renderMessages();
    // Stage changes: the first message moves "invited" on; others come as system notes.
    const firstMessage = message.kind === "text" && state.thread?.stage === "invited";
    if (firstMessage || message.kind === "system") void refreshThread(message.thread_id);
  });
  socket.on("thread:new", () => void loadThreads().then(renderThreadList));
  socket.on("call:state", (call: CallState) => void onCallState(call));
  socket.on("call:media", (info: RemoteMedia) => {
    if (info.user_id === state.me?.user_id) return; // our own other tab
    state.remoteMedia = info;
    if (state.call && state.view) state.view.update(state.call);
  });
  socket.on("call:notice", (info: { notice: string }) => showBanner(info.notice));
}

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
}

function showBanner(text: string): void {
  const banner = h("div", { class: "banner", role: "status", "data-testid": "banner" }, text);
  document.body.append(banner);
  window.setTimeout(() => banner.remove(), 10000);
}

async function joinThread(threadId: string): Promise<void> {
  if (!state.socket) return;
  const ack = await emitAck(state.socket, "thread:join", {
    thread_id: threadId,
    after_seq: lastSeq(state.messages),
  });
  if (!ack.ok) return showBanner(ack.reason ?? "Could not open the thread.");
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
  renderMessages();
  const call = ack.call as CallState | null;
  if (call && !state.call) void onCallState(call);
}

async function openThread(thread: Thread): Promise<void> {
  stopPreview();
  state.unread.delete(thread.id);
  state.thread = thread;
  state.messages = [];
  window.history.replaceState(null, "", `#thread=${thread.id}`);
  renderThreadList();
  renderThreadView();
  await joinThread(thread.id);
}

function renderThreadView(): void {
  const thread = state.thread;
  if (!thread) return;
  const el = main();
  clear(el);
  const other = state.me?.user_id === thread.client_id ? thread.freelancer_id : thread.client_id;
  const input = h("textarea", {
    "data-testid": "message-input",
    rows: "2",
    placeholder: "Write a message",
    "aria-label": "Message",
  });
  const error = h("p", { class: "error", "data-testid": "send-error", role: "alert" });
  const send = async (): Promise<void> => {
    const text = input.value;
    if (!text.trim()) return;
    error.textContent = "";
    // Clear at once so the next message can be typed while this one is in flight; put the
    // text back only if it failed and the box is still empty.
    input.value = "";
    // Sending the same text again after a failure reuses its client_msg_id: if the first
    // attempt did reach the server after all, the retry yields that message, not a second.
    const unsent = state.unsent;
    const clientMsgId = unsent && unsent.threadId === thread.id && unsent.text === text ? unsent.id : crypto.randomUUID();
    const ack = await sendWithRetry(thread.id, text, clientMsgId);
    if (!ack.ok) {
      error.textContent = ack.reason ?? "The message was not sent.";
      if (ack.code !== "policy_blocked") state.unsent = { threadId: thread.id, text, id: clientMsgId };
      if (!input.value) input.value = text;
    } else if (state.unsent?.id === clientMsgId) {
      state.unsent = null;
    }
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
      void send();
    }
  });
  el.append(
    h(
      "div",
      { class: "thread-head" },
      h(
        "div",
        {},
        h("h2", {}, thread.job_title),
        h("span", { class: "muted" }, `with ${nameOf(other)} · `),
        h("span", { class: "muted", id: "thread-stage", "data-testid": "thread-stage" }, thread.stage),
      ),
      h(
        "div",
        { class: "call-buttons" },
        h("button", { "data-testid": "call-audio", onclick: () => void startCall("audio") }, "Audio call"),
        h("button", { "data-testid": "call-video", onclick: () => void startCall("video") }, "Video call"),
        h("button", { "data-testid": "schedule-open", onclick: () => openScheduler() }, "Schedule"),
        reportButton(state.api, thread.id),
        state.config?.zoom_enabled
          ? h("button", { "data-testid": "zoom-create", onclick: () => void createZoom() }, "Zoom link")
          : null,
        h("button", { class: "link", "data-testid": "device-check", onclick: () => void deviceCheck() }, "Check devices"),
      ),
    ),
    h("div", { id: "call-alerts" }),
    h("div", { id: "device-area" }),
    h("div", { id: "call-area" }),
    h("ol", { class: "messages", "data-testid": "message-list", id: "messages", "aria-live": "polite", "aria-label": "Messages" }),
    attach.status,
    h("div", { class: "composer" }, attach.button, input, h("button", { "data-testid": "message-send", onclick: () => void send() }, "Send")),
    error,
  );
  renderMessages();
  renderCall();
}

async function sendWithRetry(
  threadId: string,
  text: string,
  clientMsgId: string,
): Promise<{ ok: boolean; code?: string; reason?: string }> {
  for (let attempt = 0; attempt < 3; attempt++) {
    if (!state.socket?.connected) await new Promise((r) => window.setTimeout(r, 1000));
    if (!state.socket) break;
    const ack = await emitAck(state.socket, "message:send", {
      thread_id: threadId,
      text,
      client_msg_id: clientMsgId,
    });
    if (ack.ok) {
      if (state.thread?.id === threadId) {
        state.messages = mergeMessages(state.messages, [ack.message as Message]);
        renderMessages();
      }
      return ack;
    }
    if (ack.code !== "timeout") return ack;
  }
  return { ok: false, code: "timeout", reason: "The server did not answer; your message was kept in the box." };
}

function renderMessages(): void {
  const list = document.getElementById("messages");
  if (!list) return;
  const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 30;
  clear(list);
  for (const m of state.messages) list.append(renderMessage(m));
  if (atBottom) list.scrollTop = list.scrollHeight;
}

function renderMessage(m: Message): HTMLElement {
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
        policy ? h("div", { class: "flag", "data-testid": "policy-flag" }, policyFlag(policy.action, policy.labels)) : null,
      );
    }
    case "policy":
      return h(
        "li",
        { ...base, class: "notice policy" },
        h("div", { "data-testid": "policy-notice", role: "note" }, h("strong", {}, "Platform policy: "), String(body.notice ?? "")),
        time,
      );
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
      return renderSchedule(m, base, time);
    default:
      return h("li", { ...base, class: "notice" }, String(body.text ?? ""), " · ", time);
  }
}

/** The line under a text message that the contact policy redacted or flagged. */
function policyFlag(action: string, labels: string[]): string {
  const what = labels.map((l) => l.replaceAll("_", " ")).join(", ");
  return action === "redact"
    ? `Hidden under the platform's contact policy: ${what}`
    : `Flagged under the platform's contact policy: ${what}`;
}

// --------------------------------------------------------------------- scheduling
const EVENT_WORDS: Record<string, string> = {
  proposed: "proposed times for a call",
  countered: "proposed other times",
  rescheduled: "proposed new times",
  accepted: "accepted a time",
  cancelled: "cancelled the scheduled call",
};

interface SlotJson {
  start_utc: string;
  duration_minutes: number;
  kind: string;
}

function renderSchedule(m: Message, base: Record<string, string>, time: HTMLElement): HTMLElement {
  const body = m.body as Record<string, unknown>;
  const event = String(body.event ?? "");
  const card = h("li", { ...base, class: "card schedule", "data-testid": "schedule-item", "data-event": event });
  if (event === "schedule.reminder") {
    card.append(h("strong", {}, String(body.summary ?? "Reminder")), " ", time);
    return card;
  }
  const by = String(body.by ?? body.proposer_id ?? m.author_id);
  card.append(h("div", {}, `${nameOf(by)} ${EVENT_WORDS[event] ?? event}`, " · ", time));
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const slots = (body.slots as SlotJson[] | undefined) ?? [];
  const accepted = body.slot as SlotJson | undefined;
  const scheduleId = String(body.schedule_id ?? "");
  const proposalId = String(body.proposal_id ?? "");
  const mine = by === state.me?.user_id;
  if (accepted) {
    card.append(
      h("div", {}, `${accepted.kind} call, ${formatTime(accepted.start_utc, undefined, true)} (${zone}), ${accepted.duration_minutes} min`),
      h("button", { class: "link", "data-testid": "schedule-ics", onclick: () => void downloadIcs(scheduleId) }, "Download invite (.ics)"),
    );
    const start = Date.parse(accepted.start_utc);
    const end = start + accepted.duration_minutes * 60_000;
    if (accepted.kind !== "zoom" && Date.now() >= start - 5 * 60_000 && Date.now() < end) {
      card.append(
        h(
          "button",
          {
            class: "accept",
            "data-testid": "schedule-join",
            onclick: () => {
              const call = state.call;
              if (call && call.state === "ringing" && call.callee_id === state.me?.user_id) void accept();
              else void startCall(accepted.kind === "audio" ? "audio" : "video");
            },
          },
          "Join",
        ),
      );
    }
  }
  if (slots.length && !accepted) {
    const list = h("ol", {});
    slots.forEach((slot, index) => {
      list.append(
        h(
          "li",
          {},
          `${slot.kind}, ${formatTime(slot.start_utc, undefined, true)} (${zone}), ${slot.duration_minutes} min `,
          !mine && event !== "cancelled"
            ? h(
                "button",
                {
                  "data-testid": "schedule-accept",
                  onclick: async () => {
                    try {
                      await state.api.post(`/api/schedules/${scheduleId}/accept`, { proposal_id: proposalId, slot_index: index });
                    } catch (error) {
                      showBanner(error instanceof Error ? error.message : String(error));
                    }
                  },
                },
                "Accept",
              )
            : null,
        ),
      );
    });
    card.append(list);
  }
  if (event !== "cancelled" && scheduleId) {
    card.append(
      h(
        "button",
        {
          class: "link",
          "data-testid": "schedule-cancel",
          onclick: () => void state.api.post(`/api/schedules/${scheduleId}/cancel`, {}).catch((e: Error) => showBanner(e.message)),
        },
        "Cancel",
      ),
    );
  }
  return card;
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

function openScheduler(): void {
  const area = document.getElementById("call-area");
  if (!area || !state.thread) return;
  clear(area);
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const inputs = [0, 1, 2].map((i) => h("input", { type: "datetime-local", "data-testid": `schedule-slot-${i}`, "aria-label": `Time ${i + 1}` }) as HTMLInputElement);
  const kind = h("select", { "data-testid": "schedule-kind", "aria-label": "Kind" }, ...["video", "audio", ...(state.config?.zoom_enabled ? ["zoom"] : [])].map((k) => h("option", { value: k }, k))) as HTMLSelectElement;
  const duration = h("input", { type: "number", value: "30", min: "5", max: "240", "aria-label": "Minutes", "data-testid": "schedule-duration" }) as HTMLInputElement;
  const error = h("p", { class: "error", role: "alert" });
  const threadId = state.thread.id;
  area.append(
    h(
      "form",
      {
        class: "scheduler",
        onsubmit: async (event: Event) => {
          event.preventDefault();
          const slots = inputs
            .filter((i) => i.value)
            .map((i) => ({ start: new Date(i.value).toISOString(), duration_minutes: Number(duration.value), kind: kind.value }));
          try {
            await state.api.post(`/api/threads/${threadId}/schedules`, { slots, timezone: zone });
            renderCall();
          } catch (e) {
            error.textContent = e instanceof Error ? e.message : String(e);
          }
        },
      },
      h("strong", {}, `Propose up to three times (your zone: ${zone})`),
      ...inputs,
      kind,
      duration,
      h("button", { type: "submit", "data-testid": "schedule-propose" }, "Propose"),
      error,
    ),
  );
}

async function createZoom(): Promise<void> {
  if (!state.thread) return;
  try {
    const result = await state.api.post<{ start_url: string }>(`/api/threads/${state.thread.id}/meetings`, {});
    showBanner("Zoom meeting created; the join link is in the thread.");
    void result;
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
  // The initiator offers while the other side is still ringing, so media is ready on accept.
  await beginMedia(local);
}

async function beginMedia(local: MediaStream): Promise<void> {
  if (!state.socket || !state.call) return;
  const callId = state.call.call_id;
  let iceServers: RTCIceServer[];
  try {
    // TURN credentials are handed out per thread, to its two parties only.
    const path = `/api/ice-servers?thread_id=${encodeURIComponent(state.call.thread_id)}`;
    ({ ice_servers: iceServers } = await state.api.get<Reply<"get_ice_servers">>(path));
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
  state.call = call;
  if (call.state === "ringing" && call.callee_id === state.me?.user_id && !state.session) ringer.start();
  else ringer.stop();
  renderCall();
}

function endCallLocally(): void {
  ringer.stop();
  state.session?.close();
  state.session = null;
  state.call = null;
  state.remoteMedia = null;
  renderCall();
}

async function accept(): Promise<void> {
  if (!state.socket || !state.call) return;
  ringer.stop();
  clearCallError();
  stopPreview();
  const call = state.call;
  // Ask for the devices first so a denied permission is reported before the call connects.
  let local: MediaStream;
  try {
    local = await getLocalMedia(call.kind, state.devices);
  } catch (error) {
    showCallError(mediaErrorMessage(error));
    await emitAck(state.socket, "call:decline", { call_id: call.call_id });
    return;
  }
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
    clear(area);
    area.append(incomingPrompt(call));
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

function incomingPrompt(call: CallState): HTMLElement {
  const title = `Incoming ${call.kind} call from ${nameOf(call.initiator_id)}`;
  return h(
    "div",
    { class: "incoming", "data-testid": "incoming-call", role: "alertdialog", "aria-label": title },
    h("strong", {}, title),
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
  const remoteMuted = h("p", { class: "muted", "data-testid": "remote-muted", "aria-live": "polite" });
  const rec = h("div", { class: "rec", "data-testid": "recording-indicator", hidden: true }, "● REC — this call is being recorded");
  const sendMedia = (): void => {
    if (!session) return;
    void emitAck(state.socket as Socket, "call:media", {
      call_id: call.call_id,
      audio: session.audioEnabled,
      video: session.videoEnabled,
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
    paintButtons();
    sendMedia();
  });
  paintButtons();
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
  const root = h(
    "div",
    { class: "in-call", "data-testid": "in-call", "data-call-id": call.call_id, role: "region", "aria-label": `${call.kind} call` },
    rec,
    h("div", { class: "videos" }, remoteVideo, localVideo),
    remoteMuted,
    h(
      "div",
      { class: "controls" },
      h("span", { "data-testid": "call-timer", role: "timer", "aria-label": "Call duration" }, ""),
      h("span", { "data-testid": "call-quality", "data-quality": "unknown" }, "Network: …"),
      mute,
      call.kind === "video" ? camera : null,
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
        record.textContent = (next.consent ?? []).includes(me) ? "Withdraw recording consent" : "Consent to recording";
      }
      const remote = state.remoteMedia;
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
