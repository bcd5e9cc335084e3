// Reports and the auditor case workflow: a Report dialog (thread or call) for parties, and for
// auditors the case queue and a case panel (status, notes, assignment, legal hold, bundle).

import { ApiError, type Api, type Reply, type RequestBody } from "./api";
import { clear, h } from "./dom";
import { formatTime } from "./format";
import type { components } from "./generated/api";

// REST replies and bodies are typed from the OpenAPI document (web/src/generated).
type CaseStatus = components["schemas"]["Case"]["status"];

const TOKEN_KEY = "interview.token";
const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';
const STATUS_WORDS: Record<string, string> = { open: "Open", reviewing: "Reviewing", resolved: "Resolved" };
// The moves the server allows (signaling/store/audit.py _CASE_FLOW).
const NEXT_STATUS: Record<string, string[]> = {
  open: ["reviewing", "resolved"],
  reviewing: ["resolved", "open"],
  resolved: ["reviewing"],
};

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

// ------------------------------------------------------------------------------- dialog
export interface DialogHandle {
  root: HTMLElement;
  close: () => void;
}

/** A modal dialog that keeps focus inside it (Tab and Shift+Tab wrap, Escape closes) and gives
 * focus back to what had it when it closes. */
export function openDialog(title: string, testId: string, ...content: HTMLElement[]): DialogHandle {
  const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const titleId = `dialog-title-${Math.random().toString(36).slice(2)}`;
  const box = h(
    "div",
    { class: "dialog", role: "dialog", "aria-modal": "true", "aria-labelledby": titleId, "data-testid": testId },
    h("h2", { id: titleId }, title),
    ...content,
  );
  const backdrop = h("div", { class: "dialog-backdrop" }, box);
  const close = (): void => {
    backdrop.remove();
    document.removeEventListener("keydown", onKey, true);
    opener?.focus();
  };
  const onKey = (event: KeyboardEvent): void => {
    if (event.key === "Escape") {
      event.preventDefault();
      close();
      return;
    }
    if (event.key !== "Tab") return;
    const items = Array.from(box.querySelectorAll<HTMLElement>(FOCUSABLE)).filter((el) => !el.hidden);
    if (!items.length) return;
    const first = items[0];
    const last = items[items.length - 1];
    const inside = box.contains(document.activeElement);
    if (event.shiftKey && (document.activeElement === first || !inside)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (document.activeElement === last || !inside)) {
      event.preventDefault();
      first.focus();
    }
  };
  document.addEventListener("keydown", onKey, true);
  backdrop.addEventListener("mousedown", (event) => {
    if (event.target === backdrop) close();
  });
  document.body.append(backdrop);
  box.querySelector<HTMLElement>(FOCUSABLE)?.focus();
  return { root: box, close };
}

// ------------------------------------------------------------------------------- reports
/** A Report button for a thread, or for one call of it when `callId` is given. */
export function reportButton(api: Api, threadId: string, callId?: string): HTMLElement {
  const label = callId ? "Report this call" : "Report";
  return h(
    "button",
    {
      class: callId ? "link" : "",
      "data-testid": callId ? "report-call" : "report-thread",
      onclick: () => openReportDialog(api, threadId, callId),
    },
    label,
  );
}

export function openReportDialog(api: Api, threadId: string, callId?: string): DialogHandle {
  const reason = h("textarea", {
    id: "report-reason",
    rows: "4",
    maxlength: "2000",
    "aria-required": "true",
    "data-testid": "report-reason",
  }) as HTMLTextAreaElement;
  const error = h("p", { class: "error", role: "alert", "data-testid": "report-error" });
  const form = h(
    "form",
    {},
    h(
      "p",
      { class: "muted" },
      callId
        ? "Tell the platform's reviewers what happened on this call. The other party is not told who reported."
        : "Tell the platform's reviewers what is wrong in this conversation. The other party is not told who reported.",
    ),
    h("label", { for: "report-reason" }, "Reason"),
    reason,
    error,
    h(
      "div",
      { class: "dialog-buttons" },
      h("button", { type: "button", "data-testid": "report-cancel", onclick: () => dialog.close() }, "Cancel"),
      h("button", { type: "submit", class: "primary", "data-testid": "report-submit" }, "Send report"),
    ),
  );
  const dialog = openDialog(callId ? "Report this call" : "Report this conversation", "report-dialog", form);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void (async () => {
      error.textContent = "";
      if (!reason.value.trim()) {
        error.textContent = "Please say what happened.";
        reason.focus();
        return;
      }
      try {
        const body: RequestBody<"report_thread"> = { reason: reason.value.trim() };
        if (callId) body.call_id = callId;
        await api.post<Reply<"report_thread">>(`/api/threads/${threadId}/reports`, body);
      } catch (e) {
        error.textContent = e instanceof ApiError && e.code === "rate_limited" ? "You have sent many reports; try again later." : message(e);
        return;
      }
      clear(form);
      const done = h("button", { type: "button", "data-testid": "report-done", onclick: () => dialog.close() }, "Close");
      form.append(
        h("p", { "data-testid": "report-sent", role: "status" }, "Thank you. Your report was sent to the platform's reviewers."),
        h("div", { class: "dialog-buttons" }, done),
      );
      done.focus();
    })();
  });
  return dialog;
}

