import { Datastore, type Durability } from "../../datastore/mod.ts";
import { assert, assertEquals, assertRejects } from "../_assert.ts";
import { spawn } from "./_procs.ts";

const OWNER = new URL("./_owner.ts", import.meta.url);

async function tempRoot(): Promise<AsyncDisposable & { path: string }> {
  const path = await Deno.makeTempDir({ prefix: "sw-mp-" });
  return { path, [Symbol.asyncDispose]: () => Deno.remove(path, { recursive: true }) };
}

/**
 * Starts an owner with `ownerMode`, writes through a client opened with `clientMode`, kills the
 * owner with SIGKILL right after the acknowledgement, and returns what a fresh open finds.
 */
async function writeThenKillOwner(
  root: string,
  modes: { owner: Durability; client: Durability },
): Promise<{ row: unknown; batch: unknown; deleted: unknown }> {
  const dir = `${root}/ds`;
  const owner = spawn(OWNER, [dir, modes.owner]);
  try {
    await owner.until((l) => l === "ready");
    const client = await Datastore.open(dir, { durability: modes.client });
    await client.update("rows", [{ id: 1, v: "one" }, { id: 2, v: "two" }]);
    await client.write([{ table: "batch", rows: [{ id: "b", v: 2 }] }]);
    await client.delete("rows", [2]);
    owner.kill();
    await owner.status;
    await client.close();
  } finally {
    owner.kill();
    await owner.status;
  }
  await using ds = await Datastore.open(dir);
  return {
    row: await ds.get("rows", 1),
    batch: await ds.get("batch", "b"),
    deleted: await ds.get("rows", 2),
  };
}

Deno.test("a client opened with fsync keeps its acknowledged writes when an owner with durability none is killed", async () => {
  await using root = await tempRoot();
  const found = await writeThenKillOwner(root.path, { owner: "none", client: "fsync" });
  assertEquals(found, { row: { id: 1, v: "one" }, batch: { id: "b", v: 2 }, deleted: undefined });
});

Deno.test("a client opened with flush keeps its acknowledged writes when an owner with durability none is killed", async () => {
  await using root = await tempRoot();
  const found = await writeThenKillOwner(root.path, { owner: "none", client: "flush" });
  assertEquals(found, { row: { id: 1, v: "one" }, batch: { id: "b", v: 2 }, deleted: undefined });
});

Deno.test("a per-write durability that is not a mode is rejected naming the value", async () => {
  await using root = await tempRoot();
  await using ds = await Datastore.open(root.path, { durability: "none" });
  const e = await assertRejects(
    () => ds.update("rows", [{ id: 1 }], { durability: "always" as Durability }),
    TypeError,
  );
  assert(String(e).includes('"always"'));
  assertEquals(await ds.get("rows", 1), undefined);
});
