/**
 * Per-table statistics for `swcli table stats`: segments, their bytes, live rows.
 *
 * @module
 */

import type { Datastore } from "../../../datastore/mod.ts";

/** Statistics of one table. */
export interface TableStatsLine {
  /** The table name. */
  table: string;
  /** Live rows (counted by a key-only scan). */
  rows: number;
  /** Segment files. */
  segments: number;
  /** Bytes of the segment files. */
  bytes: number;
  /** Keys stored in segments (all versions' keys, before merging). */
  segmentKeys: number;
  /** Row versions still in memtables (not yet flushed). */
  memtableVersions: number;
  /** The revision up to which compaction folded history. */
  horizon: number;
}

/**
 * Collects the statistics of the tables whose names start with a prefix.
 *
 * @param ds The open datastore.
 * @param prefix The name prefix (`""` for all).
 * @returns One line per table, in name order.
 */
export async function tableStats(ds: Datastore, prefix: string): Promise<TableStatsLine[]> {
  const out: TableStatsLine[] = [];
  for (const s of await ds.readStats(prefix)) {
    const schema = await ds.schema(s.name);
    let rows = 0;
    const columns = schema ? [schema.keyColumn] : undefined;
    for await (const _ of ds.scan(s.name, { columns })) rows++;
    out.push({
      table: s.name,
      rows,
      segments: s.segments.length,
      bytes: s.segments.reduce((n, g) => n + g.bytes, 0),
      segmentKeys: s.segments.reduce((n, g) => n + g.keys, 0),
      memtableVersions: s.memtableVersions,
      horizon: s.horizon,
    });
  }
  return out;
}
