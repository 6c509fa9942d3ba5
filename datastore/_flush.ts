/**
 * Flush and compaction: turning a frozen memtable, or a table's segments, into one new segment
 * file. The datastore decides when, and records the result in the manifest.
 *
 * @module
 */

import type { Memtable } from "./_memtable.ts";
import { mergeColumnBytes, visibleVersions } from "./_row.ts";
import { Merger, type View } from "./_scan.ts";
import type { SegmentInfo } from "./_segment_format.ts";
import type { SegmentReader } from "./_segment_reader.ts";
import { type SegmentOptions, SegmentWriter, type VersionBytes } from "./_segment_writer.ts";
import type { Storage } from "./_storage.ts";
import type { Table } from "./_table.ts";

/** The segment options of a table: its key kind and descriptor. */
function descriptorOf(table: Table, horizon: number): SegmentOptions {
  return {
    kind: table.kind!,
    descriptor: {
      table: table.name,
      keyColumn: table.keyColumn,
      columns: [...table.names],
      schema: [...table.schema.values()],
      horizon,
    },
  };
}

/** Bytes buffered by a segment writer before they are written out. */
const DRAIN_AT = 1 << 20;

/**
 * Writes every version in `mem` to a new segment at `path`, synced. On failure the partial file
 * is removed and the error rethrown.
 */
export async function writeMemtable(
  storage: Storage,
  path: string,
  source: { table: Table; mem: Memtable },
): Promise<SegmentInfo> {
  const { table, mem } = source;
  const w = await SegmentWriter.create(storage, path, descriptorOf(table, table.horizon));
  try {
    const pool: VersionBytes[] = [];
    for (const key of mem.sortedKeys()) {
      w.add(key, pool, mem.collect(key, pool));
      if (w.pending >= DRAIN_AT) await w.drain();
    }
    return await w.finish();
  } catch (e) {
    w.abandon();
    await storage.remove(path);
    throw e;
  }
}

/**
 * Merges `inputs` (segments of `table`, newest first) into a new segment at `path`, synced: each
 * key keeps one version, its visible columns merged, at the revision of its newest version;
 * deleted keys are dropped. On failure the partial file is removed and the error rethrown.
 */
export async function writeCompacted(
  storage: Storage,
  path: string,
  source: { table: Table; inputs: SegmentReader[]; horizon: number },
): Promise<SegmentInfo> {
  const { table, inputs } = source;
  const view: View = { table, mems: [], segs: inputs, snapshot: Infinity };
  const w = await SegmentWriter.create(storage, path, descriptorOf(table, source.horizon));
  try {
    const opts = {
      startInclusive: true,
      endInclusive: false,
      reverse: false,
      withKey: true,
      keepNone: true,
    };
    const m = new Merger(view, opts);
    while (m.next()) {
      const versions = visibleVersions(m.heads, Infinity);
      if (versions === null) continue;
      const bytes = mergeColumnBytes(versions);
      w.add(m.key!, [{
        rev: versions[versions.length - 1].rev,
        buf: bytes,
        off: 0,
        len: bytes.length,
      }]);
      if (w.pending >= DRAIN_AT) await w.drain();
    }
    return await w.finish();
  } catch (e) {
    w.abandon();
    await storage.remove(path);
    throw e;
  }
}
