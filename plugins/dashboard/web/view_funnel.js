// One funnel: stages (/analytics/funnel/{id}), the conversion flow (…/conversion-flow) and the
// bottlenecks (…/bottlenecks).
import { h, setStatus, showContent, table } from "./dom.js";
import { fmtChange, fmtHours, fmtInt, fmtPct } from "./format.js";
import * as charts from "./charts.js";

function empty(sec, text) {
  sec.querySelectorAll(".chart").forEach(charts.clear);
  setStatus(sec, "empty", text);
  showContent(sec, false);
}

export function renderFunnel(sec, body) {
  if (!body.stages.length || body.stages[0].count === 0) return empty(sec, "No lead entered this funnel in this range.");
  setStatus(sec, "");
  showContent(sec, true);
  charts.funnel(sec.querySelector(".chart"), body.stages);
  sec.querySelector(".table-wrap").replaceChildren(table([
    { key: "stage", label: "Stage" },
    { key: "count", label: "Leads", format: fmtInt },
    { key: "conversion_from_previous", label: "From previous", format: fmtPct },
    { key: "conversion_from_start", label: "From start", format: fmtPct },
    { key: "drop_off", label: "Drop-off", format: fmtInt },
    { key: "median_hours_to_next", label: "Median h", format: (v) => (v === null ? "—" : v.toFixed(1)) },
  ], body.stages, { caption: "Funnel stages" }),
  h("p", { class: "note" }, "Overall conversion ",
    h("b", { "data-value": String(body.overall_conversion) }, fmtPct(body.overall_conversion))));
}

export function renderFlow(sec, body) {
  if (!body.links.length) return empty(sec, "No moves between stages in this range.");
  setStatus(sec, "");
  showContent(sec, true);
  const { backward } = charts.sankey(sec.querySelector(".chart"), body);
  const moved = backward.reduce((a, l) => a + l.value, 0);
  const exitId = body.nodes.find((n) => n.label === "(exit)")?.id;
  const exits = body.links.filter((l) => l.target === exitId).reduce((a, l) => a + l.value, 0);
  sec.querySelector(".note").textContent =
    `${fmtInt(body.leads ?? 0)} leads; grey bands are the ${fmtInt(exits)} leads whose last stage was not the final one.` +
    (moved ? ` ${fmtInt(moved)} moves back to an earlier stage are not drawn.` : "");
}

function flags(t) {
  const out = [];
  if (t.lowest_conversion) out.push(h("span", { class: "flag" }, "lowest conversion"));
  if (t.significant_decline) out.push(h("span", { class: "flag bad" }, "significant decline"));
  if (t.slow) out.push(h("span", { class: "flag" }, "slow"));
  return out.length ? out : "—";
}

export function renderBottlenecks(sec, body) {
  if (!body.transitions.length) return empty(sec, "This funnel has a single stage.");
  setStatus(sec, "");
  showContent(sec, true);
  const rows = body.transitions.map((t) => ({ ...t, step: `${t.from_stage} → ${t.to_stage}`, flags: null }));
  sec.querySelector(".table-wrap").replaceChildren(table([
    { key: "step", label: "Step" },
    { key: "conversion_rate", label: "Conversion", format: fmtPct },
    { key: "previous_conversion_rate", label: "Before", format: fmtPct },
    { key: "change_pts", label: "Change", format: (v) => { const c = fmtChange(v, " pts"); return h("span", { class: c.cls }, c.text); } },
    { key: "drop_off", label: "Drop-off", format: fmtInt },
    { key: "p_value", label: "p-value", format: (v) => (v === null ? "—" : v.toFixed(3)) },
    { key: "median_hours_in_stage", label: "Median in stage", format: fmtHours },
    { key: "flags", label: "Flags", format: (_, r) => flags(r) },
  ], rows, { caption: "Stage transitions" }));
  const list = sec.querySelector(".recommendations");
  list.replaceChildren(...body.bottlenecks.map((b) => h("li", {}, b.recommendation)));
  if (!body.bottlenecks.length) list.append(h("li", {}, "No transition is flagged."));
}
