import { assert, assertEquals } from "../_assert.ts";
import { Datastore, type Row } from "../../datastore/mod.ts";
import { createApp, type ServerApp } from "../../lib/server/mod.ts";

const TOKEN = "t0ken";

async function served(
  options: { sliceMs?: number; maxOrderRows?: number } = {},
): Promise<
  { ds: Datastore; app: ServerApp; query(body: unknown): Promise<Response> } & AsyncDisposable
> {
  const dir = await Deno.makeTempDir({ prefix: "sw-server-responsive-" });
  const ds = await Datastore.open(dir, { durability: "none" });
  const app = createApp({ store: ds, token: TOKEN, ...options });
  return {
    ds,
    app,
    query: (body) =>
      app.fetch(
        new Request("http://sw/api/v1/datastore/queryTable", {
          method: "POST",
          headers: { authorization: `Bearer ${TOKEN}` },
          body: JSON.stringify(body),
        }),
      ),
    async [Symbol.asyncDispose]() {
      await app.close();
      await ds.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** 600 rows whose `score` repeats (ties are kept in key order). */
function scored(): Row[] {
  return Array.from({ length: 600 }, (_, i) => ({ id: i, score: (i * 37) % 101, name: `n${i}` }));
}

Deno.test("queryTable with orderBy keeps only start + limit rows and answers as a full sort would", async () => {
  await using s = await served({ maxOrderRows: 50 });
  const all = scored();
  await s.ds.update("project/self/q", all);
  for (const descending of [false, true]) {
    const res = await s.query({
      tableName: "project/self/q",
      orderBy: [{ columnName: "score", descending }],
      start: 10,
      limit: 40,
      rawResult: true,
    });
    assertEquals(res.status, 200);
    const ids = (await res.json()).data.records.map((r: { id: string }) => Number(r.id));
    const expected = [...all]
      .sort((a, b) => ((a.score as number) - (b.score as number)) * (descending ? -1 : 1))
      .slice(10, 50)
      .map((r) => r.id);
    assertEquals(ids, expected);
  }
});

Deno.test("queryTable with orderBy beyond maxOrderRows is a 400 naming the limit", async () => {
  await using s = await served({ maxOrderRows: 50 });
  await s.ds.update("project/self/q", scored());
  const res = await s.query({
    tableName: "project/self/q",
    orderBy: [{ columnName: "score" }],
    start: 45,
    limit: 10,
  });
  assertEquals(res.status, 400);
  const { message } = await res.json();
  assert(message.includes("at most 50 rows") && message.includes("'start' 45"), message);
  // Without orderBy the same offset streams past the rows it skips.
  const plain = await s.query({ tableName: "project/self/q", start: 590, limit: 20 });
  assertEquals((await plain.json()).data.records.length, 10);
});

Deno.test("a long queryTable lets a timer (and so other requests) run before it answers", async () => {
  await using s = await served({ sliceMs: 0 });
  await s.ds.update("project/self/q", scored());
  const ran: string[] = [];
  setTimeout(() => ran.push("timer"), 0);
  const res = await s.query({
    tableName: "project/self/q",
    filter: { operator: "EQUAL", operands: [{ columnName: "name" }, { stringValue: "none" }] },
  });
  ran.push("answer");
  assertEquals(res.status, 200);
  assertEquals((await res.json()).data.records, []);
  assertEquals(ran, ["timer", "answer"]);
});
