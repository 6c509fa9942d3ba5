/**
 * Reads a segment file written by `SegmentWriter`: point lookups through the Bloom filter, the
 * block index and the block cache, and ordered cursors in both directions.
 *
 * @module
 */

import type { BlockCache } from "./_block_cache.ts";
import { bloomMayContain } from "./_bloom.ts";
import { ByteReader } from "./_bytes.ts";
import { decodeValue, TAG } from "./_codec.ts";
import { checksum } from "./_checksum.ts";
import { CorruptionError } from "./_errors.ts";
import { compareKeys, type KeyKind } from "./_key.ts";
import type { Version } from "./_memtable.ts";
import {
  BLOCK_SIZE,
  decodeFooter,
  FOOTER_SIZE,
  INDEX_PAGES_VERSION,
  KIND_INT,
  META_HEADER,
  META_HEADER_V3,
  SEGMENT_MAGIC,
  SEGMENT_VERSIONS_READ,
  type SegmentDescriptor,
  type SegmentInfo,
} from "./_segment_format.ts";
import {
  align8,
  type IndexPage,
  lowerBound,
  parseIndexPage,
  readLastKeys,
} from "./_segment_index.ts";
import type { ReadableFile, Storage } from "./_storage.ts";
import type { Key } from "./_value.ts";

interface Meta {
  /** The segment format version (from the footer). */
  version: number;
  kind: KeyKind;
  /** Whether last keys are stored as f64. */
  packed: boolean;
  blocks: number;
  /** Blocks per index page (before format 3, one page holds every block, in the meta block). */
  pageBlocks: number;
  /** Format 3: where each index page is, its checksum and the last key of its last block. */
  pages: {
    offsets: Float64Array;
    lengths: Uint32Array;
    checksums: Uint32Array;
    lastKeys: ArrayLike<Key>;
  } | undefined;
  metaOffset: number;
  bloomOffset: number;
  bloomLength: number;
  bloomChecksum: number;
  /** Counts from the meta header (what the manifest records, for repair). */
  counts: { keys: number; versions: number; minRev: number; maxRev: number };
  /** The table descriptor (format 2), if the writer stored one. */
  descriptor: SegmentDescriptor | undefined;
}

/** A cursor over one source: the current key and its versions (newest first). */
export interface Cursor {
  /** Current key, or `undefined` when exhausted. */
  key: Key | undefined;
  /** Newest version of the current key, linked to older ones. */
  head: Version | undefined;
  /** Moves to the next key in the cursor's direction. */
  next(): void;
}

/** Where a cursor starts and which way it goes. */
export interface CursorOptions {
  /** First key (forward) or last key (reverse) to consider; unbounded when absent. */
  from?: Key;
  /** Whether a key equal to `from` is skipped. */
  exclusive?: boolean;
  /** Iterate in descending key order. */
  reverse?: boolean;
}

/** Blocks read together when a small segment misses the cache. */
const READAHEAD_GROUP = 16;
const READAHEAD_MAX = 256 * 1024;
const CACHED_BLOCKS_PER_SCAN = 8;
/**
 * Point reads a segment answers from its blocks before it loads its Bloom filter (10 bits per
 * key: far more bytes to read and check than a few blocks), so the first reads after an open
 * do not pay for every segment's filter.
 */
const READS_BEFORE_BLOOM = 16;
/** Bytes of a segment reader's scratch buffer for point reads (larger blocks are not kept). */
const SCRATCH_MAX = 4 * BLOCK_SIZE;

let nextReaderId = 1;

// Reads of single blocks are carved out of shared slabs: one allocation per 256 KiB instead of
// one per 4 KiB block. Slabs are 8-aligned so every block can be checksummed as words.
const SLAB = 256 * 1024;
let slab = new Uint8Array(0);
let slabUsed = 0;

function allocate(length: number): Uint8Array {
  if (length > SLAB / 4) return new Uint8Array(length);
  if (slabUsed + length > slab.length) {
    slab = new Uint8Array(SLAB);
    slabUsed = 0;
  }
  const out = slab.subarray(slabUsed, slabUsed + length);
  slabUsed += (length + 7) & ~7;
  return out;
}

