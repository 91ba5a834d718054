// Support for the dashboard's browser test: the real server binary with the real plugins on a free
// loopback port (fresh SQLite file, demo data), HS256 tokens, a tiny named-case runner, and
// Debian's chromium through playwright-core (never a downloaded browser).
import { spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";

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

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/**
 * The shipped config/analytics.yaml (the dashboard enabled in it, the conversation plugin's
 * topics), moved to loopback, a free port, a fresh SQLite file and the build's plugins.
 */
function shippedConfig({ port, db, auth }) {
  let yaml = readFileSync(new URL("../../../config/analytics.yaml", import.meta.url), "utf8");
  const swap = (from, to) => {
    if (!yaml.includes(from)) throw new Error(`config/analytics.yaml no longer has '${from}'`);
    yaml = yaml.replace(from, to);
  };
  swap("host: 0.0.0.0", "host: 127.0.0.1");
  swap("port: 8003", `port: ${port}`);
  swap("url: sqlite3://var/analytics.db", `url: "sqlite3://${db}"`);
  swap("mode: none", `mode: ${auth}`);
  if (!/name: dashboard\b.*\n\s+library: dashboard\.so\n\s+enabled: true/.test(yaml))
    throw new Error("config/analytics.yaml does not enable the dashboard plugin");
  return `${yaml}\nplugins_dir: "${env.pluginDir}"\n`;
}

/** Starts the server with --demo and waits until the demo data is in and every plugin runs. */
export async function startServer({ auth = "none", secret = "" } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "zaplify-dashboard-test-"));
  const port = await freePort();
  writeFileSync(join(dir, "analytics.yaml"), shippedConfig({ port, db: `${dir}/analytics.db`, auth }));
  const childEnv = { ...process.env, LOG_LEVEL: "warn" };
  for (const k of ["DATABASE_URL", "PORT", "HOST", "REDIS_URL", "SECRET_KEY"]) delete childEnv[k];
  if (secret) childEnv.SECRET_KEY = secret;
  const log = join(dir, "server.log");
  const out = openSync(log, "a");
  const child = spawn(env.binary, ["--config", join(dir, "analytics.yaml"), "--demo"], {
    env: childEnv, stdio: ["ignore", out, out],
  });
  closeSync(out);  // the child has its own copy
  const server = {
    port, dir, child, base: `http://127.0.0.1:${port}`,
    log: () => readFileSync(log, "utf8"),
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await new Promise((resolve) => {
          const t = setTimeout(() => { child.kill("SIGKILL"); resolve(); }, 10000);
          child.once("exit", () => { clearTimeout(t); resolve(); });
        });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  const deadline = Date.now() + 60000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}):\n${server.log()}`);
    try {
      const health = await (await fetch(`${server.base}/health`)).json();
      const ready = health.demo && !health.demo.loading && health.demo.events > 0 &&
                    health.plugins.every((p) => p.status === "running");
      if (ready) return server;
    } catch { /* not listening yet */ }
    await sleep(100);
  }
  await server.stop();
  throw new Error("server did not load its demo data within 60 s");
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
