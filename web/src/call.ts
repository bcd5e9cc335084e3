// One WebRTC call between this browser and the server's media peer.
// The browser always offers; the server answers. Candidates trickle after the offer's ack.

import type { Socket } from "socket.io-client";

import { intervalLoss, qualityFrom, type Quality } from "./format";
import { emitAck } from "./protocol";

/** How long ICE may stay "disconnected" before the browser restarts it. */
const DISCONNECTED_RESTART_MS = 3000;
/** A restarted peer that has not connected by then is restarted again (the server takes at
 * most 5 restarts a minute from a party). */
const RESTART_RETRY_MS = 15000;

export interface DeviceChoice {
  audioId?: string;
  videoId?: string;
}

/** Turn getUserMedia failures into messages a person can act on. */
export function mediaErrorMessage(error: unknown): string {
  const name = error instanceof DOMException ? error.name : "";
  if (name === "NotAllowedError" || name === "SecurityError") {
    return "Camera or microphone permission was denied. Allow access in the browser's site settings and try again.";
  }
  if (name === "NotFoundError" || name === "OverconstrainedError") {
    return "No camera or microphone was found. Connect one, or start an audio call.";
  }
  if (name === "NotReadableError") {
    return "The camera or microphone is in use by another application.";
  }
  return `Could not start the camera or microphone${error instanceof Error ? `: ${error.message}` : "."}`;
}

export async function getLocalMedia(kind: "audio" | "video", devices: DeviceChoice): Promise<MediaStream> {
  return navigator.mediaDevices.getUserMedia({
    audio: devices.audioId ? { deviceId: { exact: devices.audioId } } : true,
    video:
      kind === "video"
        ? devices.videoId
          ? { deviceId: { exact: devices.videoId } }
          : { width: { ideal: 640 }, height: { ideal: 480 } }
        : false,
  });
}

export class CallSession {
  pc: RTCPeerConnection;
  readonly remote = new MediaStream();
  private pendingCandidates: RTCIceCandidateInit[] = [];
  private offered = false;
  private statsTimer: number | undefined;
  private restarting = false;
  private restartTimer: number | undefined;
  private closed = false;
  // Packet counters at the previous stats sample: quality reflects the last interval, not
  // the whole call (a burst of loss a minute ago should not keep the indicator red).
  private lastLost = 0;
  private lastReceived = 0;
  /** Whether our microphone / camera are on (mute and camera-off keep the tracks, disabled). */
  audioEnabled = true;
  videoEnabled = true;
  onQuality: (q: Quality) => void = () => {};
  /** Media liveness: false as soon as a stats sample sees no packet from the other side
   * (a reload, a network drop), true again when packets flow. */
  onLive: (live: boolean) => void = () => {};
  private live = true;
  /** Audio levels (0..1) of our microphone and of the other side, from getStats. */
  onLevels: (local: number, remote: number) => void = () => {};
  private levelTimer: number | undefined;
  onError: (message: string) => void = () => {};

  constructor(
    private readonly socket: Socket,
    readonly callId: string,
    readonly local: MediaStream,
    private readonly iceServers: RTCIceServer[],
  ) {
    this.pc = this.newPeer();
    this.statsTimer = window.setInterval(() => void this.sampleStats(), 1000);
    this.levelTimer = window.setInterval(() => void this.sampleLevels(), 250);
  }

