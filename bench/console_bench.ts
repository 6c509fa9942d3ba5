/**
 * The console's Jobs page over 10,000 jobs: the time from request to the whole HTML of the first
 * page (20 jobs), of a later page, and of a status filter, answered in-process by the console
 * app over a standalone instance — and through the server's app, with its session cookie, as
 * `swcli server start` serves it. Also the Job page of one job, and — in headless Chromium over a
 * socket on 127.0.0.1, when `/usr/bin/chromium` exists and `SW_SKIP_BROWSER` is not `1` — the
 * Jobs page from navigation to its `load` event.
 *
 *   deno bench -A bench/console_bench.ts
 */

import { join } from "node:path";
import { Model, StandaloneInstance } from "../mod.ts";
import { createApp, serve } from "../lib/server/mod.ts";
import { launchBrowser, SKIP_BROWSER } from "../tests/console/_browser.ts";
import { createConsole } from "../lib/server/console/mod.ts";
import { JobStore } from "../lib/standalone/job_store.ts";
import { newUniqueId } from "../lib/standalone/unique_id.ts";

const JOBS = 10_000;
const TOKEN = "bench";

const dir = await Deno.makeTempDir({ prefix: "sw-console-bench-" });
const instance = new StandaloneInstance(join(dir, "root"), { durability: "none" });
const ds = await instance.open();
const pkg = join(dir, "pkg");
await Deno.mkdir(pkg);
await Deno.writeTextFile(
  join(pkg, "steps.ts"),
  "import { handler } from '@starwhale/sdk';\nexport const fill = handler(() => {});\n",
);
const model = await Model.build(pkg, { name: "bench", instance });
const store = new JobStore(instance.root, { project: "self", ds });
const setup = performance.now();
const start = Date.now() - JOBS * 1000;
let last = "";
for (let i = 0; i < JOBS; i++) {
  last = newUniqueId();
  await store.save({
    id: last,
    project: "self",
    status: i % 4 === 0 ? "FAIL" : "SUCCESS",
    model: "bench",
    modelVersion: model.version,
    datasets: ["digits"],
    handler: "steps:fill",
    createdAt: new Date(start + i * 1000).toISOString(),
    finishedAt: new Date(start + i * 1000 + 500).toISOString(),
    errorMessage: i % 4 === 0 ? "boom" : null,
    removed: false,
    modelSrcDir: "",
  });
}
await ds.flush();
console.log(`setup: ${JOBS} jobs in ${((performance.now() - setup) / 1000).toFixed(1)}s`);

const local = createConsole({ instance });
const server = createApp({ instance, token: TOKEN });
const signIn = await server.hono.request("/signin", {
  method: "POST",
  body: new URLSearchParams({ token: TOKEN }),
});
const cookie = (signIn.headers.get("set-cookie") ?? "").split(";")[0];

async function page(
  fetch: (path: string, init?: RequestInit) => Response | Promise<Response>,
  path: string,
  expect: string,
): Promise<void> {
  const res = await fetch(path, { headers: { cookie } });
  const html = await res.text();
  if (res.status !== 200 || !html.includes(expect)) {
    throw new Error(`${path}: HTTP ${res.status}, expected ${expect}`);
  }
}

const rows = (n: number) => `${n} jobs`;
Deno.bench("console Jobs page 1 over 10,000 jobs (standalone)", { group: "jobs" }, async () => {
  await page(local.request, "/projects/self/jobs", rows(JOBS));
});
Deno.bench(
  "console Jobs page 1 over 10,000 jobs (server, signed in)",
  { group: "jobs" },
  async () => {
    await page(server.hono.request, "/projects/self/jobs", rows(JOBS));
  },
);
Deno.bench("console Jobs page 250 over 10,000 jobs", { group: "jobs" }, async () => {
  await page(local.request, "/projects/self/jobs?page=250", "Page 250 of 500");
});
Deno.bench("console Jobs page, status FAIL, over 10,000 jobs", { group: "jobs" }, async () => {
  await page(local.request, "/projects/self/jobs?status=FAIL", rows(JOBS / 4));
});
Deno.bench("console Job page of one of 10,000 jobs", { group: "job" }, async () => {
  await page(local.request, `/projects/self/jobs/${last}`, last);
});

const browser = SKIP_BROWSER ? undefined : await launchBrowser().catch((e) => {
  console.log(`no browser bench: ${e.message}`);
  return undefined;
});
const listening = browser
  ? await serve({ port: 0, root: instance.root, token: TOKEN, instance })
  : undefined;
const tab = await browser?.page();
if (tab && listening) {
  await tab.goto(`${listening.url}/signin`);
  await tab.fill("input[name=token]", TOKEN);
  await tab.click("button[type=submit]");
  await tab.waitForSelector("#jobs");
}
Deno.bench({
  name: "Chromium: Jobs page over 10,000 jobs, navigation to load event",
  group: "browser",
  ignore: !tab,
  async fn() {
    await tab!.goto(`${listening!.url}/projects/self/jobs`, { waitUntil: "load" });
    if (await tab!.locator("#jobs tbody tr").count() !== 20) throw new Error("wrong page");
  },
});

globalThis.addEventListener("unload", async () => {
  await browser?.[Symbol.asyncDispose]();
  await listening?.shutdown();
  server.close().then(() => instance.close()).finally(() =>
    Deno.removeSync(dir, { recursive: true })
  );
});
