// The client's state, in one explicit store. Views read it and controllers (threads.ts,
// calls.ts, outbox.ts, socket.ts) change it; nothing else keeps application state. What is
// only a view's business (the rendered message elements, timers) stays in that view's module.

import type { Socket } from "socket.io-client";

import { Api, type CallState, type Config, type Me, type Thread } from "./api";
import type { CallSession, DeviceChoice } from "./call";
import { orderByActivity, type Activity, type Message } from "./format";
import type { ServerEvents } from "./generated/events";

export const TOKEN_KEY = "interview.token";
export const APP_TITLE = "Interviews";

export interface ReadMark {
  delivered_seq: number;
  read_seq: number;
}

/** A message typed while offline (or not yet acknowledged): sent with its client_msg_id. */
export interface Pending {
  threadId: string;
  text: string;
  id: string;
  at: string;
}

/** What the other party last reported through call:media. */
export type RemoteMedia = ServerEvents["call:media"];

export interface State {
  api: Api;
  config: Config | null;
  me: Me | null;
  socket: Socket | null;
  threads: Thread[];
  /** The open thread and its messages, in seq order. */
  thread: Thread | null;
  messages: Message[];
  call: CallState | null;
  session: CallSession | null;
  devices: DeviceChoice;
  names: Map<string, string>;
  remoteMedia: RemoteMedia | null;
  /** The device-check preview stream, stopped before a call takes the devices. */
  preview: MediaStream | null;
  /** Per thread: last message, preview, unread count. */
  activity: Map<string, Activity>;
  /** Per thread, per party: the seq their client received and saw. */
  reads: Map<string, Map<string, ReadMark>>;
  /** Messages not yet acknowledged by the server, oldest first (kept across reloads). */
  outbox: Pending[];
  /** Threads whose room this socket joined (their message:new events reach us). */
  joined: Set<string>;
}

export const state: State = {
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
  remoteMedia: null,
  preview: null,
  activity: new Map(),
  reads: new Map(),
  outbox: [],
  joined: new Set(),
};

export function nameOf(userId: string): string {
  if (userId === "system") return "Platform";
  if (userId === state.me?.user_id) return "You";
  return state.names.get(userId) ?? userId;
}

export function otherParty(thread: Thread): string {
  return state.me?.user_id === thread.client_id ? thread.freelancer_id : thread.client_id;
}

export function isAuditor(): boolean {
  return state.me?.role === "auditor" || state.me?.role === "admin";
}

export function orderedThreads(): Thread[] {
  return orderByActivity(state.threads, state.activity);
}

export function totalUnread(): number {
  let n = 0;
  for (const a of state.activity.values()) n += a.unread;
  return n;
}

export function isNarrow(): boolean {
  return window.matchMedia("(max-width: 720px)").matches;
}
