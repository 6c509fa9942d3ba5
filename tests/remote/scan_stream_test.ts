import { assert, assertEquals, assertRejects } from "../_assert.ts";
import { type Datastore, type Row, tuple } from "../../datastore/mod.ts";
import { type ServedStore, servedStore, TOKEN } from "./_helpers.ts";
import { RemoteError } from "../../lib/sdk/errors.ts";

const NDJSON = "application/x-ndjson";

interface Served extends ServedStore {
  /** Every request the remote sent: its Accept header and the answer's content type. */
  seen: { accept: string; type: string }[];
}

/**
 * A datastore served in-process. `upstream` strips this server's extension from the requests
 * (the server then answers as a Starwhale Server does, with 1000-record pages); `cut` ends every
 * streamed answer after its first line.
 */
async function served(options: { upstream?: boolean; cut?: boolean } = {}): Promise<Served> {
  const seen: { accept: string; type: string }[] = [];
  const s = await servedStore(async (req, next) => {
    const accept = req.headers.get("accept") ?? "";
    if (options.upstream) {
      const headers = new Headers(req.headers);
      headers.set("accept", "application/json");
      req = new Request(req, { headers });
    }
    let res = await next(req);
    const type = res.headers.get("content-type") ?? "";
    seen.push({ accept, type });
    if (options.cut && type === NDJSON) {
      const text = await res.text();
      res = new Response(text.slice(0, text.indexOf("\n") + 1), { headers: res.headers });
    }
    return res;
  });
  return Object.assign(s, { seen });
}

/** Rows of every kind of value, 2,500 of them (three 1000-record pages). */
function rows(): Row[] {
  return Array.from({ length: 2500 }, (_, i) => {
    const row: Row = { id: i, s: `r${i}`, f: i / 7, b: i % 2 === 0 };
    if (i % 100 === 1) {
      Object.assign(row, {
        big: 2n ** 60n + BigInt(i),
        bytes: new Uint8Array([i & 255, 1]),
        list: [1, "two", 3.5],
        tup: tuple(1, 2),
        map: new Map<number, string>([[1, "x"]]),
        obj: { a: i, b: [true] },
        nan: NaN,
        inf: -Infinity,
        nz: -0,
      });
    }
    return row;
  });
}

async function fill(ds: Datastore, table: string, all: Row[]): Promise<void> {
  for (let i = 0; i < all.length; i += 1000) await ds.update(table, all.slice(i, i + 1000));
}

Deno.test("RemoteInstance.scanTable reads this server's NDJSON stream: one request, every value exact", async () => {
  await using s = await served();
  const all = rows();
  await fill(s.ds, "project/self/t", all);
  const local = await Array.fromAsync(s.ds.scan("project/self/t"));
  const remote = await Array.fromAsync(s.remote.scanTable("project/self/t"));
  assertEquals(remote.length, all.length);
  assertEquals(remote, local);
  assert(Object.is(remote[1].nz, -0), "-0 stays -0");
  assertEquals(s.seen.length, 1);
  assertEquals(s.seen[0].type, NDJSON);
});

Deno.test("RemoteInstance.scanTable falls back to pipelined pages against a server without the stream", async () => {
  await using s = await served({ upstream: true });
  const all = rows();
  await fill(s.ds, "project/self/t", all);
  const local = await Array.fromAsync(s.ds.scan("project/self/t"));
  const remote = await Array.fromAsync(s.remote.scanTable("project/self/t"));
  assertEquals(remote, local);
  assertEquals(s.seen.length, 3, "three 1000-record pages");
  assert(s.seen[0].accept.includes(NDJSON), "the first request offered the stream");
  assert(s.seen.every((x) => x.type.startsWith("application/json")));
  const some = await Array.fromAsync(
    s.remote.scanTable("project/self/t", { start: 5, limit: 1500 }),
  );
  assertEquals(some.map((r) => r.id), all.slice(5, 1505).map((r) => r.id));
});

Deno.test("RemoteInstance.scanTable stops a stream at its limit and range", async () => {
  await using s = await served();
  await fill(s.ds, "project/self/t", rows());
  const head = await Array.fromAsync(s.remote.scanTable("project/self/t", { limit: 1234 }));
  assertEquals(head.map((r) => r.id), Array.from({ length: 1234 }, (_, i) => i));
  const mid = await Array.fromAsync(
    s.remote.scanTable("project/self/t", { start: 100, end: 2200, endInclusive: true }),
  );
  assertEquals(mid.length, 2101);
  assertEquals([mid[0].id, mid.at(-1)!.id], [100, 2200]);
  let n = 0;
  for await (const _ of s.remote.scanTable("project/self/t")) if (++n === 1500) break;
  assertEquals(n, 1500);
  assertEquals(s.seen.filter((x) => x.type === NDJSON).length, 3);
});

Deno.test("RemoteInstance.scanTable reports a stream cut part way instead of returning fewer rows", async () => {
  await using s = await served({ cut: true });
  await fill(s.ds, "project/self/t", rows());
  const err = await assertRejects(
    () => Array.fromAsync(s.remote.scanTable("project/self/t")),
    RemoteError,
  );
  assert(err.message.includes("cut off after 1000 records"), err.message);
});

Deno.test("scanTable with Accept: application/x-ndjson answers a bad request with a 400 envelope", async () => {
  await using s = await served();
  const res = await s.app.fetch(
    new Request("http://sw/api/v1/datastore/scanTable", {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, accept: NDJSON },
      body: JSON.stringify({
        tables: [{ tableName: "project/self/none" }],
        ignoreNonExistingTable: false,
      }),
    }),
  );
  assertEquals(res.status, 400);
  const json = await res.json();
  assert(json.message.includes("project/self/none"), json.message);
});

Deno.test("scanTable's NDJSON stream of a missing table, or with limit 0, is its end line alone", async () => {
  await using s = await served();
  await fill(s.ds, "project/self/t", rows().slice(0, 10));
  const lines = async (body: Record<string, unknown>) => {
    const res = await s.app.fetch(
      new Request("http://sw/api/v1/datastore/scanTable", {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}`, accept: NDJSON },
        body: JSON.stringify(body),
      }),
    );
    assertEquals(res.headers.get("content-type"), NDJSON);
    return (await res.text()).trim().split("\n").map((l) => JSON.parse(l));
  };
  assertEquals(await lines({ tables: [{ tableName: "project/self/none" }] }), [
    { end: true, records: 0 },
  ]);
  assertEquals(await lines({ tables: [{ tableName: "project/self/t" }], limit: 0 }), [
    { end: true, records: 0 },
  ]);
  assertEquals((await lines({ tables: [{ tableName: "project/self/t" }] })).at(-1), {
    end: true,
    records: 10,
  });
});
