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
