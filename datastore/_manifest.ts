/**
 * The manifest: which segments make up each table, the column dictionaries, the WAL files still
 * needed and the last revision. Replaced atomically (write `MANIFEST.tmp`, sync, rename, sync the
 * directory). See FORMAT.md "Manifest".
 *
 * @module
 */

import { checksum } from "./_checksum.ts";
import { CorruptionError } from "./_errors.ts";
import type { KeyKind } from "./_key.ts";
import type { SegmentInfo } from "./_segment_format.ts";
import type { Storage } from "./_storage.ts";
import type { ColumnSchema } from "./_value.ts";

/** Manifest format version. */
export const MANIFEST_VERSION = 1;
/** File name of the manifest. */
export const MANIFEST_FILE = "MANIFEST";

/** One table in the manifest. */
export interface TableManifest {
  name: string;
  keyColumn: string;
  keyKind: KeyKind | null;
  /** Column names by id. */
  columns: string[];
  /** Column types as last written. */
  schema: ColumnSchema[];
  /** Revisions at or below this were folded by compaction. */
  horizon: number;
  /** Newest first. */
  segments: SegmentInfo[];
}

/** The whole manifest. */
export interface Manifest {
  version: number;
  /** Next number for a new WAL or segment file. */
  nextFile: number;
  /** The highest revision any durable write has. */
  lastRevision: number;
  /** WAL files with this number or higher are replayed at open. */
  wal: number;
  tables: TableManifest[];
}

/** Serialises: the JSON body, a newline, and `xxh32=<hex>`. */
export function encodeManifest(m: Manifest): Uint8Array {
  const body = new TextEncoder().encode(JSON.stringify(m));
  const trailer = new TextEncoder().encode(`\nxxh32=${checksum(body).toString(16)}\n`);
  const out = new Uint8Array(body.length + trailer.length);
  out.set(body);
  out.set(trailer, body.length);
  return out;
}

/**
 * Parses and checks a manifest.
 *
 * @throws {CorruptionError} When the checksum, the JSON or the version is wrong.
 */
export function decodeManifest(bytes: Uint8Array, file: string): Manifest {
  const text = new TextDecoder().decode(bytes);
  const cut = text.lastIndexOf("\nxxh32=");
  if (cut < 0) throw new CorruptionError("manifest has no checksum line", { file, offset: 0 });
  const body = bytes.subarray(0, new TextEncoder().encode(text.slice(0, cut)).length);
  const want = parseInt(text.slice(cut + 7).trim(), 16);
  if (checksum(body) !== want) {
    throw new CorruptionError("manifest checksum mismatch", { file, offset: 0 });
  }
  let m: Manifest;
  try {
    m = JSON.parse(text.slice(0, cut));
  } catch (e) {
    throw new CorruptionError("manifest is not JSON", { file, offset: 0, cause: e });
  }
  if (m.version !== MANIFEST_VERSION) {
    throw new CorruptionError(
      `unsupported manifest version ${m.version} (this build reads ${MANIFEST_VERSION})`,
      { file, offset: 0 },
    );
  }
  return m;
}

/** Writes the manifest atomically. */
export async function writeManifest(storage: Storage, dir: string, m: Manifest): Promise<void> {
  const tmp = `${dir}/${MANIFEST_FILE}.tmp`;
  const file = await storage.create(tmp);
  try {
    await file.write(encodeManifest(m));
    await file.sync();
  } finally {
    file.close();
  }
  await storage.rename(tmp, `${dir}/${MANIFEST_FILE}`);
  await storage.syncDir(dir);
}

/** Reads the manifest, or `undefined` for a new datastore. */
export async function readManifest(storage: Storage, dir: string): Promise<Manifest | undefined> {
  const path = `${dir}/${MANIFEST_FILE}`;
  if (!(await storage.exists(path))) return undefined;
  return decodeManifest(await storage.readFile(path), path);
}
