// interview-server browser client: sign-in, threads, chat with seq-based resume, calls,
// and (for auditors) the review console.
//
// The code is split by concern (README, "Web client"):
// - store.ts: the one explicit state object and a few derived reads;
// - protocol.ts: socket events and their acks, typed from src/generated/;
// - socket.ts: the connection, routing each server event to its controller;
// - threads.ts, outbox.ts, calls.ts: controllers that change the store;
// - views/: sign-in, the shell (header, thread list, title, banners), the thread, its
//   incrementally rendered message list, the composer and the call panel;
// - auditor.ts, schedule.ts, files.ts, cases.ts, threadlist.ts: the other views.

import { ApiError, takeTokenFromHash, type Reply } from "./api";
import { renderAuditor } from "./auditor";
import { clear, h } from "./dom";
import { askOnFirstGesture } from "./notify";
import { loadOutbox } from "./outbox";
import { connectSocket } from "./socket";
import { isAuditor, isNarrow, orderedThreads, state, TOKEN_KEY } from "./store";
import { loadActivity, loadThreads, openThread } from "./threads";
import { app, mainArea, renderShell, sidebar } from "./views/shell";
import { renderSignIn } from "./views/signin";

/** Sign-in links carry the token in the fragment (`/#token=…`), never the query: keep it for
 * this tab's session and take it out of the address bar and history. */
function takeTokenFromUrl(): void {
  const { token, rest } = takeTokenFromHash(window.location.hash);
  if (!token) return;
  sessionStorage.setItem(TOKEN_KEY, token);
  window.history.replaceState(null, "", window.location.pathname + window.location.search + rest);
}

async function boot(): Promise<void> {
  takeTokenFromUrl();
  loadOutbox();
  state.config = await state.api.get<Reply<"get_config">>("/api/config");
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (!token) return renderSignIn();
  state.api.setToken(token);
  try {
    state.me = await state.api.get<Reply<"get_me">>("/api/me");
  } catch (error) {
    sessionStorage.removeItem(TOKEN_KEY);
    return renderSignIn(error instanceof ApiError ? error.message : undefined);
  }
  if (isAuditor()) {
    connectSocket(token);
    renderShell("Review");
    renderAuditor(mainArea(), state.api, sidebar());
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

void boot().catch((error: unknown) => {
  clear(app);
  app.append(h("p", { class: "error" }, `The app failed to start: ${error instanceof Error ? error.message : String(error)}`));
});
