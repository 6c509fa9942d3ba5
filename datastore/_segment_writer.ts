/**
 * Writes an immutable sorted segment file: data blocks of entries, index pages, then a meta block
 * (where the index pages are, counts, descriptor), a Bloom filter and a fixed footer. See
 * FORMAT.md "Segment".
 *
 * @module
 */

import { buildBloom } from "./_bloom.ts";
import { ByteWriter } from "./_bytes.ts";
import { encodeValue } from "./_codec.ts";
import { checksum } from "./_checksum.ts";
import type { KeyKind } from "./_key.ts";
import type { Storage, WritableFile } from "./_storage.ts";
import type { Key } from "./_value.ts";
import {
  BLOCK_SIZE,
  encodeFooter,
  INDEX_PAGE_BLOCKS,
  KIND_INT,
  KIND_STRING,
  type SegmentDescriptor,
  type SegmentInfo,
} from "./_segment_format.ts";

/** What a segment holds: its key kind and, for repair, its table's descriptor. */
export interface SegmentOptions {
  kind: KeyKind;
  descriptor?: SegmentDescriptor;
}

const WRITE_CHUNK = 1 << 20;

/** Where an index page was written. */
interface IndexPage {
  offset: number;
  length: number;
  checksum: number;
}

/** A version handed to the writer: encoded columns, or a deletion when `buf` is `null`. */
export interface VersionBytes {
  rev: number;
  buf: Uint8Array | null;
  off: number;
  len: number;
}

/**
 * Streams entries, in ascending key order, into a new segment file.
 *
 * @example
 * ```ts ignore
 * const w = await SegmentWriter.create(storage, "dir/000007.seg", { kind: "int" });
 * w.add(1, [{ rev: 3, buf, off: 0, len: buf.length }]);
 * const info = await w.finish();
 * ```
 */
export class SegmentWriter {
  readonly path: string;
  #file: WritableFile;
  #kind: KeyKind;
  #out = new ByteWriter(WRITE_CHUNK + BLOCK_SIZE * 2);
  #block = new ByteWriter(BLOCK_SIZE * 2);
  #blockEntries = 0;
  #lastKey: Key | undefined;
  #lastKeys: Key[] = [];
  #offsets: number[] = [];
  #lengths: number[] = [];
  #blocks = 0;
  #written = 0;
  #keys: Key[] = [];
  #versions = 0;
  #minRev = Infinity;
  #maxRev = 0;

  #descriptor: SegmentDescriptor | undefined;

  private constructor(path: string, file: WritableFile, options: SegmentOptions) {
    this.path = path;
    this.#file = file;
    this.#kind = options.kind;
    this.#descriptor = options.descriptor;
  }

  /** Creates (or truncates) the file. */
  static async create(
    storage: Storage,
    path: string,
    options: SegmentOptions,
  ): Promise<SegmentWriter> {
    return new SegmentWriter(path, await storage.create(path), options);
  }

  /** Bytes buffered and not yet written; call {@link drain} when large. */
  get pending(): number {
    return this.#out.length;
  }