/** An open (lazily) segment file. Reference-counted: the file is closed at zero. */
export class SegmentReader {
  readonly path: string;
  /** Unique id of this reader, for the block cache. */
  readonly id: number = nextReaderId++;
  readonly info: SegmentInfo;
  #storage: Storage;
  #cache: BlockCache;
  #file: ReadableFile | undefined;
  #meta: Meta | undefined;
  /** Index pages loaded so far, by page number. */
  #pages: (IndexPage | undefined)[] = [];
  #bloom: Uint8Array | undefined;
  #readsWithoutBloom = 0;
  /** Where a point read puts a block it does not cache; reused by the next point read. */
  #scratch: Uint8Array | undefined;
  #refs = 1;
  #onLastRelease: (() => void) | undefined;

  constructor(storage: Storage, path: string, info: SegmentInfo, cache: BlockCache) {
    this.#storage = storage;
    this.path = path;
    this.info = info;
    this.#cache = cache;
  }

  /** Takes a reference (for a scan in progress). */
  acquire(): void {
    this.#refs++;
  }

  /** Drops a reference; at zero the file is closed and `onLastRelease` runs. */
  release(): void {
    if (--this.#refs > 0) return;
    this.#file?.close();
    this.#file = undefined;
    this.#cache.evictFile(this.id);
    this.#onLastRelease?.();
  }

  /** Closes the file handle whatever the references (the datastore is closing). */
  closeFile(): void {
    this.#file?.close();
    this.#file = undefined;
    this.#refs = 0;
  }

  /** Runs `fn` once the last reference is dropped (used to delete obsolete files). */
  whenUnused(fn: () => void): void {
    this.#onLastRelease = fn;
  }

  #open(): ReadableFile {
    this.#file ??= this.#storage.openRead(this.path);
    return this.#file;
  }

