/**
 * Standalone projects: a project is a folder under the storage root, as in Starwhale's Python
 * swcli. Create it, remove it (to `<root>/.recover/<name>`, or for good with `force`), recover it.
 * A removed project's jobs are not listed (the job store reads only projects whose folder
 * exists); removing for good also deletes the project's rows from the datastore, so a new
 * project of the same name starts empty.
 *
 * @module
 */

import { join } from "node:path";
import type { Datastore } from "../../datastore/mod.ts";
import { NotFoundError } from "../sdk/errors.ts";
import { checkName } from "../sdk/uri.ts";
import { leaseDatastore } from "./datastore_pool.ts";
import { exists } from "./files.ts";
import { JobStore } from "./job_store.ts";

const RECOVER = ".recover";
const BATCH = 1000;

/**
 * Creates a project folder.
 *
 * Needs read and write permission on the storage root.
 *
 * @param root The storage root.
 * @param name The project name.
 * @throws {TypeError} An invalid name, or the project exists.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { createProject } from "./projects.ts";
 * const root = await Deno.makeTempDir();
 * await createProject(root, "demo");
 * await assert.rejects(createProject(root, "demo"), TypeError);
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function createProject(root: string, name: string): Promise<void> {
  const dir = join(root, checkName("project", name));
  if (await exists(dir)) throw new TypeError(`Cannot create project '${name}': it exists`);
  await Deno.mkdir(dir, { recursive: true });
}

/**
 * Removes a project: moves its folder to `<root>/.recover/<name>` (its jobs, models and datasets
 * go with it and come back on {@link recoverProject}), or, with `force`, deletes the folder and
 * the project's datastore rows for good.
 *
 * Needs read and write permission on the storage root.
 *
 * @param root The storage root.
 * @param name The project name.
 * @param options `force` deletes it for good.
 * @throws {NotFoundError} No such project. {TypeError} A removed project of that name exists.
 * @example Remove, then recover
 * ```ts
 * import assert from "node:assert/strict";
 * import { createProject, recoverProject, removeProject } from "./projects.ts";
 * const root = await Deno.makeTempDir();
 * await createProject(root, "demo");
 * await removeProject(root, "demo");
 * await assert.rejects(removeProject(root, "demo"), /Cannot find project 'demo'/);
 * await recoverProject(root, "demo");
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function removeProject(
  root: string,
  name: string,
  options: { force?: boolean } = {},
): Promise<void> {
  const dir = join(root, checkName("project", name));
  if (!(await exists(dir))) throw new NotFoundError("project", name);
  if (options.force) {
    // The rows first: a crash in between leaves a folder to remove again, never rows a new
    // project of the same name would inherit.
    await dropProjectRows(root, name);
    return await Deno.remove(dir, { recursive: true });
  }
  const dest = join(root, RECOVER, name);
  if (await exists(dest)) {
    throw new TypeError(
      `Cannot remove project '${name}': a removed project of that name is waiting in the recycle ` +
        `bin (recover it, or remove with --force)`,
    );
  }
  await Deno.mkdir(join(root, RECOVER), { recursive: true });
  await Deno.rename(dir, dest);
}

/**
 * Moves a removed project back, with its jobs, models and datasets.
 *
 * Needs read and write permission on the storage root.
 *
 * @param root The storage root.
 * @param name The project name.
 * @throws {NotFoundError} No removed project of that name. {TypeError} The project exists again.
 * @example Nothing was removed
 * ```ts
 * import assert from "node:assert/strict";
 * import { recoverProject } from "./projects.ts";
 * import { NotFoundError } from "../sdk/errors.ts";
 * const root = await Deno.makeTempDir();
 * await assert.rejects(recoverProject(root, "demo"), NotFoundError);
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function recoverProject(root: string, name: string): Promise<void> {
  const src = join(root, RECOVER, checkName("project", name));
  if (!(await exists(src))) throw new NotFoundError("removed project", name);
  const dir = join(root, name);
  if (await exists(dir)) throw new TypeError(`Cannot recover project '${name}': it exists`);
  await Deno.rename(src, dir);
}

/** Deletes every row of the project's tables (`project/<name>/...`) and of its job index. */
async function dropProjectRows(root: string, name: string): Promise<void> {
  const lease = await leaseDatastore(root);
  try {
    const { ds } = lease;
    const index = `${JobStore.INDEX_PREFIX}${name}`;
    const tables = [
      ...ds.tables(`project/${name}/`),
      ...ds.tables(index).filter((t) => t === index),
    ];
    for (const table of tables) await dropRows(ds, table);
  } finally {
    await lease.release();
  }
}

async function dropRows(ds: Datastore, table: string): Promise<void> {
  const keyColumn = (await ds.schema(table))?.keyColumn ?? "id";
  let keys: (string | number | bigint)[] = [];
  for await (const row of ds.scan(table, { columns: [keyColumn], keepNone: true })) {
    keys.push(row[keyColumn] as string | number | bigint);
    if (keys.length >= BATCH) (await ds.delete(table, keys), keys = []);
  }
  if (keys.length) await ds.delete(table, keys);
}
