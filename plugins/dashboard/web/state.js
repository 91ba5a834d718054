// The dashboard's state lives in the URL query (shareable): range, from, to, interval, tz, funnel,
// tenant. Never the token.

const KEYS = ["range", "from", "to", "interval", "tz", "funnel", "tenant"];
const RANGES = ["today", "7d", "30d", "custom"];
const INTERVALS = ["hour", "day", "week"];

export function readState(search = location.search) {
  const q = new URLSearchParams(search);
  const s = Object.fromEntries(KEYS.map((k) => [k, q.get(k) || ""]));
  if (!RANGES.includes(s.range)) s.range = "7d";
  if (!s.tz) s.tz = "UTC";
  if (!INTERVALS.includes(s.interval)) s.interval = s.range === "today" ? "hour" : "day";
  if (s.range !== "custom") { s.from = ""; s.to = ""; }
  return s;
}

export function writeState(state, { replace = false } = {}) {
  const q = new URLSearchParams();
  for (const k of KEYS) if (state[k]) q.set(k, state[k]);
  const url = `${location.pathname}?${q}`;
  if (url === `${location.pathname}${location.search}`) return;
  if (replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
}

/** Today's date (YYYY-MM-DD) in a time zone. */
export function todayIn(tz) {
  const format = (zone) => new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" })
    .format(new Date());
  try {
    return format(tz);
  } catch {
    return format("UTC");  // a zone this browser does not know: the API will say what is wrong with it
  }
}

export function addDays(date, days) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * The API window for a state: presets start at local midnight of a date (so the query, and the
 * API's cache key, stay the same all day) and end now (no `to`); a custom range includes its end date.
 */
export function windowParams(state) {
  const base = { tz: state.tz };
  const today = todayIn(state.tz);
  switch (state.range) {
    case "today": return { ...base, from: today };
    case "30d": return { ...base, from: addDays(today, -29) };
    case "custom":
      return { ...base, from: state.from || addDays(today, -6), to: state.to ? addDays(state.to, 1) : undefined };
    default: return { ...base, from: addDays(today, -6) };
  }
}