  #read(offset: number, length: number): Uint8Array {
    const buf = allocate(length);
    const n = this.#open().readAt(buf, offset);
    if (n !== length) {
      throw new CorruptionError(`short read: wanted ${length} bytes, got ${n}`, {
        file: this.path,
        offset,
      });
    }
    return buf;
  }

  /** Loads and checks the footer and meta block. */
  meta(): Meta {
    if (this.#meta !== undefined) return this.#meta;
    const file = this.path;
    const size = this.#open().size;
    if (size < FOOTER_SIZE) {
      throw new CorruptionError("file too small for a segment footer", { file, offset: 0 });
    }
    const { metaOffset, metaLength, metaChecksum, bloomOffset, bloomLength, bloomChecksum, ...f } =
      decodeFooter(this.#read(size - FOOTER_SIZE, FOOTER_SIZE));
    const { version, magic } = f;
    if (magic !== SEGMENT_MAGIC) {
      throw new CorruptionError("bad segment magic", { file, offset: size - 4 });
    }
    if (!SEGMENT_VERSIONS_READ.includes(version)) {
      throw new CorruptionError(
        `unsupported segment format version ${version} (this build reads versions ${
          SEGMENT_VERSIONS_READ.join(", ")
        })`,
        { file, offset: size - 8 },
      );
    }
    if (
      metaOffset + metaLength !== bloomOffset ||
      bloomOffset + bloomLength + FOOTER_SIZE !== size || metaOffset % 8 !== 0
    ) {
      throw new CorruptionError("meta block out of bounds", { file, offset: metaOffset });
    }
    const bytes = this.#read(metaOffset, metaLength);
    if (checksum(bytes) !== metaChecksum) {
      throw new CorruptionError("meta block checksum mismatch", { file, offset: metaOffset });
    }
    const r = new ByteReader(bytes);
    const kind: KeyKind = r.u32() === KIND_INT ? "int" : "string";
    const packed = r.u32() === 1;
    const n = r.u32();
    const descriptorAt = r.u32();
    const counts = { keys: r.f64(), versions: r.f64(), minRev: r.f64(), maxRev: r.f64() };
    let descriptor: SegmentDescriptor | undefined;
    if (descriptorAt !== 0) {
      try {
        r.pos = descriptorAt;
        descriptor = JSON.parse(r.string());
      } catch (e) {
        throw new CorruptionError("bad table descriptor", { file, offset: metaOffset, cause: e });
      }
    }
    const base = { version, kind, packed, blocks: n, metaOffset, bloomOffset, bloomLength };
    if (version < INDEX_PAGES_VERSION) {
      // The whole block index is in the meta block: one page.
      this.#pages[0] = parseIndexPage(bytes, META_HEADER, { first: 0, count: n, packed });
      this.#meta = {
        ...base,
        pageBlocks: Math.max(n, 1),
        pages: undefined,
        bloomChecksum,
        counts,
        descriptor,
      };
      return this.#meta;
    }
    r.pos = META_HEADER;
    const pageCount = r.u32();
    const pageBlocks = r.u32();
    if (pageBlocks === 0 || pageCount !== Math.ceil(n / pageBlocks)) {
      throw new CorruptionError("bad index page count", { file, offset: metaOffset });
    }
    let pages: Meta["pages"];
    try {
      // Sections are 8-aligned within a buffer that starts 8-aligned: views need no copy.
      const at = bytes.byteOffset + META_HEADER_V3;
      pages = {
        offsets: new Float64Array(bytes.buffer, at, pageCount),
        lengths: new Uint32Array(bytes.buffer, at + 8 * pageCount, pageCount),
        checksums: new Uint32Array(bytes.buffer, at + 12 * pageCount, pageCount),
        lastKeys: readLastKeys(r, align8(META_HEADER_V3 + 16 * pageCount), pageCount, packed),
      };
    } catch (e) {
      throw new CorruptionError("bad index page list", { file, offset: metaOffset, cause: e });
    }
    this.#meta = { ...base, pageBlocks, pages, bloomChecksum, counts, descriptor };
    return this.#meta;
  }

  /** Index page `p`, read and checked on first use. */
  #page(p: number): IndexPage {
    const loaded = this.#pages[p];
    if (loaded !== undefined) return loaded;
    const m = this.meta();
    const file = this.path;
    const offset = m.pages!.offsets[p], length = m.pages!.lengths[p];
    if (offset % 8 !== 0 || offset + length > m.metaOffset) {
      throw new CorruptionError("index page out of bounds", { file, offset });
    }
    const bytes = this.#read(offset, length);
    if (checksum(bytes) !== m.pages!.checksums[p]) {
      throw new CorruptionError("index page checksum mismatch", { file, offset });
    }
    const first = p * m.pageBlocks;
    const count = Math.min(m.pageBlocks, m.blocks - first);
    let page: IndexPage;
    try {
      page = parseIndexPage(bytes, 0, { first, count, packed: m.packed });
    } catch (e) {
      throw new CorruptionError("bad index page", { file, offset, cause: e });
    }
    this.#pages[p] = page;
    return page;
  }

  /** The index page that describes block `i`. */
  #pageOf(i: number): IndexPage {
    return this.#page(Math.floor(i / this.meta().pageBlocks));
  }

  /** Where block `i` starts in the file. */
  blockOffset(i: number): number {
    const page = this.#pageOf(i);
    return page.offsets[i - page.first];
  }

  /** Bytes of block `i`, its checksum included. */
  blockLength(i: number): number {
    const page = this.#pageOf(i);
    return page.lengths[i - page.first];
  }

  /** The last key of block `i`. */
  blockLastKey(i: number): Key {
    const page = this.#pageOf(i);
    return page.lastKeys[i - page.first];
  }

  /** The Bloom filter, loaded and checked on first use. */
  bloom(): Uint8Array {
    if (this.#bloom !== undefined) return this.#bloom;
    const m = this.meta();
    const bytes = this.#read(m.bloomOffset, m.bloomLength);
    if (checksum(bytes) !== m.bloomChecksum) {
      throw new CorruptionError("bloom filter checksum mismatch", {
        file: this.path,
        offset: m.bloomOffset,
      });
    }
    this.#bloom = bytes;
    return bytes;
  }

  /** Block `i`, checked; through the cache unless `cache` is false. */
  block(i: number, cache = true): Uint8Array {
    const cached = this.#cache.get(this.id, i);
    if (cached !== undefined) return cached;
    const m = this.meta();
    if (cache && this.info.bytes * 2 <= this.#cache.capacity) {
      // A segment that fits the cache comfortably is read ahead in groups of blocks: one read
      // instead of many when random reads end up touching most of it anyway.
      // A damaged neighbour is left out of the cache; it fails only when it is itself read.
      const first = i - (i % READAHEAD_GROUP);
      const last = Math.min(first + READAHEAD_GROUP, m.blocks) - 1;
      const start = this.blockOffset(first);
      const bytes = this.#read(start, this.blockOffset(last) + this.blockLength(last) - start);
      for (let b = first; b <= last; b++) {
        const at = this.blockOffset(b) - start;
        const block = bytes.subarray(at, at + this.blockLength(b));
        if (b === i) this.#check(block, 0, block.length, this.blockOffset(b));
        else if (!this.#valid(block)) continue;
        this.#cache.set(this.id, b, block);
      }
      return this.#cache.get(this.id, i)!;
    }
    const bytes = this.#read(this.blockOffset(i), this.blockLength(i));
    this.#check(bytes, 0, bytes.length, this.blockOffset(i));
    if (cache) this.#cache.set(this.id, i, bytes);
    return bytes;
  }

  #valid(block: Uint8Array): boolean {
    const end = block.length;
    const stored = new DataView(block.buffer, block.byteOffset + end - 4, 4).getUint32(0, true);
    return checksum(block, 0, end - 4) === stored;
  }

  #check(buf: Uint8Array, start: number, end: number, fileOffset: number): void {
    const stored = new DataView(buf.buffer, buf.byteOffset + end - 4, 4).getUint32(0, true);
    if (checksum(buf, start, end - 4) !== stored) {
      throw new CorruptionError("block checksum mismatch", { file: this.path, offset: fileOffset });
    }
  }

  /** Reads blocks `[first, last]` in one read, checked, without caching. */
  blocks(first: number, last: number): Uint8Array[] {
    const start = this.blockOffset(first);
    const bytes = this.#read(start, this.blockOffset(last) + this.blockLength(last) - start);
    const out: Uint8Array[] = [];
    for (let i = first; i <= last; i++) {
      const off = this.blockOffset(i) - start;
      const block = bytes.subarray(off, off + this.blockLength(i));
      this.#check(block, 0, block.length, this.blockOffset(i));
      out.push(block);
    }
    return out;
  }

  /** Index of the first block whose last key is `>= key`, or the block count. */
  findBlock(key: Key): number {
    const m = this.meta();
    if (m.blocks === 0) return 0;
    let p = 0;
    if (m.pages !== undefined) {
      p = lowerBound(m.pages.lastKeys, key);
      if (p >= m.pages.lastKeys.length) return m.blocks;
    }
    const page = this.#page(p);
    return page.first + lowerBound(page.lastKeys, key);
  }

  /**
   * The versions of `key`, newest first, or `undefined`.
   *
   * The versions may point into a buffer the segment reuses: decode them before the next point
   * read of this segment.
   *
   * @param useBloom Consult the Bloom filter first (worth it when other sources are searched;
   * the filter is loaded once the segment has served a few point reads).
   */
  get(key: Key, useBloom = true): Version | undefined {
    const m = this.meta();
    if (
      useBloom && (this.#bloom !== undefined || ++this.#readsWithoutBloom > READS_BEFORE_BLOOM) &&
      !bloomMayContain(this.bloom(), key)
    ) return undefined;
    const b = this.findBlock(key);
    if (b >= m.blocks) return undefined;
    return findEntry(this.#cache.get(this.id, b) ?? this.#pointBlock(b), key);
  }

  /**
   * Block `i` for a point read that missed the cache. A segment that fits the cache is read
   * through it; in a larger one a block enters the cache on its second miss in a short while,
   * and until then is read into a scratch buffer this reader reuses: random reads over much more
   * data than the cache holds then neither churn the cache nor leave garbage behind. The versions
   * found in a scratch block are valid until the next point read of this segment.
   */
  #pointBlock(i: number): Uint8Array {
    if (this.info.bytes * 2 <= this.#cache.capacity || this.#cache.missedBefore(this.id, i)) {
      return this.block(i);
    }
    const length = this.blockLength(i);
    // A block of one large row is read on its own: the scratch buffer stays small.
    if (length > SCRATCH_MAX) return this.block(i, false);
    if (this.#scratch === undefined || this.#scratch.length < length) {
      this.#scratch = new Uint8Array(SCRATCH_MAX);
    }
    const buf = this.#scratch.subarray(0, length);
    const offset = this.blockOffset(i);
    const n = this.#open().readAt(buf, offset);
    if (n !== length) {
      throw new CorruptionError(`short read: wanted ${length} bytes, got ${n}`, {
        file: this.path,
        offset,
      });
    }
    this.#check(buf, 0, length, offset);
    return buf;
  }

  /** An ordered cursor. */
  cursor(options: CursorOptions = {}): Cursor {
    return options.reverse ? new ReverseCursor(this, options) : new ForwardCursor(this, options);
  }
}

