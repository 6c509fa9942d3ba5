import { assert, assertEquals } from "../_assert.ts";
import { Datastore } from "../../datastore/mod.ts";
import { createApp } from "../../lib/server/mod.ts";
import { FaultyStorage } from "../datastore/faulty_storage.ts";

const TOKEN = "t0ken";

function put(id: number): string {
  return JSON.stringify({
    tableName: "project/self/h",
    tableSchemaDesc: { keyColumn: "id", columnSchemaList: [{ name: "id", type: "INT64" }] },
    records: [{ values: [{ key: "id", value: id.toString(16).padStart(16, "0") }] }],
  });
}

Deno.test("/health answers 503 with the reason while writes cannot be made durable, and recovers by itself", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "sw-server-health-" });
  const storage = new FaultyStorage();
  const ds = await Datastore.open(dir, { storage, durability: "fsync" });
  const app = createApp({ store: ds, token: TOKEN });
  const health = async () => {
    const res = await app.fetch(new Request("http://sw/health"));
    return { status: res.status, body: await res.json() };
  };
  const update = async (id: number) => {
    const res = await app.fetch(
      new Request("http://sw/api/v1/datastore/updateTable", {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}` },
        body: put(id),
      }),
    );
    return { status: res.status, body: await res.json() };
  };
  try {
    await t.step("ok while writes succeed", async () => {
      assertEquals((await update(1)).status, 200);
      assertEquals(await health(), { status: 200, body: { status: "ok" } });
    });
    await t.step("the disk fills: the write is refused with 503, /health says why", async () => {
      storage.full = true;
      const refused = await update(2);
      assertEquals(refused.status, 503, JSON.stringify(refused.body));
      assert(refused.body.message.includes("No space left"), refused.body.message);
      const h = await health();
      assertEquals([h.status, h.body.status], [503, "unavailable"]);
      assert(String(h.body.reason).includes("No space left"), JSON.stringify(h.body));
    });
    await t.step("space is back: /health and the routes recover with no restart", async () => {
      storage.heal();
      assertEquals(await health(), { status: 200, body: { status: "ok" } });
      assertEquals((await update(3)).status, 200);
      const rows = await Array.fromAsync(ds.scan("project/self/h"));
      assertEquals(rows.map((r) => r.id), [1, 3]);
    });
  } finally {
    await app.close();
    await ds.close();
    await Deno.remove(dir, { recursive: true });
  }
});
