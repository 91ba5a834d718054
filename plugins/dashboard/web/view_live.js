// Real-time activity (/analytics/real-time/activity, /analytics/real-time/conversations) and the
// export buttons (/analytics/export/datasets → /analytics/export/metrics).
import { h, setStatus, showContent, table } from "./dom.js";
import { fmtInt, fmtScore, fmtTime } from "./format.js";
import * as charts from "./charts.js";

const ACTIVITY_FIGURES = [
  ["messages", "Messages"],
  ["conversations_started", "Started"],
  ["conversations_ended", "Ended"],
  ["stage_changes", "Stage changes"],
  ["active_leads", "Active leads"],
  ["active_conversations", "Active conversations"],
];

export function renderRealtime(sec, activity, active) {
  setStatus(sec, "");
  showContent(sec, true);
  sec.querySelector(".figures").replaceChildren(...ACTIVITY_FIGURES.map(([k, label]) =>
    h("span", { "data-key": k, "data-value": String(activity[k]) }, `${label} `, h("b", {}, fmtInt(activity[k])))));
  const minutes = activity.per_minute;
  charts.lines(sec.querySelector(".chart"), minutes.map((m) => m.minute.slice(11, 16)), [
    { name: "Messages", data: minutes.map((m) => m.messages) },
    { name: "Events", data: minutes.map((m) => m.events) },
  ], { bars: ["Messages", "Events"] });
  const wrap = sec.querySelector(".table-wrap");
  if (!active.conversations.length) {
    wrap.replaceChildren(h("p", { class: "status empty" }, "No active conversations right now."));
    return;
  }
  wrap.replaceChildren(table([
    { key: "conversation_id", label: "Conversation" },
    { key: "lead_id", label: "Lead" },
    { key: "assistant_id", label: "Assistant", format: (v) => v ?? "human only" },
    { key: "channel", label: "Channel" },
    { key: "started_at", label: "Started", format: fmtTime },
    { key: "last_activity_at", label: "Last activity", format: fmtTime },
    { key: "messages", label: "Messages", format: fmtInt },
    { key: "last_sentiment", label: "Last sentiment", format: fmtScore },
  ], active.conversations, { caption: "Active conversations" }),
  h("p", { class: "note" }, active.total > active.conversations.length
    ? `${fmtInt(active.total)} active in all; the newest ${active.conversations.length} are shown.` : ""));
}

/** One row per data source with CSV and JSON buttons; `exportOne(dataset, format)` downloads. */
export function renderExports(sec, body, { funnel, exportOne }) {
  setStatus(sec, "");
  showContent(sec, true);
  const list = sec.querySelector(".datasets");
  list.replaceChildren(...body.datasets.map((d) => {
    const needsFunnel = d.parameters.some((p) => p.name === "funnel_id" && p.required);
    const missing = d.parameters.filter((p) => p.required && p.name !== "funnel_id");
    const disabled = missing.length > 0 || (needsFunnel && !funnel);
    const button = (format) => h("button", {
      type: "button", class: "link", disabled,
      "aria-label": `Export ${d.name} as ${format.toUpperCase()}`,
      "data-dataset": d.name, "data-format": format,
      onclick: () => exportOne(d.name, format, needsFunnel ? { funnel_id: funnel } : {}),
    }, format.toUpperCase());
    return h("li", {}, h("span", { class: "name", title: d.description }, d.name), button("csv"), button("json"));
  }));
}
