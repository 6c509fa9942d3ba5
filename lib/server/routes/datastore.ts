/**
 * The datastore resource (`/api/v1/datastore`): `updateTable`, `scanTable` (also as an NDJSON
 * stream for clients that accept it), `queryTable`, `listTables` and `flush`; and this server's
 * `updateTableRows` (rows as plain JSON, for its own remote adapter). Each handler is a function from a parsed body to the envelope's
 * `data` that validates everything before anything is written.
 *
 * @module
 */
import type { Hono } from "../../_deps.ts";
import type { ColumnSchema, Key, Row } from "../../../datastore/mod.ts";
import { checkTableName, decodePlain, isScalarType, parseSchema } from "../../wire/mod.ts";
import type { WireSchema } from "../../wire/mod.ts";
import { ApiError, DATASTORE_SUBJECT as S } from "../api_error.ts";
import { BodyReader, checkColumnName, show } from "../_body.ts";
import { ok, resource, type ServerContext, type ServerEnv } from "../_context.ts";
import type { ServerStore } from "../store.ts";
import { queryTable, scanTable } from "./_scan.ts";
import { aliasDatasetTables } from "./_dataset_alias.ts";
import { NDJSON, scanTableStream } from "./_scan_stream.ts";
import { updateTableRows } from "./_update_rows.ts";

/**
 * The datastore sub-app, to mount at `/api/v1/datastore`.
 *
 * @param ctx The server context.
 * @returns The sub-app.
 */
export function datastoreRoutes(ctx: ServerContext): Hono<ServerEnv> {
  const { store } = ctx;
  return resource(S)
    .post("/updateTable", async (c) => ok(c, await updateTable(store, await ctx.body(c))))
    .post(
      "/updateTableRows",
      async (c) => ok(c, await updateTableRows(store, await ctx.body(c))),
    )
    .post("/scanTable", async (c) => {
      const json = await aliasDatasetTables(ctx, await ctx.body(c));
      if (acceptsNdjson(c.req.header("accept"))) {
        const stream = await scanTableStream(store, json, ctx.readLimits);
        return new Response(stream, { headers: { "content-type": NDJSON } });
      }
      return ok(c, await scanTable(store, json, { ...ctx.readLimits, signal: c.req.raw.signal }));
    })
    .post(
      "/queryTable",
      async (c) =>
        ok(
          c,
          await queryTable(store, await aliasDatasetTables(ctx, await ctx.body(c)), {
            ...ctx.readLimits,
            signal: c.req.raw.signal,
          }),
        ),
    )
    .post(
      "/listTables",
      async (c) => ok(c, listTables(store, await ctx.body(c, { optional: true }))),
    )
    .post("/flush", async (c) => {
      await store.flush();
      return ok(c, "success");
    });
}

/** Whether an Accept header asks for NDJSON (the streaming `scanTable`). */
function acceptsNdjson(accept: string | undefined): boolean {
  return (accept ?? "").split(",").some((part) => {
    const [type, ...params] = part.split(";").map((x) => x.trim().toLowerCase());
    return type === NDJSON && !params.some((p) => /^q=0(\.0*)?$/.test(p));
  });
}

type Op = { rows: Row[] } | { deletes: Key[] };

/**
 * Handles `updateTable`: decodes every record against the request's schema, then applies the
 * upserts and `-` deletions in order as ONE atomic datastore batch.
 *
 * @param store The datastore.
 * @param json The request body.
 * @returns The new revision as a decimal string.
 * @throws {ApiError} 400 on any invalid part, before anything is written.
 */
