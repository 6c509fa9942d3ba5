/**
 * Small pieces shared by the command groups: the `--project` option, key parsing for row ranges,
 * status marks and the job list table.
 *
 * @module
 */

import type { Key } from "../../../datastore/mod.ts";
import type { JobRecord, PageInfo } from "../../sdk/mod.ts";
import { type OptionSpec, UsageError } from "../args.ts";
import { cellText, formatTime } from "../output/table.ts";

/** `-p/--project URI`. */
export const PROJECT_OPTION: OptionSpec = {
  name: "project",
  short: "p",
  type: "string",
  value: "URI",
  description: "Project URI (self, local/project/p, cloud://alias/project/p); default: selected",
};

/** `-f/--force`. */
export const FORCE_OPTION: OptionSpec = {
  name: "force",
  short: "f",
  type: "boolean",
  description: "Do it without asking",
};

/** Options of a key range: `--start`, `--end`, `--end-inclusive`, `--keep-none`, `--limit`. */
export const RANGE_OPTIONS: OptionSpec[] = [
  { name: "start", type: "string", value: "KEY", description: "First key (inclusive)" },
  { name: "end", type: "string", value: "KEY", description: "Last key (exclusive)" },
  { name: "end-inclusive", type: "boolean", description: "Include the --end row" },
  { name: "keep-none", type: "boolean", description: "Keep columns whose value is null" },
  { name: "limit", type: "integer", value: "N", description: "At most N rows" },
  {
    name: "columns",
    type: "strings",
    value: "NAME",
    description: "Only this column (the key is always shown)",
  },
  {
    name: "key-type",
    type: "string",
    value: "int|string",
    description: "How to read --start/--end; default: integers when they look like one",
  },
];

/**
 * Reads a key given on the command line: an integer when it looks like one (or `int` is asked),
 * else the text.
 *
 * @param text The argument.
 * @param keyType `int`, `string`, or `undefined` to guess.
 * @returns The key.
 * @throws {UsageError} When `int` is asked and the text is not an integer.
 */
export function parseKey(text: string, keyType?: string): Key {
  if (keyType !== undefined && keyType !== "int" && keyType !== "string") {
    throw new UsageError(`Invalid --key-type ${JSON.stringify(keyType)}: expected int or string`);
  }
  if (keyType === "string") return text;
  if (/^-?\d+$/.test(text)) {
    const n = BigInt(text);
    return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(n)
      : n;
  }
  if (keyType === "int") throw new UsageError(`Invalid integer key ${JSON.stringify(text)}`);
  return text;
}

/** The scan options of the range options. */
export function rangeOf(options: Record<string, unknown>): {
  start?: Key;
  end?: Key;
  endInclusive?: boolean;
  keepNone?: boolean;
  limit?: number;
  columns?: string[];
} {
  const keyType = options["key-type"] as string | undefined;
  const limit = options.limit as number | undefined;
  if (limit !== undefined && limit < 0) throw new UsageError(`Invalid --limit ${limit}: < 0`);
  return {
    start: options.start === undefined ? undefined : parseKey(String(options.start), keyType),
    end: options.end === undefined ? undefined : parseKey(String(options.end), keyType),
    endInclusive: options["end-inclusive"] === true,
    keepNone: options["keep-none"] === true,
    limit,
    columns: options.columns as string[] | undefined,
  };
}

/** The status as swcli shows it: a mark and the lower-case status. */
export function statusText(status: string): string {
  const mark = status === "SUCCESS" ? "👏" : status === "FAIL" ? "😨" : "🚜";
  return `${mark}${status.toLowerCase()}`;
}

/**
 * The columns and cells of a job list, as `swcli job list`.
 *
 * @param jobs The jobs.
 * @param options `fullname` keeps full versions on remote rows.
 * @returns The header and the rows.
 */
export function jobListRows(
  jobs: readonly JobRecord[],
  options: { fullname?: boolean; remote?: boolean } = {},
): { columns: string[]; rows: string[][] } {
  const short = (v: string | null) =>
    v === null ? "" : options.fullname || !options.remote ? v : v.slice(0, 12);
  const columns = ["ID", "Model", "Datasets", "Runtime", "Status", "Resource", "Created At"];
  columns.push("Finished At");
  const rows = jobs.map((j) => [
    j.id,
    j.model
      ? (options.remote && j.modelVersion ? `${j.model}/${short(j.modelVersion)}` : j.model)
      : "--",
    j.datasets.length ? j.datasets.join(", ") : "--",
    "--",
    statusText(j.status),
    "--",
    formatTime(j.createdAt),
    formatTime(j.finishedAt),
  ]);
  return { columns, rows };
}

/** The `Count Details` lines of a remote list. */
export function pageText(page: PageInfo): string {
  const p = page.page;
  return `🐑 Counts: ${page.current}/${page.total}, ${page.remain} items does not show.\n` +
    `🦋 Pages: page_num[${p.page_num}], page_size[${p.page_size}], total_pages[${p.pages}]` +
    `${p.has_next_page ? `, next: --page ${p.next_page}` : ""}\n`;
}

/** The columns of a set of rows (union of keys, in first-seen order) and their cells. */
export function rowTable(
  rows: readonly Record<string, unknown>[],
): { columns: string[]; cells: string[][] } {
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    for (const k of Object.keys(r)) if (!seen.has(k)) (seen.add(k), columns.push(k));
  }
  return { columns, cells: rows.map((r) => columns.map((c) => c in r ? cellText(r[c]) : "")) };
}