/** The versions of `key` in a checked block, or `undefined`. */
function findEntry(block: Uint8Array, key: Key): Version | undefined {
  const r = new ByteReader(block, 0, block.length - 4);
  while (r.pos < r.end) {
    let k: Key;
    // Integer keys are decoded inline: a point read decodes every key before its own.
    if (block[r.pos] === TAG.INT) {
      r.pos++;
      k = r.zigzag();
    } else k = decodeValue(r) as Key;
    if (k > key) return undefined;
    if (!(k < key)) return readVersions(r); // compareKeys(k, key) === 0
    skipVersions(r);
  }
  return undefined;
}

function readVersions(r: ByteReader): Version {
  const n = r.varint();
  let head: Version | undefined, tail: Version | undefined;
  for (let i = 0; i < n; i++) {
    const rev = r.varint();
    const l = r.varint();
    const v: Version = l === 0
      ? { rev, buf: null, off: 0, len: 0, prev: undefined }
      : { rev, buf: r.buf, off: r.pos, len: l - 1, prev: undefined };
    r.pos += l === 0 ? 0 : l - 1;
    if (tail === undefined) head = v;
    else tail.prev = v;
    tail = v;
  }
  return head!;
}

function skipVersions(r: ByteReader): void {
  const n = r.varint();
  for (let i = 0; i < n; i++) {
    r.varint();
    const l = r.varint();
    if (l > 0) r.pos += l - 1;
  }
}

