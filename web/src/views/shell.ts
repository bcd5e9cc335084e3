// The page frame: header (who, connection, sign out), the thread list and the main area; the
// title (unread count, or a ringing call) and short-lived banners.

import { clear, h } from "../dom";
import { titleWithUnread } from "../format";
import { renderThreadNav } from "../threadlist";
import { openThread } from "../threads";
import { APP_TITLE, isAuditor, nameOf, orderedThreads, otherParty, state, TOKEN_KEY, totalUnread } from "../store";
import { paintReceipts } from "./messages";

export const app = document.getElementById("app") as HTMLElement;

export function mainArea(): HTMLElement {
  return document.getElementById("main") as HTMLElement;
}

export function sidebar(): HTMLElement {
  return document.getElementById("threads") as HTMLElement;
}

export function renderShell(navLabel: string): void {
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

// While a call rings for this person, the tab's title says so (seen in the tab strip when the tab
// is hidden); otherwise it carries the unread count.
export function setTitle(): void {
  const c = state.call;
  const ringing = c && c.state === "ringing" && c.callee_id === state.me?.user_id && !state.session;
  document.title = ringing ? `📞 Incoming call from ${nameOf(c.initiator_id)} · ${APP_TITLE}` : titleWithUnread(APP_TITLE, totalUnread());
}

export function renderThreadList(): void {
  setTitle();
  const nav = document.getElementById("threads");
  if (!nav || isAuditor()) return;
  renderThreadNav(nav, {
    threads: orderedThreads(),
    activity: state.activity,
    activeId: state.thread?.id,
    nameOf,
    otherParty,
    open: (t) => void openThread(t),
  });
}

export function setConnection(online: boolean): void {
  document.body.classList.toggle("offline", !online);
  const el = document.querySelector('[data-testid="connection"]');
  if (el) el.textContent = online ? "" : "Offline — reconnecting…";
  paintReceipts();
}

export function showBanner(text: string): void {
  const banner = h("div", { class: "banner", role: "status", "data-testid": "banner" }, text);
  document.body.append(banner);
  window.setTimeout(() => banner.remove(), 10000);
}
