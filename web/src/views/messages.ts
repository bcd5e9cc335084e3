// The message list of the open thread, rendered incrementally: each message's element is made
// once and kept (by seq); a new message is inserted where it belongs and nothing else is
// rebuilt. Only schedule cards are redrawn, when their schedule moves on. Messages still in the
// outbox follow the stored ones, one element each (by client_msg_id), until acknowledged.

import { accept, startCall } from "../calls";
import { reportButton } from "../cases";
import { h } from "../dom";
import { renderFileMessage } from "../files";
import { describeCall, formatTime, policySummary, RECEIPT_WORDS, receiptFor, type Message, type Receipt } from "../format";
import { renderScheduleCard, scheduleStatuses, type ScheduleHost } from "../schedule";
import { nameOf, otherParty, state, TOKEN_KEY, type Pending } from "../store";
import { showBanner } from "./shell";

/** Rendered message elements by seq, and pending ones by client_msg_id. */
const rendered = new Map<number, HTMLElement>();
const pendingEls = new Map<string, HTMLElement>();

/** A new thread was opened: its list starts empty. */
export function resetMessages(): void {
  rendered.clear();
  pendingEls.clear();
}

function listEl(): HTMLElement | null {
  return document.getElementById("messages");
}

/** Draw what changed: new messages are inserted by seq, pending ones follow them. Elements
 * already on the page stay where they are (same nodes). */
export function renderMessages(): void {
  const list = listEl();
  if (!list || !state.thread) return;
  const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 30;
  const statuses = scheduleStatuses(state.messages);
  const wanted: HTMLElement[] = [];
  for (const m of state.messages) {
    let el = rendered.get(m.seq);
    if (!el) {
      el = renderMessage(m, statuses);
      rendered.set(m.seq, el);
    }
    wanted.push(el);
  }
  const waiting = state.outbox.filter((p) => p.threadId === state.thread?.id);
  const ids = new Set(waiting.map((p) => p.id));
  for (const id of [...pendingEls.keys()]) if (!ids.has(id)) pendingEls.delete(id);
  for (const p of waiting) {
    let el = pendingEls.get(p.id);
    if (!el) {
      el = renderPending(p);
      pendingEls.set(p.id, el);
    }
    wanted.push(el);
  }
  // Walk the list once: keep elements in place, drop the ones no longer wanted (a redrawn
  // schedule card's old element, an acknowledged pending item), insert the new ones.
  const keep = new Set<Node>(wanted);
  let cursor: ChildNode | null = list.firstChild;
  for (const el of wanted) {
    while (cursor && cursor !== el && !keep.has(cursor)) {
      const next: ChildNode | null = cursor.nextSibling;
      cursor.remove();
      cursor = next;
    }
    if (cursor === el) {
      cursor = el.nextSibling;
      continue;
    }
    list.insertBefore(el, cursor);
  }
  while (cursor) {
    const next: ChildNode | null = cursor.nextSibling;
    cursor.remove();
    cursor = next;
  }
  paintReceipts();
  if (atBottom) list.scrollTop = list.scrollHeight;
}

function renderPending(p: Pending): HTMLElement {
  return h(
    "li",
    { class: "msg mine pending", "data-testid": "message-pending", "data-client-msg-id": p.id },
    h("div", { class: "meta" }, "You · ", h("time", { datetime: p.at }, formatTime(p.at))),
    h("div", { class: "text" }, p.text),
    h("div", { class: "receipt", "data-testid": "receipt", "data-status": "pending" }, RECEIPT_WORDS.pending),
  );
}

/** Schedule cards show the schedule as it stands: redraw the cards of a schedule that moved. */
export function invalidateSchedule(message: Message): void {
  const id = String((message.body as Record<string, unknown>).schedule_id ?? "");
  for (const m of state.messages) {
    if (m.kind === "schedule" && String((m.body as Record<string, unknown>).schedule_id ?? "") === id) {
      rendered.delete(m.seq);
    }
  }
}

/** After a (re)join brought a page of history: every schedule card is drawn once more, since
 * a card depends on the whole history of its schedule. Other messages stay as they are. */
export function invalidateScheduleCards(): void {
  for (const m of state.messages) if (m.kind === "schedule") rendered.delete(m.seq);
}

/** Sent → delivered → seen on my messages, from the other party's marks. */
export function paintReceipts(): void {
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

export function schedulerHost(): ScheduleHost {
  return scheduleHost;
}

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
