/**
 * Table names given to `swcli table`: checked before use, and a missing table reported with the
 * tables near it, on either backend.
 *
 * @module
 */

import { type Instance, NotFoundError } from "../../sdk/mod.ts";
import { checkTableName } from "../../wire/mod.ts";
import { UsageError } from "../errors.ts";

/**
 * Checks a table name given on the command line, by the rule the server and the remote adapter
 * use (Starwhale's characters, non-empty `/`-separated segments).
 *
 * @throws {UsageError} An invalid name.
 */
export function checkTable(name: string, command: string): string {
  try {
    return checkTableName(name);
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
    throw new UsageError(e.message.replace(/^invalid/, "Invalid"), command);
  }
}

/**
 * Checks that a table exists.
 *
 * @throws {UsageError} An invalid name. {NotFoundError} No such table, naming the nearest ones.
 */
export async function existingTable(
  instance: Instance,
  name: string,
  command: string,
): Promise<string> {
  checkTable(name, command);
  if ((await instance.listTables(name)).includes(name)) return name;
  const all = await instance.listTables("");
  let near: string[] = [];
  for (let parent = name; near.length === 0 && parent.includes("/");) {
    parent = parent.slice(0, parent.lastIndexOf("/"));
    near = all.filter((t) => t.startsWith(`${parent}/`));
  }
  if (near.length === 0) near = all;
  const shown = near.slice(0, 8).join(", ") +
    (near.length > 8 ? `, and ${near.length - 8} more` : "");
  throw new NotFoundError("table", name, {
    detail: all.length ? `tables are ${shown} ('swcli table list')` : "there are no tables",
  });
}
