/**
 * A storage root with the model `noop` (one handler that logs a summary), the dataset `d` and
 * one finished job, served in-process by `createApp` with a `RemoteInstance` over its `fetch`.
 *
 * @module
 */
import { join } from "node:path";
import { StandaloneInstance } from "../../lib/standalone/mod.ts";
import { RemoteInstance } from "../../lib/remote/mod.ts";
import { createApp, type ServerApp } from "../../lib/server/mod.ts";
import type { JobRecord } from "../../lib/sdk/mod.ts";

/** The token of the fixture's app. */
export const TOKEN = "fixture";

/** What {@link servedRoot} gives; `await using` closes and removes everything. */
export interface ServedRoot extends AsyncDisposable {
  /** The storage root. */
  root: string;
  /** The standalone instance over it. */
  local: StandaloneInstance;
  /** The app serving it. */
  app: ServerApp;
  /** A remote instance talking to the app in-process. */
  remote: RemoteInstance;
  /** The finished job. */
  job: JobRecord;
  /** GETs or POSTs a path of the app with the token; answers status and JSON body. */
  call(
    path: string,
    init?: { method?: string; body?: unknown },
  ): Promise<{ status: number; json: { code: string; message: string; data: unknown } }>;
}

/** Builds the fixture. */
export async function servedRoot(): Promise<ServedRoot> {
  const root = await Deno.makeTempDir({ prefix: "sw-server-fixture-" });
  const pkg = join(root, ".pkg");
  await Deno.mkdir(pkg);
  const sdk = new URL("../../mod.ts", import.meta.url).href;
  await Deno.writeTextFile(
    join(pkg, "noop.ts"),
    `import { handler } from "${sdk}";\nexport const noop = handler((ctx) => ctx.logSummary({ ok: 1 }));\n`,
  );
  const local = new StandaloneInstance(root, { durability: "none" });
  await local.buildModel("self", { dir: pkg, name: "noop" });
  await local.buildDataset("self", { name: "d", rows: [{ x: 1 }] });
  const job = await local.createJob("self", { model: "noop", runHandler: "noop:noop" });
  const app = createApp({ instance: local, token: TOKEN });
  const remote = new RemoteInstance({ url: "http://sw.test", token: TOKEN, fetch: app.fetch });
  return {
    root,
    local,
    app,
    remote,
    job,
    async call(path, init = {}) {
      const res = await app.fetch(
        new Request(`http://sw.test${path}`, {
          method: init.method ?? (init.body === undefined ? "GET" : "POST"),
          headers: { authorization: `Bearer ${TOKEN}` },
          body: init.body === undefined
            ? undefined
            : typeof init.body === "string"
            ? init.body
            : JSON.stringify(init.body),
        }),
      );
      return { status: res.status, json: await res.json() };
    },
    async [Symbol.asyncDispose]() {
      await remote.close();
      await app.close();
      await local.close();
      await Deno.remove(root, { recursive: true });
    },
  };
}