// ------------------------------------------------------------------------------- auditors
export interface CaseConsole {
  /** Reload the queue (after a case was opened or changed). */
  refresh: () => Promise<void>;
  /** Called after a case was changed from its panel (e.g. to reload the queue's counts). */
  onChanged?: () => void;
}

/** The case queue with a status filter; "Open" shows the case panel in `panel`. */
export function renderCaseQueue(
  root: HTMLElement,
  panel: HTMLElement,
  api: Api,
  openTimeline: (threadId: string) => void,
  onChanged?: () => void,
): CaseConsole {
  const list = h("ul", { class: "case-list", "data-testid": "case-list" });
  const filter = h(
    "select",
    { id: "case-filter", "data-testid": "case-filter" },
    h("option", { value: "" }, "All cases"),
    ...Object.entries(STATUS_WORDS).map(([value, word]) => h("option", { value }, word)),
  ) as HTMLSelectElement;
  const error = h("p", { class: "error", role: "alert" });
  const refresh = async (): Promise<void> => {
    error.textContent = "";
    try {
      const query = filter.value ? `?status=${filter.value}` : "";
      const data = await api.get<Reply<"list_cases">>(`/api/audit/cases${query}`);
      clear(list);
      for (const c of data.cases) {
        list.append(
          h(
            "li",
            { "data-testid": "case-item", "data-case-id": c.id, "data-status": c.status },
            h("span", { class: `badge status-${c.status}` }, STATUS_WORDS[c.status] ?? c.status),
            c.legal_hold ? h("span", { class: "badge hold", title: "The thread's recordings are kept past retention" }, "Legal hold") : null,
            " ",
            h("span", {}, c.reason),
            h("span", { class: "muted" }, ` · ${c.source === "report" ? "reported" : "opened"} ${formatTime(c.created_at, undefined, true)}`),
            c.assignee_id ? h("span", { class: "muted" }, ` · assigned to ${c.assignee_id}`) : null,
            " ",
            h(
              "button",
              {
                class: "link",
                "data-testid": "case-open",
                onclick: () => void renderCasePanel(panel, api, c.id, openTimeline, console_),
              },
              "Open case",
            ),
          ),
        );
      }
      if (!data.cases.length) list.append(h("li", { class: "muted" }, filter.value ? "No cases with this status." : "No cases."));
    } catch (e) {
      error.textContent = message(e);
    }
  };
  filter.addEventListener("change", () => void refresh());
  const console_: CaseConsole = { refresh, onChanged };
  clear(root);
  root.append(h("div", { class: "case-toolbar" }, h("label", { for: "case-filter" }, "Show "), filter), error, list);
  void refresh();
  return console_;
}

/** One case: its status, assignment, legal hold and note history, with the controls to change
 * them (one update per Save; the server writes a note for every change) and its bundle. */
