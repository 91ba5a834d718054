// Key figures (/metrics/kpi) and activity over time (its `series`).
import { h, setStatus, showContent } from "./dom.js";
import { fmtBucket, fmtChange, fmtInt, fmtMs, fmtPct } from "./format.js";
import * as charts from "./charts.js";

// Which KPIs get a tile, how they are shown, and whether a rise is good news.
export const KPI_TILES = [
  { key: "conversations", label: "Conversations", format: fmtInt, up: true },
  { key: "messages", label: "Messages", format: fmtInt, up: true },
  { key: "new_leads", label: "New leads", format: fmtInt, up: true },
  { key: "conversions", label: "Conversions", format: fmtInt, up: true },
  { key: "conversion_rate", label: "Conversion rate", format: fmtPct, up: true },
  { key: "resolution_rate", label: "Resolution rate", format: fmtPct, up: true },
  { key: "handoff_rate", label: "Handoff rate", format: fmtPct, up: false },
  { key: "avg_response_time_ms", label: "Avg AI response", format: fmtMs, up: false },
  { key: "p95_response_time_ms", label: "p95 AI response", format: fmtMs, up: false },
  { key: "agent_avg_response_time_ms", label: "Avg agent response", format: fmtMs, up: false },
];

function tile({ key, label, format, up }, kpi) {
  const change = fmtChange(kpi.change_pct, "%", up);
  const direction = change.cls === "up" ? "better" : change.cls === "down" ? "worse" : "";
  return h("div", { class: "tile", "data-kpi": key, "data-value": String(kpi.value) },
    h("div", { class: "label", id: `kpi-${key}` }, label),
    h("div", { class: "value", "aria-describedby": `kpi-${key}` }, format(kpi.value)),
    h("div", { class: `change ${change.cls}`, "data-change": String(kpi.change_pct) },
      h("span", { "aria-label": `${change.text.replace(/[▲▼■] /, "")} ${direction}`.trim() }, change.text),
      h("span", { class: "previous" }, ` · before ${format(kpi.previous)}`)));
}

function isEmpty(body) {
  const k = body.kpis;
  return ["conversations", "messages", "new_leads", "conversions"].every((n) => !k[n].value && !k[n].previous);
}

export function renderKpis(sec, body, tenant) {
  const tiles = sec.querySelector(".tiles");
  tiles.replaceChildren();
  if (isEmpty(body)) {
    setStatus(sec, "empty", `No events for tenant “${tenant || "default"}” in this range or the one before.`);
    showContent(sec, false);
    return;
  }
  setStatus(sec, "");
  showContent(sec, true);
  for (const t of KPI_TILES) tiles.append(tile(t, body.kpis[t.key]));
  tiles.append(h("div", { class: "tile", "data-kpi": "active_conversations", "data-value": String(body.active_conversations) },
    h("div", { class: "label" }, "Active conversations"),
    h("div", { class: "value" }, fmtInt(body.active_conversations)),
    h("div", { class: "change flat" }, "right now")));
}

export function renderSeries(sec, body, interval) {
  const el = sec.querySelector(".chart");
  const rows = body.series || [];
  const names = ["conversations", "messages", "new_leads", "conversions"];
  if (!rows.some((r) => names.some((n) => r[n]))) {
    charts.clear(el);
    setStatus(sec, "empty", "No activity in this range.");
    showContent(sec, false);
    return;
  }
  setStatus(sec, "");
  showContent(sec, true);
  const labels = rows.map((r) => fmtBucket(r.bucket, interval));
  charts.lines(el, labels, [
    { name: "Conversations", data: rows.map((r) => r.conversations) },
    { name: "New leads", data: rows.map((r) => r.new_leads) },
    { name: "Conversions", data: rows.map((r) => r.conversions) },
    { name: "Messages", data: rows.map((r) => r.messages) },
  ], { right: ["Messages"], bars: ["Messages"] });
  el.dataset.points = String(rows.length);
  el.dataset.total = JSON.stringify(Object.fromEntries(names.map((n) => [n, rows.reduce((a, r) => a + r[n], 0)])));
}
