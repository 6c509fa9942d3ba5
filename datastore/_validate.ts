/**
 * Name rules shared by tables and columns (upstream's `^[A-Za-z0-9-_/: ]+$`).
 *
 * @module
 */

import { describeValue } from "./_value.ts";

const NAME_REGEXP = /^[A-Za-z0-9\-_/: ]+$/;
const MAX_NAME = 1024;

/**
 * @throws {TypeError} Unless `name` is a valid table name.
 */
export function checkTableName(name: unknown): asserts name is string {
  if (typeof name !== "string" || !NAME_REGEXP.test(name) || name.length > MAX_NAME) {
    throw new TypeError(
      `Invalid table name ${describeValue(name)}: expected 1-${MAX_NAME} characters of ` +
        "letters, digits, '-', '_', '/', ':' and spaces",
    );
  }
}

/**
 * @throws {TypeError} Unless `name` is a valid column name (and not the reserved `-`).
 */
export function checkColumnName(name: unknown, table: string): asserts name is string {
  if (name === "-") {
    throw new TypeError(
      `Invalid column name '-' for table '${table}': it is reserved as the deletion marker; ` +
        "use delete() to remove rows",
    );
  }
  if (typeof name !== "string" || !NAME_REGEXP.test(name) || name.length > MAX_NAME) {
    throw new TypeError(
      `Invalid column name ${describeValue(name)} for table '${table}': expected letters, ` +
        "digits, '-', '_', '/', ':' and spaces",
    );
  }
}
