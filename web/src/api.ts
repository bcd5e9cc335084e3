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

export interface Thread {
  id: string;
  job_id: string;
  job_title: string;
  client_id: string;
  freelancer_id: string;
  client_name: string | null;
  freelancer_name: string | null;
  stage: string;
  pre_contract: boolean;
  created_at: string;
}

export interface Me {
  user_id: string;
  name: string;
  role: string;
}

export interface Config {
  dev_mode: boolean;
  zoom_enabled: boolean;
  recording_policy: string;
  policy_action: string;
}

export interface CallState {
  call_id: string;
  thread_id: string;
  kind: "audio" | "video";
  initiator_id: string;
  callee_id: string;
  state: string;
  end_reason: string | null;
  connected_at: string | null;
  recording: { status?: string } | null;
  consent?: string[];
}

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
