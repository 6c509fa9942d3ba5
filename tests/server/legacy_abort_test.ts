import { assert, assertEquals } from "../_assert.ts";
import { cliHome, spawnServer } from "../cli/_helpers.ts";

Deno.test("swcli server start answers requests and WebSocket upgrades without Deno's legacy-abort warning", async () => {
  await using home = await cliHome();
  let printed: Promise<string>;
  {
    await using server = await spawnServer(home.env, { stderr: "piped" });
    printed = server.stderr;
    const auth = { authorization: "Bearer tt" };
    for (const path of ["/health", "/api/v1/project", "/api/v1/project/self/job"]) {
      const res = await fetch(`${server.url}${path}`, { headers: auth });
      assertEquals(res.status, 200, path);
      await res.body?.cancel();
    }
    const upgrade = await fetch(`${server.url}/api/v1/log/online/12345`, {
      headers: { ...auth, upgrade: "websocket", connection: "Upgrade" },
    });
    assertEquals(upgrade.status, 404, "no such task: answered before any upgrade");
    await upgrade.body?.cancel();
  }
  const stderr = await printed;
  assert(!/legacy/i.test(stderr), stderr);
});
