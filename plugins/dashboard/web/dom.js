// Small DOM helpers: elements, tables, and a section's status line (spinner, error, empty).

export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) node.append(c);
  return node;
}

export function section(id) { return document.getElementById(id); }

/** kind: "loading" | "error" | "empty" | "" (clear). */
export function setStatus(sec, kind, text = "") {
  const status = sec.querySelector(".status");
  status.className = `status ${kind}`;
  status.textContent = kind === "loading" ? text || "Loading…" : text;
  if (kind === "error") status.setAttribute("role", "alert");
  else status.removeAttribute("role");
  sec.setAttribute("aria-busy", kind === "loading" ? "true" : "false");
}

/**
 * Shows or hides a section's content (everything but its heading and status). Hiding also empties
 * its tables and lists: a hidden section must not keep an earlier answer's rows (another funnel's,
 * another range's) where a reader or a test could take them for the current one.
 */
export function showContent(sec, visible) {
  for (const child of sec.children)
    if (!child.matches("h2, .status")) child.hidden = !visible;
  if (!visible) sec.querySelectorAll(".table-wrap, .recommendations").forEach((n) => n.replaceChildren());
}

/**
 * A table. columns: [{key, label, format?, sort?}]; rows: objects. Each cell carries the raw value
 * in data-value and its column key in data-key. With `sortable`, header buttons sort by a column.
 */
export function table(columns, rows, { sortable = false, caption = "", onSort = null, sortKey = null, sortDir = "desc" } = {}) {
  const head = h("tr", {}, columns.map((c) => {
    const ariaSort = sortKey === c.key ? (sortDir === "asc" ? "ascending" : "descending") : sortable ? "none" : null;
    const label = sortable
      ? h("button", { type: "button", onclick: () => onSort(c.key) }, c.label, sortKey === c.key ? (sortDir === "asc" ? " ▲" : " ▼") : "")
      : c.label;
    return h("th", { scope: "col", "aria-sort": ariaSort }, label);
  }));
  const body = rows.map((r) => h("tr", {}, columns.map((c) => {
    const v = r[c.key];
    const shown = c.format ? c.format(v, r) : v ?? "—";
    return h("td", { "data-key": c.key, "data-value": v === null || v === undefined ? "null" : String(v) }, shown);
  })));
  return h("table", {}, caption ? h("caption", { class: "sr-only" }, caption) : null, h("thead", {}, head), h("tbody", {}, body));
}
