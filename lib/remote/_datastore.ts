/**
 * The datastore over HTTP: `scanTable` streamed through `lastKey` pages, `updateTable` in
 * batches of 1000 records with the schema inferred per column, `listTables` by prefix.
 *
 * @module
 */
import type { ColumnSchema, ColumnType, Key, Row, Value } from "../../datastore/mod.ts";
import type { ScanTableOptions, UpdateTableOptions } from "../sdk/instance.ts";
import type { ApiClient } from "./http.ts";
import { checkTableName, decodeTyped, encodePlain, inferSchema, WIRE_TYPES } from "../wire/mod.ts";
import { schemaKey, type WireSchema } from "../wire/mod.ts";

/** Records per request, the server's cap. */
export const PAGE = 1000;

function keyWire(key: Key, field: string): { value: string; type: string } {
  if (typeof key === "string") return { value: key, type: "STRING" };
  if (typeof key === "bigint" || (typeof key === "number" && Number.isInteger(key))) {
    return { value: encodePlain(key, { type: "INT64" }) as string, type: "INT64" };
  }
  throw new TypeError(`Cannot scan from ${field} ${String(key)}: keys are integers or strings`);
}

/**
 * Streams rows of one table, page by page. `start` and `end` are each encoded by their own type
 * (so an `end` without a `start` is kept), the next page starts after `lastKey`, and paging stops
 * at the first short page.
 *
 * @param api The client.
 * @param table Full table name.
 * @param options Range, keepNone, limit, columns.
 * @returns The rows, decoded.
 * @throws {TypeError} On an invalid table name, before anything is sent.
 */
export async function* scanRemoteTable(
  api: ApiClient,
  table: string,
  options: ScanTableOptions & { revision?: string | number } = {},
): AsyncGenerator<Row> {
  const desc: Record<string, unknown> = { tableName: checkTableName(table) };
  if (options.revision !== undefined) desc.revision = String(options.revision);
  if (options.columns) desc.columns = options.columns.map((c) => ({ columnName: c, alias: c }));
  if (options.keepNone) desc.keepNone = true;
  const body: Record<string, unknown> = { tables: [desc], encodeWithType: true };
  if (options.start !== undefined) {
    const s = keyWire(options.start, "start");
    body.start = s.value;
    body.startType = s.type;
    body.startInclusive = options.startInclusive ?? true;
  }
  if (options.end !== undefined) {
    const e = keyWire(options.end, "end");
    body.end = e.value;
    body.endType = e.type;
    body.endInclusive = options.endInclusive ?? false;
  }
  if (options.keepNone) body.keepNone = true;
  let remaining = options.limit ?? Infinity;
  while (remaining > 0) {
    const limit = Math.min(PAGE, remaining);
    const data = await api.request("/datastore/scanTable", {
      method: "POST",
      body: { ...body, limit },
      idempotent: true,
    }) as { records?: Record<string, unknown>[]; lastKey?: string };
    const records = data?.records ?? [];
    for (const r of records) {
      const row: Row = {};
      for (const [k, v] of Object.entries(r)) row[k] = decodeTyped(v);
      yield row;
    }
    remaining -= records.length;
    if (records.length < limit || data.lastKey === undefined) return;
    body.start = data.lastKey;
    delete body.startType;
    body.startInclusive = false;
  }
}

/**
 * The column types of a table, from the `columnHints` of a one-record scan (a server reports
 * them over the whole table). A column is left out where the hints do not name one type all the
 * way down: values of several types, only nulls, empty lists, or an OBJECT (the hints do not
 * carry its class).
 *
 * @param api The client.
 * @param table Full table name.
 * @returns The column schemas, `[]` for a missing table.
 */
export async function remoteTableSchema(api: ApiClient, table: string): Promise<ColumnSchema[]> {
  const data = await api.request("/datastore/scanTable", {
    method: "POST",
    body: { tables: [{ tableName: checkTableName(table) }], limit: 1, encodeWithType: true },
    idempotent: true,
  }) as { columnHints?: Record<string, unknown> };
  const out: ColumnSchema[] = [];
  for (const [name, hints] of Object.entries(data?.columnHints ?? {})) {
    const s = hintedSchema(hints);
    if (s) out.push({ ...s, name });
  }
  return out;
}

