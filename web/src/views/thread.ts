// The open thread: its head (title, stage, call and schedule buttons, report), the call and
// dialog areas, the message list (views/messages.ts), the typing line and the composer.

import type { Reply, RequestBody, Thread } from "../api";
import { startCall } from "../calls";
import { reportButton } from "../cases";
import { clear, h } from "../dom";
import { openScheduler } from "../schedule";
import { nameOf, otherParty, state } from "../store";
import { closeThread } from "../threads";
import { deviceCheck, renderCall } from "./callpanel";
import { buildComposer } from "./composer";
import { renderMessages, schedulerHost } from "./messages";
import { mainArea, showBanner } from "./shell";

let typingTimer: number | undefined;

export function renderThreadView(thread: Thread): void {
  const el = mainArea();
  clear(el);
  const other = otherParty(thread);
  const composer = buildComposer(thread, el);
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
        h("button", { "data-testid": "schedule-open", onclick: () => openScheduler(schedulerHost(), dialogArea(), thread.id) }, "Schedule"),
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
    composer.warning,
    composer.uploads,
    composer.row,
    composer.error,
  );
  renderMessages();
  renderCall();
}

function dialogArea(): HTMLElement {
  return document.getElementById("dialog-area") as HTMLElement;
}

export function showTyping(userId: string): void {
  const el = document.getElementById("typing");
  if (!el) return;
  el.textContent = `${nameOf(userId)} is typing…`;
  window.clearTimeout(typingTimer);
  typingTimer = window.setTimeout(hideTyping, 5000);
}

export function hideTyping(): void {
  const el = document.getElementById("typing");
  if (el) el.textContent = "";
}

async function createZoom(): Promise<void> {
  if (!state.thread) return;
  try {
    await state.api.post<Reply<"create_meeting">>(`/api/threads/${state.thread.id}/meetings`, {} satisfies RequestBody<"create_meeting">);
    showBanner("Zoom meeting created; the join link is in the thread.");
  } catch (error) {
    showBanner(error instanceof Error ? error.message : String(error));
  }
}
