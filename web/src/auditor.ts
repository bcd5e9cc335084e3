// Auditor console: search calls (by a person's name or id), open a thread's timeline, verify,
// play recordings, export; the sidebar holds the case queue; charts have axes, values and a
// table.

import type { Api, Reply } from "./api";
import type { components } from "./generated/api";
import { openCaseButton, renderCasePanel, renderCaseQueue } from "./cases";
import { clear, h } from "./dom";
import { downloadFile, formatBytes } from "./files";
import { auditLabel, describeCall, formatDuration, formatTime, labelWords, nameWithId } from "./format";

// Every REST reply here is typed from the OpenAPI document (web/src/generated, `npm run
// generate`): the server's schemas say what it sends, and tests validate replies against them.
/** A call record as GET /api/audit/calls returns it. */
type CallRow = Reply<"search_calls">["calls"][number];
/** A thread's review: timeline items (told apart by `type`), audit chain, calls, cases. */
export type TimelineData = Reply<"thread_timeline">;
/** The body of a `file` message. */
type FileBody = components["schemas"]["FileMessage"];

/** Hooks other views (cases.ts) may set to extend the console without editing it. */
export const auditorHooks: {
  /** Called after a thread's review is drawn: add controls to ``detail``. */
  onTimeline?: (detail: HTMLElement, threadId: string, data: TimelineData, api: Api) => void;
} = {};

const token = (): string => sessionStorage.getItem("interview.token") ?? "";

