// Auditor console: search calls, open a thread's timeline, verify, export, cases, charts.

import type { Api } from "./api";
import { openCaseButton, renderCasePanel, renderCaseQueue } from "./cases";
import { clear, h } from "./dom";
import { downloadFile, formatBytes } from "./files";
import { describeCall, formatTime } from "./format";

interface CallRow {
  call_id: string;
  thread_id: string;
  job_title: string;
  client_id: string;
  freelancer_id: string;
  kind: string;
  state: string;
  end_reason: string | null;
  started_at: string;
  connected_seconds: number | null;
  recorded: boolean;
  record: Record<string, unknown> | null;
}

export function renderAuditor(root: HTMLElement, api: Api): void {
  clear(root);
  const results = h("tbody", {});
  const detail = h("section", { id: "audit-detail" });
  const more = h("button", { hidden: true }, "More results");
  const field = (name: string, label: string, type = "text"): HTMLInputElement => {
    return h("input", { name, type, placeholder: label, "aria-label": label }) as HTMLInputElement;
  };
  const inputs = [
    field("participant", "Participant id"),
    field("job_id", "Job id"),
    field("from", "From", "date"),
    field("to", "To", "date"),
  ];
  const kind = h("select", { name: "kind", "aria-label": "Kind" }, h("option", { value: "" }, "any kind"),
    ...["audio", "video", "zoom"].map((k) => h("option", { value: k }, k)));
  const flag = h("select", { name: "flag", "aria-label": "Policy flag" }, h("option", { value: "" }, "any flag"),
    ...["email", "phone", "handle", "meeting_link", "file_share", "off_platform"].map((k) => h("option", { value: k }, k)));
  const error = h("p", { class: "error", role: "alert" });
  let cursor: string | null = null;

  const query = (): URLSearchParams => {
    const params = new URLSearchParams();
    for (const input of inputs) {
      if (!input.value) continue;
      const value = input.type === "date" ? new Date(input.value).toISOString() : input.value;
      params.set(input.name, value);
    }
    if (kind.value) params.set("kind", kind.value);
    if (flag.value) params.set("flag", flag.value);
    return params;
  };

  const search = async (append = false): Promise<void> => {
    error.textContent = "";
    const params = query();
    if (append && cursor) params.set("cursor", cursor);
    try {
      const data = await api.get<{ calls: CallRow[]; next_cursor: string | null }>(`/api/audit/calls?${params}`);
      if (!append) clear(results);
      for (const row of data.calls) {
        results.append(
          h(
            "tr",
            { "data-testid": "audit-result", "data-call-id": row.call_id },
            h("td", {}, formatTime(row.started_at, undefined, true)),
            h("td", {}, row.job_title),
            h("td", {}, `${row.client_id} ↔ ${row.freelancer_id}`),
            h("td", {}, row.record ? describeCall(row.record) : row.state),
            h("td", {}, row.recorded ? "recorded" : ""),
            h("td", {}, h("button", { class: "link", onclick: () => void openTimeline(row.thread_id) }, "Review")),
          ),
        );
      }
      cursor = data.next_cursor;
      more.hidden = !cursor;
    } catch (e) {
      error.textContent = e instanceof Error ? e.message : String(e);
    }
  };

  const openTimeline = async (threadId: string): Promise<void> => {
    clear(detail);
    const data = await api.get<{
      thread: { job_title: string; stage: string };
      timeline: Record<string, unknown>[];
      verification: { ok: boolean; checked: number; reason: string; first_bad_position: number | null };
      cases: { id: string; status: string; reason: string }[];
    }>(`/api/audit/threads/${threadId}/timeline`);
    const v = data.verification;
    const list = h("ol", { "data-testid": "audit-timeline" });
    for (const item of data.timeline) {
      const body = (item.body ?? {}) as Record<string, unknown>;
      let text: string;
      if (item.type === "blocked_message") text = `BLOCKED (${(item.labels as string[]).join(", ")}): ${String(item.original_text)}`;
      else if (item.kind === "call") text = describeCall(body);
      else if (item.kind === "file") text = `File ${String(body.name)} (${formatBytes(Number(body.size))}, ${String(body.content_type)}, SHA-256 ${String(body.sha256).slice(0, 12)}…)`;
      else if (item.original_text) text = `${String(body.text)}  — original: ${String(item.original_text)}`;
      else text = String(body.text ?? body.notice ?? item.kind ?? "");
      const file =
        item.kind === "file"
          ? h("button", { class: "link", "data-testid": "audit-file-download", onclick: () => void downloadFile(String(body.url), String(body.name)) }, "Download")
          : null;
      list.append(h("li", {}, h("time", {}, formatTime(String(item.at), undefined, true)), " ", `${String(item.author_id ?? "")}: `, text, file ? " " : null, file));
    }
    const recordings = await api.get<{ recordings: { key: string; url: string; composite_url: string | null; sha256: string }[] }>(
      `/api/audit/recordings?thread_id=${threadId}`,
    );
    const players = h("div", { class: "recordings" });
    for (const rec of recordings.recordings) {
      const video = h("video", { controls: true, "data-testid": "audit-recording", "data-key": rec.key }) as HTMLVideoElement;
      players.append(h("div", {}, video, h("div", { class: "muted" }, `SHA-256 ${rec.sha256.slice(0, 16)}…`)));
      void loadRecording(rec.composite_url ?? rec.url, video);
    }
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
    detail.append(
      h("h3", {}, `${data.thread.job_title} (${data.thread.stage})`),
      h(
        "div",
        {},
        exportBundle,
        " ",
        openCaseButton(api, threadId, (caseId) => {
          void renderCasePanel(casePanel, api, caseId, (id) => void openTimeline(id), queue);
          void queue.refresh();
          casePanel.scrollIntoView();
        }),
        exportError,
      ),
      players,
      h(
        "p",
        { "data-testid": "audit-verify-status", class: v.ok ? "ok" : "bad" },
        v.ok ? `Audit chain verified: ${v.checked} entries intact` : `Audit chain BROKEN at position ${v.first_bad_position}: ${v.reason}`,
      ),
      list,
    );
  };

  const loadRecording = async (url: string, video: HTMLVideoElement): Promise<void> => {
    const token = sessionStorage.getItem("interview.token") ?? "";
    const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
    if (response.ok) video.src = URL.createObjectURL(await response.blob());
  };

  const download = async (url: string, filename: string): Promise<void> => {
    const token = sessionStorage.getItem("interview.token") ?? "";
    const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
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
        "data-testid": `audit-export-${fmt}`,
        onclick: async () => {
          const token = sessionStorage.getItem("interview.token") ?? "";
          const response = await fetch(`/api/audit/calls.${fmt}?${query()}`, { headers: { Authorization: `Bearer ${token}` } });
          const blob = await response.blob();
          const a = h("a", { href: URL.createObjectURL(blob), download: `calls.${fmt}` });
          document.body.append(a);
          a.click();
          a.remove();
        },
      },
      `Export ${fmt.toUpperCase()}`,
    );

  // The case queue and the open case (web/src/cases.ts).
  const cases = h("div", { class: "cases" });
  const casePanel = h("div", { id: "case-panel" });
  const queue = renderCaseQueue(cases, casePanel, api, (id) => void openTimeline(id));
  const charts = h("section", { class: "charts" });
  const loadSide = async (): Promise<void> => {
    const stats = await api.get<{
      calls_per_day: Record<string, Record<string, number>>;
      median_connected_seconds: Record<string, number>;
      findings_per_day: Record<string, Record<string, number>>;
      open_cases: number;
    }>("/api/audit/stats");
    clear(charts);
    const chart = (title: string, testId: string, series: Record<string, number>, unit: string): HTMLElement => {
      const days = Object.keys(series).sort();
      const max = Math.max(1, ...days.map((d) => series[d]));
      const bars = h("div", { class: "chart", "data-testid": testId, "aria-label": title });
      for (const d of days) {
        const bar = h("div", { title: `${d}: ${Math.round(series[d])} ${unit}` });
        bar.style.height = `${(series[d] / max) * 100}%`;
        bars.append(bar);
      }
      return h("section", {}, h("h4", {}, title), bars);
    };
    const total = (byDay: Record<string, Record<string, number>>): Record<string, number> =>
      Object.fromEntries(Object.entries(byDay).map(([d, kinds]) => [d, Object.values(kinds).reduce((a, b) => a + b, 0)]));
    const kinds = (byDay: Record<string, Record<string, number>>): string =>
      Object.entries(
        Object.values(byDay).reduce<Record<string, number>>((acc, m) => {
          for (const [k, v] of Object.entries(m)) acc[k] = (acc[k] ?? 0) + v;
          return acc;
        }, {}),
      )
        .map(([k, v]) => `${k} ${v}`)
        .join(", ");
    charts.append(
      h("h3", { "data-testid": "open-cases" }, `Open cases: ${stats.open_cases}`),
      chart(`Calls per day (${kinds(stats.calls_per_day) || "none"})`, "chart-calls", total(stats.calls_per_day), "calls"),
      chart("Median connected duration per day", "chart-duration", stats.median_connected_seconds, "s"),
      chart(`Policy findings per day (${kinds(stats.findings_per_day) || "none"})`, "chart-findings", total(stats.findings_per_day), "findings"),
    );
  };

  const form = h(
    "form",
    {
      "data-testid": "audit-search",
      onsubmit: (event: Event) => {
        event.preventDefault();
        void search();
      },
    },
    ...inputs,
    kind,
    flag,
    h("button", { type: "submit" }, "Search"),
    exportLink("csv"),
    exportLink("jsonl"),
  );
  more.addEventListener("click", () => void search(true));
  root.append(
    h(
      "div",
      { class: "audit" },
      h("h2", {}, "Call logs"),
      form,
      error,
      h("table", {}, h("thead", {}, h("tr", {}, ...["When", "Job", "Parties", "Call", "", ""].map((c) => h("th", {}, c)))), results),
      more,
      detail,
      h("h3", {}, "Case queue"),
      cases,
      casePanel,
      charts,
    ),
  );
  void search();
  void loadSide();
}
