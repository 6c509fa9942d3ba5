/**
 * The segment file layout shared by {@link SegmentWriter} and {@link SegmentReader}, as LevelDB's
 * `table_format.h` is: magic, version, sizes and the fixed footer. See FORMAT.md "Segment".
 *
 * ```
 * data blocks (4-byte aligned) | index pages (format 3, 8-byte aligned) | meta block (8-byte
 * aligned) | bloom filter | footer (40 bytes)
 * footer: f64 metaOffset | u32 metaLength | u32 xxh32(meta) | f64 bloomOffset | u32 bloomLength
 *         u32 xxh32(bloom) | u32 version | u32 magic
 * ```
 *
 * @module
 */

import { ByteReader, ByteWriter } from "./_bytes.ts";
import type { ColumnSchema } from "./_value.ts";

/** Segment file magic ("SWSG"). */
export const SEGMENT_MAGIC = 0x47535753;
/**
 * Segment format version written: 2 adds the table descriptor to the meta block; 3 moves the
 * block index out of the meta block into index pages, so opening a segment reads a small meta
 * block and a point read one page of the index.
 */
export const SEGMENT_VERSION = 3;
/** Segment format versions read. */
export const SEGMENT_VERSIONS_READ: readonly number[] = [1, 2, 3];
/** The first version with index pages. */
export const INDEX_PAGES_VERSION = 3;
/** Blocks an index page describes (format 3). */
export const INDEX_PAGE_BLOCKS = 128;
/** Bytes of the footer. */
export const FOOTER_SIZE = 40;
/** Target size of a data block before it is cut. */
export const BLOCK_SIZE = 4096;
/**
 * Bytes before the block offsets in the meta block: u32 keyKind, u32 packed, u32 blocks,
 * u32 descriptorOffset (0: none; always 0 in version 1), f64 keys, f64 versions, f64 minRev,
 * f64 maxRev.
 */
export const META_HEADER = 48;
/** Format 3 adds u32 pageCount and u32 blocksPerPage to the meta header. */
export const META_HEADER_V3 = 56;
/** The meta block's key kind codes. */
export const KIND_INT = 1;
/** Strings. */
export const KIND_STRING = 2;

/** What a finished segment holds, as recorded in the manifest. */
export interface SegmentInfo {
  /** File name within the datastore directory. */
  file: string;
  /** Distinct keys. */
  keys: number;
  /** Versions of those keys (deletions included). */
  versions: number;
  /** Lowest revision held. */
  minRev: number;
  /** Highest revision held. */
  maxRev: number;
  /** Size of the file in bytes. */
  bytes: number;
}

/**
 * Which table a segment belongs to, with the table's column dictionary and types when it was
 * written: what `Datastore.repair` needs to rebuild a lost manifest. Stored in the meta block as
 * a JSON string (version 2).
 */
export interface SegmentDescriptor {
  table: string;
  keyColumn: string;
  /** Column names by id. */
  columns: string[];
  schema: ColumnSchema[];
  /** The table's horizon (compaction folded history up to this revision). */
  horizon: number;
}

/** The fixed footer at the end of a segment. */
export interface Footer {
  metaOffset: number;
  metaLength: number;
  metaChecksum: number;
  bloomOffset: number;
  bloomLength: number;
  bloomChecksum: number;
  version: number;
  magic: number;
}

/** The footer's bytes, stamped with this build's version and the magic. */
export function encodeFooter(f: Omit<Footer, "version" | "magic">): Uint8Array {
  const w = new ByteWriter(FOOTER_SIZE);
  w.f64(f.metaOffset);
  w.u32(f.metaLength);
  w.u32(f.metaChecksum);
  w.f64(f.bloomOffset);
  w.u32(f.bloomLength);
  w.u32(f.bloomChecksum);
  w.u32(SEGMENT_VERSION);
  w.u32(SEGMENT_MAGIC);
  return w.bytes();
}

/** Reads the footer's fields (the caller checks them). */
export function decodeFooter(bytes: Uint8Array): Footer {
  const r = new ByteReader(bytes);
  return {
    metaOffset: r.f64(),
    metaLength: r.u32(),
    metaChecksum: r.u32(),
    bloomOffset: r.f64(),
    bloomLength: r.u32(),
    bloomChecksum: r.u32(),
    version: r.u32(),
    magic: r.u32(),
  };
}
