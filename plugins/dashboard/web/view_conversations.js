// Assistant performance (/metrics/performance), sentiment (/analytics/conversations/sentiment)
// and topics (/analytics/conversations/topics).
import { h, setStatus, showContent, table } from "./dom.js";
import { fmtBucket, fmtChange, fmtInt, fmtMs, fmtPct, fmtScore } from "./format.js";
import * as charts from "./charts.js";

const ASSISTANT_COLUMNS = [
  { key: "assistant_id", label: "Assistant" },
  { key: "conversations", label: "Conversations", format: fmtInt },
  { key: "replies", label: "Replies", format: fmtInt },
  { key: "avg_response_time_ms", label: "Avg response", format: fmtMs },
  { key: "p50_response_time_ms", label: "p50", format: fmtMs },
  { key: "p95_response_time_ms", label: "p95", format: fmtMs },
  { key: "resolution_rate", label: "Resolved", format: fmtPct },
  { key: "handoff_rate", label: "Handoff", format: fmtPct },
  { key: "tokens", label: "Tokens", format: fmtInt },
];

function compare(key, dir) {
  const sign = dir === "asc" ? 1 : -1;
  return (a, b) => {
    const x = a[key], y = b[key];
    if (x === y) return 0;
    if (x === null || x === undefined) return 1;  // nulls last either way
    if (y === null || y === undefined) return -1;
    return (x < y ? -1 : 1) * sign;
  };
}

/** The assistants table, sorted by the column the user picked (API order until then). */
export function renderAssistants(sec, body) {
  const rows = body.assistants;
  if (!rows.length) {
    setStatus(sec, "empty", "No assistant activity in this range.");
    showContent(sec, false);
    return;
  }
  setStatus(sec, "");
  showContent(sec, true);
  const wrap = sec.querySelector(".table-wrap");
  let sortKey = null;
  let sortDir = "desc";
  const draw = () => {
    const sorted = sortKey ? [...rows].sort(compare(sortKey, sortDir)) : rows;
    wrap.replaceChildren(table(ASSISTANT_COLUMNS, sorted, {
      sortable: true, sortKey, sortDir, caption: "Assistant performance",
      onSort: (key) => {
        sortDir = key === sortKey && sortDir === "desc" ? "asc" : "desc";
        sortKey = key;
        draw();
        wrap.querySelector(`th[aria-sort="${sortDir === "asc" ? "ascending" : "descending"}"] button`)?.focus();
      },
    }));
  };
  draw();
}

export function renderSentiment(sec, body, interval) {
  const d = body.distribution;
  const total = d.positive + d.neutral + d.negative;
  const el = sec.querySelector(".chart");
  if (!total) {
    charts.clear(el);
    setStatus(sec, "empty", "No lead messages in this range.");
    showContent(sec, false);
    return;
  }
  setStatus(sec, "");
  showContent(sec, true);
  sec.querySelector(".figures").replaceChildren(
    ...["positive", "neutral", "negative"].map((k) =>
      h("span", { "data-key": k, "data-value": String(d[k]) }, `${k[0].toUpperCase()}${k.slice(1)} `, h("b", {}, fmtInt(d[k])))),
    h("span", { "data-key": "avg_score", "data-value": String(body.avg_score) }, "Average score ", h("b", {}, fmtScore(body.avg_score))));
  const series = body.series || [];
  charts.stacked(el, series.map((s) => fmtBucket(s.bucket, interval)), [
    { name: "Positive", data: series.map((s) => s.positive) },
    { name: "Neutral", data: series.map((s) => s.neutral) },
    { name: "Negative", data: series.map((s) => s.negative) },
  ], [{ name: "Average score", data: series.map((s) => (s.avg_score === null ? null : +s.avg_score.toFixed(3))) }],
  { min: -1, max: 1 });
  sec.querySelector(".negative").replaceChildren(...body.most_negative_conversations.map((c) =>
    h("li", { "data-value": String(c.avg_score) }, h("code", {}, c.conversation_id), ` ${fmtScore(c.avg_score)}`)));
}

export function renderTopics(sec, body) {
  if (!body.conversations || !body.topics.length) {
    setStatus(sec, "empty", body.topics.length ? "No conversations with lead messages in this range."
      : "No topics are configured (the conversation plugin's topics: in the YAML).");
    showContent(sec, false);
    return;
  }
  setStatus(sec, "");
  showContent(sec, true);
  sec.querySelector(".table-wrap").replaceChildren(table([
    { key: "topic", label: "Topic" },
    { key: "conversations", label: "Conversations", format: fmtInt },
    { key: "share", label: "Share", format: fmtPct },
    { key: "change_pct", label: "Trend", format: (v) => { const c = fmtChange(v, "%", true); return h("span", { class: "flat" }, c.text); } },
    { key: "avg_sentiment", label: "Sentiment", format: fmtScore },
  ], body.topics, { caption: "Topics" }));
  const terms = body.emerging_terms.slice(0, 8);
  sec.querySelector(".terms").replaceChildren(...(terms.length
    ? terms.map((t) => h("li", { "data-value": String(t.conversations) }, h("b", {}, t.term), ` — ${fmtInt(t.conversations)} conversations`))
    : [h("li", {}, "No emerging terms.")]));
}
