// How numbers are shown. One rule per kind, so a number on screen can be checked against the API.

const INT = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

export const DASH = "—";

/** Counts: 1234 → "1,234". */
export function fmtInt(v) { return v === null || v === undefined ? DASH : INT.format(v); }

/** Ratios in [0, 1] (and above): 0.1614 → "16.1%". */
export function fmtPct(v) { return v === null || v === undefined ? DASH : `${(v * 100).toFixed(1)}%`; }

/** Durations in ms: under 10 s as whole ms ("1,498 ms"), else seconds with one decimal ("136.0 s"). */
export function fmtMs(v) {
  if (v === null || v === undefined) return DASH;
  return v < 10000 ? `${INT.format(Math.round(v))} ms` : `${(v / 1000).toFixed(1)} s`;
}

export function fmtHours(v) { return v === null || v === undefined ? DASH : `${v.toFixed(1)} h`; }

/** Scores in [−1, 1]: two decimals with a sign ("+0.05", "−0.86"). */
export function fmtScore(v) {
  if (v === null || v === undefined) return DASH;
  const s = Math.abs(v).toFixed(2);
  return v < 0 && s !== "0.00" ? `−${s}` : `+${s}`;
}

/** A change in percent or points: arrow, magnitude, and whether it is good news. */
export function fmtChange(v, unit = "%", higherIsBetter = true) {
  if (v === null || v === undefined) return { text: "no previous data", cls: "flat", arrow: "" };
  const arrow = v > 0 ? "▲" : v < 0 ? "▼" : "■";
  const good = v === 0 ? null : (v > 0) === higherIsBetter;
  const cls = good === null ? "flat" : good ? "up" : "down";
  return { text: `${arrow} ${Math.abs(v).toFixed(1)}${unit}`, cls, arrow };
}

/** A bucket's label from its RFC 3339 start (already in the window's time zone). */
export function fmtBucket(bucket, interval) {
  const date = bucket.slice(0, 10);
  if (interval === "hour") return `${date.slice(5)} ${bucket.slice(11, 16)}`;
  return interval === "week" ? `wk ${date}` : date;
}

/** "2026-12-02T16:04:57.476Z" → "12-02 16:04:57 UTC". */
export function fmtTime(ts) { return ts ? `${ts.slice(5, 10)} ${ts.slice(11, 19)} UTC` : DASH; }
