/**
 * `swcli table`: the datastore directly — list, scan, get, put (JSON Lines from a file or stdin),
 * delete, compact, stats, repair. Against the standalone instance the datastore is opened here; against a
 * server, list, scan, get and put go through its datastore API.
 *
 * @module
 */

import type { Key, Row } from "../../../datastore/mod.ts";
import { readJsonl } from "../../sdk/mod.ts";
import { UnsupportedError } from "../../sdk/mod.ts";
import { leaseDatastore, repairDatastore } from "../../standalone/mod.ts";
import type { ParsedArgs } from "../args.ts";
import type { Command, Group } from "../command.ts";
import { parseKey, RANGE_OPTIONS, rangeOf } from "./_common.ts";
import { printRows } from "./_rows.ts";
import { checkTable, existingTable } from "./_table_names.ts";
import { CliContext } from "../context.ts";
import { readAllText } from "../io.ts";
import { formatBytes } from "../output/cells.ts";
import { renderGrid } from "../output/grid.ts";
import { tableStats } from "./_table_stats.ts";

const BATCH = 1000;

async function withLocal<T>(
  ctx: CliContext,
  what: string,
  fn: (ds: Awaited<ReturnType<typeof leaseDatastore>>["ds"]) => Promise<T>,
): Promise<T> {
  const target = await ctx.current();
  if (!CliContext.isLocal(target.target)) {
    throw new UnsupportedError(`table ${what}`, `the remote instance ${target.target.url}`);
  }
  const lease = await leaseDatastore(await ctx.root());
  try {
    return await fn(lease.ds);
  } finally {
    await lease.release();
  }
}

async function keyOf(ctx: CliContext, table: string, text: string, keyType?: string): Promise<Key> {
  if (keyType) return parseKey(text, keyType);
  const target = await ctx.current();
  if (!CliContext.isLocal(target.target)) return parseKey(text);
  const schema = await withLocal(ctx, "get", (ds) => ds.schema(table));
  return parseKey(text, schema?.keyType === "STRING" ? "string" : undefined);
}

const TABLE = { name: "TABLE" };

const list: Command = {
  name: "list",
  aliases: ["ls"],
  summary: "List datastore tables (names starting with PREFIX)",
  positionals: [{ name: "PREFIX", optional: true }],
  options: [],
  examples: ["swcli table list", "swcli table list project/self/eval/"],
  async run(ctx, { positionals }) {
    const { instance } = await ctx.current();
    const names = await instance.listTables(String(positionals.PREFIX ?? ""));
    if (ctx.json) await ctx.printJson(names);
    else await ctx.print(names.length ? names.join("\n") : "(no tables)");
    return 0;
  },
};

const scan: Command = {
  name: "scan",
  summary: "Print the rows of a table in key order",
  positionals: [TABLE],
  options: RANGE_OPTIONS,
  examples: [
    "swcli table scan project/self/eval/summary",
    "swcli -o json table scan t --start 10 --limit 5",
  ],
  async run(ctx, args: ParsedArgs) {
    const { instance } = await ctx.current();
    const table = await existingTable(instance, String(args.positionals.TABLE), "table scan");
    return await printRows(ctx, instance.scanTable(table, rangeOf(args.options)));
  },
};

const get: Command = {
  name: "get",
  summary: "Print one row by key (exit code 1 when there is none)",
  positionals: [TABLE, { name: "KEY" }],
  options: RANGE_OPTIONS.filter((o) => o.name === "keep-none" || o.name === "key-type"),
  examples: ["swcli table get mytable 42", "swcli table get mytable a42 --key-type string"],
  async run(ctx, { options, positionals }) {
    const { instance } = await ctx.current();
    const table = await existingTable(instance, String(positionals.TABLE), "table get");
    const key = await keyOf(ctx, table, String(positionals.KEY), options["key-type"] as string);
    const keepNone = options["keep-none"] === true;
    let row: Row | undefined;
    for await (
      const r of instance.scanTable(table, {
        start: key,
        end: key,
        endInclusive: true,
        keepNone,
        limit: 1,
      })
    ) row = r;
    if (!row) {
      await ctx.note(`error: Cannot find key ${JSON.stringify(String(key))} in table '${table}'`);
      return 1;
    }
    return await printRows(
      ctx,
      (async function* () {
        yield row!;
      })(),
    );
  },
};

const put: Command = {
  name: "put",
  summary: "Upsert rows from JSON Lines (a file, or stdin with - or no FILE)",
  positionals: [TABLE, { name: "FILE", optional: true }],
  options: [{
    name: "key-column",
    type: "string",
    value: "NAME",
    description: "Key column (default id)",
  }],
  examples: [
    "swcli table put mytable rows.jsonl",
    'printf \'{"id":1,"x":2}\\n\' | swcli table put mytable -',
  ],
  async run(ctx, { options, positionals }) {
    const table = checkTable(String(positionals.TABLE), "table put");
    const file = positionals.FILE as string | undefined;
    const text = !file || file === "-"
      ? await readAllText(ctx.io.stdin())
      : await Deno.readTextFile(file);
    const rows = await Array.fromAsync(readJsonl({ text }));
    const keyColumn = options["key-column"] as string | undefined;
    const { instance } = await ctx.current();
    const progress = ctx.progress(`Writing ${table}`, { total: rows.length, unit: "rows" });
    let revision = 0;
    try {
      for (let i = 0; i < rows.length; i += BATCH) {
        revision = await instance.updateTable(table, rows.slice(i, i + BATCH), { keyColumn });
        progress.update(Math.min(rows.length, i + BATCH));
      }
    } finally {
      progress.done();
    }
    if (ctx.json) await ctx.printJson({ table, rows: rows.length, revision });
    else await ctx.print(`👏 wrote ${rows.length} rows to ${table} (revision ${revision})`);
    return 0;
  },
};