export function renderAuditor(root: HTMLElement, api: Api, side?: HTMLElement): void {
  clear(root);
  const results = h("tbody", {});
  const detail = h("section", { id: "audit-detail", "aria-label": "Thread review", tabindex: "-1" });
  const more = h("button", { hidden: true }, "More results");
  const status = h("p", { class: "muted", role: "status", "data-testid": "audit-search-status" });
  const field = (name: string, label: string, type = "text", hint?: string): HTMLElement => {
    const id = `audit-${name}`;
    return h(
      "div",
      { class: "field" },
      h("label", { for: id }, label),
      h("input", { id, name, type, placeholder: hint ?? "", "data-testid": `audit-field-${name}` }),
    );
  };
  const select = (name: string, label: string, options: [string, string][]): HTMLElement => {
    const id = `audit-${name}`;
    return h(
      "div",
      { class: "field" },
      h("label", { for: id }, label),
      h("select", { id, name }, ...options.map(([value, text]) => h("option", { value }, text))),
    );
  };
  const fields = [
    field("participant", "Person", "text", "Name or user id"),
    field("job_id", "Job id"),
    field("from", "From", "date"),
    field("to", "To", "date"),
    select("kind", "Kind", [["", "Any kind"], ["audio", "Audio call"], ["video", "Video call"], ["zoom", "Zoom meeting"]]),
    select("flag", "Policy flag", [
      ["", "Any flag"],
      ...["email", "phone", "handle", "meeting_link", "file_share", "off_platform"].map((k): [string, string] => [k, labelWords([k])]),
    ]),
  ];
  const error = h("p", { class: "error", role: "alert" });
  let cursor: string | null = null;

  const query = (): URLSearchParams => {
    const params = new URLSearchParams();
    for (const el of root.querySelectorAll<HTMLInputElement | HTMLSelectElement>("form[data-testid=audit-search] [name]")) {
      if (!el.value) continue;
      const value = el.type === "date" ? new Date(el.value).toISOString() : el.value.trim();
      params.set(el.name, value);
    }
    return params;
  };

  const parties = (row: CallRow): string =>
    `${nameWithId(row.client_id ?? "", row.client_name)} ↔ ${nameWithId(row.freelancer_id ?? "", row.freelancer_name)}`;

  const search = async (append = false): Promise<void> => {
    error.textContent = "";
    const params = query();
    if (append && cursor) params.set("cursor", cursor);
    try {
      const data = await api.get<Reply<"search_calls">>(`/api/audit/calls?${params}`);
      if (!append) clear(results);
      for (const row of data.calls) {
        results.append(
          h(
            "tr",
            { "data-testid": "audit-result", "data-call-id": row.call_id },
            h("td", {}, formatTime(row.started_at, undefined, true)),
            h("td", {}, row.job_title ?? ""),
            h("td", {}, parties(row)),
            h("td", {}, row.record ? describeCall(row.record) : row.state),
            h("td", {}, row.recorded ? "Recorded" : "—"),
            h(
              "td",
              {},
              h("button", { class: "link", "aria-label": `Review ${row.job_title ?? row.thread_id}`, onclick: () => void openTimeline(row.thread_id) }, "Review"),
            ),
          ),
        );
      }
      cursor = data.next_cursor;
      more.hidden = !cursor;
      const shown = results.childElementCount;
      status.textContent = shown
        ? `${shown} call${shown === 1 ? "" : "s"}${cursor ? " (more available)" : ""}`
        : "No calls match. Search by part of a person's name, a user id or a job id.";
    } catch (e) {
      error.textContent = e instanceof Error ? e.message : String(e);
    }
  };

  const openTimeline = async (threadId: string): Promise<void> => {
    clear(detail);
    detail.append(h("p", { class: "muted" }, "Loading the thread…"));
    const data = await api.get<Reply<"thread_timeline">>(`/api/audit/threads/${threadId}/timeline`);
    const names = new Map<string, string>();
    if (data.thread.client_name) names.set(data.thread.client_id, data.thread.client_name);
    if (data.thread.freelancer_name) names.set(data.thread.freelancer_id, data.thread.freelancer_name);
    const who = (id: unknown): string => (id === "system" || id === undefined || id === null ? "Platform" : nameWithId(String(id), names.get(String(id))));
    const v = data.verification;
    const list = h("ol", { class: "timeline", "data-testid": "audit-timeline" });
    for (const item of data.timeline) {
      const message = item.type === "message" ? item : null;
      const body = message?.body ?? {};
      const file = message?.kind === "file" ? (body as FileBody) : null;
      let text: string;
      if (item.type === "blocked_message") text = `Not delivered (${labelWords(item.labels)}): ${item.original_text}`;
      else if (message?.kind === "call") text = describeCall(body);
      else if (file) text = `${file.name} (${formatBytes(file.size)}, ${file.content_type}, SHA-256 ${file.sha256.slice(0, 12)}…)`;
      else if (message?.kind === "policy") text = String(body.notice ?? "");
      else if (message?.kind === "schedule") text = String(body.summary ?? "");
      else if (message?.original_text) text = `${String(body.text)}  — original: ${message.original_text}`;
      else text = String(body.text ?? body.notice ?? body.name ?? "");
      const label = auditLabel(item.type, message?.kind, body.event ? String(body.event) : undefined);
      list.append(
        h(
          "li",
          { "data-type": item.type, "data-kind": message?.kind ?? "" },
          h("time", { datetime: item.at }, formatTime(item.at, undefined, true)),
          h("span", { class: `tag${message ? "" : " bad"}` }, label),
          h("span", { class: "who" }, who(item.author_id)),
          h(
            "span",
            { class: "what" },
            text,
            file
              ? h("button", { class: "link", "data-testid": "audit-file-download", onclick: () => void downloadFile(file.url, file.name) }, "Download")
              : null,
          ),
        ),
      );
    }
    const recordings = await api.get<Reply<"list_recordings">>(`/api/audit/recordings?thread_id=${threadId}`);
    const calls = new Map(data.calls.map((c) => [c.call_id, c]));
    const players = h("div", { class: "recordings" });
    for (const rec of recordings.recordings) {
      const call = calls.get(rec.call_id);
      const when = rec.started_at ? formatTime(rec.started_at, undefined, true) : "time unknown";
      const length = rec.duration_seconds ? formatDuration(rec.duration_seconds) : "length unknown";
      const between = `${who(data.thread.client_id)} and ${who(data.thread.freelancer_id)}`;
      const kind = call ? `${call.kind} call` : "call";
      const summary = `Recording of the ${kind} between ${between} · ${when} · ${length} · SHA-256 ${(rec.sha256 ?? "").slice(0, 12)}…`;
      // A shared screen is a track of its own in the recording: say who shared it, and when.
      const shares = (rec.screen_shares ?? []).map(
        (s) =>
          `${who(s.participant_id)} shared a screen ${formatDuration(s.start_seconds)}–${formatDuration(s.end_seconds)}` +
          (s.width && s.height ? ` (${s.width}×${s.height})` : ""),
      );
      const row = h(
        "details",
        { class: "recording", "data-testid": "audit-recording-row", "data-key": rec.key },
        h("summary", {}, summary),
      );
      row.addEventListener("toggle", () => {
        if (!row.open || row.querySelector("video")) return;
        const video = h("video", {
          controls: true,
          preload: "metadata",
          "data-testid": "audit-recording",
          "data-key": rec.key,
          "aria-label": summary,
        }) as HTMLVideoElement;
        row.append(video, h("p", { class: "muted hash" }, `SHA-256 ${rec.sha256 ?? "unknown"}`));
        void loadRecording(rec.composite_url ?? rec.url, video);
      });
      players.append(row, ...shares.map((text) => h("p", { class: "muted", "data-testid": "audit-screen-share" }, text)));
    }
    if (!recordings.recordings.length) players.append(h("p", { class: "muted" }, "No recordings in this thread."));
    const exportError = h("span", { class: "error" });
    const exportBundle = h(
      "button",
      {
        "data-testid": "audit-export",
        onclick: async () => {
          exportError.textContent = "";
          try {
            // The thread's bundle: exporting opens no case (the export is on the access chain).
            await download(`/api/audit/threads/${threadId}/bundle`, `thread-${threadId}.zip`);
          } catch (e) {
            exportError.textContent = e instanceof Error ? e.message : String(e);
          }
        },
      },
      "Export evidence bundle",
    );
    clear(detail);
    detail.append(
      h("h3", {}, `${data.thread.job_title} (${data.thread.stage})`),
      h("p", { class: "muted" }, `Between ${who(data.thread.client_id)} (client) and ${who(data.thread.freelancer_id)} (freelancer)`),
      h(
        "p",
        { "data-testid": "audit-verify-status", class: v.ok ? "ok" : "bad" },
        v.ok ? `Audit chain verified: ${v.checked} entries intact` : `Audit chain BROKEN at position ${v.first_bad_position}: ${v.reason}`,
      ),
      h(
        "div",
        { class: "row", "data-testid": "audit-actions" },
        exportBundle,
        openCaseButton(api, threadId, (caseId) => {
          void renderCasePanel(casePanel, api, caseId, (id) => void openTimeline(id), queue);
          void queue.refresh();
          void loadSide();
          casePanel.scrollIntoView();
        }),
        exportError,
      ),
      h("h4", {}, "Recordings"),
      players,
      h("h4", {}, "Timeline"),
      list,
    );
    auditorHooks.onTimeline?.(detail, threadId, data, api);
    detail.focus();
  };

  const loadRecording = async (url: string, video: HTMLVideoElement): Promise<void> => {
    const response = await fetch(url, { headers: { Authorization: `Bearer ${token()}` } });
    if (response.ok) video.src = URL.createObjectURL(await response.blob());
  };

  const download = async (url: string, filename: string): Promise<void> => {
    const response = await fetch(url, { headers: { Authorization: `Bearer ${token()}` } });
    if (!response.ok) throw new Error(`export failed (${response.status})`);
    const a = h("a", { href: URL.createObjectURL(await response.blob()), download: filename });
    document.body.append(a);
    a.click();
    a.remove();
  };

  const exportLink = (fmt: string): HTMLElement =>
    h(
      "button",
      {
        type: "button",
        "data-testid": `audit-export-${fmt}`,
        onclick: async () => {
          const response = await fetch(`/api/audit/calls.${fmt}?${query()}`, { headers: { Authorization: `Bearer ${token()}` } });
          const blob = await response.blob();
          const a = h("a", { href: URL.createObjectURL(blob), download: `calls.${fmt}` });
          document.body.append(a);
          a.click();
          a.remove();
        },
      },
      `Export ${fmt.toUpperCase()}`,
    );

  // ------------------------------------------------------------- sidebar and charts
  // The sidebar: queue counts, then the case queue (web/src/cases.ts) whose cases open in
  // the panel under the review.
  const sideRoot = side ?? h("aside", {});
  const counts = h("div", { class: "queue" });
  const cases = h("div", { class: "cases" });
  const casePanel = h("div", { id: "case-panel" });
  clear(sideRoot);
  sideRoot.append(h("h2", { class: "nav-title" }, "Review queue"), counts, h("h3", { class: "nav-sub" }, "Cases"), cases);
  const queue = renderCaseQueue(cases, casePanel, api, (id) => void openTimeline(id), () => void loadSide());
  const charts = h("section", { class: "charts", "aria-label": "Charts" });
  const loadSide = async (): Promise<void> => {
    const data = await api.get<Reply<"list_cases">>("/api/audit/cases");
    const byStatus: Record<string, number> = { open: 0, reviewing: 0, resolved: 0 };
    for (const c of data.cases) byStatus[c.status] = (byStatus[c.status] ?? 0) + 1;
    clear(counts);
    counts.append(
      h("p", { "data-testid": "open-cases", class: "queue-open" }, `Open cases: ${byStatus.open}`),
      h(
        "dl",
        { class: "queue-counts", "data-testid": "queue-counts" },
        ...(["open", "reviewing", "resolved"] as const).flatMap((s) => [h("dt", {}, s[0].toUpperCase() + s.slice(1)), h("dd", {}, String(byStatus[s]))]),
      ),
    );
    const stats = await api.get<Reply<"stats">>("/api/audit/stats");
    const total = (byDay: Record<string, Record<string, number>>): Record<string, number> =>
      Object.fromEntries(Object.entries(byDay).map(([d, kinds]) => [d, Object.values(kinds).reduce((a, b) => a + b, 0)]));
    clear(charts);
    charts.append(
      h("h3", {}, "Activity"),
      barChart("Calls per day", "chart-calls", total(stats.calls_per_day), "calls", (v) => String(Math.round(v))),
      barChart("Median connected time per day", "chart-duration", stats.median_connected_seconds, "duration", (v) => formatDuration(v)),
      barChart("Policy findings per day", "chart-findings", total(stats.findings_per_day), "findings", (v) => String(Math.round(v))),
    );
  };

  const form = h(
    "form",
    {
      "data-testid": "audit-search",
      "aria-label": "Search calls",
      onsubmit: (event: Event) => {
        event.preventDefault();
        void search();
      },
    },
    ...fields,
    h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "Search"), exportLink("csv"), exportLink("jsonl")),
  );
  more.addEventListener("click", () => void search(true));
  root.append(
    h(
      "div",
      { class: "audit" },
      h("h2", {}, "Call logs"),
      form,
      error,
      status,
      h(
        "div",
        { class: "table-scroll", tabindex: "0", role: "region", "aria-label": "Search results" },
        h(
          "table",
          {},
          h("thead", {}, h("tr", {}, ...["When", "Job", "Parties", "Call", "Recording", "Action"].map((c) => h("th", { scope: "col" }, c)))),
          results,
        ),
      ),
      more,
      detail,
      casePanel,
      charts,
    ),
  );
  void search();
  void loadSide();
}

