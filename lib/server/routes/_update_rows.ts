/**
 * `updateTableRows`, this server's extension of the REST API for its own remote adapter: upserts
 * rows sent as plain JSON objects, the way the adapter holds them, instead of `updateTable`'s
 * records of hex-encoded cells.
 *
 * ```
 * POST /api/v1/datastore/updateTableRows
 * {"tableName":"project/self/t","keyColumn":"id","schema":[...],
 *  "rows":[{"id":1,"name":"a"},{"id":2,"blob":null}],"typed":[[1,"blob",{"type":"BYTES","value":"AAE="}]]}
 * ```
 *
 * Strings, booleans, null and finite numbers are themselves (numbers typed as a local update
 * types them: integers INT64, others FLOAT64); any other value is `null` in its row and listed in
 * `typed` as `[row index, column, typed value]`. `schema` (optional) gives column types that
 * override the inferred ones, as `updateTable`'s `columnSchemaList` does. All rows are one atomic
 * batch; every row is checked before anything is written. The answer is the revision, as for
 * `updateTable`. A server without the route answers 404, and the adapter then uses `updateTable`.
 *
 * @module
 */
import type { ColumnSchema, Row } from "../../../datastore/mod.ts";
import { checkTableName, decodeTyped, parseSchema } from "../../wire/mod.ts";
import { ApiError, DATASTORE_SUBJECT as S } from "../api_error.ts";
import { BodyReader, checkColumnName, show } from "../_body.ts";
import type { ServerStore } from "../store.ts";

/**
 * Handles `updateTableRows`.
 *
 * @param store The datastore.
 * @param json The request body.
 * @returns The new revision as a decimal string.
 * @throws {ApiError} 400 on any invalid part, before anything is written.
 */
export async function updateTableRows(
  store: ServerStore,
  json: Record<string, unknown>,
): Promise<string> {
  const body = new BodyReader(json, S);
  const table = checkTableName(body.raw("tableName"));
  const existing = await store.schema(table);
  const keyColumn = body.string("keyColumn") ?? existing?.keyColumn ?? "id";
  if (existing && existing.keyColumn !== keyColumn) {
    body.fail(
      "keyColumn",
      `differs from the key column '${existing.keyColumn}' of table '${table}'`,
    );
  }
  const schema: ColumnSchema[] = (body.array("schema") ?? []).map((c, i) => {
    try {
      const s = parseSchema(c, { path: `schema[${i}]`, named: true });
      checkColumnName(s.name, S);
      return s as ColumnSchema;
    } catch (e) {
      throw e instanceof ApiError ? e : ApiError.invalid(S, (e as Error).message);
    }
  });
  const rows = body.array("rows") ?? body.fail("rows", "is required");
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    if (row === null || typeof row !== "object" || Array.isArray(row)) {
      throw ApiError.invalid(S, `'rows[${i}]' must be an object, got ${show(row)}`);
    }
  }
  (body.array("typed") ?? []).forEach((t, n) => {
    const [i, column, value] = Array.isArray(t) ? t : [];
    if (!Number.isInteger(i) || i < 0 || i >= rows.length || typeof column !== "string") {
      throw ApiError.invalid(
        S,
        `'typed[${n}]' must be [row index, column, typed value], got ${show(t)}`,
      );
    }
    try {
      Object.defineProperty(rows[i] as Row, column, {
        value: decodeTyped(value),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } catch (e) {
      throw ApiError.invalid(
        S,
        `failed to decode typed[${n}] (rows[${i}].${column}): ${(e as Error).message}`,
      );
    }
  });
  for (let i = 0; i < rows.length; i++) {
    const key = (rows[i] as Row)[keyColumn];
    if (typeof key !== "number" && typeof key !== "bigint" && typeof key !== "string") {
      throw ApiError.invalid(
        S,
        `'rows[${i}]' must hold a number or string key in column '${keyColumn}' (got ${show(key)})`,
      );
    }
  }
  if (rows.length === 0) return String(await store.update(table, [], { keyColumn, schema }));
  return String(await store.write([{ table, keyColumn, schema, rows: rows as Row[] }]));
}
