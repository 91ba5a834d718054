// The real server binary for the JavaScript tests (the OpenAPI client checks, the dashboard's
// browser test): the shipped config/analytics.yaml moved to loopback and a fresh SQLite file, with
// --demo. Like the C++ harness (server_launch.h) it asks for port 0 and reads the port the server
// bound from --port-file, so two tests starting at once never race for a port.
import { spawn } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The text of the shipped config/analytics.yaml. */
export function shippedYaml() {
  return readFileSync(new URL("../../../config/analytics.yaml", import.meta.url), "utf8");
}

// The shipped YAML on loopback, port 0, the given database, auth mode and plugin folder.
function testConfig({ db, auth, pluginDir }) {
  let yaml = shippedYaml();
  const swap = (from, to) => {
    if (!yaml.includes(from)) throw new Error(`config/analytics.yaml no longer has '${from}'`);
    yaml = yaml.replace(from, to);
  };
  swap("host: 0.0.0.0", "host: 127.0.0.1");
  swap("port: 8003", "port: 0");
  swap("url: sqlite3://var/analytics.db", `url: "sqlite3://${db}"`);
  swap("mode: none", `mode: ${auth}`);
  return `${yaml}\nplugins_dir: "${pluginDir}"\n`;
}

function readPort(file) {
  try {
    const port = Number.parseInt(readFileSync(file, "utf8"), 10);
    return port > 0 ? port : 0;
  } catch {
    return 0;  // not written yet
  }
}

/**
 * Starts `binary` with the shipped config and --demo; resolves once the demo data is in and every
 * plugin runs, to {port, dir, child, base, log(), stop()}.
 */
export async function startDemoServer({ binary, pluginDir, auth = "none", secret = "", name = "js" }) {
  const dir = mkdtempSync(join(tmpdir(), `zaplify-${name}-test-`));
  const config = join(dir, "analytics.yaml");
  const portFile = join(dir, "server.port");
  writeFileSync(config, testConfig({ db: `${dir}/analytics.db`, auth, pluginDir }));
  const childEnv = { ...process.env, LOG_LEVEL: "warn" };
  for (const k of ["DATABASE_URL", "PORT", "HOST", "REDIS_URL", "SECRET_KEY", "PLUGINS_DIR"])
    delete childEnv[k];
  if (secret) childEnv.SECRET_KEY = secret;
  const log = join(dir, "server.log");
  const out = openSync(log, "a");
  const child = spawn(binary, ["--config", config, "--port-file", portFile, "--demo"], {
    env: childEnv, stdio: ["ignore", out, out],
  });
  closeSync(out);  // the child has its own copy
  const server = {
    port: 0, dir, child, base: "",
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
    if (!server.port && (server.port = readPort(portFile)))
      server.base = `http://127.0.0.1:${server.port}`;
    if (server.port) {
      try {
        const health = await (await fetch(`${server.base}/health`)).json();
        const ready = health.demo && !health.demo.loading && health.demo.events > 0 &&
                      health.plugins.every((p) => p.status === "running");
        if (ready) return server;
      } catch { /* not answering yet */ }
    }
    await sleep(100);
  }
  await server.stop();
  throw new Error("server did not load its demo data within 60 s");
}
