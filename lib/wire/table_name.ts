/**
 * The rule for datastore table names on the wire, one check for the server that receives them
 * and the remote adapter that sends them.
 *
 * @module
 */

const TABLE_NAME = /^[A-Za-z0-9\-_/: ]+$/;

/** The longest table name accepted. */
export const MAX_TABLE_NAME = 1024;

/**
 * Checks a datastore table name: upstream's character set (letters, digits, `-`, `_`, `:`, space
 * and `/`), non-empty `/`-separated segments (so no leading, trailing or doubled `/`, and no `.`
 * or `..`), at most {@link MAX_TABLE_NAME} characters.
 *
 * @param name The name.
 * @returns The name.
 * @throws {TypeError} On an invalid name, naming it and what is expected.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkTableName } from "@starwhale/sdk/wire";
 * assert.equal(checkTableName("project/self/eval/summary"), "project/self/eval/summary");
 * assert.throws(() => checkTableName("project/../etc"), TypeError);
 * ```
 */
export function checkTableName(name: unknown): string {
  if (typeof name !== "string" || name === "") {
    throw new TypeError(`invalid table name ${show(name)}: expected a non-empty string`);
  }
  if (
    name.length > MAX_TABLE_NAME || !TABLE_NAME.test(name) ||
    name.split("/").some((s) => s === "")
  ) {
    throw new TypeError(
      `invalid table name ${show(name)}: use letters, digits, '-', '_', ':', ' ' and '/' ` +
        "between non-empty segments",
    );
  }
  return name;
}

function show(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 80)}...` : s;
}