  // The server answers every offer (including a restart) with a fresh peer of its own, so a
  // restart also uses a fresh RTCPeerConnection here; the local tracks carry over.
  private newPeer(): RTCPeerConnection {
    const pc = new RTCPeerConnection({ iceServers: this.iceServers });
    for (const track of this.local.getTracks()) {
      pc.addTrack(track.kind === "video" && this.sharing && this.screen ? this.screen : track, this.local);
    }
    pc.ontrack = (event) => {
      for (const old of this.remote.getTracks()) {
        if (old.kind === event.track.kind) this.remote.removeTrack(old);
      }
      this.remote.addTrack(event.track);
    };
    pc.onicecandidate = (event) => {
      if (!event.candidate || pc !== this.pc) return;
      const init = event.candidate.toJSON();
      if (this.offered) void this.sendCandidate(init);
      else this.pendingCandidates.push(init);
    };
    pc.onconnectionstatechange = () => {
      if (pc === this.pc && pc.connectionState === "connected") performance.mark(`call:${this.callId}:connected`);
    };
    pc.oniceconnectionstatechange = () => {
      if (pc !== this.pc) return;
      const state = pc.iceConnectionState;
      if (state === "connected" || state === "completed") {
        window.clearTimeout(this.restartTimer);
        this.restartTimer = undefined;
        if (state === "connected") performance.mark(`call:${this.callId}:ice`);
      } else if (state === "failed") {
        void this.restart();
      } else if (state === "disconnected") {
        // Chromium leaves a path that died (a network change, a relay gone) "disconnected"
        // and may never call it "failed"; waiting for "failed" outlasts the server's grace.
        this.restartAfter(DISCONNECTED_RESTART_MS);
      }
    };
    return pc;
  }

  private async sendCandidate(init: RTCIceCandidateInit): Promise<void> {
    await emitAck(this.socket, "rtc:candidate", {
      call_id: this.callId,
      candidate: init.candidate ?? "",
      sdpMid: init.sdpMid ?? null,
      sdpMLineIndex: init.sdpMLineIndex ?? null,
    });
  }

  async connect(event: "rtc:offer" | "rtc:restart" = "rtc:offer"): Promise<void> {
    this.offered = false;
    // Timing marks (performance.getEntriesByType("mark")) for benchmarks/call_setup.py.
    performance.mark(`call:${this.callId}:offer`);
    await this.pc.setLocalDescription(await this.pc.createOffer());
    const ack = await emitAck(this.socket, event, {
      call_id: this.callId,
      sdp: this.pc.localDescription?.sdp ?? "",
    });
    if (!ack.ok) throw new Error(ack.reason ?? "The server refused the media offer.");
    if (!ack.sdp) throw new Error("The server refused the media offer.");
    performance.mark(`call:${this.callId}:answer`);
    await this.pc.setRemoteDescription({ type: "answer", sdp: ack.sdp });
    this.offered = true;
    for (const c of this.pendingCandidates.splice(0)) await this.sendCandidate(c);
  }

  private restartAfter(ms: number): void {
    if (this.restartTimer !== undefined || this.closed) return;
    this.restartTimer = window.setTimeout(() => {
      this.restartTimer = undefined;
      void this.restart();
    }, ms);
  }

  async restart(): Promise<void> {
    if (this.restarting || this.closed) return;
    this.restarting = true;
    window.clearTimeout(this.restartTimer);
    this.restartTimer = undefined;
    // The fresh peer may not connect either (the network is still away): try again later.
    this.restartAfter(RESTART_RETRY_MS);
    try {
      const old = this.pc;
      this.pc = this.newPeer();
      this.lastLost = 0;
      this.lastReceived = 0;
      old.close();
      await this.connect("rtc:restart");
    } catch (error) {
      this.onError(error instanceof Error ? error.message : "Reconnecting the call failed.");
    } finally {
      this.restarting = false;
    }
  }

  /** Switch the camera or microphone mid-call: the new track replaces the old one on the same
   * sender (replaceTrack), so nothing is renegotiated; mute and camera-off carry over. */
  async switchDevice(kind: "audio" | "video", deviceId: string): Promise<MediaStreamTrack> {
    const constraints = { deviceId: { exact: deviceId } };
    const fresh = await navigator.mediaDevices.getUserMedia(kind === "audio" ? { audio: constraints } : { video: constraints });
    const track = fresh.getTracks()[0];
    track.enabled = kind === "audio" ? this.audioEnabled : this.videoEnabled;
    const sender = this.pc.getSenders().find((x) => x.track?.kind === kind);
    if (sender) await sender.replaceTrack(track);
    for (const old of this.local.getTracks()) {
      if (old.kind !== kind) continue;
      this.local.removeTrack(old);
      old.stop();
    }
    this.local.addTrack(track);
    return track;
  }

