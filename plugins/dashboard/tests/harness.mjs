// Support for the dashboard's browser test: the real server binary with the real plugins on a
// loopback port it picks (fresh SQLite file, demo data), HS256 tokens, a tiny named-case runner, and
// Debian's chromium through playwright-core (never a downloaded browser).
import { createHmac } from "node:crypto";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { shippedYaml, startDemoServer } from "../../../tests/support/harness/demo_server.mjs";

export const env = {
  binary: need("ZAPLIFY_SERVER_BINARY"),
  pluginDir: need("ZAPLIFY_PLUGIN_DIR"),
  nodeModules: need("DASHBOARD_NODE_MODULES"),
  screenshots: process.env.DASHBOARD_SCREENSHOTS || join(tmpdir(), "dashboard-screenshots"),
  chromium: process.env.CHROMIUM || "/usr/bin/chromium",
};

function need(name) {
  if (!process.env[name]) throw new Error(`${name} is not set (ctest sets it; see plugins/dashboard/CMakeLists.txt)`);
  return process.env[name];
}

export function playwright() {
  return createRequire(join(env.nodeModules, "/"))("playwright-core");
}

export function launchBrowser() {
  if (!existsSync(env.chromium))
    throw new Error(`${env.chromium} is missing: apt-get install chromium (scripts/install-deps.sh does)`);
  // --no-sandbox: CI runs as root, where chromium's sandbox cannot start.
  return playwright().chromium.launch({ executablePath: env.chromium, args: ["--no-sandbox", "--disable-gpu"] });
}

/**
 * Starts the server (tests/support/harness/demo_server.mjs: the shipped config/analytics.yaml —
 * the dashboard enabled in it, the conversation plugin's topics — on loopback, port 0, a fresh
 * SQLite file, --demo) and waits until the demo data is in and every plugin runs.
 */
export async function startServer({ auth = "none", secret = "" } = {}) {
  if (!/name: dashboard\b.*\n\s+library: dashboard\.so\n\s+enabled: true/.test(shippedYaml()))
    throw new Error("config/analytics.yaml does not enable the dashboard plugin");
  return startDemoServer({ binary: env.binary, pluginDir: env.pluginDir, auth, secret, name: "dashboard" });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const b64url = (x) => Buffer.from(typeof x === "string" ? x : JSON.stringify(x)).toString("base64url");

/** An HS256 JWT (docs/api.md, Tenancy and auth). */
export function makeJwt(secret, claims, expInSeconds = 3600) {
  const head = `${b64url({ alg: "HS256", typ: "JWT" })}.${b64url({ ...claims, exp: Math.floor(Date.now() / 1000) + expInSeconds })}`;
  return `${head}.${createHmac("sha256", secret).update(head).digest("base64url")}`;
}

/** GET a path of the server as JSON, with optional headers. */
export async function api(server, path, headers = {}) {
  const r = await fetch(`${server.base}${path}`, { headers });
  const body = await r.json();
  if (!r.ok) throw new Error(`${path} answered ${r.status}: ${JSON.stringify(body)}`);
  return body;
}

// --- a named-case runner: prints one line per case and the closing "N passed, N failed" ---------
const cases = [];
export function test(name, fn) { cases.push({ name, fn }); }

export class AssertionError extends Error {}
export function check(ok, message) { if (!ok) throw new AssertionError(message); }
export function equal(actual, expected, what) {
  const a = JSON.stringify(actual), e = JSON.stringify(expected);
  if (a !== e) throw new AssertionError(`${what}: got ${a}, expected ${e}`);
}

export async function runAll(context) {
  let passed = 0, failed = 0;
  for (const c of cases) {
    const t0 = Date.now();
    try {
      await c.fn(context);
      passed += 1;
      console.log(`ok   ${c.name} (${Date.now() - t0} ms)`);
    } catch (e) {
      failed += 1;
      console.log(`FAIL ${c.name} (${Date.now() - t0} ms)\n     ${e.stack || e}`);
    }
  }
  return { passed, failed };
}
