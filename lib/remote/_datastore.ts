/**
 * The datastore over HTTP: `scanTable` as one NDJSON stream from this package's server, else
 * through pipelined `lastKey` pages; `updateTableRows` (plain JSON rows) to this package's server,
 * else `updateTable` in batches of 1000 records with the schema inferred per column; `listTables`
 * by prefix.
 *
 * @module
 */
import type { ColumnSchema, ColumnType, Key, Row, Value } from "../../datastore/mod.ts";
import type { ScanTableOptions, UpdateTableOptions } from "../sdk/instance.ts";
import type { ApiClient } from "./http.ts";
import {
  checkTableName,
  decodeTyped,
  encodePlain,
  encodeTyped,
  inferSchema,
  WIRE_TYPES,
} from "../wire/mod.ts";
import { RemoteError } from "../sdk/errors.ts";
import { schemaKey, type WireSchema } from "../wire/mod.ts";
import { streamedRows } from "./_ndjson.ts";
import { unbatch } from "./_unbatch.ts";

/** Records per request, the server's cap. */
export const PAGE = 1000;

function keyWire(key: Key, field: string): { value: string; type: string } {
  if (typeof key === "string") return { value: key, type: "STRING" };
  if (typeof key === "bigint" || (typeof key === "number" && Number.isInteger(key))) {
    return { value: encodePlain(key, { type: "INT64" }) as string, type: "INT64" };
  }
  throw new TypeError(`Cannot scan from ${field} ${String(key)}: keys are integers or strings`);
}

/** The media type of this package's streaming `scanTable`. */
const NDJSON = "application/x-ndjson";

type Page = { records?: Record<string, unknown>[]; lastKey?: string } | undefined;

function decodeRecord(r: Record<string, unknown>): Row {
  const row: Row = {};
  for (const [k, v] of Object.entries(r)) row[k] = decodeTyped(v);
  return row;
}

/**
 * Streams rows of one table. `start` and `end` are each encoded by their own type (so an `end`
 * without a `start` is kept). A scan longer than one page first asks for the NDJSON stream this
 * package's server offers (every record in one answer); any other server answers with the usual
 * page, and the scan goes on page by page: the next page (after `lastKey`) is asked for while
 * this one is decoded and read, and paging stops at the first short page.
 *
 * @param api The client.
 * @param table Full table name.
 * @param options Range, keepNone, limit, columns; `check` runs at the first `next()` (before
 *   anything is sent), `mapError` maps any error before it is thrown.
 * @returns The rows, decoded.
 * @throws {TypeError} On an invalid table name, before anything is sent.
 */
export function scanRemoteTable(
  api: ApiClient,
  table: string,
  options: ScanTableOptions & {
    revision?: string | number;
    check?: () => void;
    mapError?: (e: unknown) => unknown;
  } = {},
): AsyncIterableIterator<Row> {
  return unbatch(() => {
    options.check?.();
    return scanRemoteBatches(api, table, options);
  }, options.mapError);
}

/**
 * The batches behind {@link scanRemoteTable}: a line of the stream or a page at a time.
 *
 * @param api The client.
 * @param table Full table name.
 * @param options Range, keepNone, limit, columns, and the table's revision to read as of.
 * @returns The batches of decoded rows.
 */
export async function* scanRemoteBatches(
  api: ApiClient,
  table: string,
  options: ScanTableOptions & { revision?: string | number },
): AsyncGenerator<Row[]> {
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
  if (remaining <= 0) return;
  const path = "/datastore/scanTable";
  const abort = new AbortController();
  const page = (limit: number) => ({
    method: "POST",
    body: { ...body, limit },
    idempotent: true,
    signal: abort.signal,
  });
  let asked = Math.min(PAGE, remaining);
  const first = remaining > PAGE
    ? await api.negotiate(path, page(asked), NDJSON)
    : { data: await api.request(path, page(asked)) };
  if ("stream" in first) {
    for await (const batch of streamedRows(first.stream, first.url)) {
      if (batch.length >= remaining) return yield batch.slice(0, remaining);
      remaining -= batch.length;
      yield batch;
    }
    return;
  }
  let data = first.data as Page;
  let next: Promise<unknown> | undefined;
  try {
    for (;;) {
      const records = data?.records ?? [];
      remaining -= records.length;
      if (records.length >= asked && data?.lastKey !== undefined && remaining > 0) {
        body.start = data.lastKey;
        delete body.startType;
        body.startInclusive = false;
        asked = Math.min(PAGE, remaining);
        next = api.request(path, page(asked));
        next.catch(() => {}); // awaited below; a consumer that stops early leaves it to the abort
      }
      yield records.map(decodeRecord);
      if (!next) return;
      data = await next as Page;
      next = undefined;
    }
  } finally {
    if (next) {
      abort.abort();
      await next.catch(() => {});
    }
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

/** Clients whose server has no `updateTableRows` (it answered 404): they use `updateTable`. */
const NO_ROWS_ROUTE = new WeakSet<ApiClient>();

/** Whether a value goes as itself in `updateTableRows` (else typed). */
function plainJson(v: Value): boolean {
  return typeof v === "string" || typeof v === "boolean" || v === null ||
    (typeof v === "number" && Number.isFinite(v) && !Object.is(v, -0));
}

/**
 * Sends one batch through this package's `updateTableRows`; `undefined` when the server has no
 * such route (a Starwhale Server, an older server), which nothing was written to.
 */
async function updateRows(
  api: ApiClient,
  table: string,
  rows: Row[],
  options: { keyColumn: string; schema: ColumnSchema[] },
): Promise<number | undefined> {
  const typed: [number, string, unknown][] = [];
  const sent = rows.map((row, i) => {
    let out: Row | undefined;
    for (const k in row) {
      if (plainJson(row[k])) continue;
      out ??= { ...row };
      out[k] = null;
      typed.push([i, k, encodeTyped(row[k])]);
    }
    return out ?? row;
  });
  try {
    const data = await api.request("/datastore/updateTableRows", {
      method: "POST",
      body: {
        tableName: table,
        keyColumn: options.keyColumn,
        schema: options.schema,
        rows: sent,
        typed,
      },
      idempotent: true,
    });
    return Number(data);
  } catch (e) {
    if (e instanceof RemoteError && (e.status === 404 || e.status === 405)) {
      NO_ROWS_ROUTE.add(api);
      return undefined;
    }
    throw e;
  }
}

/**
 * Upserts rows in batches of at most 1000. To this package's server they go as plain JSON rows
 * (`updateTableRows`), typed by the server as a local update types them; to any other server as
 * `updateTable` records whose column types agree, each batch sent with its `columnSchemaList`
 * (explicit schemas win over inferred ones).
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
  for (const row of rows) {
    if (row[keyColumn] === undefined || row[keyColumn] === null) {
      throw new TypeError(`Cannot update table '${table}': a row has no key column '${keyColumn}'`);
    }
  }
  let rest = rows;
  if (!NO_ROWS_ROUTE.has(api)) {
    let revision = 0, done = 0, fellBack = false;
    do {
      const batch = rows.slice(done, done + PAGE);
      const r = await updateRows(api, table, batch, { keyColumn, schema: options.schema ?? [] });
      if (r === undefined) { // no such route: nothing of this batch was written
        fellBack = true;
        break;
      }
      revision = r;
      done += batch.length;
    } while (done < rows.length);
    if (!fellBack) return revision;
    rest = rows.slice(done);
  }
  return await updateRecords(api, table, rest, { ...options, keyColumn });
}

/** `updateTable` in batches of at most 1000 records whose column types agree. */
async function updateRecords(
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
