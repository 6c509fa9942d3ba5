/**
 * Repair: rebuilds a lost or damaged MANIFEST from the segment files (each names its table and
 * column dictionary, format 2) and the WAL files, as `leveldb::RepairDB` does. It keeps what it
 * can prove valid (every checksum of a segment, every frame of a WAL up to a damaged one) and
 * deletes nothing: files it cannot use are renamed aside with a `.dropped` suffix.
 *
 * @module
 */

import { BlockCache } from "./_block_cache.ts";
import { CorruptionError } from "./_errors.ts";
import { MANIFEST_TMP, segmentNumber, walName, walNumbers } from "./_file_names.ts";
import {
  decodeManifest,
  type Manifest,
  MANIFEST_FILE,
  MANIFEST_VERSION,
  type TableManifest,
  writeManifest,
} from "./_manifest.ts";
import type { SegmentDescriptor, SegmentInfo } from "./_segment_format.ts";
import { SegmentReader } from "./_segment_reader.ts";
import type { Storage } from "./_storage.ts";
import { readWal } from "./_wal_reader.ts";

/** What {@link Datastore.repair} kept and dropped. */
export interface RepairReport {
  /** Tables of the rebuilt manifest and how many segments each has. */
  tables: { name: string; segments: number }[];
  /** Segment files listed in the rebuilt manifest. */
  segments: string[];
  /** WAL files kept for replay (some cut before a damaged frame: see `dropped`). */
  wals: string[];
  /** What could not be used, why, and where it was moved (nothing is deleted). */
  dropped: { file: string; reason: string; movedTo?: string; bytes?: number }[];
}

interface Found {
  info: SegmentInfo;
  kind: "int" | "string";
  descriptor: SegmentDescriptor;
}

/** Rebuilds `dir`'s MANIFEST; the caller holds the directory's lock. */
export async function repairDir(storage: Storage, dir: string): Promise<RepairReport> {
  const report: RepairReport = { tables: [], segments: [], wals: [], dropped: [] };
  const drop = async (name: string, reason: string, bytes?: number) => {
    const movedTo = `${name}.dropped`;
    await storage.rename(`${dir}/${name}`, `${dir}/${movedTo}`);
    report.dropped.push({ file: name, reason, movedTo, ...(bytes === undefined ? {} : { bytes }) });
  };
  const names = await storage.list(dir);
  const old = await oldManifest(storage, dir, names, report);
  const found: Found[] = [];
  let maxFile = 0;
  for (const name of names.filter((n) => segmentNumber(n) !== undefined).sort()) {
    maxFile = Math.max(maxFile, segmentNumber(name)!);
    const got = checkSegment(storage, `${dir}/${name}`, old);
    if (typeof got === "string") await drop(name, got);
    else found.push(got);
  }
  for (const t of old?.tables ?? []) {
    for (const seg of t.segments) {
      if (!names.includes(seg.file)) {
        report.dropped.push({ file: seg.file, reason: `listed for table '${t.name}' but missing` });
      }
    }
  }
  for (const n of walNumbers(names)) {
    maxFile = Math.max(maxFile, n);
    const name = walName(n);
    const path = `${dir}/${name}`;
    const bytes = await storage.readFile(path);
    const wal = readWal(bytes, path, { salvage: true });
    if (wal.damagedAt !== undefined) {
      // Keep the damaged file aside; the WAL replayed is its valid prefix.
      await drop(name, `damaged frame at offset ${wal.damagedAt}`, bytes.length - wal.validLength);
      const file = await storage.create(path);
      try {
        await file.write(bytes.subarray(0, wal.validLength));
        await file.sync();
      } finally {
        file.close();
      }
    }
    report.wals.push(name);
  }
  const tables = new Map<string, Found[]>();
  for (const f of found) {
    tables.set(f.descriptor.table, [...tables.get(f.descriptor.table) ?? [], f]);
  }
  const manifest: Manifest = {
    version: MANIFEST_VERSION,
    nextFile: maxFile + 1,
    lastRevision: Math.max(0, ...found.map((f) => f.info.maxRev)),
    wal: 0,
    tables: [...tables].map(([name, segs]) => tableOf(name, segs)),
  };
  await storage.remove(`${dir}/${MANIFEST_TMP}`);
  await writeManifest(storage, dir, manifest);
  report.tables = manifest.tables.map((t) => ({ name: t.name, segments: t.segments.length }));
  report.segments = manifest.tables.flatMap((t) => t.segments.map((s) => s.file));
  return report;
}

/** The old manifest if it is readable (it names format-1 segments), else moved aside. */
async function oldManifest(
  storage: Storage,
  dir: string,
  names: string[],
  report: RepairReport,
): Promise<Manifest | undefined> {
  if (!names.includes(MANIFEST_FILE)) return undefined;
  const path = `${dir}/${MANIFEST_FILE}`;
  try {
    return decodeManifest(await storage.readFile(path), path);
  } catch (e) {
    if (!(e instanceof CorruptionError)) throw e;
    await storage.rename(path, `${path}.dropped`);
    report.dropped.push({ file: MANIFEST_FILE, reason: e.message, movedTo: "MANIFEST.dropped" });
    return undefined;
  }
}

/** Reads every byte of a segment through its checks; a reason string when it cannot be used. */
function checkSegment(storage: Storage, path: string, old: Manifest | undefined): Found | string {
  const file = path.slice(path.lastIndexOf("/") + 1);
  const size = storage.openRead(path);
  const bytes = size.size;
  size.close();
  const probe: SegmentInfo = { file, keys: 0, versions: 0, minRev: 0, maxRev: 0, bytes };
  const reader = new SegmentReader(storage, path, probe, new BlockCache(1 << 20));
  try {
    const meta = reader.meta();
    reader.bloom();
    let keys = 0;
    for (const c = reader.cursor(); c.key !== undefined; c.next()) keys++;
    if (keys !== meta.counts.keys) {
      return `holds ${keys} keys, its meta block says ${meta.counts.keys}`;
    }
    const info = { file, ...meta.counts, bytes };
    const listed = old?.tables.find((t) => t.segments.some((s) => s.file === file));
    const descriptor = meta.descriptor ?? (listed === undefined ? undefined : {
      table: listed.name,
      keyColumn: listed.keyColumn,
      columns: listed.columns,
      schema: listed.schema,
      horizon: listed.horizon,
    });
    if (descriptor === undefined) {
      return "a format-1 segment that no readable manifest lists: its table is unknown";
    }
    return { info, kind: meta.kind, descriptor };
  } catch (e) {
    if (e instanceof CorruptionError) return e.message;
    throw e;
  } finally {
    reader.closeFile();
  }
}

/** A table's manifest entry from its segments: the newest dictionary, newest segment first. */
function tableOf(name: string, segs: Found[]): TableManifest {
  const newest = segs.toSorted((a, b) => segmentNumber(b.info.file)! - segmentNumber(a.info.file)!);
  // Column ids are only ever appended, so the longest dictionary holds every other one.
  const dict = segs.reduce((a, b) =>
    b.descriptor.columns.length > a.descriptor.columns.length ? b : a
  );
  return {
    name,
    keyColumn: newest[0].descriptor.keyColumn,
    keyKind: newest[0].kind,
    columns: dict.descriptor.columns,
    schema: newest[0].descriptor.schema,
    horizon: Math.max(...segs.map((s) => s.descriptor.horizon)),
    segments: newest.map((s) => s.info),
  };
}
