import { assert, assertEquals } from "../_assert.ts";
import { Datastore, DatastoreClosedError, DatastoreLockedError } from "../../datastore/mod.ts";
import { StandaloneInstance } from "../../lib/standalone/mod.ts";
import { createApp, type ServerStore } from "../../lib/server/mod.ts";
import { JobStateError, NotFoundError } from "../../lib/sdk/errors.ts";
import denoJson from "../../deno.json" with { type: "json" };

const TOKEN = "t0ken";
const auth = { authorization: `Bearer ${TOKEN}` };

/** A datastore in a temp dir; `await using` closes and removes it. */
async function tempStore(): Promise<Datastore & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "sw-server-app-" });
  const ds = await Datastore.open(dir, { durability: "none" });
  return Object.assign(ds, {
    async [Symbol.asyncDispose]() {
      await ds.close();
      await Deno.remove(dir, { recursive: true });
    },
  });
}

/** The store operations of `ds`, some replaced. */
function delegate(ds: Datastore, overrides: Partial<ServerStore>): ServerStore {
  return {
    update: ds.update.bind(ds),
    delete: ds.delete.bind(ds),
    write: ds.write.bind(ds),
    scan: ds.scan.bind(ds),
    schema: ds.schema.bind(ds),
    tables: ds.tables.bind(ds),
    flush: ds.flush.bind(ds),
    ...overrides,
  };
}

/** Resolves with `value`, or with "timed out" after `ms` (the timer is always cleared). */
async function within<T>(ms: number, p: Promise<T>): Promise<T | "timed out"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timed out">((r) => (timer = setTimeout(() => r("timed out"), ms)));
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

Deno.test("close() called twice while a request is in flight resolves both calls", async () => {
  await using ds = await tempStore();
  const gate = Promise.withResolvers<void>();
  const entered = Promise.withResolvers<void>();
  const store = delegate(ds, {
    flush: async () => {
      entered.resolve();
      await gate.promise;
    },
  });
  const app = createApp({ store, token: TOKEN });
  const request = app.fetch(
    new Request("http://sw/api/v1/datastore/flush", { method: "POST", headers: auth }),
  );
  await entered.promise;
  const first = app.close(), second = app.close();
  const refused = await app.fetch(new Request("http://sw/health"));
  assertEquals(refused.status, 503);
  assertEquals((await refused.json()).message, "server is shutting down");
  gate.resolve();
  assertEquals((await request).status, 200);
  assertEquals(await within(5000, first.then(() => "first")), "first");
  assertEquals(await within(5000, second.then(() => "second")), "second");
});

Deno.test("GET /api/v1/system/version answers {id, version}: the version deno.json declares", async () => {
  await using store = await tempStore();
  const app = createApp({ store, token: TOKEN });
  const res = await app.fetch(new Request("http://sw/api/v1/system/version", { headers: auth }));
  assertEquals(await res.json(), {
    code: "success",
    message: "Success",
    data: { id: "", version: denoJson.version },
  });
  await app.close();
});

Deno.test("one error table: each error class answers its status and envelope code", async (t) => {
  await using ds = await tempStore();
  const cases: [string, Error, number, string][] = [
    ["NotFoundError", new NotFoundError("job", "xm5"), 404, "NOT FOUND: 001"],
    [
      "JobStateError",
      new JobStateError("pause", { id: "xm5", status: "SUCCESS" }),
      400,
      "INVALID REQUEST: JOB",
    ],
    ["TypeError", new TypeError("bad shape"), 400, "INVALID REQUEST: Starwhale Internal DataStore"],
    ["RangeError", new RangeError("too big"), 400, "INVALID REQUEST: Starwhale Internal DataStore"],
    [
      "DatastoreClosedError",
      new DatastoreClosedError("list tables"),
      503,
      "Service is Unavailable: 001",
    ],
    ["any other error", new Error("disk on fire"), 500, "internalServerError"],
  ];
  for (const [name, error, status, code] of cases) {
    await t.step(name, async () => {
      const store = delegate(ds, {
        tables: () => {
          throw error;
        },
      });
      const app = createApp({ store, token: TOKEN });
      const res = await app.fetch(
        new Request("http://sw/api/v1/datastore/listTables", { method: "POST", headers: auth }),
      );
      const body = await res.json();
      assertEquals([res.status, body.code, body.data], [status, code, null]);
      assert(body.message.includes(error.message), body.message);
      await app.close();
    });
  }
});

Deno.test("the Hono app answers in-process through hono.request()", async () => {
  await using store = await tempStore();
  const app = createApp({ store, token: TOKEN });
  const res = await app.hono.request("/api/v1/user/current", { headers: auth });
  assertEquals((await res.json()).data.name, "starwhale");
  const missing = await app.hono.request("/api/v1/nothing", { headers: auth });
  assertEquals([missing.status, (await missing.json()).code], [404, "NOT FOUND: 001"]);
  await app.close();
});

Deno.test("a datastore that could not be opened is tried again by the next request", async () => {
  const root = await Deno.makeTempDir({ prefix: "sw-server-reopen-" });
  class FlakyOpen extends StandaloneInstance {
    failures = 2;
    override open(): ReturnType<StandaloneInstance["open"]> {
      if (this.failures-- > 0) return Promise.reject(new DatastoreLockedError(root));
      return super.open();
    }
  }
  const instance = new FlakyOpen(root, { durability: "none" });
  const app = createApp({ instance, token: TOKEN });
  try {
    const statuses: number[] = [];
    for (let i = 0; i < 5 && statuses.at(-1) !== 200; i++) {
      const res = await app.fetch(
        new Request("http://sw/api/v1/datastore/listTables", { method: "POST", headers: auth }),
      );
      await res.body?.cancel();
      statuses.push(res.status);
    }
    assertEquals(statuses[0], 503, String(statuses));
    assertEquals(statuses.at(-1), 200, `never recovered: ${statuses}`);
  } finally {
    await app.close();
    await instance.close();
    await Deno.remove(root, { recursive: true });
  }
});
