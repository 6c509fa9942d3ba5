import { assert, assertEquals, assertRejects } from "../_assert.ts";
import { Datastore, type Row, tuple } from "../../datastore/mod.ts";
import { createApp, type ServerApp } from "../../lib/server/mod.ts";
import { RemoteInstance } from "../../lib/remote/mod.ts";

const TOKEN = "t0ken";

interface Served extends AsyncDisposable {
  ds: Datastore;
  app: ServerApp;
  /** Paths the remote requested, in order. */
  paths: string[];
  remote: RemoteInstance;
}

/** `upstream`: the server answers 404 for `updateTableRows`, as a Starwhale Server does. */
async function served(options: { upstream?: boolean } = {}): Promise<Served> {
  const dir = await Deno.makeTempDir({ prefix: "sw-remote-rows-" });
  const ds = await Datastore.open(dir, { durability: "none" });
  const app = createApp({ store: ds, token: TOKEN });
  const paths: string[] = [];
  const remote = new RemoteInstance({
    url: "http://sw",
    token: TOKEN,
    fetch: (req) => {
      const path = new URL(req.url).pathname;
      paths.push(path);
      if (options.upstream && path.endsWith("/updateTableRows")) {
        return Promise.resolve(
          Response.json({ code: "404", message: "Not Found", data: null }, { status: 404 }),
        );
      }
      return app.fetch(req);
    },
  });
  return {
    ds,
    app,
    paths,
    remote,
    async [Symbol.asyncDispose]() {
      await remote.close();
      await app.close();
      await ds.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

function rows(n: number): Row[] {
  return Array.from({ length: n }, (_, i) => {
    const row: Row = { id: i, s: `r${i}`, f: i / 7, b: i % 2 === 0 };
    if (i % 50 === 3) {
      Object.assign(row, {
        big: 2n ** 60n + BigInt(i),
        bytes: new Uint8Array([i & 255]),
        list: [1, "two", 3.5],
        tup: tuple(1, 2),
        map: new Map<number, string>([[1, "x"]]),
        nan: NaN,
        nz: -0,
        nul: null,
      });
    }
    return row;
  });
}

Deno.test("RemoteInstance.updateTable sends plain JSON rows to this server, stored as a local update stores them", async () => {
  await using s = await served();
  const all = rows(2500);
  await s.remote.updateTable("project/self/t", all);
  assertEquals(s.paths.filter((p) => p.endsWith("/updateTableRows")).length, 3);
  assertEquals(s.paths.filter((p) => p.endsWith("/updateTable")).length, 0);
  const dir = await Deno.makeTempDir({ prefix: "sw-remote-rows-local-" });
  try {
    await using local = await Datastore.open(dir, { durability: "none" });
    await local.update("t", all);
    assertEquals(
      await Array.fromAsync(s.ds.scan("project/self/t", { keepNone: true })),
      await Array.fromAsync(local.scan("t", { keepNone: true })),
    );
    assertEquals(await s.ds.schema("project/self/t"), {
      ...(await local.schema("t"))!,
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("RemoteInstance.updateTable honours explicit column types and another key column through updateTableRows", async () => {
  await using s = await served();
  await s.remote.updateTable("project/self/k", [{ name: "a", v: 1 }, { name: "b", v: 0.1 }], {
    keyColumn: "name",
    schema: [{ name: "v", type: "FLOAT32" }],
  });
  const back = await Array.fromAsync(s.ds.scan("project/self/k"));
  assertEquals(back, [{ name: "a", v: 1 }, { name: "b", v: Math.fround(0.1) }]);
  assertEquals((await s.ds.schema("project/self/k"))?.keyColumn, "name");
});

Deno.test("RemoteInstance.updateTable falls back to updateTable records on a server without updateTableRows", async () => {
  await using s = await served({ upstream: true });
  const all = rows(1500);
  await s.remote.updateTable("project/self/t", all);
  await s.remote.updateTable("project/self/t", [{ id: 5000, s: "later" }]);
  assertEquals(s.paths.filter((p) => p.endsWith("/updateTableRows")).length, 1, "asked once");
  assert(s.paths.filter((p) => p.endsWith("/updateTable")).length >= 3);
  const back = await Array.fromAsync(s.ds.scan("project/self/t", { keepNone: true }));
  assertEquals(back.length, 1501);
  assertEquals(back.slice(0, 1500), all);
});

Deno.test("updateTableRows refuses a bad row with a 400 naming it and writes nothing of the batch", async () => {
  await using s = await served();
  const call = async (body: unknown) => {
    const res = await s.app.fetch(
      new Request("http://sw/api/v1/datastore/updateTableRows", {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify(body),
      }),
    );
    return { status: res.status, message: (await res.json()).message as string };
  };
  const noKey = await call({ tableName: "project/self/x", rows: [{ id: 1 }, { v: 2 }] });
  assertEquals(noKey.status, 400);
  assert(noKey.message.includes("'rows[1]'") && noKey.message.includes("'id'"), noKey.message);
  const badTyped = await call({
    tableName: "project/self/x",
    rows: [{ id: 1 }],
    typed: [[0, "b", { type: "BYTES", value: "%%" }]],
  });
  assertEquals(badTyped.status, 400);
  assert(badTyped.message.includes("typed[0]"), badTyped.message);
  assertEquals(s.ds.tables("project/self/x"), []);
  await assertRejects(
    () => s.remote.updateTable("project/self/x", [{ id: 1, v: 1 }, { id: "two", v: 2 }]),
    TypeError, // a 400 comes back as the class a local update throws
  );
  assertEquals(s.ds.tables("project/self/x"), []);
});
