/**
 * Helpers for the standalone-store tests: a temporary storage root with an open instance, and
 * model packages written from source text.
 */

import { join } from "node:path";
import { StandaloneInstance } from "../../lib/standalone/instance.ts";

/** A temporary root and an instance on it; `await using` closes and removes both. */
export async function tempInstance(): Promise<
  { root: string; instance: StandaloneInstance } & AsyncDisposable
> {
  const dir = await Deno.makeTempDir({ prefix: "sw-standalone-" });
  const root = join(dir, "root");
  const instance = new StandaloneInstance(root, { durability: "none" });
  return {
    root,
    instance,
    async [Symbol.asyncDispose]() {
      await instance.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** Writes a model package (path -> text) and builds it into the instance as `name`. */
export async function buildPackage(
  instance: StandaloneInstance,
  what: { name: string; files: Record<string, string> },
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "sw-pkg-" });
  try {
    for (const [path, text] of Object.entries(what.files)) {
      await Deno.mkdir(join(dir, path, ".."), { recursive: true });
      await Deno.writeTextFile(join(dir, path), text);
    }
    await instance.buildModel("self", { dir, name: what.name });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
