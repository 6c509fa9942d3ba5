import { join } from "node:path";
import { assert, assertEquals } from "../_assert.ts";
import { CLI, DENO_DIR } from "../cli/_helpers.ts";

Deno.test("swcli server start answers requests and WebSocket upgrades without Deno's legacy-abort warning", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const env = {
      HOME: dir,
      SW_CLI_CONFIG: join(dir, "config.yaml"),
      SW_LOCAL_STORAGE: join(dir, "root"),
      DENO_DIR,
    };
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", CLI, "-o", "json", "server", "start", "--port", "0", "--token", "tt"],
      env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const stderr = new Response(child.stderr).text();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    for (let i = 0; i < 200 && !text.includes("\n"); i++) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    try {
      const { url } = JSON.parse(text.slice(0, text.indexOf("\n"))) as { url: string };
      const auth = { authorization: "Bearer tt" };
      for (const path of ["/health", "/api/v1/project", "/api/v1/project/self/job"]) {
        const res = await fetch(`${url}${path}`, { headers: auth });
        assertEquals(res.status, 200, path);
        await res.body?.cancel();
      }
      const upgrade = await fetch(`${url}/api/v1/log/online/12345`, {
        headers: { ...auth, upgrade: "websocket", connection: "Upgrade" },
      });
      assertEquals(upgrade.status, 404, "no such task: answered before any upgrade");
      await upgrade.body?.cancel();
    } finally {
      reader.releaseLock();
      child.kill("SIGTERM");
      await child.status;
      await child.stdout.cancel().catch(() => {});
    }
    const printed = await stderr;
    assert(!/legacy/i.test(printed), printed);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