  /** Whether the video sender carries a shared screen instead of the camera. */
  sharing = false;
  private camera: MediaStreamTrack | null = null;
  private screen: MediaStreamTrack | null = null;
  /** The shared screen stopped (the browser's own "Stop sharing", or stopScreen). */
  onScreenChange: (sharing: boolean) => void = () => {};

  /** Share a screen or window in place of the camera, on the same sender (replaceTrack): it is
   * forwarded and recorded like the camera, without renegotiating; the camera comes back after. */
  async shareScreen(): Promise<void> {
    if (this.sharing) return;
    const sender = this.pc.getSenders().find((x) => x.track?.kind === "video");
    if (!sender) throw new Error("Screen sharing needs a video call.");
    const display = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 15 } }, audio: false });
    const track = display.getVideoTracks()[0];
    track.contentHint = "detail";
    this.camera = sender.track;
    this.screen = track;
    await sender.replaceTrack(track);
    this.sharing = true;
    track.addEventListener("ended", () => void this.stopScreen());
    this.onScreenChange(true);
  }

  async stopScreen(): Promise<void> {
    if (!this.sharing) return;
    this.sharing = false;
    const sender = this.pc.getSenders().find((x) => x.track === this.screen);
    this.screen?.stop();
    this.screen = null;
    const camera = this.local.getVideoTracks()[0] ?? this.camera;
    if (sender) await sender.replaceTrack(camera);
    this.camera = null;
    this.onScreenChange(false);
  }

  setTrackEnabled(kind: "audio" | "video", enabled: boolean): void {
    if (kind === "audio") this.audioEnabled = enabled;
    else this.videoEnabled = enabled;
    for (const track of this.local.getTracks()) if (track.kind === kind) track.enabled = enabled;
  }

  private async sampleStats(): Promise<void> {
    let rtt: number | null = null;
    let lost = 0;
    let received = 0;
    const report = await this.pc.getStats();
    report.forEach((s: Record<string, unknown>) => {
      if (s.type === "candidate-pair" && s.state === "succeeded" && typeof s.currentRoundTripTime === "number") {
        rtt = s.currentRoundTripTime * 1000;
      }
      if (s.type === "inbound-rtp") {
        lost += Number(s.packetsLost ?? 0);
        received += Number(s.packetsReceived ?? 0);
      }
    });
    const dLost = Math.max(0, lost - this.lastLost);
    const dReceived = Math.max(0, received - this.lastReceived);
    const flowedBefore = this.lastReceived > 0 || !this.live;
    this.lastLost = lost;
    this.lastReceived = received;
    const live = dReceived > 0 || !flowedBefore;
    if (live !== this.live) {
      this.live = live;
      this.onLive(live);
    }
    if (live) this.onQuality(qualityFrom(rtt, intervalLoss(dLost, dReceived)));
  }

  private async sampleLevels(): Promise<void> {
    let local = 0;
    let remote = 0;
    const report = await this.pc.getStats();
    report.forEach((s: Record<string, unknown>) => {
      if (s.kind !== "audio" || typeof s.audioLevel !== "number") return;
      if (s.type === "media-source") local = Math.max(local, s.audioLevel);
      if (s.type === "inbound-rtp") remote = Math.max(remote, s.audioLevel);
    });
    this.onLevels(this.audioEnabled ? local : 0, remote);
  }

  close(): void {
    this.closed = true;
    window.clearTimeout(this.restartTimer);
    window.clearInterval(this.statsTimer);
    window.clearInterval(this.levelTimer);
    for (const track of this.local.getTracks()) track.stop();
    this.pc.close();
  }
}

/** A short ring tone with WebAudio (no audio files); silent if the browser blocks audio. */
export class Ringer {
  private ctx: AudioContext | null = null;
  private timer: number | undefined;

