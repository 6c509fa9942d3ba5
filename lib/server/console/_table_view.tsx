/** @jsxImportSource npm:hono@4.13.19/jsx */
/**
 * One of a job's tables, a page at a time: a key range (`start`, `end`, end inclusive), the
 * columns to show, `keepNone`, a "next page" link that starts after the last key shown, and a
 * "previous page" link back to where the page before started (carried in the URL).
 * Reads through `Instance.scanJobTable`; with the script, paging swaps only this section.
 *
 * @module
 */

import type { Instance, JobRef, Key, Row } from "../../sdk/mod.ts";
import { cellText } from "./_format.ts";
import { type Html, projectPath } from "./_layout.tsx";

/** What the query string asks of a table. */
export interface TableQuery {
  /** Short table name. */
  name: string;
  /** First key, as typed. */
  start?: string;
  /** Start after `start` instead of at it. */
  after?: boolean;
  /** Last key, as typed. */
  end?: string;
  /** Include the `end` row. */
  endInclusive?: boolean;
  /** Show columns whose value is null. */
  keepNone?: boolean;
  /** Columns to show (the key always is); empty = all. */
  columns: string[];
  /** Rows per page. */
  limit: number;
  /** Where the pages before this one started (`=k` at key k, `>k` after it, `` at the first). */
  back: string[];
}

/** Pages remembered for "Previous page" (older ones fall back to "First page"). */
const BACK_PAGES = 50;

function here(q: TableQuery): string {
  return q.start === undefined ? "" : `${q.after ? ">" : "="}${q.start}`;
}

function from(token: string): { start?: string; after: boolean } {
  return token === ""
    ? { start: undefined, after: false }
    : { start: token.slice(1), after: token[0] === ">" };
}

/** A page of a table, ready to render. */
export interface TablePage {
  query: TableQuery;
  /** The key column. */
  key: string;
  /** Columns offered in the column choice. */
  available: string[];
  /** Columns shown. */
  shown: string[];
  rows: Row[];
  /** The key to start the next page after, if there is a next page. */
  next?: Key;
}

/** Rows per page choices. */
export const PAGE_SIZES: readonly number[] = [20, 50, 100, 500];

/** Reads a table query from URL search parameters. @throws {RangeError} A bad `limit`. */
export function tableQuery(params: URLSearchParams, fallbackName: string): TableQuery {
  const limit = Number(params.get("limit") ?? 50);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new RangeError(`Invalid limit ${JSON.stringify(params.get("limit"))}: expected 1..1000`);
  }
  const text = (k: string) => params.get(k) || undefined;
  return {
    name: params.get("table") || fallbackName,
    start: text("start"),
    after: params.get("after") === "1",
    end: text("end"),
    endInclusive: params.get("endInclusive") === "1",
    keepNone: params.get("keepNone") === "1",
    columns: params.getAll("columns").filter(Boolean),
    limit,
    back: params.getAll("back").filter((t) => t === "" || /^[=>]/.test(t)).slice(-BACK_PAGES),
  };
}

function keyOf(text: string | undefined, sample: unknown): Key | undefined {
  if (text === undefined) return undefined;
  if ((typeof sample === "number" || typeof sample === "bigint") && /^-?\d+$/.test(text)) {
    const n = BigInt(text);
    return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(n)
      : n;
  }
  if (typeof sample === "number" || typeof sample === "bigint") {
    throw new TypeError(`Invalid key ${JSON.stringify(text)}: this table's keys are integers`);
  }
  return text;
}

/** Reads one page of a job's table. @throws {TypeError} A key of the wrong type. */
export async function readTablePage(
  instance: Instance,
  where: { ref: JobRef; query: TableQuery },
): Promise<TablePage> {
  const { ref, query } = where;
  const sample: Row[] = [];
  for await (const r of instance.scanJobTable(ref, query.name, { limit: 50, keepNone: true })) {
    sample.push(r);
  }
  const key = sample.length && !("id" in sample[0]) ? Object.keys(sample[0])[0] : "id";
  const available: string[] = [];
  for (const r of sample) {
    for (const c of Object.keys(r)) if (c !== key && !available.includes(c)) available.push(c);
  }
  const chosen = query.columns.filter((c) => c !== key);
  const rows: Row[] = [];
  for await (
    const r of instance.scanJobTable(ref, query.name, {
      start: keyOf(query.start, sample[0]?.[key]),
      startInclusive: !query.after,
      end: keyOf(query.end, sample[0]?.[key]),
      endInclusive: query.endInclusive,
      keepNone: query.keepNone,
      columns: chosen.length ? [key, ...chosen] : undefined,
      limit: query.limit + 1,
    })
  ) rows.push(r);
  const more = rows.length > query.limit;
  if (more) rows.length = query.limit;
  // Columns in the order offered, then any others; only those the rows have (keepNone decides).
  const present = new Set(rows.flatMap((r) => Object.keys(r)));
  const shown = [key];
  for (const c of [...(chosen.length ? chosen : available), ...present]) {
    if (present.has(c) && !shown.includes(c)) shown.push(c);
  }
  return { query, key, available, shown, rows, next: more ? rows.at(-1)![key] as Key : undefined };
}

