import { assertEquals, assertRejects } from "../_assert.ts";
import { type Durability, serve } from "../../lib/server/mod.ts";

async function withRoot(fn: (root: string) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "sw-serve-" });
  try {
    await fn(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("serve() acknowledges writes once synced to disk unless told otherwise", (t) =>
  withRoot(async (root) => {
    await t.step("default: fsync", async () => {
      const server = await serve({ port: 0, root, token: "t" });
      try {
        assertEquals(server.durability, "fsync");
      } finally {
        await server.shutdown();
      }
    });
    await t.step("durability: flush", async () => {
      const server = await serve({ port: 0, root, token: "t", durability: "flush" });
      try {
        assertEquals(server.durability, "flush");
      } finally {
        await server.shutdown();
      }
    });
    await t.step("an unknown mode is refused before anything listens", async () => {
      await assertRejects(
        () => serve({ port: 0, root, token: "t", durability: "sometimes" as Durability }),
        TypeError,
        '"sometimes"',
      );
    });
  }));

Deno.test("the serve entry answers requests and stops on SIGTERM without a word on stderr", (t) =>
  withRoot(async (root) => {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("../../lib/server/serve.ts", import.meta.url).pathname],
      env: { SW_LOCAL_STORAGE: root, SW_SERVER_TOKEN: "t", SW_SERVER_PORT: "0" },
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const stderr = new Response(child.stderr).text();
    const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
    try {
      let text = "";
      for (let i = 0; i < 100 && !text.includes("\n"); i++) {
        const { done, value } = await reader.read();
        if (done) break;
        text += value;
      }
      const url = /(http:\/\/\S+?)\/api\/v1/.exec(text)?.[1];
      assertEquals(typeof url, "string", `no URL in ${JSON.stringify(text)}`);
      await t.step("a POST with a body and a GET", async () => {
        const headers = { authorization: "Bearer t" };
        const list = await fetch(`${url}/api/v1/datastore/listTables`, {
          method: "POST",
          headers,
          body: JSON.stringify({ prefix: "x" }),
        });
        assertEquals([list.status, (await list.json()).data], [200, { tables: [] }]);
        const health = await fetch(`${url}/health`);
        assertEquals((await health.json()).status, "ok");
      });
    } finally {
      child.kill("SIGTERM");
      await reader.cancel();
    }
    const status = await child.status;
    assertEquals([status.success, await stderr], [true, ""]);
  }));
