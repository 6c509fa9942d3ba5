/**
 * The datastore reads of the REST API: `scanTable` (a key range over one or more tables merged by
 * key, paged by `lastKey`) and `queryTable` (one table, a filter, an order and an offset), each a
 * function from a parsed body to the envelope's `data`, in the typed or the plain encoding.
 *
 * @module
 */
import type { Key, Row } from "../../../datastore/mod.ts";
import {
  checkTableName,
  chooseSchema,
  decodeScalar,
  encodePlain,
  encodeTyped,
  isScalarType,
  type WireSchema,
} from "../../wire/mod.ts";
import { ApiError, DATASTORE_SUBJECT as S } from "../api_error.ts";
import { BodyReader, parseRevision, show } from "../_body.ts";
import type { ScanTableDesc, ServerStore, StoreScanOptions, StoreTableSchema } from "../store.ts";
import { Breather } from "../_breather.ts";
import { compileFilter } from "./_query.ts";
import { orderRows } from "./_order_rows.ts";

/** Records per scan or query answer (upstream `DataStore.QUERY_LIMIT`). */
export const QUERY_LIMIT = 1000;
/** The key column's name in the output when the projection leaves it out. */
export const KEY_ALIAS = "\u0000key";

/** How long reads run on the server. */
export interface ReadLimits {
  /** Longest stretch of work (ms) before the read lets other requests in. */
  sliceMs: number;
  /** Most rows a `queryTable` with `orderBy` keeps to order them (its `start` + `limit`). */
  maxOrderRows: number;
  /** Aborted when the client goes away. */
  signal?: AbortSignal;
}

/** Defaults of {@link ReadLimits}. */
export const READ_LIMITS: ReadLimits = { sliceMs: 10, maxOrderRows: 100_000 };

interface Projection {
  desc: ScanTableDesc;
  schema: StoreTableSchema;
  hints: Map<string, WireSchema>;
  keyOut: string;
}

async function project(
  store: ServerStore,
  t: BodyReader,
  ignoreMissing: boolean,
): Promise<Projection | undefined> {
  const name = checkTableName(t.raw("tableName"));
  const schema = await store.schema(name);
  if (!schema) {
    if (ignoreMissing) return undefined;
    throw ApiError.invalid(S, `invalid table name ${show(name)}: the table does not exist`);
  }
  const prefix = t.string("columnPrefix") ?? "";
  const known = new Map(schema.columns.map((c) => [c.name!, c as WireSchema]));
  known.set(
    schema.keyColumn,
    known.get(schema.keyColumn) ?? { type: schema.keyType } as WireSchema,
  );
  const wanted = t.array("columns");
  const mapping: Record<string, string> = {};
  if (wanted) {
    const unknown: string[] = [];
    wanted.forEach((c, i) => {
      const col = new BodyReader(c, S, `columns[${i}]`);
      const from = col.requiredString("columnName");
      const alias = col.string("alias") ?? from;
      let found = false;
      for (const n of known.keys()) {
        if (n === from) [found, mapping[n]] = [true, prefix + alias];
        else if (n.startsWith(from + ":")) {
          [found, mapping[n]] = [true, prefix + alias + n.slice(from.length)];
        }
      }
      if (!found) unknown.push(from);
    });
    if (unknown.length) throw ApiError.invalid(S, `invalid columns: ${show(unknown)}`);
  } else for (const n of known.keys()) mapping[n] = prefix + n;
  const keyOut = mapping[schema.keyColumn] ?? KEY_ALIAS;
  mapping[schema.keyColumn] = keyOut;
  const hints = new Map<string, WireSchema>();
  for (const [n, out] of Object.entries(mapping)) hints.set(out, known.get(n)!);
  const desc: ScanTableDesc = { tableName: name, keepNone: t.bool("keepNone", false) };
  // Without a projection every column is read, including columns that only ever held null
  // (they have no type in the schema, so a mapping built from the schema would drop them).
  if (wanted || prefix !== "") desc.columns = mapping;
  const revision = parseRevision(t.raw("revision"), S);
  if (revision !== undefined) desc.revision = revision;
  return { desc, schema, hints, keyOut };
}

function decodeKey(body: BodyReader, field: string, type: string): Key | undefined {
  const text = body.raw(field);
  if (text === undefined || text === null) return undefined;
  if (!isScalarType(type as WireSchema["type"])) body.fail(`${field}Type`, "must be a scalar type");
  try {
    const v = decodeScalar(text, type as WireSchema["type"]);
    if (typeof v === "number" || typeof v === "bigint" || typeof v === "string") return v;
    return body.fail(field, `decodes to ${show(v)}, which cannot be a key`);
  } catch (e) {
    if (e instanceof ApiError) throw e;
    return body.fail(field, `does not decode as ${type}: ${(e as Error).message}`);
  }
}