  /**
   * Adds one key with its versions, newest first (the first `count` of `versions`). Keys must
   * arrive in ascending order.
   */
  add(key: Key, versions: VersionBytes[], count: number = versions.length): void {
    const b = this.#block;
    encodeValue(b, key);
    b.varint(count);
    for (let i = 0; i < count; i++) {
      const v = versions[i];
      b.varint(v.rev);
      if (v.buf === null) b.varint(0);
      else {
        b.varint(v.len + 1);
        b.raw(v.buf.subarray(v.off, v.off + v.len));
      }
      if (v.rev < this.#minRev) this.#minRev = v.rev;
      if (v.rev > this.#maxRev) this.#maxRev = v.rev;
    }
    this.#versions += count;
    this.#keys.push(key);
    this.#lastKey = key;
    this.#blockEntries++;
    if (b.length >= BLOCK_SIZE) this.#cutBlock();
  }

  #cutBlock(): void {
    if (this.#blockEntries === 0) return;
    const b = this.#block;
    b.u32(checksum(b.buf, 0, b.length));
    // Blocks start on 4-byte boundaries so their checksum can read aligned words.
    while ((this.#written + this.#out.length) % 4 !== 0) this.#out.u8(0);
    const offset = this.#written + this.#out.length;
    this.#lastKeys.push(this.#lastKey!);
    this.#offsets.push(offset);
    this.#lengths.push(b.length);
    this.#out.raw(b.bytes());
    b.reset();
    this.#blockEntries = 0;
    this.#blocks++;
  }

  /** Pads the output with zeros to a multiple of `n`; returns the aligned file offset. */
  #align(n: number): number {
    while ((this.#written + this.#out.length) % n !== 0) this.#out.u8(0);
    return this.#written + this.#out.length;
  }

  /**
   * One index page: the offsets (f64) and lengths (u32) of blocks `[first, end)`, then their
   * last keys, packed as f64 when every last key of the segment is a safe integer, else as
   * tagged values.
   */
  #page(first: number, end: number, packed: boolean): Uint8Array {
    const w = new ByteWriter(16 + (end - first) * 28);
    for (let i = first; i < end; i++) w.f64(this.#offsets[i]);
    for (let i = first; i < end; i++) w.u32(this.#lengths[i]);
    while (w.length % 8 !== 0) w.u8(0);
    for (let i = first; i < end; i++) {
      if (packed) w.f64(this.#lastKeys[i] as number);
      else encodeValue(w, this.#lastKeys[i]);
    }
    return w.bytes();
  }

  /**
   * The meta block: a 56-byte header, where each index page is (offset, length, checksum), the
   * last key of each page, then the table descriptor.
   */
  #meta(pages: IndexPage[], packed: boolean): Uint8Array {
    const n = this.#blocks;
    const w = new ByteWriter(64 + pages.length * 24);
    w.u32(this.#kind === "int" ? KIND_INT : KIND_STRING);
    w.u32(packed ? 1 : 0);
    w.u32(n);
    w.u32(0);
    w.f64(this.#keys.length);
    w.f64(this.#versions);
    w.f64(this.#keys.length === 0 ? 0 : this.#minRev);
    w.f64(this.#maxRev);
    w.u32(pages.length);
    w.u32(INDEX_PAGE_BLOCKS);
    for (const p of pages) w.f64(p.offset);
    for (const p of pages) w.u32(p.length);
    for (const p of pages) w.u32(p.checksum);
    while (w.length % 8 !== 0) w.u8(0);
    for (let p = 0; p < pages.length; p++) {
      const last = this.#lastKeys[Math.min((p + 1) * INDEX_PAGE_BLOCKS, n) - 1];
      if (packed) w.f64(last as number);
      else encodeValue(w, last);
    }
    if (this.#descriptor !== undefined) {
      while (w.length % 8 !== 0) w.u8(0);
      w.u32At(12, w.length);
      w.string(JSON.stringify(this.#descriptor));
    }
    return w.bytes();
  }

  /** Writes out buffered blocks. */
  async drain(): Promise<void> {
    if (this.#out.length === 0) return;
    await this.#file.write(this.#out.bytes().slice());
    this.#written += this.#out.length;
    this.#out.reset();
  }

  /** Writes the last block, the meta block and the footer, syncs and closes the file. */
  async finish(): Promise<SegmentInfo> {
    try {
      this.#cutBlock();
      const packed = this.#lastKeys.every((k) => typeof k === "number");
      const pages: IndexPage[] = [];
      for (let first = 0; first < this.#blocks; first += INDEX_PAGE_BLOCKS) {
        const offset = this.#align(8);
        const page = this.#page(first, Math.min(first + INDEX_PAGE_BLOCKS, this.#blocks), packed);
        pages.push({ offset, length: page.length, checksum: checksum(page) });
        this.#out.raw(page);
      }
      const metaOffset = this.#align(8);
      const meta = this.#meta(pages, packed);
      this.#out.raw(meta);
      const bloomOffset = this.#written + this.#out.length;
      const bloom = buildBloom(this.#keys, this.#keys.length);
      this.#out.raw(bloom);
      this.#out.raw(encodeFooter({
        metaOffset,
        metaLength: meta.length,
        metaChecksum: checksum(meta),
        bloomOffset,
        bloomLength: bloom.length,
        bloomChecksum: checksum(bloom),
      }));
      await this.drain();
      await this.#file.sync();
    } finally {
      this.#file.close();
    }
    return {
      file: this.path.slice(this.path.lastIndexOf("/") + 1),
      keys: this.#keys.length,
      versions: this.#versions,
      minRev: this.#keys.length === 0 ? 0 : this.#minRev,
      maxRev: this.#maxRev,
      bytes: this.#written,
    };
  }

  /** Closes the file without finishing it (the caller removes it). */
  abandon(): void {
    try {
      this.#file.close();
    } catch {
      // already closed
    }
  }
}
