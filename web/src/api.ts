// REST client: JSON in and out, RFC 9457 problems turned into ApiError.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export class Api {
  constructor(private token: string | null) {}

  setToken(token: string | null): void {
    this.token = token;
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, "network", "The server cannot be reached. Check your connection.");
    }
    const text = await response.text();
    const data = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (!response.ok) {
      const { code, detail, ...extra } = data;
      throw new ApiError(
        response.status,
        String(code ?? "error"),
        String(detail ?? response.statusText),
        extra,
      );
    }
    return data as T;
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>("GET", path);
  }

  post<T>(path: string, body: unknown): Promise<T> {
    return this.request<T>("POST", path, body);
  }
}

// The shapes of REST bodies and socket.io payloads are generated from the server's OpenAPI
// document and signaling/api/events.py (`npm run generate`; CI fails if they drift).
import type { components, operations } from "./generated/api";

type Schemas = components["schemas"];

export type Thread = Schemas["Thread"];
export type Me = Schemas["Me"];
export type Config = Schemas["Config"];
export type CallState = Schemas["CallState"];
export type Message = Schemas["Message"];

type Responses<Op extends keyof operations> = operations[Op]["responses"];
type JsonOf<R> = R extends { content: { "application/json": infer T } } ? T : never;

/** The JSON body a successful call of an operation (by its operationId) returns. */
export type Reply<Op extends keyof operations> = JsonOf<
  Responses<Op>[Extract<keyof Responses<Op>, 200 | 201>]
>;

/** The JSON request body of an operation (by its operationId). */
export type RequestBody<Op extends keyof operations> = operations[Op] extends {
  requestBody?: { content: { "application/json": infer T } };
}
  ? T
  : never;

/** Split a sign-in token out of a URL fragment (`#token=…&thread=…`): the token, and the
 * fragment to leave in the address bar ("" when nothing else was there). Sign-in links put
 * the token in the fragment because browsers never send fragments to servers or in Referer. */
export function takeTokenFromHash(hash: string): { token: string | null; rest: string } {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const token = params.get("token");
  if (!token) return { token: null, rest: hash };
  params.delete("token");
  const rest = params.toString();
  return { token, rest: rest ? `#${rest}` : "" };
}
