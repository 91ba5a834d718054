// Support for the OpenAPI client tests: the real server binary with the build's plugins and the
// shipped config/analytics.yaml (so the document is the one a default install serves) on a free
// loopback port, a fresh SQLite file and the demo data; and the npm tools installed by CMake.
import { spawn, spawnSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const env = {
  binary: need("ZAPLIFY_SERVER_BINARY"),
  pluginDir: need("ZAPLIFY_PLUGIN_DIR"),
  nodeModules: need("OPENAPI_CLIENT_NODE_MODULES"),
};

function need(name) {
  if (!process.env[name]) throw new Error(`${name} is not set (ctest sets it; see tests/openapi_client/CMakeLists.txt)`);
  return process.env[name];
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

function shippedConfig(port, db) {
  let yaml = readFileSync(new URL("../../config/analytics.yaml", import.meta.url), "utf8");
  for (const [from, to] of [["host: 0.0.0.0", "host: 127.0.0.1"], ["port: 8003", `port: ${port}`],
                            ["url: sqlite3://var/analytics.db", `url: "sqlite3://${db}"`]]) {
    if (!yaml.includes(from)) throw new Error(`config/analytics.yaml no longer has '${from}'`);
    yaml = yaml.replace(from, to);
  }
  return `${yaml}\nplugins_dir: "${env.pluginDir}"\n`;
}

/** Starts the server with --demo; resolves once the demo data is in and every plugin runs. */
export async function startServer() {
  const dir = mkdtempSync(join(tmpdir(), "zaplify-openapi-client-"));
  const port = await freePort();
  writeFileSync(join(dir, "analytics.yaml"), shippedConfig(port, `${dir}/analytics.db`));
  const childEnv = { ...process.env, LOG_LEVEL: "warn" };
  for (const k of ["DATABASE_URL", "PORT", "HOST", "REDIS_URL", "SECRET_KEY"]) delete childEnv[k];
  const log = join(dir, "server.log");
  const out = openSync(log, "a");
  const child = spawn(env.binary, ["--config", join(dir, "analytics.yaml"), "--demo"], {
    env: childEnv, stdio: ["ignore", out, out],
  });
  closeSync(out);
  const server = {
    dir, base: `http://127.0.0.1:${port}`,
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
      if (health.demo && !health.demo.loading && health.demo.events > 0 &&
          health.plugins.every((p) => p.status === "running")) return server;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  await server.stop();
  throw new Error("server did not load its demo data within 60 s");
}

/** The served /openapi.json, written into `dir`; returns its path. */
export async function saveDocument(server, dir) {
  const response = await fetch(`${server.base}/openapi.json`);
  if (!response.ok) throw new Error(`/openapi.json answered ${response.status}`);
  const path = join(dir, "openapi.json");
  writeFileSync(path, await response.text());
  return path;
}

/** Runs a program without a shell; returns {status, stdout, stderr}. */
export function run(program, args, extraEnv = {}) {
  const result = spawnSync(program, args, {
    encoding: "utf8", env: { ...process.env, ...extraEnv }, timeout: 120000,
  });
  if (result.error) throw new Error(`${program}: ${result.error.message}`);
  return result;
}

/** Runs a tool of the npm install (node_modules/.bin; the openapi_client_deps target puts it there). */
export function runTool(name, args, extraEnv = {}) {
  return run(join(env.nodeModules, ".bin", name), args, extraEnv);
}

/** Runs `body(server)` against a fresh server, then stops it; the exit code says pass or fail. */
export async function withServer(name, body) {
  let server;
  try {
    server = await startServer();
    await body(server);
    console.log(`ok   ${name}`);
  } catch (e) {
    console.log(`FAIL ${name}\n     ${e.stack || e}`);
    process.exitCode = 1;
  } finally {
    if (server) await server.stop();
  }
}
