// The socket.io connection: every server event (typed from src/generated/events.ts) goes to
// the controller that owns it; a (re)connect joins the open thread again, watches the active
// ones and sends what waited in the outbox.

import { io } from "socket.io-client";

import { onCallState, onRemoteMedia } from "./calls";
import { flushOutbox } from "./outbox";
import { onServer } from "./protocol";
import { state } from "./store";
import { joinThread, loadActivity, loadThreads, onMessage, onReadMark, watchThreads } from "./threads";
import { renderThreadList, setConnection, showBanner } from "./views/shell";
import { showTyping } from "./views/thread";

export function connectSocket(token: string): void {
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
  onServer(socket, "call:media", (info) => onRemoteMedia(info));
  onServer(socket, "call:notice", (info) => showBanner(info.notice));
  onServer(socket, "thread:read", (mark) => onReadMark(mark));
  onServer(socket, "thread:typing", (info) => {
    if (info.user_id === state.me?.user_id || info.thread_id !== state.thread?.id) return;
    showTyping(info.user_id);
  });
}
