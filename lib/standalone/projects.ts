/**
 * Standalone project administration: create, remove (to `<root>/.recover/`, or for good with
 * force) and recover a project folder under the storage root, as the Python swcli does.
 *
 * @module
 */

import { join } from "node:path";
import { NotFoundError } from "../sdk/errors.ts";
import { exists } from "./files.ts";
import { checkName } from "../sdk/uri.ts";

const RECOVER = ".recover";

/**
 * Creates a project folder.
 *
 * @param root The storage root.
 * @param name The project name.
 * @throws {TypeError} An invalid name, or the project exists.
 */
export async function createProject(root: string, name: string): Promise<void> {
  const dir = join(root, checkName("project", name));
  if (await exists(dir)) throw new TypeError(`Cannot create project '${name}': it exists`);
  await Deno.mkdir(dir, { recursive: true });
}

/**
 * Removes a project: moves it to `<root>/.recover/<name>`, or deletes it with `force`.
 *
 * @param root The storage root.
 * @param name The project name.
 * @param options `force` deletes it for good.
 * @throws {NotFoundError} No such project. {TypeError} A removed project of that name exists.
 */
export async function removeProject(
  root: string,
  name: string,
  options: { force?: boolean } = {},
): Promise<void> {
  const dir = join(root, checkName("project", name));
  if (!(await exists(dir))) throw new NotFoundError("project", name);
  if (options.force) return await Deno.remove(dir, { recursive: true });
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
 * Moves a removed project back.
 *
 * @param root The storage root.
 * @param name The project name.
 * @throws {NotFoundError} No removed project of that name. {TypeError} The project exists again.
 */
export async function recoverProject(root: string, name: string): Promise<void> {
  const src = join(root, RECOVER, checkName("project", name));
  if (!(await exists(src))) throw new NotFoundError("removed project", name);
  const dir = join(root, name);
  if (await exists(dir)) throw new TypeError(`Cannot recover project '${name}': it exists`);
  await Deno.rename(src, dir);
}
