// The thread list: threads by last activity, each with the other party, the stage, a preview
// of the last message, its time and the unread count.

import type { Thread } from "./api";
import { clear, h } from "./dom";
import { formatTime, type Activity } from "./format";

export interface ThreadListView {
  threads: Thread[]; // already ordered
  activity: Map<string, Activity>;
  activeId: string | undefined;
  nameOf: (userId: string) => string;
  otherParty: (thread: Thread) => string;
  open: (thread: Thread) => void;
}

export function renderThreadNav(nav: HTMLElement, view: ThreadListView): void {
  clear(nav);
  nav.append(h("h2", { class: "nav-title" }, "Threads"));
  if (!view.threads.length) {
    nav.append(h("p", { class: "muted empty" }, "No threads yet. They appear here when a client invites you or you invite a freelancer."));
  }
  const list = h("ul", { class: "thread-items" });
  for (const t of view.threads) {
    const activity = view.activity.get(t.id);
    const unread = activity?.unread ?? 0;
    const author = activity?.previewAuthor;
    const preview = activity?.preview
      ? `${author && author !== "system" ? `${view.nameOf(author)}: ` : ""}${activity.preview}`
      : "No messages yet";
    const active = view.activeId === t.id;
    list.append(
      h(
        "li",
        {},
        h(
          "button",
          {
            class: `thread-item${active ? " active" : ""}${unread ? " has-unread" : ""}`,
            "data-testid": "thread-item",
            "data-thread-id": t.id,
            "aria-current": active ? "true" : undefined,
            onclick: () => view.open(t),
          },
          h(
            "span",
            { class: "line" },
            h("span", { class: "title" }, t.job_title),
            activity?.lastAt ? h("time", { datetime: activity.lastAt }, formatTime(activity.lastAt)) : null,
          ),
          h("span", { class: "sub" }, `${view.nameOf(view.otherParty(t))} · ${t.stage}`),
          h(
            "span",
            { class: "line" },
            h("span", { class: "preview", "data-testid": "thread-preview" }, preview),
            unread
              ? h("span", { class: "unread", "data-testid": "thread-unread" }, String(unread), h("span", { class: "visually-hidden" }, " unread"))
              : null,
          ),
        ),
      ),
    );
  }
  nav.append(list);
}
