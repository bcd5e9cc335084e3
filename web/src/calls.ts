// Calls: starting, accepting, declining, hanging up, the media session, consent, and rejoining
// a live call after a reload. The call panel (views/callpanel.ts) draws what this module sets
// in the store.

import type { CallState, Reply } from "./api";
import { CallSession, getLocalMedia, mediaErrorMessage, Ringer } from "./call";
import { notifyIfHidden } from "./notify";
import { emitAck } from "./protocol";
import { nameOf, state, type RemoteMedia } from "./store";
import { openThread } from "./threads";
import { clearCallError, refreshCallView, releaseIncomingPrompt, renderCall, setCallQuality, showCallError, stopPreview } from "./views/callpanel";
import { setTitle } from "./views/shell";

const ringer = new Ringer();

export async function startCall(kind: "audio" | "video"): Promise<void> {
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
  state.call = ack.call;
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
  session.onQuality = (q) => setCallQuality(q);
  session.onLive = (live) => {
    if (!live) setCallQuality("reconnecting");
  };
  session.onError = showCallError;
  renderCall();
  try {
    await session.connect();
  } catch (error) {
    showCallError(error instanceof Error ? error.message : "The call could not connect.");
  }
}

export async function onCallState(call: CallState): Promise<void> {
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

/** The other party muted, turned the camera off or shared their screen. */
export function onRemoteMedia(info: RemoteMedia): void {
  if (info.user_id === state.me?.user_id) return; // our own other tab
  state.remoteMedia = info;
  refreshCallView();
}

export function endCallLocally(): void {
  ringer.stop();
  releaseIncomingPrompt();
  state.session?.close();
  state.session = null;
  state.call = null;
  state.remoteMedia = null;
  markMediaHere(null);
  setTitle();
  renderCall();
}

// A party's page that reloaded (or came back online) while its call is live joins it again:
// the server answers the new offer with a new peer and the call goes on (same call, same record).
let rejoining = false;
export async function rejoinCall(call: CallState): Promise<void> {
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

export async function accept(): Promise<void> {
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
  state.call = ack.call;
  // The callee offers right after accepting: no further click between accept and media.
  await beginMedia(local);
}

export async function decline(callId: string): Promise<void> {
  ringer.stop();
  if (!state.socket) return;
  const ack = await emitAck(state.socket, "call:decline", { call_id: callId });
  if (!ack.ok) showCallError(ack.reason ?? "The call could not be declined.");
}

export async function hangUp(callId: string): Promise<void> {
  if (state.socket) {
    const ack = await emitAck(state.socket, "call:hangup", { call_id: callId });
    if (!ack.ok && ack.code === "timeout") showCallError(ack.reason ?? "The server did not confirm the hang-up.");
  }
  endCallLocally();
}

/** Give or withdraw consent to recording (false before consenting declines the request). */
export async function setConsent(callId: string, consent: boolean): Promise<void> {
  if (!state.socket) return;
  const ack = await emitAck(state.socket, "call:consent", { call_id: callId, consent });
  if (!ack.ok) showCallError(ack.reason ?? "Consent could not be recorded.");
  else void onCallState(ack.call);
}

/** Tell the other party our microphone, camera and screen state. */
export function sendMediaState(callId: string, session: CallSession): void {
  if (!state.socket) return;
  void emitAck(state.socket, "call:media", {
    call_id: callId,
    audio: session.audioEnabled,
    video: session.videoEnabled,
    screen: session.sharing,
  });
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
export function mediaHere(callId: string): boolean {
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
