import { assert, assertEquals, assertRejects } from "../_assert.ts";
import { Datastore } from "../../datastore/mod.ts";
import { createApp, type ServerApp } from "../../lib/server/mod.ts";
import { RemoteInstance } from "../../lib/remote/mod.ts";
import { RemoteError } from "../../lib/sdk/errors.ts";

const TOKEN = "t0ken";

async function setup(): Promise<
  { app: ServerApp; ds: Datastore; call: Call; [Symbol.asyncDispose](): Promise<void> }
> {
  const dir = await Deno.makeTempDir({ prefix: "sw-server-ds-" });
  const ds = await Datastore.open(dir, { durability: "none" });
  const app = createApp({ store: ds, token: TOKEN, maxBodyBytes: 1 << 20 });
  const call: Call = async (path, body, init = {}) => {
    const res = await app.fetch(
      new Request(`http://sw${path}`, {
        method: "POST",
        body: typeof body === "string" ? body : JSON.stringify(body),
        headers: { authorization: `Bearer ${TOKEN}`, ...init.headers },
        signal: init.signal,
      }),
    );
    return { status: res.status, json: await res.json() };
  };
  return {
    app,
    ds,
    call,
    async [Symbol.asyncDispose]() {
      await app.close();
      await ds.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

// deno-lint-ignore no-explicit-any
type Json = any;

type Call = (
  path: string,
  body: unknown,
  init?: { headers?: Record<string, string>; signal?: AbortSignal },
) => Promise<{ status: number; json: { code: string; message: string; data: Json } }>;

const SCHEMA = {
  keyColumn: "id",
  columnSchemaList: [
    { name: "id", type: "INT64" },
    { name: "label", type: "STRING" },
    { name: "score", type: "FLOAT64" },
    { name: "probs", type: "LIST", elementType: { type: "FLOAT32" } },
  ],
};

function record(id: number, label: string, score: number): unknown {
  return {
    values: [
      { key: "id", value: id.toString(16).padStart(16, "0") },
      { key: "label", value: label },
      {
        key: "score",
        value: new DataView(Float64Array.of(score).buffer).getBigUint64(0, true).toString(16),
      },
      { key: "probs", value: ["3f000000", "3f000000"] },
    ],
  };
}

Deno.test("updateTable then scanTable round-trips rows in the typed encoding", async () => {
  await using s = await setup();
  const up = await s.call("/api/v1/datastore/updateTable", {
    tableName: "project/self/eval/ab/abc/results",
    tableSchemaDesc: SCHEMA,
    records: [record(1, "cat", 1), record(3, "dog", 0.5)],
  });
  assertEquals(up.status, 200);
  assertEquals(up.json.code, "success");
  assert(/^\d+$/.test(up.json.data), `revision ${up.json.data}`);
  const scan = await s.call("/api/v1/datastore/scanTable", {
    tables: [{ tableName: "project/self/eval/ab/abc/results" }],
  });
  assertEquals(scan.status, 200);
  const [first, second] = scan.json.data.records;
  assertEquals(first.id, { type: "INT64", value: "0000000000000001" });
  assertEquals(first.score, { type: "FLOAT64", value: "3ff0000000000000" });
  assertEquals(first.probs, {
    type: "LIST",
    value: [{ type: "FLOAT32", value: "3f000000" }, { type: "FLOAT32", value: "3f000000" }],
  });
  assertEquals(second.label, { type: "STRING", value: "dog" });
  assertEquals(scan.json.data.lastKey, "0000000000000003");
});

Deno.test("updateTable deletes rows named with the '-' column", async () => {
  await using s = await setup();
  const t = "project/self/t";
  await s.call("/api/v1/datastore/updateTable", {
    tableName: t,
    tableSchemaDesc: SCHEMA,
    records: [record(1, "a", 1), record(2, "b", 2)],
  });
  const del = await s.call("/api/v1/datastore/updateTable", {
    tableName: t,
    tableSchemaDesc: {
      columnSchemaList: [{ name: "id", type: "INT64" }, { name: "-", type: "BOOL" }],
    },
    records: [{ values: [{ key: "id", value: "0000000000000001" }, { key: "-", value: "1" }] }],
  });
  assertEquals(del.status, 200);
  const rows = await Array.fromAsync(s.ds.scan(t));
  assertEquals(rows.map((r) => r.id), [2]);
});

Deno.test("scanTable answers plain encoding, ranges with startType, and the 1000-record cap", async () => {
  await using s = await setup();
  await s.ds.update(
    "project/self/n",
    Array.from({ length: 20 }, (_, i) => ({ id: i, v: i * 1.5 })),
  );
  const plain = await s.call("/api/v1/datastore/scanTable", {
    tables: [{ tableName: "project/self/n", columns: [{ columnName: "v", alias: "value" }] }],
    encodeWithType: false,
    start: "5",
    startType: "INT8",
    end: "0000000000000007",
    endInclusive: true,
  });
  assertEquals(plain.status, 200);
  assertEquals(plain.json.data.records, [
    { value: "401e000000000000" },
    { value: "4022000000000000" },
    { value: "4025000000000000" },
  ]);
  assertEquals(plain.json.data.columnTypes, [{ name: "value" }]);
  assertEquals(plain.json.data.lastKey, "0000000000000007");
  const capped = await s.call("/api/v1/datastore/scanTable", {
    tables: [{ tableName: "project/self/n" }],
    limit: 1001,
  });
  assertEquals(capped.status, 400);
  assert(capped.json.message.includes("limit"), capped.json.message);
});

Deno.test("RemoteInstance.scanTable pages with lastKey and keeps an end without a start", async () => {
  await using s = await setup();
  const rows = Array.from({ length: 2500 }, (_, i) => ({ id: i, sq: i * i, name: `r${i}` }));
  for (let i = 0; i < rows.length; i += 1000) {
    await s.ds.update("project/self/big", rows.slice(i, i + 1000));
  }
  await using remote = new RemoteInstance({ url: "http://sw", token: TOKEN, fetch: s.app.fetch });
  let n = 0;
  for await (const row of remote.scanTable("project/self/big")) {
    assertEquals(row, rows[n]);
    n++;
  }
  assertEquals(n, 2500);
  const head = await Array.fromAsync(remote.scanTable("project/self/big", { end: 3 }));
  assertEquals(head.map((r) => r.id), [0, 1, 2]);
  const mid = await Array.fromAsync(
    remote.scanTable("project/self/big", { start: 998, end: 1002, endInclusive: true, limit: 3 }),
  );
  assertEquals(mid.map((r) => r.id), [998, 999, 1000]);
});

Deno.test("RemoteInstance.updateTable writes every value type the server reads back exactly", async () => {
  await using s = await setup();
  await using remote = new RemoteInstance({ url: "http://sw", token: TOKEN, fetch: s.app.fetch });
  const row = {
    id: "k1",
    b: true,
    i: -7,
    big: 2n ** 60n,
    f: 0.1,
    nz: -0,
    s: "text",
    bytes: new Uint8Array([1, 2, 3]),
    list: [1, "two", 3.5],
    map: { a: 1, b: [true] },
    nul: null,
  };
  const rev = await remote.updateTable("project/self/types", [row]);
  assert(rev > 0);
  const back = await s.ds.get("project/self/types", "k1");
  assertEquals(back?.big, 2n ** 60n);
  assert(Object.is(back?.nz, -0), "-0 stored as a float");
  const [read] = await Array.fromAsync(remote.scanTable("project/self/types", { keepNone: true }));
  assertEquals(read, row);
  assertEquals(await remote.listTables("project/self/t"), ["project/self/types"]);
});

Deno.test("every /api/v1 route needs the Bearer token, health does not", async () => {
  await using s = await setup();
  const none = await s.app.fetch(
    new Request("http://sw/api/v1/datastore/listTables", { method: "POST" }),
  );
  assertEquals(none.status, 401);
  assertEquals(await none.json(), { code: "Unauthorized", message: "Not logged in." });
  const wrong = await s.call("/api/v1/datastore/listTables", {}, {
    headers: { authorization: "Bearer nope" },
  });
  assertEquals(wrong.status, 401);
  const query = await s.app.fetch(
    new Request(`http://sw/api/v1/datastore/listTables?Authorization=Bearer%20${TOKEN}`, {
      method: "POST",
    }),
  );
  assertEquals(query.status, 401, "a token in the query string is not accepted");
  assertEquals((await s.app.fetch(new Request("http://sw/health"))).status, 200);
  await using remote = new RemoteInstance({ url: "http://sw", token: "bad", fetch: s.app.fetch });
  const e = await assertRejects(() => remote.listTables(""), RemoteError, "401");
  assertEquals((e as RemoteError).status, 401);
});

Deno.test("bad bodies get a 4xx naming the problem and change nothing", async (t) => {
  await using s = await setup();
  const cases: [string, unknown, number, string][] = [
    ["malformed JSON", "{not json", 400, "not valid JSON"],
    ["a JSON array", "[1]", 400, "JSON object"],
    ["no table name", { tableSchemaDesc: SCHEMA, records: [] }, 400, "table name"],
    ["a traversal name", { tableName: "project/../etc", tableSchemaDesc: SCHEMA }, 400, "../etc"],
    ["an empty segment", { tableName: "project//x", tableSchemaDesc: SCHEMA }, 400, "project//x"],
    [
      "records not an array",
      { tableName: "p/x", tableSchemaDesc: SCHEMA, records: 5 },
      400,
      "records",
    ],
    [
      "an undescribed column",
      {
        tableName: "p/x",
        tableSchemaDesc: SCHEMA,
        records: [{ values: [{ key: "id", value: "01" }, { key: "zzz", value: "1" }] }],
      },
      400,
      "zzz",
    ],
    [
      "a bad hex value",
      {
        tableName: "p/x",
        tableSchemaDesc: SCHEMA,
        records: [record(1, "a", 1), { values: [{ key: "id", value: "xyz" }] }],
      },
      400,
      "xyz",
    ],
    [
      "a list key",
      {
        tableName: "p/x",
        tableSchemaDesc: { keyColumn: "id", columnSchemaList: [{ name: "id", type: "LIST" }] },
      },
      400,
      "scalar",
    ],
    [
      "a wrong field type",
      { tableName: "p/x", tableSchemaDesc: SCHEMA, records: [{ values: "x" }] },
      400,
      "values",
    ],
    [
      "an oversized body",
      JSON.stringify({ tableName: "p/x", pad: "x".repeat(2 << 20) }),
      413,
      "limit",
    ],
  ];
  for (const [name, body, status, text] of cases) {
    await t.step(name, async () => {
      const res = await s.call("/api/v1/datastore/updateTable", body);
      assertEquals(res.status, status, JSON.stringify(res.json));
      assert(res.json.code !== "success");
      assert(res.json.message.includes(text), `${res.json.message} lacks ${text}`);
    });
  }
  assertEquals(s.ds.tables(), []);
  const missing = await s.call("/api/v1/datastore/scanTable", {
    tables: [{ tableName: "p/none" }],
    ignoreNonExistingTable: false,
  });
  assertEquals(missing.status, 400);
  const ignored = await s.call("/api/v1/datastore/scanTable", {
    tables: [{ tableName: "p/none" }],
  });
  assertEquals(ignored.json.data.records, []);
});

Deno.test("concurrent writers through the API all land", async () => {
  await using s = await setup();
  await using remote = new RemoteInstance({ url: "http://sw", token: TOKEN, fetch: s.app.fetch });
  await Promise.all(
    Array.from({ length: 8 }, (_, w) =>
      (async () => {
        for (let b = 0; b < 5; b++) {
          const rows = Array.from({ length: 50 }, (_, i) => ({ id: w * 1000 + b * 50 + i, w }));
          await remote.updateTable("project/self/conc", rows);
        }
      })()),
  );
  const rows = await Array.fromAsync(s.ds.scan("project/self/conc"));
  assertEquals(rows.length, 8 * 250);
});

Deno.test("a client that disconnects mid-scan leaves the server serving", async () => {
  await using s = await setup();
  await s.ds.update(
    "project/self/d",
    Array.from({ length: 1000 }, (_, i) => ({ id: i, x: "y".repeat(100) })),
  );
  const ctl = new AbortController();
  const pending = s.call("/api/v1/datastore/scanTable", {
    tables: [{ tableName: "project/self/d" }],
  }, {
    signal: ctl.signal,
  });
  ctl.abort();
  await pending.catch(() => {});
  const again = await s.call("/api/v1/datastore/scanTable", {
    tables: [{ tableName: "project/self/d" }],
    limit: 5,
  });
  assertEquals(again.json.data.records.length, 5);
});

Deno.test("queryTable filters, orders and offsets one table", async () => {
  await using s = await setup();
  await s.ds.update(
    "project/self/q",
    Array.from({ length: 10 }, (_, i) => ({ id: i, g: i % 3, name: `n${i}` })),
  );
  const res = await s.call("/api/v1/datastore/queryTable", {
    tableName: "project/self/q",
    filter: {
      operator: "AND",
      operands: [
        { filter: { operator: "EQUAL", operands: [{ columnName: "g" }, { intValue: 1 }] } },
        { filter: { operator: "GREATER", operands: [{ columnName: "id" }, { stringValue: "1" }] } },
      ],
    },
    orderBy: [{ columnName: "id", descending: true }],
    start: 1,
    rawResult: true,
  });
  assertEquals(res.status, 200, JSON.stringify(res.json));
  assertEquals(res.json.data.records.map((r: Record<string, string>) => r.id), ["4"]);
  const bad = await s.call("/api/v1/datastore/queryTable", {
    tableName: "project/self/q",
    filter: { operator: "NOT", operands: [] },
  });
  assertEquals(bad.status, 400);
  assert(bad.json.message.includes("NOT"), bad.json.message);
});
