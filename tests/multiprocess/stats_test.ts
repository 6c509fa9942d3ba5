import { Datastore } from "../../datastore/mod.ts";
import { tableStats } from "../../lib/cli/commands/_table_stats.ts";
import { assert, assertEquals, assertThrows } from "../_assert.ts";
import { spawn } from "./_procs.ts";

const OWNER = new URL("./_owner.ts", import.meta.url);

Deno.test("table statistics read in a client come from the owning process", async (t) => {
  await using root = await (async () => {
    const path = await Deno.makeTempDir({ prefix: "sw-mp-" });
    return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
  })();
  const dir = `${root.path}/ds`;
  const owner = spawn(OWNER, [dir, "none"]);
  try {
    await owner.until((l) => l === "ready");
    await using client = await Datastore.open(dir);
    await client.update("rows", [{ id: 1 }, { id: 2 }, { id: 3 }]);

    await t.step("before a flush: the owner's memtables, no segments", async () => {
      assertEquals(await client.readStats(), [
        { name: "own", segments: [], memtableVersions: 1, horizon: 0 },
        { name: "rows", segments: [], memtableVersions: 3, horizon: 0 },
      ]);
    });

    await t.step("after a flush: one segment of three keys, filtered by prefix", async () => {
      await client.flush();
      const [rows, ...rest] = await client.readStats("ro");
      assertEquals(rest, []);
      assertEquals(rows.name, "rows");
      assertEquals(rows.memtableVersions, 0);
      assertEquals(rows.segments.map((s) => s.keys), [3]);
      assert(rows.segments[0].bytes > 0);
    });

    await t.step("swcli table stats' collector works on the client", async () => {
      const lines = await tableStats(client, "rows");
      assertEquals(lines.map((l) => [l.table, l.rows, l.segments]), [["rows", 3, 1]]);
    });

    await t.step("the synchronous stats() says to use readStats() in a client", () => {
      assertThrows(() => client.stats(), Error, "readStats()");
    });
  } finally {
    owner.kill();
    await owner.status;
  }
});
