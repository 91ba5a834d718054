// The dashboard: reads the state from the URL, loads every view from the public API in parallel,
// and refreshes the real-time view every few seconds.
import { ApiError, download, getJson, getToken, setToken, apiUrl } from "./api.js";
import { load as loadCharts } from "./charts.js";
import { section, setStatus, showContent } from "./dom.js";
import { readState, windowParams, writeState } from "./state.js";
import { renderKpis, renderSeries } from "./view_overview.js";
import { renderBottlenecks, renderFlow, renderFunnel } from "./view_funnel.js";
import { renderAssistants, renderSentiment, renderTopics } from "./view_conversations.js";
import { renderExports, renderRealtime } from "./view_live.js";

const REALTIME_EVERY_MS = 5000;
const ZONES = ["UTC", "America/Sao_Paulo", "America/New_York", "Europe/London", "Europe/Lisbon", "Asia/Tokyo"];

let state = readState();
let generation = 0;  // a newer load makes the answers of an older one stale
let chartsReady = null;  // the chart library, loaded once the key figures are shown
const banner = document.getElementById("banner");

function showBanner(text) {
  banner.textContent = text;
  banner.hidden = !text;
}

/** Runs one view: spinner, fetch(es), render, or a readable error. Stale answers are dropped. */
async function run(id, requests, render, { quiet = false, charts = true } = {}) {
  const sec = section(id);
  const mine = generation;
  sec.dataset.api = requests.map(([path, params]) => apiUrl(path, params)).join(" ");
  if (!quiet) setStatus(sec, "loading");
  try {
    const bodies = await Promise.all(requests.map(([path, params]) => getJson(path, params, state.tenant)));
    if (charts) await chartsReady;
    if (mine !== generation) return;
    render(sec, ...bodies);
    sec.dataset.state = "ready";
  } catch (e) {
    if (mine === generation) showError(sec, e);
  }
}

function showError(sec, e) {
  const err = e instanceof ApiError ? e : new ApiError(0, "client", e.message);
  if (!(e instanceof ApiError)) console.warn(e);
  setStatus(sec, "error", err.readable);
  showContent(sec, false);
  sec.dataset.state = "error";
  if (err.status === 401) {
    showBanner(err.readable);
    document.getElementById("auth").open = true;
  }
}

function fillControls() {
  const f = document.getElementById("controls");
  f.range.value = state.range;
  f.interval.value = state.interval;
  f.tz.value = state.tz;
  f.tenant.value = state.tenant;
  f.from.value = state.from;
  f.to.value = state.to;
  document.getElementById("custom-range").hidden = state.range !== "custom";
  const zones = new Set([Intl.DateTimeFormat().resolvedOptions().timeZone, ...ZONES]);
  document.getElementById("tz-list").replaceChildren(...[...zones].map((z) => new Option(z, z)));
}

async function loadFunnels() {
  const picker = document.getElementById("funnel");
  const body = await getJson("/analytics/funnels", {}, state.tenant);
  picker.replaceChildren(...body.funnels.map((f) => new Option(f.name, f.funnel_id)));
  if (!body.funnels.length) picker.append(new Option("no funnels", ""));
  if (!body.funnels.some((f) => f.funnel_id === state.funnel)) {
    state.funnel = body.funnels[0]?.funnel_id || "";
    writeState(state, { replace: true });
  }
  picker.value = state.funnel;
}

const FUNNEL_VIEWS = ["funnel-view", "flow", "bottlenecks"];

function loadFunnelViews(win) {
  if (!state.funnel) {
    for (const id of FUNNEL_VIEWS) {
      setStatus(section(id), "empty", "No funnels are defined for this tenant.");
      showContent(section(id), false);
    }
    return [];
  }
  const base = `/analytics/funnel/${encodeURIComponent(state.funnel)}`;
  return [
    run("funnel-view", [[base, win]], renderFunnel),
    run("flow", [[`${base}/conversion-flow`, win]], renderFlow),
    run("bottlenecks", [[`${base}/bottlenecks`, win]], renderBottlenecks),
  ];
}

function loadRealtime(quiet) {
  return run("realtime", [["/analytics/real-time/activity", {}], ["/analytics/real-time/conversations", { limit: 20 }]],
    renderRealtime, { quiet });
}

