// Redocly CLI's `recommended` ruleset on the live /openapi.json (issue 19): 0 errors and
// 0 warnings, or the test fails listing each problem with its rule and location. The rules
// include valid media-type examples, so the examples /docs shows are checked here a second time.
// Run by ctest as `openapi_redocly_lint`.
import { join } from "node:path";
import { runTool, saveDocument, withServer } from "./harness.mjs";

const here = new URL(".", import.meta.url).pathname;
// No telemetry and no update check: the test talks to the local server only.
const quiet = { REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true", NO_COLOR: "1" };

await withServer("the live document passes Redocly's recommended rules with no warning", async (server) => {
  const doc = await saveDocument(server, server.dir);
  const lint = runTool("redocly", ["lint", doc, "--config", join(here, "redocly.yaml"), "--format=json"], quiet);
  let report;
  try {
    report = JSON.parse(lint.stdout);
  } catch {
    throw new Error(`redocly lint gave no JSON report (exit ${lint.status}):\n${lint.stdout}${lint.stderr}`);
  }
  const problems = report.problems.map((p) => {
    const where = (p.location || []).map((l) => l.pointer).join(", ");
    return `${p.severity} ${p.ruleId}: ${p.message} at ${where}`;
  });
  const { errors, warnings } = report.totals;
  console.log(`redocly ${report.version} recommended: ${errors} errors, ${warnings} warnings`);
  if (errors !== 0 || warnings !== 0 || lint.status !== 0)
    throw new Error(`${errors} errors, ${warnings} warnings (exit ${lint.status}):\n${problems.slice(0, 40).join("\n")}`);
});