export async function renderCasePanel(
  root: HTMLElement,
  api: Api,
  caseId: string,
  openTimeline: (threadId: string) => void,
  queue?: CaseConsole,
): Promise<void> {
  const [c, auditors] = await Promise.all([
    api.get<Reply<"get_case">>(`/api/audit/cases/${caseId}`),
    api.get<Reply<"list_auditors">>("/api/audit/auditors").catch((): Reply<"list_auditors"> => ({ auditors: [] })),
  ]);
  clear(root);
  const status = h(
    "select",
    { id: "case-status", "data-testid": "case-status" },
    h("option", { value: c.status, selected: true }, STATUS_WORDS[c.status]),
    ...(NEXT_STATUS[c.status] ?? []).map((s) => h("option", { value: s }, STATUS_WORDS[s])),
  ) as HTMLSelectElement;
  const assignee = h(
    "select",
    { id: "case-assignee", "data-testid": "case-assignee" },
    h("option", { value: "" }, "Nobody"),
    ...auditors.auditors.map((a) => h("option", { value: a.user_id, selected: a.user_id === c.assignee_id }, `${a.name} (${a.user_id})`)),
  ) as HTMLSelectElement;
  if (c.assignee_id && !auditors.auditors.some((a) => a.user_id === c.assignee_id)) {
    assignee.append(h("option", { value: c.assignee_id, selected: true }, c.assignee_id));
  }
  const hold = h("input", { type: "checkbox", id: "case-hold", "data-testid": "case-hold", checked: c.legal_hold }) as HTMLInputElement;
  const note = h("textarea", { id: "case-note", rows: "3", maxlength: "5000", "data-testid": "case-note" }) as HTMLTextAreaElement;
  const error = h("p", { class: "error", role: "alert", "data-testid": "case-error" });
  const saved = h("p", { class: "ok", role: "status", "data-testid": "case-saved" });
  const bundleError = h("span", { class: "error", role: "alert" });
  const save = async (event: Event): Promise<void> => {
    event.preventDefault();
    error.textContent = "";
    saved.textContent = "";
    const body: RequestBody<"update_case"> = {};
    if (status.value !== c.status) body.status = status.value as CaseStatus;
    if ((assignee.value || null) !== (c.assignee_id ?? null)) body.assignee_id = assignee.value || null;
    if (hold.checked !== c.legal_hold) body.legal_hold = hold.checked;
    if (note.value.trim()) body.note = note.value.trim();
    if (!Object.keys(body).length) {
      error.textContent = "Nothing changed: pick a status, an assignee, legal hold, or write a note.";
      return;
    }
    try {
      await api.post<Reply<"update_case">>(`/api/audit/cases/${caseId}`, body);
    } catch (e) {
      error.textContent = message(e);
      return;
    }
    await renderCasePanel(root, api, caseId, openTimeline, queue);
    root.querySelector<HTMLElement>('[data-testid="case-saved"]')!.textContent = "Saved.";
    await queue?.refresh();
    queue?.onChanged?.();
  };
  const notes = h("ol", { class: "case-notes", "data-testid": "case-notes" });
  for (const n of c.notes) {
    notes.append(
      h(
        "li",
        { "data-testid": "case-note-item" },
        h("time", { datetime: n.created_at }, formatTime(n.created_at, undefined, true)),
        ` ${n.author_id}: `,
        n.note,
      ),
    );
  }
  if (!c.notes.length) notes.append(h("li", { class: "muted" }, "No notes yet."));
  root.append(
    h(
      "section",
      { class: "case-panel", "data-testid": "case-panel", "data-case-id": c.id, "aria-labelledby": "case-title" },
      h("h3", { id: "case-title" }, `Case: ${c.reason}`),
      h(
        "p",
        { class: "muted" },
        `${c.source === "report" ? "Reported by" : "Opened by"} ${c.opened_by} · ${formatTime(c.created_at, undefined, true)}`,
        c.call_id ? ` · about call ${c.call_id.slice(0, 8)}` : "",
      ),
      h(
        "div",
        { class: "case-actions" },
        h("button", { class: "link", "data-testid": "case-timeline", onclick: () => openTimeline(c.thread_id) }, "Open the thread's timeline"),
        h(
          "button",
          {
            "data-testid": "case-bundle",
            onclick: async () => {
              bundleError.textContent = "";
              try {
                await saveBlob(`/api/audit/cases/${c.id}/bundle`, `case-${c.id}.zip`);
              } catch (e) {
                bundleError.textContent = message(e);
              }
            },
          },
          "Download evidence bundle",
        ),
        bundleError,
      ),
      h(
        "form",
        { class: "case-form", "data-testid": "case-form", onsubmit: (event: Event) => void save(event) },
        h("label", { for: "case-status" }, "Status"),
        status,
        h("label", { for: "case-assignee" }, "Assigned to"),
        assignee,
        h("label", { class: "check" }, hold, " Legal hold (keep this thread's recordings past retention)"),
        h("label", { for: "case-note" }, "Note"),
        note,
        h("div", {}, h("button", { type: "submit", class: "primary", "data-testid": "case-save" }, "Save")),
        error,
        saved,
      ),
      h("h4", {}, "History"),
      notes,
    ),
  );
}

/** "Open a case" for the thread shown in the timeline: the auditor states the reason. */
export function openCaseButton(api: Api, threadId: string, onOpened: (caseId: string) => void): HTMLElement {
  return h(
    "button",
    {
      "data-testid": "case-new",
      onclick: () => {
        const reason = h("textarea", { id: "case-reason", rows: "3", maxlength: "2000", "data-testid": "case-reason" }) as HTMLTextAreaElement;
        const error = h("p", { class: "error", role: "alert" });
        const form = h(
          "form",
          {},
          h("label", { for: "case-reason" }, "Why this thread needs review"),
          reason,
          error,
          h(
            "div",
            { class: "dialog-buttons" },
            h("button", { type: "button", onclick: () => dialog.close() }, "Cancel"),
            h("button", { type: "submit", class: "primary", "data-testid": "case-create" }, "Open case"),
          ),
        );
        const dialog = openDialog("Open a case", "case-dialog", form);
        form.addEventListener("submit", (event) => {
          event.preventDefault();
          void (async () => {
            if (!reason.value.trim()) {
              error.textContent = "Please give a reason.";
              return;
            }
            try {
              const opened = await api.post<Reply<"open_case">>("/api/audit/cases", {
                thread_id: threadId,
                reason: reason.value.trim(),
              } satisfies RequestBody<"open_case">);
              dialog.close();
              onOpened(opened.id);
            } catch (e) {
              error.textContent = message(e);
            }
          })();
        });
      },
    },
    "Open a case",
  );
}

/** Download with the bearer token and save as `filename`. */
export async function saveBlob(url: string, filename: string): Promise<void> {
  const token = sessionStorage.getItem(TOKEN_KEY) ?? "";
  const response = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`The download failed (${response.status}).`);
  const href = URL.createObjectURL(await response.blob());
  const a = h("a", { href, download: filename, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(href), 10_000);
}