/** The URL of a table page. */
export function tablePath(ref: JobRef, q: Partial<TableQuery> & { name: string }): string {
  const p = new URLSearchParams({ table: q.name });
  if (q.start !== undefined) p.set("start", q.start);
  if (q.after) p.set("after", "1");
  if (q.end !== undefined) p.set("end", q.end);
  if (q.endInclusive) p.set("endInclusive", "1");
  if (q.keepNone) p.set("keepNone", "1");
  for (const c of q.columns ?? []) p.append("columns", c);
  if (q.limit && q.limit !== 50) p.set("limit", String(q.limit));
  for (const t of q.back ?? []) p.append("back", t);
  return projectPath(ref.project, `/jobs/${encodeURIComponent(ref.id)}/table?${p}`);
}

/** The table section. */
export const TableView = (
  { ref, page, tables }: { ref: JobRef; page: TablePage; tables: string[] },
): Html => {
  const q = page.query;
  const action = projectPath(ref.project, `/jobs/${encodeURIComponent(ref.id)}/table`);
  // The page's first key, inclusive: submitting the form again shows this same page.
  const startText = q.after && page.rows.length ? cellText(page.rows[0][page.key]) : q.start ?? "";
  return (
    <section id="table-view" aria-labelledby="table-view-title">
      <h2 id="table-view-title" data-focus>
        Table <code>{q.name}</code>
      </h2>
      <form class="range" method="get" action={action} data-swap="table-view">
        <label>
          Table
          <select name="table">
            {tables.map((t) => <option key={t} value={t} selected={t === q.name}>{t}</option>)}
          </select>
        </label>
        <label>
          Start key<input name="start" value={startText} size={10} />
        </label>
        <label>
          End key<input name="end" value={q.end ?? ""} size={10} />
        </label>
        <label class="inline">
          <input type="checkbox" name="endInclusive" value="1" checked={q.endInclusive} />end
          inclusive
        </label>
        <label class="inline">
          <input type="checkbox" name="keepNone" value="1" checked={q.keepNone} />keep null columns
        </label>
        <label>
          Rows
          <select name="limit">
            {PAGE_SIZES.map((n) => (
              <option key={n} value={String(n)} selected={n === q.limit}>{n}</option>
            ))}
          </select>
        </label>
        {page.available.length
          ? (
            <fieldset class="columns">
              <legend>Columns</legend>
              {page.available.map((c) => (
                <label class="inline">
                  <input type="checkbox" name="columns" value={c} checked={q.columns.includes(c)} />
                  {c}
                </label>
              ))}
            </fieldset>
          )
          : null}
        <button type="submit">Show</button>
      </form>
      {page.rows.length === 0
        ? <p class="notice" role="status">No rows in this range.</p>
        : (
          <div class="scroll">
            <table>
              <thead>
                <tr>{page.shown.map((c) => <th key={c} scope="col">{c}</th>)}</tr>
              </thead>
              <tbody>
                {page.rows.map((r) => (
                  <tr>
                    {page.shown.map((c, i) =>
                      i === 0
                        ? <th key={c} scope="row">{cellText(r[c])}</th>
                        : <td key={c}>{c in r ? cellText(r[c]) : ""}</td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      <nav class="pager" aria-label={`Pages of ${q.name}`}>
        {q.start !== undefined
          ? (
            <a
              href={tablePath(ref, { ...q, start: undefined, after: false, back: [] })}
              data-swap="table-view"
            >
              First page
            </a>
          )
          : null}
        {q.back.length
          ? (
            <a
              href={tablePath(ref, { ...q, ...from(q.back.at(-1)!), back: q.back.slice(0, -1) })}
              data-swap="table-view"
              rel="prev"
            >
              ← Previous page
            </a>
          )
          : null}
        <span>{page.rows.length} rows{q.start !== undefined ? ` from key ${q.start}` : ""}</span>
        {page.next !== undefined
          ? (
            <a
              href={tablePath(ref, {
                ...q,
                start: String(page.next),
                after: true,
                back: [...q.back, here(q)].slice(-BACK_PAGES),
              })}
              data-swap="table-view"
              rel="next"
            >
              Next page →
            </a>
          )
          : null}
      </nav>
    </section>
  );
};