/** How a scan's or query's records are encoded. */
export interface Encoder {
  typed: boolean;
  raw: boolean;
  hints: Map<string, WireSchema>;
}

function encodeRow(row: Row, enc: Encoder): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) {
    if (k === KEY_ALIAS) continue;
    const hint = enc.hints.get(k);
    out[k] = enc.typed
      ? encodeTyped(v, { hint, raw: enc.raw })
      : encodePlain(v, chooseSchema(v, hint), { raw: enc.raw, mapsAsObjects: true });
  }
  return out;
}

/** The column hints of an answer. */
export function columnHints(hints: Map<string, WireSchema>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, s] of hints) if (k !== KEY_ALIAS) out[k] = typeHints(s);
  return out;
}

/** A column's type as upstream's `ColumnHintsDesc` nests it: elements, keys, values, attributes. */
function typeHints(s: WireSchema): Record<string, unknown> {
  const out: Record<string, unknown> = { typeHints: [s.type] };
  if (s.elementType) out.elementHints = typeHints(s.elementType);
  if (s.keyType) out.keyHints = typeHints(s.keyType);
  if (s.valueType) out.valueHints = typeHints(s.valueType);
  if (s.type === "OBJECT" && s.attributes) {
    out.attributesHints = Object.fromEntries(s.attributes.map((a) => [a.name, typeHints(a)]));
  }
  return out;
}

function limitOf(body: BodyReader): number {
  const limit = body.int("limit", -1);
  if (limit > QUERY_LIMIT) body.fail("limit", `must be at most ${QUERY_LIMIT}`);
  return limit < 0 ? QUERY_LIMIT : limit;
}

/** A parsed `scanTable` request, ready to run. */
export interface PreparedScan {
  /** The tables that exist, with their projections. */
  projections: Projection[];
  /** How records are encoded. */
  enc: Encoder;
  /** The key type of the first table. */
  keyType: string;
  /** Records per answer (`limit`, at most 1000). */
  limit: number;
  /** The key range and null handling, without a limit. */
  range: StoreScanOptions;
}

/**
 * Parses and checks a `scanTable` request (every 400 is thrown here, before any record is read).
 *
 * @param store The datastore.
 * @param json The request body.
 * @returns The prepared scan.
 * @throws {ApiError} 400 on an invalid request.
 */
export async function prepareScan(
  store: ServerStore,
  json: Record<string, unknown>,
): Promise<PreparedScan> {
  const body = new BodyReader(json, S);
  const tables = body.array("tables");
  if (!tables || tables.length === 0) throw body.error("tables", "must list at least one table");
  const ignore = body.bool("ignoreNonExistingTable", true);
  const projections: Projection[] = [];
  for (const [i, t] of tables.entries()) {
    const p = await project(store, new BodyReader(t, S, `tables[${i}]`), ignore);
    if (p) projections.push(p);
  }
  const limit = limitOf(body);
  const enc: Encoder = {
    typed: body.bool("encodeWithType", true),
    raw: body.bool("rawResult", false),
    hints: new Map(projections.flatMap((p) => [...p.hints])),
  };
  const keyType = projections[0]?.schema.keyType ?? "STRING";
  if (!enc.typed && projections.some((p) => p.schema.keyType !== keyType)) {
    throw ApiError.invalid(S, "conflicting key column type");
  }
  const start = decodeKey(body, "start", body.string("startType") ?? keyType);
  const end = decodeKey(body, "end", body.string("endType") ?? keyType);
  const keepNone = body.bool("keepNone", false);
  for (const p of projections) p.desc.keepNone ||= keepNone;
  const range: StoreScanOptions = {
    start,
    end,
    startInclusive: body.bool("startInclusive", true),
    endInclusive: body.bool("endInclusive", false),
    keepNone: projections.length === 1 && projections[0].desc.keepNone,
  };
  return { projections, enc, keyType, limit, range };
}

/**
 * Handles `scanTable`: a key-range scan over one or more tables merged by key, at most 1000
 * records, with `lastKey` for the next page.
 *
 * @param store The datastore.
 * @param json The request body.
 * @param limits Aborted when the client goes away (the scan stops and releases its resources);
 *   how long it runs before letting other requests in.
 * @returns The `RecordListVo`.
 * @throws {ApiError} 400 on an invalid request.
 */