  start(): void {
    if (this.ctx) return; // already ringing
    // Browsers only let a page make sound after the person has interacted with it; without
    // that the visual prompt is the whole alert (and no AudioContext warning is logged).
    if (navigator.userActivation && !navigator.userActivation.hasBeenActive) return;
    try {
      this.ctx = new AudioContext();
    } catch {
      return;
    }
    const beep = (): void => {
      if (!this.ctx) return;
      const osc = this.ctx.createOscillator();
      const gain = this.ctx.createGain();
      osc.frequency.value = 440;
      gain.gain.value = 0.05;
      osc.connect(gain).connect(this.ctx.destination);
      osc.start();
      osc.stop(this.ctx.currentTime + 0.4);
    };
    beep();
    this.timer = window.setInterval(beep, 1500);
  }

  stop(): void {
    window.clearInterval(this.timer);
    void this.ctx?.close();
    this.ctx = null;
  }
}

/** The part of the call state the consent panel reads (see CallState in the API types). */
export interface ConsentState {
  call_id: string;
  initiator_id: string;
  callee_id: string;
  consent?: string[];
  declined?: string[];
  recording?: { status?: unknown } | null;
}

/** Recording consent, both ways: a party asks (gives consent); the other gets a prompt with
 * Accept and Decline; both always see the current state. Recording itself starts only when the
 * server's rule holds (both parties consent); this view only reports it. */
export function consentView(
  me: string,
  nameOf: (userId: string) => string,
  send: (consent: boolean) => Promise<void>,
): { root: HTMLElement; update: (call: ConsentState) => void } {
  const status = document.createElement("p");
  status.className = "consent-status";
  status.dataset.testid = "consent-status";
  status.setAttribute("aria-live", "polite");
  const prompt = document.createElement("div");
  prompt.className = "consent-prompt";
  prompt.dataset.testid = "consent-prompt";
  prompt.setAttribute("role", "alertdialog");
  prompt.setAttribute("aria-labelledby", "consent-prompt-title");
  prompt.hidden = true;
  const title = document.createElement("strong");
  title.id = "consent-prompt-title";
  const accept = document.createElement("button");
  accept.dataset.testid = "consent-accept";
  accept.className = "accept";
  accept.textContent = "Accept recording";
  const decline = document.createElement("button");
  decline.dataset.testid = "consent-decline";
  decline.className = "decline";
  decline.textContent = "Decline";
  prompt.append(title, " ", accept, " ", decline);
  accept.addEventListener("click", () => void send(true));
  decline.addEventListener("click", () => void send(false));
  const root = document.createElement("div");
  root.className = "consent";
  root.append(prompt, status);
  let prompted = "";
  return {
    root,
    update: (call) => {
      const other = call.initiator_id === me ? call.callee_id : call.initiator_id;
      const yes = new Set(call.consent ?? []);
      const no = new Set(call.declined ?? []);
      const who = nameOf(other);
      const recording = call.recording?.status === "recording";
      const asked = yes.has(other) && !yes.has(me) && !no.has(me);
      prompt.hidden = !asked;
      root.dataset.state = recording
        ? "recording"
        : asked
          ? "asked"
          : yes.has(me) && no.has(other)
            ? "declined"
            : yes.has(me)
              ? "waiting"
              : "off";
      title.textContent = `${who} asks to record this call. Recording starts only if you both agree.`;
      if (asked && prompted !== call.call_id) {
        prompted = call.call_id;
        accept.focus();
      }
      if (!asked) prompted = "";
      status.textContent = recording
        ? "Recording: on — both of you agreed."
        : yes.has(me) && yes.has(other)
          ? "Recording: starting…"
          : yes.has(me) && no.has(other)
            ? `Recording: off — ${who} declined.`
            : yes.has(me)
              ? `Recording: off — waiting for ${who} to agree.`
              : asked
                ? `Recording: off — ${who} asked to record.`
                : no.has(me) && yes.has(other)
                  ? "Recording: off — you declined."
                  : "Recording: off.";
    },
  };
}

/** Initials for an avatar ("Felix Freelancer" → "FF", "demo-client" → "DC"). */
export function initials(name: string): string {
  const words = name.split(/[\s._-]+/).filter(Boolean);
  const letters = words.length > 1 ? [words[0], words[words.length - 1]] : words;
  return letters.map((w) => Array.from(w)[0]?.toUpperCase() ?? "").join("") || "?";
}