/** One type from upstream's `ColumnHintsDesc`, or `undefined` where it names none or several. */
function hintedSchema(hints: unknown): ColumnSchema | undefined {
  if (hints === null || typeof hints !== "object") return undefined;
  const h = hints as Record<string, unknown>;
  const types = h.typeHints;
  if (!Array.isArray(types) || types.length !== 1) return undefined;
  const type = types[0] as ColumnType;
  if (!WIRE_TYPES.includes(type) || type === "UNKNOWN" || type === "OBJECT") return undefined;
  if (type === "LIST" || type === "TUPLE") {
    const elementType = hintedSchema(h.elementHints);
    return elementType && { type, elementType };
  }
  if (type === "MAP") {
    const keyType = hintedSchema(h.keyHints), valueType = hintedSchema(h.valueHints);
    return keyType && valueType && { type, keyType, valueType };
  }
  return { type };
}

function mergeSchemas(rows: Row[], explicit: Map<string, ColumnSchema>): Row[][] {
  const batches: Row[][] = [];
  let current: Row[] = [];
  let types = new Map<string, string>();
  for (const row of rows) {
    const mine = new Map<string, string>();
    for (const [k, v] of Object.entries(row)) {
      if (v === null || explicit.has(k)) continue;
      mine.set(k, schemaKey(inferSchema(v)));
    }
    const clash = [...mine].some(([k, t]) => types.has(k) && types.get(k) !== t);
    if (clash || current.length >= PAGE) {
      batches.push(current);
      current = [];
      types = new Map();
    }
    current.push(row);
    for (const [k, t] of mine) types.set(k, t);
  }
  if (current.length) batches.push(current);
  return batches;
}

/**
 * Upserts rows in batches of at most 1000 records whose column types agree, each sent with its
 * `columnSchemaList` (explicit schemas win over inferred ones).
 *
 * @param api The client.
 * @param table Full table name.
 * @param rows The rows.
 * @param options Key column (default `id`) and explicit column schemas.
 * @returns The last revision.
 * @throws {TypeError} For an invalid table name (before anything is sent), a row without the key
 *   or a value the type system cannot hold.
 */
export async function updateRemoteTable(
  api: ApiClient,
  table: string,
  rows: Row[],
  options: UpdateTableOptions = {},
): Promise<number> {
  checkTableName(table);
  const keyColumn = options.keyColumn ?? "id";
  const explicit = new Map((options.schema ?? []).map((s) => [s.name!, s]));
  let revision = 0;
  for (const batch of rows.length ? mergeSchemas(rows, explicit) : [[]]) {
    const schemas = new Map<string, WireSchema>(explicit as Map<string, WireSchema>);
    const records = batch.map((row) => {
      if (row[keyColumn] === undefined || row[keyColumn] === null) {
        throw new TypeError(
          `Cannot update table '${table}': a row has no key column '${keyColumn}'`,
        );
      }
      return {
        values: Object.entries(row).map(([k, v]: [string, Value]) => {
          let s = schemas.get(k);
          if (!s && v !== null) schemas.set(k, s = inferSchema(v));
          return { key: k, value: v === null ? null : encodePlain(v, s!) };
        }),
      };
    });
    for (const row of batch) {
      for (const k of Object.keys(row)) if (!schemas.has(k)) schemas.set(k, { type: "UNKNOWN" });
    }
    const columnSchemaList = [...schemas].map(([name, s]) => ({ ...s, name }));
    const data = await api.request("/datastore/updateTable", {
      method: "POST",
      body: { tableName: table, tableSchemaDesc: { keyColumn, columnSchemaList }, records },
      idempotent: true,
    });
    revision = Number(data);
  }
  return revision;
}

/**
 * Lists tables whose names start with any of the prefixes (a leading `/` is dropped).
 *
 * @param api The client.
 * @param prefixes The prefixes.
 * @returns Sorted table names.
 */
export async function listRemoteTables(api: ApiClient, prefixes: string[]): Promise<string[]> {
  const data = await api.request("/datastore/listTables", {
    method: "POST",
    body: { prefixes: prefixes.map((p) => p.replace(/^\/+/, "")) },
    idempotent: true,
  }) as { tables?: string[] };
  return data?.tables ?? [];
}
