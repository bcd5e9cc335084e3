// Scheduling in a thread: the "propose times" dialog and the schedule cards in the message
// list. A card shows the schedule as it is now (from every schedule message of the thread),
// so when a slot is accepted or the times are replaced, older cards lose their buttons.

import { ApiError, type Api, type Reply, type RequestBody } from "./api";
import { clear, h, trapFocus } from "./dom";
import { attendanceLine, formatTime, scheduleError, zoneLabel, type Message } from "./format";
import type { components } from "./generated/api";

export interface ScheduleHost {
  api: Api;
  me: () => string | undefined;
  nameOf: (userId: string) => string;
  zoomEnabled: () => boolean;
  showBanner: (text: string) => void;
  /** Join the scheduled call: accept it if it rings for us, else start it. */
  join: (kind: "audio" | "video") => void;
  downloadIcs: (scheduleId: string) => void;
}

/** A slot as the server writes it (in replies and in `schedule` message bodies). */
type SlotJson = components["schemas"]["SlotOut"];
type SlotKind = SlotJson["kind"];

/** Where each schedule of a thread stands, from all its messages so far. */
export interface ScheduleStatus {
  latestProposal: string;
  accepted: SlotJson | null;
  acceptedSeq: number;
  cancelled: boolean;
  latestSeq: number;
}

const EVENT_WORDS: Record<string, string> = {
  proposed: "proposed times for a call",
  countered: "proposed other times",
  rescheduled: "proposed new times",
  accepted: "accepted a time",
  cancelled: "cancelled the scheduled call",
};

export function scheduleStatuses(messages: Message[]): Map<string, ScheduleStatus> {
  const out = new Map<string, ScheduleStatus>();
  for (const m of messages) {
    if (m.kind !== "schedule") continue;
    const body = m.body as Record<string, unknown>;
    const id = String(body.schedule_id ?? "");
    if (!id) continue;
    const event = String(body.event ?? "");
    const status = out.get(id) ?? { latestProposal: "", accepted: null, acceptedSeq: 0, cancelled: false, latestSeq: 0 };
    if (["proposed", "countered", "rescheduled"].includes(event)) {
      status.latestProposal = String(body.proposal_id ?? "");
      status.accepted = null;
      status.latestSeq = m.seq;
    } else if (event === "accepted") {
      status.accepted = (body.slot as SlotJson | undefined) ?? null;
      status.acceptedSeq = m.seq;
      status.latestSeq = m.seq;
    } else if (event === "cancelled") {
      status.cancelled = true;
      status.latestSeq = m.seq;
    }
    out.set(id, status);
  }
  return out;
}

function slotText(slot: SlotJson): string {
  return `${slot.kind} call, ${formatTime(slot.start_utc, undefined, true)}, ${slot.duration_minutes} min`;
}

export function renderScheduleCard(
  host: ScheduleHost,
  m: Message,
  status: ScheduleStatus | undefined,
  base: Record<string, string>,
  time: HTMLElement,
): HTMLElement {
  const body = m.body as Record<string, unknown>;
  const event = String(body.event ?? "");
  const card = h("li", { ...base, class: "card schedule", "data-testid": "schedule-item", "data-event": event });
  if (event === "schedule.reminder") {
    card.append(h("strong", {}, String(body.summary ?? "Reminder")), " ", time);
    return card;
  }
  if (event === "attendance") {
    const result = (body.attendance ?? {}) as Record<string, { status: string; delay_seconds?: number | null }>;
    const slot = body.slot as SlotJson | undefined;
    card.append(
      h("strong", {}, "Attendance of the scheduled call"),
      slot ? h("div", { class: "muted" }, slotText(slot)) : "",
      h(
        "ul",
        { class: "attendance", "data-testid": "attendance-result" },
        ...Object.entries(result).map(([user, item]) =>
          h("li", { "data-status": item.status }, attendanceLine(host.nameOf(user), item)),
        ),
      ),
      time,
    );
    return card;
  }
  const by = String(body.by ?? body.proposer_id ?? m.author_id);
  card.append(h("div", {}, h("strong", {}, `${host.nameOf(by)} ${EVENT_WORDS[event] ?? event}`), " · ", time));
  const slots = (body.slots as SlotJson[] | undefined) ?? [];
  const accepted = body.slot as SlotJson | undefined;
  const scheduleId = String(body.schedule_id ?? "");
  const proposalId = String(body.proposal_id ?? "");
  const mine = by === host.me();
  const live = status !== undefined && !status.cancelled;
  if (accepted && event === "accepted") {
    card.append(
      h("div", {}, slotText(accepted)),
      h("button", { class: "link", "data-testid": "schedule-ics", onclick: () => host.downloadIcs(scheduleId) }, "Download invite (.ics)"),
    );
    const start = Date.parse(accepted.start_utc);
    const end = start + accepted.duration_minutes * 60_000;
    const current = status?.acceptedSeq === m.seq && live;
    if (current && accepted.kind !== "zoom" && Date.now() >= start - 5 * 60_000 && Date.now() < end) {
      card.append(
        h(
          "button",
          { class: "accept", "data-testid": "schedule-join", onclick: () => host.join(accepted.kind === "audio" ? "audio" : "video") },
          "Join",
        ),
      );
    }
  }
  if (slots.length && event !== "accepted") {
    const open = live && status.latestProposal === proposalId && !status.accepted;
    const list = h("ol", { class: "slots" });
    slots.forEach((slot, index) => {
      const chosen =
        status?.accepted && status.latestProposal === proposalId && status.accepted.start_utc === slot.start_utc;
      list.append(
        h(
          "li",
          {},
          slotText(slot),
          chosen ? h("strong", { class: "ok" }, " · accepted") : null,
          open && !mine
            ? h(
                "button",
                {
                  "data-testid": "schedule-accept",
                  "aria-label": `Accept ${slotText(slot)}`,
                  onclick: async () => {
                    try {
                      await host.api.post<Reply<"accept">>(`/api/schedules/${scheduleId}/accept`, {
                        proposal_id: proposalId,
                        slot_index: index,
                      } satisfies RequestBody<"accept">);
                    } catch (error) {
                      host.showBanner(
                        error instanceof ApiError ? scheduleError(error.code, error.message) : String(error),
                      );
                    }
                  },
                },
                "Accept",
              )
            : null,
        ),
      );
    });
    card.append(list);
    if (!open && status && status.latestProposal !== proposalId) {
      card.append(h("div", { class: "muted", "data-testid": "schedule-superseded" }, "Replaced by newer times."));
    }
    if (open && mine) card.append(h("div", { class: "muted" }, "Waiting for the other party to pick a time."));
  }
  if (event === "cancelled") card.append(h("div", { class: "muted" }, "No call is scheduled."));
  // Only the newest card of a live schedule carries the cancel link.
  if (live && status.latestSeq === m.seq && scheduleId) {
    card.append(
      h(
        "button",
        {
          class: "link",
          "data-testid": "schedule-cancel",
          onclick: () =>
            void host.api
              .post<Reply<"cancel">>(`/api/schedules/${scheduleId}/cancel`, {} satisfies RequestBody<"cancel">)
              .catch((e: Error) => host.showBanner(e.message)),
        },
        "Cancel the scheduled call",
      ),
    );
  }
  return card;
}

