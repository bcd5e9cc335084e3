// The call panel of the open thread: the incoming-call prompt (a dialog that takes focus), the
// live call (tiles, consent, status, devices and the control bar — fixed to the bottom of the
// screen on a phone), a call going on in another tab, call errors and the device check.

import type { CallState } from "../api";
import { consentView, deviceControls, getLocalMedia, mediaErrorMessage, mediaTile, type CallSession } from "../call";
import { accept, decline, hangUp, mediaHere, sendMediaState, setConsent } from "../calls";
import { clear, h, trapFocus } from "../dom";
import { describeRemoteMedia, formatDuration, type Quality } from "../format";
import { nameOf, state } from "../store";
import { showBanner } from "./shell";

interface CallView {
  callId: string;
  session: CallSession | null;
  root: HTMLElement;
  update: (call: CallState) => void;
}

/** The live in-call view, updated in place while the call lasts. */
let view: CallView | null = null;
let timer: number | undefined;
let releaseIncoming: (() => void) | null = null;

// Errors live outside #call-area so that the state change which usually follows an error
// (e.g. the decline after a denied permission) does not wipe the explanation.
export function showCallError(message: string): void {
  const alerts = document.getElementById("call-alerts");
  if (!alerts) return showBanner(message);
  clearCallError();
  alerts.append(h("p", { class: "error", role: "alert", "data-testid": "call-error" }, message));
}

export function clearCallError(): void {
  document.querySelector('[data-testid="call-error"]')?.remove();
}

export function releaseIncomingPrompt(): void {
  releaseIncoming?.();
  releaseIncoming = null;
}

export function setCallQuality(q: Quality | "reconnecting"): void {
  const el = document.querySelector('[data-testid="call-quality"]');
  if (!el) return;
  el.textContent = q === "reconnecting" ? "Reconnecting…" : `Network: ${q}`;
  el.setAttribute("data-quality", q);
}

/** Redraw the live call view with the current call (after the other party's media changed). */
export function refreshCallView(): void {
  if (state.call && view) view.update(state.call);
}

function stopTimer(): void {
  window.clearInterval(timer);
  timer = undefined;
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

export function renderCall(): void {
  const area = document.getElementById("call-area");
  if (!area) return;
  const call = state.call;
  const me = state.me?.user_id;
  if (!call || call.thread_id !== state.thread?.id) {
    stopTimer();
    view = null;
    clear(area);
    return;
  }
  if (call.state === "ringing" && call.callee_id === me && !state.session) {
    stopTimer();
    view = null;
    if (area.querySelector(`[data-testid="incoming-call"][data-call-id="${call.call_id}"]`)) return;
    clear(area);
    const prompt = incomingPrompt(call);
    area.append(prompt);
    // An incoming call is a dialog: focus goes to Accept and stays inside until answered.
    releaseIncoming?.();
    releaseIncoming = trapFocus(prompt, undefined, prompt.querySelector<HTMLElement>('[data-testid="call-accept"]'));
    return;
  }
  releaseIncomingPrompt();
  if (!state.session && !mediaHere(call.call_id)) {
    // Answered (or started) in another tab or on another device: no dead call panel here.
    stopTimer();
    view = null;
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
  if (view && view.callId === call.call_id && view.session === state.session && view.root.isConnected) {
    view.update(call);
    return;
  }
  clear(area);
  view = buildCallView(call, state.session);
  area.append(view.root);
  view.update(call);
  stopTimer();
  tickTimer();
  timer = window.setInterval(tickTimer, 1000);
}

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
    if (session) sendMediaState(call.call_id, session);
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
  const recordingOn = state.config?.recording_policy !== "off";
  const record = recordingOn
    ? h("button", {
        "data-testid": "call-record",
        onclick: () => void setConsent(current.call_id, !(current.consent ?? []).includes(me)),
      })
    : null;
  const consent = recordingOn ? consentView(me, nameOf, (agree) => setConsent(current.call_id, agree)) : null;
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
      h("button", { class: "hangup", "data-testid": "call-hangup", onclick: () => void hangUp(current.call_id) }, "Hang up"),
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

export function stopPreview(): void {
  state.preview?.getTracks().forEach((t) => t.stop());
  state.preview = null;
  const area = document.getElementById("device-area");
  if (area) clear(area);
}

// The device check has its own area: it never hides an incoming call, and whatever it picks
// is used by the next call without any extra click between accept and the call.
export async function deviceCheck(): Promise<void> {
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