class ForwardCursor implements Cursor {
  key: Key | undefined;
  head: Version | undefined;
  #seg: SegmentReader;
  #blockNo: number;
  #queue: Uint8Array[] = [];
  #reader: ByteReader | undefined;
  #fetched = 0;

  constructor(seg: SegmentReader, options: CursorOptions) {
    this.#seg = seg;
    const from = options.from;
    this.#blockNo = from === undefined ? 0 : seg.findBlock(from);
    this.next();
    if (from !== undefined) {
      while (this.key !== undefined) {
        const c = compareKeys(this.key, from);
        if (c > 0 || (c === 0 && !options.exclusive)) break;
        this.next();
      }
    }
  }

  #nextBlock(): boolean {
    const m = this.#seg.meta();
    if (this.#queue.length === 0) {
      if (this.#blockNo >= m.blocks) return false;
      if (this.#fetched < CACHED_BLOCKS_PER_SCAN) {
        this.#queue.push(this.#seg.block(this.#blockNo++));
      } else {
        const seg = this.#seg;
        let last = this.#blockNo;
        const start = seg.blockOffset(this.#blockNo);
        while (
          last + 1 < m.blocks &&
          seg.blockOffset(last + 1) + seg.blockLength(last + 1) - start <= READAHEAD_MAX
        ) last++;
        this.#queue = this.#seg.blocks(this.#blockNo, last);
        this.#blockNo = last + 1;
      }
    }
    const block = this.#queue.shift()!;
    this.#fetched++;
    this.#reader = new ByteReader(block, 0, block.length - 4);
    return true;
  }

  next(): void {
    while (this.#reader === undefined || this.#reader.pos >= this.#reader.end) {
      if (!this.#nextBlock()) {
        this.key = undefined;
        this.head = undefined;
        return;
      }
    }
    const r = this.#reader;
    this.key = decodeValue(r) as Key;
    this.head = readVersions(r);
  }
}

class ReverseCursor implements Cursor {
  key: Key | undefined;
  head: Version | undefined;
  #seg: SegmentReader;
  #blockNo: number;
  #keys: Key[] = [];
  #heads: Version[] = [];
  #i = -1;

  constructor(seg: SegmentReader, options: CursorOptions) {
    this.#seg = seg;
    const m = seg.meta();
    const from = options.from;
    this.#blockNo = from === undefined ? m.blocks - 1 : Math.min(seg.findBlock(from), m.blocks - 1);
    this.next();
    if (from !== undefined) {
      while (this.key !== undefined) {
        const c = compareKeys(this.key, from);
        if (c < 0 || (c === 0 && !options.exclusive)) break;
        this.next();
      }
    }
  }

  next(): void {
    while (this.#i < 0) {
      if (this.#blockNo < 0) {
        this.key = undefined;
        this.head = undefined;
        return;
      }
      const block = this.#seg.block(this.#blockNo--);
      const r = new ByteReader(block, 0, block.length - 4);
      this.#keys = [];
      this.#heads = [];
      while (r.pos < r.end) {
        this.#keys.push(decodeValue(r) as Key);
        this.#heads.push(readVersions(r));
      }
      this.#i = this.#keys.length - 1;
    }
    this.key = this.#keys[this.#i];
    this.head = this.#heads[this.#i--];
  }
}