const del: Command = {
  name: "delete",
  aliases: ["rm"],
  summary: "Delete rows by key (standalone)",
  positionals: [TABLE, { name: "KEY", variadic: true }],
  options: RANGE_OPTIONS.filter((o) => o.name === "key-type"),
  examples: ["swcli table delete mytable 1 2 3"],
  async run(ctx, { options, positionals }) {
    const { instance } = await ctx.current();
    const table = await existingTable(instance, String(positionals.TABLE), "table delete");
    const keys: Key[] = [];
    for (const k of positionals.KEY as string[]) {
      keys.push(await keyOf(ctx, table, k, options["key-type"] as string));
    }
    const revision = await withLocal(ctx, "delete", (ds) => ds.delete(table, keys));
    if (ctx.json) await ctx.printJson({ table, deleted: keys.length, revision });
    else await ctx.print(`👏 deleted ${keys.length} keys from ${table} (revision ${revision})`);
    return 0;
  },
};

const compact: Command = {
  name: "compact",
  summary: "Merge a table's segments (every table when none is named; standalone)",
  positionals: [{ name: "TABLE", optional: true }],
  options: [],
  examples: ["swcli table compact", "swcli table compact mytable"],
  async run(ctx, { positionals }) {
    const name = positionals.TABLE as string | undefined;
    const { instance } = await ctx.current();
    const table = name === undefined
      ? undefined
      : await existingTable(instance, name, "table compact");
    const progress = ctx.progress(`Compacting ${table ?? "every table"}`);
    try {
      await withLocal(ctx, "compact", async (ds) => {
        await ds.flush();
        await ds.compact(table);
      });
    } finally {
      progress.done();
    }
    if (ctx.json) await ctx.printJson({ table: table ?? null, ok: true });
    else await ctx.print(`👏 compacted ${table ?? "every table"}`);
    return 0;
  },
};

const stats: Command = {
  name: "stats",
  summary: "Show segments, sizes and rows of tables (names starting with PREFIX; standalone)",
  positionals: [{ name: "PREFIX", optional: true }],
  options: [],
  examples: ["swcli table stats", "swcli -o json table stats project/self/"],
  async run(ctx, { positionals }) {
    const items = await withLocal(
      ctx,
      "stats",
      (ds) => tableStats(ds, String(positionals.PREFIX ?? "")),
    );
    if (ctx.json) return (await ctx.printJson(items), 0);
    await ctx.print(renderGrid(
      ["Table", "Rows", "Segments", "Segment Bytes", "Memtable Versions", "Horizon"],
      items.map((
        s,
      ) => [
        s.table,
        String(s.rows),
        String(s.segments),
        formatBytes(s.bytes),
        String(s.memtableVersions),
        String(s.horizon),
      ]),
      { width: ctx.io.columns },
    ));
    return 0;
  },
};

const repair: Command = {
  name: "repair",
  summary: "Rebuild a lost or damaged MANIFEST from the segments and WAL files (standalone)",
  description:
    "Rebuilds the datastore's MANIFEST from its segment and WAL files: keeps every segment whose " +
    "checksums pass and every WAL record before the first damaged one, moves what it cannot use " +
    "aside as *.dropped (nothing is deleted) and prints what it kept and dropped. Run it only " +
    "while no other process uses the storage root.",
  positionals: [],
  options: [],
  examples: ["swcli table repair", "swcli -o json table repair"],
  async run(ctx) {
    const target = await ctx.current();
    if (!CliContext.isLocal(target.target)) {
      throw new UnsupportedError("table repair", `the remote instance ${target.target.url}`);
    }
    const report = await repairDatastore(await ctx.root());
    if (ctx.json) return (await ctx.printJson(report), 0);
    const lines = [
      `Kept ${report.tables.length} tables, ${report.segments.length} segments, ` +
      `${report.wals.length} WAL files.`,
    ];
    if (report.tables.length) {
      lines.push(renderGrid(
        ["Table", "Segments"],
        report.tables.map((t) => [t.name, String(t.segments)]),
        { width: ctx.io.columns },
      ));
    }
    for (const d of report.dropped) {
      lines.push(`dropped ${d.file}: ${d.reason}${d.movedTo ? ` (moved to ${d.movedTo})` : ""}`);
    }
    await ctx.print(lines.join("\n"));
    return 0;
  },
};

/** The `table` group. */
export const TABLE_GROUP: Group = {
  name: "table",
  summary: "The datastore directly: list, scan, get, put, delete, compact, stats, repair",
  commands: [list, scan, get, put, del, compact, stats, repair],
};
