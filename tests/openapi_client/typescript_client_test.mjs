// The generated client compiles (issue 19): openapi-typescript turns the live /openapi.json into
// types, and tsc --strict (noImplicitAny) compiles client.mts, which reads typed fields of
// /metrics/kpi, /analytics/funnel/{funnel_id} and /analytics/conversations/sentiment and checks at
// compile time that each has exactly its documented type. The compiled program then runs against
// the same server. Run by ctest as `openapi_typescript_client`.
import { copyFileSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { run, runTool, saveDocument, withServer } from "./harness.mjs";

const here = new URL(".", import.meta.url).pathname;

/** Lines of TypeScript (comments aside) that name the type the client must never see. */
function untypedLines(text) {
  return text.split("\n").filter((line) => {
    const code = line.replace(/\/\/.*$/, "").trim();
    return !code.startsWith("*") && !code.startsWith("/*") && /\bany\b/.test(code);
  });
}

await withServer("a typed client generated from /openapi.json compiles and reads live answers", async (server) => {
  const work = server.dir;
  const doc = await saveDocument(server, work);
  const generated = runTool("openapi-typescript", [doc, "-o", join(work, "api.d.ts")]);
  if (generated.status !== 0) throw new Error(`openapi-typescript failed:\n${generated.stderr}`);
  for (const f of ["client.mts", "tsconfig.json"]) copyFileSync(join(here, f), join(work, f));

  const leaks = [...untypedLines(readFileSync(join(work, "api.d.ts"), "utf8")),
                 ...untypedLines(readFileSync(join(work, "client.mts"), "utf8"))];
  if (leaks.length > 0) throw new Error(`'any' in the generated types or the client:\n${leaks.slice(0, 10).join("\n")}`);

  const tsc = runTool("tsc", ["-p", work, "--pretty", "false"]);
  if (tsc.status !== 0) throw new Error(`tsc failed:\n${tsc.stdout}${tsc.stderr}`);

  const client = run(process.execPath, [join(work, "out", "client.mjs")], { ZAPLIFY_BASE_URL: server.base });
  process.stdout.write(client.stdout);
  if (client.status !== 0) throw new Error(`the compiled client failed (${client.status}):\n${client.stdout}${client.stderr}`);
});