/** Above this audio level (0..1, getStats' audioLevel) a tile shows its person speaking. */
export const SPEAKING_LEVEL = 0.02;

/** One person's tile: their video (or, in an audio call or with the camera off, their initials),
 * always labelled with their name, with a speaking indicator driven by ``setLevel``. */
export function mediaTile(
  video: HTMLVideoElement,
  name: string,
  who: "local" | "remote",
  kind: "audio" | "video",
  label: string = name,
): {
  root: HTMLElement;
  setLevel: (level: number) => void;
  setCamera: (on: boolean) => void;
  setLabel: (text: string) => void;
} {
  const root = document.createElement("figure");
  root.className = `tile ${who}`;
  root.dataset.testid = `tile-${who}`;
  root.dataset.speaking = "false";
  const avatar = document.createElement("div");
  avatar.className = "avatar";
  avatar.dataset.testid = `avatar-${who}`;
  avatar.setAttribute("aria-hidden", "true");
  avatar.textContent = initials(name);
  const caption = document.createElement("figcaption");
  caption.dataset.testid = `tile-name-${who}`;
  caption.textContent = label;
  root.append(video, avatar, caption);
  const setCamera = (on: boolean): void => {
    video.hidden = !on;
    avatar.hidden = on;
  };
  setCamera(kind === "video");
  return {
    root,
    setLevel: (level) => {
      root.dataset.speaking = String(level >= SPEAKING_LEVEL);
    },
    setCamera: (on) => setCamera(kind === "video" && on),
    setLabel: (text) => {
      caption.textContent = text;
    },
  };
}

/** Camera, microphone and (where the browser can) speaker pickers for a call in progress. */
export function deviceControls(session: CallSession, remote: HTMLMediaElement, kind: "audio" | "video", onError: (message: string) => void): HTMLElement {
  const root = document.createElement("div");
  root.className = "call-devices";
  root.dataset.testid = "call-devices";
  root.setAttribute("role", "group");
  root.setAttribute("aria-label", "Devices");
  const picker = (label: string, testid: string, devices: MediaDeviceInfo[], current: string | undefined, pick: (id: string) => Promise<void>): void => {
    if (devices.length === 0) return;
    const select = document.createElement("select");
    select.dataset.testid = testid;
    select.setAttribute("aria-label", label);
    for (const d of devices) {
      const option = document.createElement("option");
      option.value = d.deviceId;
      option.textContent = d.label || label;
      option.selected = d.deviceId === current;
      select.append(option);
    }
    select.addEventListener("change", () => {
      select.disabled = true;
      pick(select.value)
        .catch((error: unknown) => onError(mediaErrorMessage(error)))
        .finally(() => {
          select.disabled = false;
        });
    });
    const wrap = document.createElement("label");
    wrap.append(`${label} `, select);
    root.append(wrap);
  };
  void navigator.mediaDevices.enumerateDevices().then((all) => {
    const inUse = (k: "audio" | "video"): string | undefined => session.local.getTracks().find((t) => t.kind === k)?.getSettings().deviceId;
    if (kind === "video") {
      picker("Camera", "device-camera", all.filter((d) => d.kind === "videoinput"), inUse("video"), async (id) => {
        await session.switchDevice("video", id);
      });
    }
    picker("Microphone", "device-microphone", all.filter((d) => d.kind === "audioinput"), inUse("audio"), async (id) => {
      await session.switchDevice("audio", id);
    });
    // Output selection exists only where the browser implements setSinkId (Chromium, not Safari).
    const sink = remote as HTMLMediaElement & { setSinkId?: (id: string) => Promise<void>; sinkId?: string };
    if (typeof sink.setSinkId === "function") {
      picker("Speaker", "device-speaker", all.filter((d) => d.kind === "audiooutput"), sink.sinkId || "default", async (id) => {
        await sink.setSinkId?.(id);
      });
    }
  });
  return root;
}