export async function scanTable(
  store: ServerStore,
  json: Record<string, unknown>,
  limits: ReadLimits = READ_LIMITS,
): Promise<Record<string, unknown>> {
  const scan = await prepareScan(store, json);
  const { projections, enc, keyType, limit } = scan;
  const records: Record<string, unknown>[] = [];
  let lastKey: Key | undefined;
  const breather = new Breather(limits.sliceMs);
  if (projections.length && limit > 0) {
    const rows = store.scan(projections.map((p) => p.desc), { ...scan.range, limit });
    try {
      for (const row of await rows.nextBatch(limit)) {
        if (limits.signal?.aborted) break;
        lastKey = projections.map((p) => row[p.keyOut]).find((k) => k !== undefined) as Key;
        records.push(encodeRow(row, enc));
        const pause = breather.breathe();
        if (pause) await pause;
      }
    } finally {
      await rows.return?.();
    }
  }
  const out: Record<string, unknown> = { records, columnHints: columnHints(enc.hints) };
  if (!enc.typed) {
    out.columnTypes = [...enc.hints.keys()].filter((k) => k !== KEY_ALIAS).map((name) => ({
      name,
    }));
  }
  if (lastKey !== undefined) {
    out.lastKey = encodePlain(lastKey, chooseSchema(lastKey, { type: keyType } as WireSchema));
  }
  return out;
}

/**
 * Handles `queryTable`: one table, an optional filter and order, an offset `start` and a limit.
 * Rows are read in slices (other requests are answered in between); with `orderBy`, only the
 * best `start + limit` rows are kept, and asking for more than `maxOrderRows` is a 400.
 *
 * @param store The datastore.
 * @param json The request body.
 * @param limits The client's abort signal, the slice length and the `orderBy` bound.
 * @returns The `RecordListVo` (no `lastKey`).
 * @throws {ApiError} 400 on an invalid request, or an `orderBy` page beyond `maxOrderRows`.
 */
export async function queryTable(
  store: ServerStore,
  json: Record<string, unknown>,
  limits: ReadLimits = READ_LIMITS,
): Promise<Record<string, unknown>> {
  const body = new BodyReader(json, S);
  const p = await project(store, body, body.bool("ignoreNonExistingTable", true));
  const limit = limitOf(body);
  const offset = Math.max(0, body.int("start", 0));
  const filter = body.raw("filter") == null ? undefined : compileFilter(body.raw("filter"), S);
  const order = (body.array("orderBy") ?? []).map((o, i) => {
    const r = new BodyReader(o, S, `orderBy[${i}]`);
    const column = r.requiredString("columnName");
    if (p && !p.hints.has(column)) r.fail("columnName", "is not a column of the table");
    return { column, descending: r.bool("descending", false) };
  });
  if (order.length && offset + limit > limits.maxOrderRows) {
    throw ApiError.invalid(
      S,
      `a query with orderBy orders at most ${limits.maxOrderRows} rows: 'start' ${offset} + ` +
        `'limit' ${limit} asks for row ${offset + limit}; narrow the rows with a filter`,
    );
  }
  const enc: Encoder = {
    typed: body.bool("encodeWithType", false),
    raw: body.bool("rawResult", false),
    hints: p?.hints ?? new Map(),
  };
  const keepNone = body.bool("keepNone", false);
  const revision = parseRevision(body.raw("revision"), S);
  let picked: Row[] = [];
  if (p) {
    if (revision !== undefined) p.desc.revision = revision;
    p.desc.keepNone ||= keepNone;
    const breather = new Breather(limits.sliceMs);
    const top = order.length ? orderRows(order, offset + limit) : undefined;
    let skipped = 0;
    for await (const row of store.scan([p.desc], { keepNone: p.desc.keepNone })) {
      if (limits.signal?.aborted) break;
      const pause = breather.breathe();
      if (pause) await pause;
      if (filter && !filter(row)) continue;
      if (top) top.push(row);
      else if (skipped < offset) skipped++;
      else if (picked.length < limit) picked.push(row);
      else break;
    }
    if (top) picked = top.sorted().slice(offset, offset + limit);
  }
  const out: Record<string, unknown> = {
    records: picked.map((r) => encodeRow(r, enc)),
    columnHints: columnHints(enc.hints),
  };
  if (!enc.typed) {
    out.columnTypes = [...enc.hints.keys()].filter((k) => k !== KEY_ALIAS).map((name) => ({
      name,
    }));
  }
  return out;
}
