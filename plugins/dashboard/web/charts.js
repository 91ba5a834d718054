// Chart builders over Apache ECharts (window.echarts, served from /dashboard/echarts.min.js).
// Each takes a container and API data and draws one chart; the SVG renderer keeps text selectable.
// The library (~330 kB gzipped, ~1 MB of script to run) is started only once the key figures are
// on screen: running it blocks the page for a moment, and the figures must not wait for it.

let loading = null;

/** Loads the library once; resolves with window.echarts. */
export function load() {
  loading ??= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = "/dashboard/echarts.min.js";
    script.onload = () => resolve(window.echarts);
    script.onerror = () => reject(new Error("the chart library /dashboard/echarts.min.js did not load"));
    document.head.append(script);
  });
  return loading;
}

const COLORS = ["#1f5fbf", "#d9822b", "#2e9e5b", "#8e44ad", "#c0392b", "#16a2b8"];
const DROP = "#9aa3b0";

function chart(el) {
  return window.echarts.getInstanceByDom(el) || window.echarts.init(el, null, { renderer: "svg" });
}

window.addEventListener("resize", () => {
  for (const el of document.querySelectorAll(".chart")) window.echarts?.getInstanceByDom(el)?.resize();
});

const base = {
  color: COLORS,
  aria: { enabled: true },
  animation: false,
  tooltip: { trigger: "axis" },
  grid: { left: 48, right: 48, top: 36, bottom: 28, containLabel: true },
  legend: { top: 0, type: "scroll" },
};

/** Lines per named series over category labels; `right` names series drawn on a second axis. */
export function lines(el, labels, series, { right = [], bars = [] } = {}) {
  chart(el).setOption({
    ...base,
    xAxis: { type: "category", data: labels },
    yAxis: [{ type: "value", minInterval: 1 }, { type: "value", minInterval: 1, splitLine: { show: false } }],
    series: series.map((s) => ({
      name: s.name,
      type: bars.includes(s.name) ? "bar" : "line",
      data: s.data,
      yAxisIndex: right.includes(s.name) ? 1 : 0,
      showSymbol: labels.length <= 45,
    })),
  }, true);
}

/** Stacked bars per series, plus optional line series on a second axis. */
export function stacked(el, labels, series, lineSeries = [], lineAxis = {}) {
  chart(el).setOption({
    ...base,
    color: ["#2e9e5b", "#9aa3b0", "#c0392b", "#1f5fbf"],
    xAxis: { type: "category", data: labels },
    yAxis: [{ type: "value", minInterval: 1 }, { type: "value", splitLine: { show: false }, ...lineAxis }],
    series: [
      ...series.map((s) => ({ name: s.name, type: "bar", stack: "all", data: s.data })),
      ...lineSeries.map((s) => ({ name: s.name, type: "line", yAxisIndex: 1, data: s.data })),
    ],
  }, true);
}

/** Leads reaching each stage, in stage order (not sorted by size). */
export function funnel(el, stages) {
  const max = Math.max(1, ...stages.map((s) => s.count));
  chart(el).setOption({
    ...base,
    legend: { show: false },
    tooltip: { trigger: "item", formatter: (p) => `${p.name}: ${p.value} leads` },
    series: [{
      type: "funnel", sort: "none", left: "8%", right: "8%", top: 8, bottom: 8, min: 0, max, minSize: "4%",
      label: { position: "inside", formatter: (p) => `${p.name}  ${p.value}${p.data.step}`, color: "#fff", textBorderColor: "#14213d", textBorderWidth: 2 },
      data: stages.map((s) => ({
        name: s.stage, value: s.count,
        step: s.conversion_from_previous === null ? "" : `  (${(s.conversion_from_previous * 100).toFixed(1)}%)`,
      })),
    }],
  }, true);
}

/**
 * The conversion flow as a Sankey. The API's single "(exit)" node would make every drop-off band
 * cross the stage flows; here each stage gets its own "dropped after" node, placed in the next
 * column below the next stage, so drop-offs stay apart. Moves back to an earlier stage cannot be
 * drawn in a Sankey (it must be acyclic): they are returned for the caller to report.
 */
export function sankey(el, flow) {
  const exitId = flow.nodes.find((n) => n.label === "(exit)")?.id;
  const stageNodes = flow.nodes.filter((n) => n.id !== exitId);
  const index = new Map(stageNodes.map((n, i) => [n.id, i]));
  const nodes = stageNodes.map((n, i) => ({ name: n.label, depth: i, itemStyle: { color: COLORS[0] } }));
  const links = [];
  const backward = [];
  for (const l of flow.links) {
    if (l.target === exitId) {
      const from = flow.nodes.find((n) => n.id === l.source).label;
      const name = `dropped after ${from}`;
      nodes.push({ name, depth: index.get(l.source) + 1, itemStyle: { color: DROP }, label: { formatter: `dropped ${l.value}` } });
      links.push({ source: from, target: name, value: l.value, lineStyle: { color: DROP, opacity: 0.45 } });
    } else if (index.get(l.target) > index.get(l.source)) {
      const from = flow.nodes.find((n) => n.id === l.source).label;
      const to = flow.nodes.find((n) => n.id === l.target).label;
      links.push({ source: from, target: to, value: l.value, lineStyle: { color: COLORS[0], opacity: 0.35 } });
    } else {
      backward.push(l);
    }
  }
  // A stage nobody reached would be a zero-height node: leave out nodes without links.
  const used = new Set(links.flatMap((l) => [l.source, l.target]));
  chart(el).setOption({
    ...base,
    legend: { show: false },
    tooltip: { trigger: "item" },
    series: [{
      type: "sankey", layoutIterations: 0, nodeGap: 14, left: 8, right: 110, top: 8, bottom: 8,
      emphasis: { focus: "adjacency" },
      label: { formatter: (p) => p.name },
      data: nodes.filter((n) => used.has(n.name)),
      links,
    }],
  }, true);
  return { backward };
}

/** Clears a chart when its data went away (empty state, error). */
export function clear(el) { window.echarts?.getInstanceByDom(el)?.clear(); }
