// The socket.io protocol, typed from the generated protocol types (src/generated/, made by
// `npm run generate` from signaling/api/events.py and the OpenAPI document): the payload of
// every client and server event, and the ack each client event returns.

import type { Socket } from "socket.io-client";

import type { components } from "./generated/api";
import type { ClientEventName, ClientEvents, ServerEventName, ServerEvents } from "./generated/events";

type Schemas = components["schemas"];
type CallAck = { call: Schemas["CallState"] };

/** What each client event acks on success, besides `ok: true` (docs/protocol.md, "ack"). */
export interface AckReplies {
  "thread:join": { thread: Schemas["Thread"]; messages: Schemas["Message"][]; has_more: boolean; call: Schemas["CallState"] | null };
  "message:send": { message: Schemas["Message"]; created: boolean };
  "call:start": CallAck;
  "call:accept": CallAck;
  "call:decline": CallAck;
  "call:cancel": CallAck;
  "call:hangup": CallAck;
  "rtc:offer": { type: "answer"; sdp: string };
  "rtc:restart": { type: "answer"; sdp: string };
  "rtc:candidate": Record<never, never>;
  "call:consent": CallAck;
  "call:media": Record<never, never>;
  "thread:read": { read: Schemas["ReadMark"] };
  "thread:typing": Record<never, never>;
}

/** Every failure ack: `{ok: false, code, reason}` (a policy block adds `labels`, a rate limit
 * `retry_after`); "timeout" when the server did not answer. */
export interface AckFailure {
  ok: false;
  code: string;
  reason?: string;
  retry_after?: number;
  labels?: string[];
}

export type AckOf<E extends ClientEventName> = ({ ok: true } & AckReplies[E]) | AckFailure;

/** Emit a client event with its payload type and wait for its typed ack. */
export function emitAck<E extends ClientEventName>(socket: Socket, event: E, payload: ClientEvents[E]): Promise<AckOf<E>> {
  return new Promise((resolve) => {
    socket.timeout(20000).emit(event, payload, (err: Error | null, ack: AckOf<E>) => {
      if (err) resolve({ ok: false, code: "timeout", reason: "The server did not answer in time." });
      else resolve(ack);
    });
  });
}

/** Listen to a server event with its payload type. */
export function onServer<E extends ServerEventName>(socket: Socket, event: E, handler: (payload: ServerEvents[E]) => void): void {
  socket.on(event as string, handler as (payload: unknown) => void);
}
