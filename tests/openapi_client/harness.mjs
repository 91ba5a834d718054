// Support for the OpenAPI client tests: the real server binary with the build's plugins and the
// shipped config/analytics.yaml (so the document is the one a default install serves) on a
// loopback port it picks, a fresh SQLite file and the demo data; and the npm tools installed by
// CMake.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";

import { startDemoServer } from "../support/harness/demo_server.mjs";

export const env = {
  binary: need("ZAPLIFY_SERVER_BINARY"),
  pluginDir: need("ZAPLIFY_PLUGIN_DIR"),
  nodeModules: need("OPENAPI_CLIENT_NODE_MODULES"),
};

function need(name) {
  if (!process.env[name]) throw new Error(`${name} is not set (ctest sets it; see tests/openapi_client/CMakeLists.txt)`);
  return process.env[name];
}

/** Starts the server with the shipped config and --demo (tests/support/harness/demo_server.mjs). */
export function startServer() {
  return startDemoServer({ binary: env.binary, pluginDir: env.pluginDir, name: "openapi-client" });
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