let release: (() => void) | null = null;

/** The "propose times" dialog: labelled inputs, the time zone shown, human errors. */
export function openScheduler(host: ScheduleHost, area: HTMLElement, threadId: string): void {
  closeScheduler(area);
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const field = (id: string, label: string, input: HTMLElement, hint?: string): HTMLElement =>
    h("div", { class: "field" }, h("label", { for: id }, label), input, hint ? h("span", { class: "hint", id: `${id}-hint` }, hint) : null);
  const inputs = [0, 1, 2].map(
    (i) =>
      h("input", {
        id: `schedule-slot-${i}`,
        type: "datetime-local",
        "data-testid": `schedule-slot-${i}`,
        "aria-describedby": "schedule-zone",
      }) as HTMLInputElement,
  );
  const kinds = ["video", "audio", ...(host.zoomEnabled() ? ["zoom"] : [])];
  const kind = h(
    "select",
    { id: "schedule-kind", "data-testid": "schedule-kind" },
    ...kinds.map((k) => h("option", { value: k }, k === "zoom" ? "Zoom meeting" : `${k[0].toUpperCase()}${k.slice(1)} call`)),
  ) as HTMLSelectElement;
  const duration = h("input", {
    id: "schedule-duration",
    type: "number",
    value: "30",
    min: "5",
    max: "240",
    step: "5",
    "data-testid": "schedule-duration",
  }) as HTMLInputElement;
  const error = h("p", { class: "error", role: "alert", "data-testid": "schedule-error" });
  const close = (): void => closeScheduler(area);
  const form = h(
    "form",
    {
      class: "scheduler",
      role: "dialog",
      "aria-modal": "true",
      "aria-labelledby": "schedule-title",
      "data-testid": "scheduler",
      novalidate: true,
      onsubmit: async (event: Event) => {
        event.preventDefault();
        error.textContent = "";
        const picked = inputs.filter((i) => i.value);
        if (!picked.length) {
          error.textContent = "Pick at least one time.";
          inputs[0].focus();
          return;
        }
        const minutes = Number(duration.value);
        if (!Number.isInteger(minutes) || minutes < 5 || minutes > 240) {
          error.textContent = "Enter a length between 5 and 240 minutes.";
          duration.focus();
          return;
        }
        const past = picked.find((i) => new Date(i.value).getTime() <= Date.now());
        if (past) {
          error.textContent = "That time has already passed. Pick a time in the future.";
          past.focus();
          return;
        }
        const slots = picked.map((i) => ({ start: new Date(i.value).toISOString(), duration_minutes: minutes, kind: kind.value as SlotKind }));
        try {
          await host.api.post<Reply<"propose">>(`/api/threads/${threadId}/schedules`, { slots, timezone: zone } satisfies RequestBody<"propose">);
          close();
        } catch (e) {
          error.textContent = e instanceof ApiError ? scheduleError(e.code, e.message) : String(e);
        }
      },
    },
    h("h3", { id: "schedule-title" }, "Propose up to three times"),
    h("p", { class: "hint", id: "schedule-zone", "data-testid": "schedule-zone" }, `Times are in your time zone: ${zoneLabel(zone)}`),
    ...inputs.map((input, i) => field(input.id, `Option ${i + 1}${i === 0 ? "" : " (optional)"}`, input)),
    h("div", { class: "row" }, field("schedule-kind", "Kind of call", kind), field("schedule-duration", "Length (minutes)", duration)),
    error,
    h(
      "div",
      { class: "row" },
      h("button", { type: "submit", class: "primary", "data-testid": "schedule-propose" }, "Propose times"),
      h("button", { type: "button", "data-testid": "schedule-close", onclick: close }, "Close"),
    ),
  );
  area.append(form);
  release = trapFocus(form, close, inputs[0]);
}

export function closeScheduler(area: HTMLElement): void {
  const open = area.querySelector(".scheduler");
  if (!open) return;
  release?.();
  release = null;
  clear(area);
}