async function exportOne(dataset, format, extra) {
  const sec = section("exports");
  setStatus(sec, "loading", `Preparing ${dataset}.${format}…`);
  try {
    const { name, bytes } = await download({ dataset, format, ...windowParams(state), ...extra }, state.tenant);
    setStatus(sec, "", `Saved ${name} (${bytes.toLocaleString("en-US")} bytes).`);
  } catch (e) {
    setStatus(sec, "error", e instanceof ApiError ? e.readable : e.message);
  }
}

/** (Re)loads every view for the current state. */
async function loadAll() {
  generation += 1;
  const mine = generation;
  document.body.dataset.loading = "true";
  showBanner("");
  const win = windowParams(state);
  const series = { ...win, interval: state.interval };
  const started = performance.now();
  const kpis = run("kpis", [["/metrics/kpi", win]], (sec, body) => {
    renderKpis(sec, body, state.tenant);
    if (!document.body.dataset.firstPaintMs) document.body.dataset.firstPaintMs = String(Math.round(performance.now()));
  }, { charts: false });
  // After the tiles are painted, or after 800 ms when the key figures take longer than that.
  const painted = kpis.then(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0))));
  chartsReady = Promise.race([painted, new Promise((resolve) => setTimeout(resolve, 800))]).then(loadCharts);
  const jobs = [
    kpis,
    run("series", [["/metrics/kpi", series]], (sec, body) => renderSeries(sec, body, state.interval)),
    run("assistants", [["/metrics/performance", win]], renderAssistants, { charts: false }),
    run("sentiment", [["/analytics/conversations/sentiment", series]], (sec, body) => renderSentiment(sec, body, state.interval)),
    run("topics", [["/analytics/conversations/topics", win]], renderTopics, { charts: false }),
    loadRealtime(false),
    loadFunnels().then(
      () => Promise.all(loadFunnelViews(win)),
      (e) => { if (mine === generation) FUNNEL_VIEWS.forEach((id) => showError(section(id), e)); }),
  ];
  await Promise.allSettled(jobs);
  await run("exports", [["/analytics/export/datasets", {}]],
    (sec, body) => renderExports(sec, body, { funnel: state.funnel, exportOne }), { charts: false });
  if (mine === generation) {
    document.body.dataset.loading = "false";
    document.body.dataset.loadMs = String(Math.round(performance.now() - started));
  }
}

function applyForm(event) {
  event?.preventDefault();
  const f = document.getElementById("controls");
  const next = { ...state, range: f.range.value, interval: f.interval.value, tz: f.tz.value.trim() || "UTC",
                 funnel: f.funnel.value, tenant: f.tenant.value.trim(), from: f.from.value, to: f.to.value };
  if (next.range !== "custom") { next.from = ""; next.to = ""; }
  if (next.range !== state.range && next.interval === state.interval) next.interval = next.range === "today" ? "hour" : "day";
  if (next.tenant !== state.tenant) next.funnel = "";
  state = next;
  writeState(state);
  fillControls();
  loadAll();
}

function bindControls() {
  const f = document.getElementById("controls");
  f.addEventListener("submit", applyForm);
  for (const name of ["range", "interval", "funnel"]) f[name].addEventListener("change", applyForm);
  const token = document.getElementById("token");
  token.value = getToken();
  document.getElementById("token-form").addEventListener("submit", (e) => {
    e.preventDefault();
    setToken(token.value.trim());
    loadAll();
  });
  document.getElementById("token-clear").addEventListener("click", () => { token.value = ""; setToken(""); loadAll(); });
  window.addEventListener("popstate", () => { state = readState(); fillControls(); loadAll(); });
}

function startRealtimeTimer() {
  setInterval(() => {
    if (document.hidden || document.body.dataset.loading === "true") return;
    const sec = section("realtime");
    if (sec.dataset.state === "error") return;
    loadRealtime(true).then(() => { sec.dataset.refreshes = String(Number(sec.dataset.refreshes || 0) + 1); });
  }, REALTIME_EVERY_MS);
}

fillControls();
bindControls();
writeState(state, { replace: true });
loadAll();
startRealtimeTimer();
