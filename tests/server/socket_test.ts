import { assertEquals, assertRejects } from "../_assert.ts";
import { serve } from "../../lib/server/mod.ts";
import { RemoteInstance } from "../../lib/remote/mod.ts";
import { RemoteError } from "../../lib/sdk/errors.ts";

Deno.test("RemoteInstance works over a real socket on 127.0.0.1", async (t) => {
  const root = await Deno.makeTempDir({ prefix: "sw-socket-" });
  const server = await serve({ host: "127.0.0.1", port: 0, root, token: "sock" });
  try {
    await using remote = new RemoteInstance({ url: server.url, token: "sock" });
    await t.step("writes and pages through 1500 rows", async () => {
      const rows = Array.from(
        { length: 1500 },
        (_, i) => ({ id: `k${String(i).padStart(5, "0")}`, i }),
      );
      await remote.updateTable("project/self/sock", rows);
      const back = await Array.fromAsync(remote.scanTable("project/self/sock"));
      assertEquals(back, rows);
    });
    await t.step("refuses a wrong token with 401", async () => {
      await using bad = new RemoteInstance({ url: server.url, token: "nope", attempts: 1 });
      const e = await assertRejects(() => bad.listTables(""), RemoteError, "401");
      assertEquals((e as RemoteError).status, 401);
    });
  } finally {
    await server.shutdown();
    await Deno.remove(root, { recursive: true });
  }
});