/** An SVG bar chart with a y axis (0 and the maximum), day labels, each bar's value, and the
 * same numbers as a table for screen readers and copying. */
function barChart(title: string, testId: string, series: Record<string, number>, unit: string, fmt: (v: number) => string): HTMLElement {
  const days = Object.keys(series).sort().slice(-14);
  const values = days.map((d) => series[d]);
  const max = Math.max(1, ...values);
  const W = 320;
  const H = 150;
  const left = 44;
  const bottom = 24;
  const top = 16;
  const plotH = H - bottom - top;
  const slot = days.length ? (W - left - 8) / days.length : 0;
  const ns = "http://www.w3.org/2000/svg";
  const el = (tag: string, attrs: Record<string, string | number>, text?: string): SVGElement => {
    const node = document.createElementNS(ns, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const svg = el("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": `${title}: ${days.length ? days.map((d, i) => `${d} ${fmt(values[i])}`).join(", ") : "no data"}` });
  svg.append(
    el("line", { x1: left, y1: top, x2: left, y2: top + plotH, class: "axis" }),
    el("line", { x1: left, y1: top + plotH, x2: W - 4, y2: top + plotH, class: "axis" }),
    el("text", { x: left - 4, y: top + 4, "text-anchor": "end", class: "tick" }, fmt(max)),
    el("text", { x: left - 4, y: top + plotH, "text-anchor": "end", class: "tick" }, "0"),
  );
  days.forEach((d, i) => {
    const v = values[i];
    const bh = (v / max) * plotH;
    const x = left + i * slot + slot * 0.15;
    const w = Math.max(2, slot * 0.7);
    svg.append(
      el("rect", { x, y: top + plotH - bh, width: w, height: bh, class: "bar" }),
      el("text", { x: x + w / 2, y: top + plotH - bh - 3, "text-anchor": "middle", class: "value" }, fmt(v)),
    );
    if (days.length <= 7 || i === 0 || i === days.length - 1) {
      svg.append(el("text", { x: x + w / 2, y: H - 8, "text-anchor": "middle", class: "tick" }, d.slice(5)));
    }
  });
  if (!days.length) svg.append(el("text", { x: W / 2, y: H / 2, "text-anchor": "middle", class: "tick" }, "No data yet"));
  const table = h(
    "table",
    { class: "chart-table" },
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Day"), h("th", { scope: "col" }, unit))),
    h("tbody", {}, ...days.map((d, i) => h("tr", {}, h("td", {}, d), h("td", {}, fmt(values[i]))))),
  );
  return h(
    "figure",
    { class: "chart", "data-testid": testId },
    h("figcaption", {}, title),
    svg as unknown as HTMLElement,
    h("details", {}, h("summary", {}, "Show as a table"), table),
  );
}
