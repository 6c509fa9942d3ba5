/**
 * Recovery at open: the manifest's tables and segments, stale files removed, then the WAL files
 * replayed into memtables. See FORMAT.md "Recovery".
 *
 * @module
 */

import { MANIFEST_TMP, SEGMENT_RE, walName, walNumbers } from "./_file_names.ts";
import { MANIFEST_FILE, readManifest } from "./_manifest.ts";
import { CorruptionError } from "./_errors.ts";
import type { SegmentInfo } from "./_segment_format.ts";
import type { SegmentReader } from "./_segment_reader.ts";
import type { Storage } from "./_storage.ts";
import { Table } from "./_table.ts";
import { readWal } from "./_wal_reader.ts";
import { OP_UPDATE, parseRecord, splitRecords } from "./_wal_record.ts";

/** The state a datastore resumes from. */
export interface Recovered {
  tables: Map<string, Table>;
  /** WAL files whose records are not yet in segments, oldest first. */
  walFiles: number[];
  nextFile: number;
  lastRevision: number;
  /** WAL files numbered below this are covered by segments. */
  manifestWal: number;
  /** Whether a MANIFEST was found (a new or never-flushed store has none yet). */
  hadManifest: boolean;
}

/**
 * Reads the manifest, removes files it proves stale and replays the WAL files it still needs;
 * `readOnly` changes nothing on disk (a torn WAL tail is skipped, not cut).
 *
 * @param openSegment Makes the reader of a segment the manifest lists.
 * @throws {CorruptionError} For a damaged manifest or WAL (a torn tail of the last WAL is cut).
 */
export async function recover(
  storage: Storage,
  dir: string,
  openSegment: (info: SegmentInfo) => SegmentReader,
  options: { readOnly?: boolean } = {},
): Promise<Recovered> {
  const writable = !options.readOnly;
  const state: Recovered = {
    tables: new Map(),
    walFiles: [],
    nextFile: 1,
    lastRevision: 0,
    manifestWal: 0,
    hadManifest: false,
  };
  const manifest = await readManifest(storage, dir);
  if (manifest !== undefined) {
    state.nextFile = manifest.nextFile;
    state.lastRevision = manifest.lastRevision;
    state.manifestWal = manifest.wal;
    for (const tm of manifest.tables) {
      const t = Table.fromManifest(tm);
      t.segments = tm.segments.map(openSegment);
      state.tables.set(t.name, t);
    }
  }
  const names = await storage.list(dir);
  state.hadManifest = manifest !== undefined;
  const segments = names.filter((n) => SEGMENT_RE.test(n));
  if (manifest === undefined && segments.length > 0) {
    // Every store writes its MANIFEST before its first segment: it was lost, not never made.
    // Without it no segment can be proven garbage, so nothing is deleted.
    throw new CorruptionError(
      `MANIFEST is missing but ${segments.length} segment file(s) exist (${
        segments.sort().slice(0, 3).join(", ")
      }${
        segments.length > 3 ? ", ..." : ""
      }); nothing was deleted: Datastore.repair(dir) rebuilds it`,
      { file: `${dir}/${MANIFEST_FILE}`, offset: 0 },
    );
  }
  const live = new Set(manifest?.tables.flatMap((t) => t.segments.map((s) => s.file)) ?? []);
  for (const n of names) {
    const stale = (SEGMENT_RE.test(n) && !live.has(n)) || n === MANIFEST_TMP;
    if (stale && writable) await storage.remove(`${dir}/${n}`);
  }
  const wals = walNumbers(names);
  for (const n of wals) {
    const path = `${dir}/${walName(n)}`;
    if (n < state.manifestWal) {
      if (writable) await storage.remove(path);
      continue;
    }
    const contents = readWal(await storage.readFile(path), path);
    for (const [i, payload] of contents.records.entries()) {
      try {
        for (const record of splitRecords(payload)) replay(state, record);
      } catch (e) {
        // A frame whose checksum passes but whose record does not parse: not a torn write.
        if (!(e instanceof RangeError || e instanceof SyntaxError)) throw e;
        throw new CorruptionError(`malformed WAL record: ${e.message}`, {
          file: path,
          offset: contents.offsets[i],
          cause: e,
        });
      }
    }
    // A torn end holds only a write that was never acknowledged: the last write before a crash,
    // or, in an older file, a write that failed (the datastore then moved on to a new file).
    // (Read-only, a torn end may also be a record the owner is writing right now.)
    if (contents.torn && writable) await storage.truncate(path, contents.validLength);
    state.walFiles.push(n);
    state.nextFile = Math.max(state.nextFile, n + 1);
  }
  return state;
}

/** Applies one WAL record to the memtables. */
function replay(state: Recovered, payload: Uint8Array): void {
  const rec = parseRecord(payload);
  let t = state.tables.get(rec.table);
  if (t === undefined) {
    t = new Table(rec.table, rec.keyColumn);
    state.tables.set(rec.table, t);
  }
  t.kind ??= rec.kind;
  // Records without entries only restate dictionaries (after a failed write): no row yet.
  if (rec.keys.length > 0) t.visible = true;
  for (const [id, name] of rec.added) t.addColumn(name, id);
  for (const s of rec.schema) t.schema.set(s.name!, s);
  for (let i = 0; i < rec.keys.length; i++) {
    if (rec.op === OP_UPDATE) {
      t.memtable.put(rec.keys[i], rec.rev, payload, rec.offsets[i], rec.lengths[i]);
    } else t.memtable.put(rec.keys[i], rec.rev, null, 0, 0);
  }
  if (rec.rev > state.lastRevision) state.lastRevision = rec.rev;
}