export async function updateTable(
  store: ServerStore,
  json: Record<string, unknown>,
): Promise<string> {
  const body = new BodyReader(json, S);
  const table = checkTableName(body.raw("tableName"));
  const desc = body.object("tableSchemaDesc") ?? body.fail("tableSchemaDesc", "is required");
  const existing = await store.schema(table);
  const keyColumn = desc.string("keyColumn") ?? existing?.keyColumn;
  if (!keyColumn) throw desc.error("keyColumn", "is required for a new table");
  if (existing && existing.keyColumn !== keyColumn) {
    desc.fail(
      "keyColumn",
      `differs from the key column '${existing.keyColumn}' of table '${table}'`,
    );
  }
  const columns = new Map<string, WireSchema>();
  (desc.array("columnSchemaList") ?? desc.fail("columnSchemaList", "is required")).forEach(
    (c, i) => {
      const path = `tableSchemaDesc.columnSchemaList[${i}]`;
      let s: WireSchema;
      try {
        s = parseSchema(c, { path, named: true });
      } catch (e) {
        throw ApiError.invalid(S, (e as Error).message);
      }
      if (s.name !== "-") columns.set(checkColumnName(s.name, S), s);
    },
  );
  const keySchema = columns.get(keyColumn);
  if (!keySchema) {
    throw desc.error("columnSchemaList", `must describe the key column '${keyColumn}'`);
  }
  if (!isScalarType(keySchema.type)) {
    throw ApiError.invalid(
      S,
      `the key column '${keyColumn}' must be a scalar, not ${keySchema.type}`,
    );
  }
  const ops: Op[] = [];
  (body.array("records") ?? []).forEach((r, i) => {
    // The common shapes are checked inline; a BodyReader (for its message) only on a bad one.
    let values: unknown[];
    if (isObject(r) && Array.isArray(r.values)) values = r.values;
    else {
      const rec = new BodyReader(r, S, `records[${i}]`);
      values = rec.array("values") ?? rec.fail("values", "is required");
    }
    const row: Row = {};
    let deleted = false;
    for (let j = 0; j < values.length; j++) {
      const v = values[j];
      const name = isObject(v) && typeof v.key === "string" && v.key !== ""
        ? v.key
        : new BodyReader(v, S, `records[${i}].values[${j}]`).requiredString("key");
      if (name === "-") {
        deleted = true;
        continue;
      }
      const schema = columns.get(name);
      if (!schema) {
        throw new BodyReader(v, S, `records[${i}].values[${j}]`).error(
          "key",
          "names a column that tableSchemaDesc does not describe",
        );
      }
      try {
        row[name] = decodePlain((v as { value?: unknown }).value, schema);
      } catch (e) {
        throw ApiError.invalid(
          S,
          `failed to decode records[${i}] column '${name}': ${(e as Error).message}`,
        );
      }
    }
    const key = row[keyColumn];
    if (typeof key !== "number" && typeof key !== "bigint" && typeof key !== "string") {
      throw new BodyReader(r, S, `records[${i}]`).error(
        "values",
        `must hold a number or string key in column '${keyColumn}' (got ${show(key)})`,
      );
    }
    const last = ops.at(-1);
    if (deleted) {
      if (last && "deletes" in last) last.deletes.push(key);
      else ops.push({ deletes: [key] });
    } else if (last && "rows" in last) last.rows.push(row);
    else ops.push({ rows: [row] });
  });
  // Mixed-type lists and maps carry per-position types the datastore infers by itself.
  const schema: ColumnSchema[] = [...columns.values()].filter((c) => !hasSparse(c));
  if (ops.length === 0) return String(await store.update(table, [], { keyColumn, schema }));
  // One atomic batch: readers and a crash see all of the request or none of it.
  return String(await store.write(ops.map((op) => ({ table, keyColumn, schema, ...op }))));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

function hasSparse(s: WireSchema | undefined): boolean {
  if (!s) return false;
  if (s.sparseKeyValuePairSchema) return true;
  if ((s.type === "LIST" || s.type === "TUPLE") && s.attributes?.length) return true;
  return hasSparse(s.elementType) || hasSparse(s.keyType) || hasSparse(s.valueType) ||
    (s.type === "OBJECT" && (s.attributes ?? []).some(hasSparse));
}

/**
 * Handles `listTables`: names matching `prefix` and/or any of `prefixes`, sorted, no duplicates.
 *
 * @param store The datastore.
 * @param json The request body.
 * @returns `{tables}`.
 * @throws {ApiError} 400 on a non-string prefix.
 */
export function listTables(
  store: ServerStore,
  json: Record<string, unknown>,
): { tables: string[] } {
  const body = new BodyReader(json, S);
  const prefixes = [body.string("prefix"), ...(body.array("prefixes") ?? [])];
  const names = new Set<string>();
  prefixes.forEach((p, i) => {
    if (p === undefined) return;
    if (typeof p !== "string") {
      throw ApiError.invalid(S, `'prefixes[${i - 1}]' must be a string, got ${show(p)}`);
    }
    for (const t of store.tables(p)) names.add(t);
  });
  if (prefixes.every((p) => p === undefined)) { for (const t of store.tables("")) names.add(t); }
  return { tables: [...names].sort() };
}
