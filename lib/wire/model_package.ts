/**
 * Starwhale's model package storage format, as its server and Python client move model packages:
 * a `MetaBlob` protobuf message (`model_package_storage.proto`) lists every file and folder of the
 * version breadth-first, and the file data lie in blobs. This module encodes and decodes the
 * message (binary, and the proto3 JSON the server's `…/version/{v}/meta` answers with) and
 * unpacks blob data: LZ4-compressed data are chunks, each a 2-byte big-endian length and an LZ4
 * block. `meta_blob_json.ts` reads and writes the JSON form, `blob_data.ts` the data.
 *
 * @module
 */

/** `FileType` of the proto. */
export const FILE_TYPE = {
  REGULAR: 0,
  HUGE: 1,
  DIRECTORY: 2,
  SYMLINK: 3,
  HARDLINK: 4,
} as const;

/** `CompressionAlgorithm` of the proto. */
export const COMPRESSION = { NONE: 0, LZ4: 1 } as const;

/** One `File` message: a folder, a file, a link, or a huge file's blob references. */
export interface PackageFile {
  /** `FILE_TYPE`. */
  type: number;
  /** Name inside its folder. */
  name: string;
  /** Bytes. */
  size: number;
  /** Unix mode. */
  permission: number;
  /** The data blobs, in order. */
  blobIds: string[];
  /** URLs to GET each blob from (server answers only). */
  signedUrls: string[];
  /** Offset of a small file's data in its blob. */
  blobOffset: number;
  /** Bytes of a small file's data in its blob. */
  blobSize: number;
  /** MD5 of the file's bytes. */
  md5: Uint8Array;
  /** `COMPRESSION`. */
  compressionAlgorithm: number;
  /** Folders: first child's index; huge files: first reference's. */
  fromFileIndex: number;
  /** Exclusive end of that range. */
  toFileIndex: number;
  /** A link's target. */
  link: string;
}

/** One `MetaBlobIndex`: where the files after the first meta blob are. */
export interface MetaBlobIndex {
  /** The meta blob. */
  blobId: string;
  /** The index of its last file. */
  lastFileIndex: number;
}

/** A `MetaBlob` message. */
export interface MetaBlob {
  /** The files, breadth-first; the first is the root folder. */
  files: PackageFile[];
  /** The other meta blobs (first meta blob only). */
  metaBlobIndexes: MetaBlobIndex[];
  /** Small files' data kept inline. */
  data: Uint8Array;
}

/** A `File` with every field at its default. */
export function packageFile(fields: Partial<PackageFile> = {}): PackageFile {
  return {
    type: 0,
    name: "",
    size: 0,
    permission: 0,
    blobIds: [],
    signedUrls: [],
    blobOffset: 0,
    blobSize: 0,
    md5: new Uint8Array(),
    compressionAlgorithm: 0,
    fromFileIndex: 0,
    toFileIndex: 0,
    link: "",
    ...fields,
  };
}

class Writer {
  #bytes: number[] = [];
  varint(n: number): void {
    let v = BigInt.asUintN(64, BigInt(Math.trunc(n)));
    while (v >= 0x80n) {
      this.#bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.#bytes.push(Number(v));
  }
  int(field: number, n: number): void {
    if (!n) return;
    this.varint(field << 3);
    this.varint(n);
  }
  bytes(field: number, b: Uint8Array, always = false): void {
    if (!b.length && !always) return;
    this.varint((field << 3) | 2);
    this.varint(b.length);
    for (const x of b) this.#bytes.push(x);
  }
  string(field: number, s: string, always = false): void {
    this.bytes(field, new TextEncoder().encode(s), always);
  }
  done(): Uint8Array {
    return Uint8Array.from(this.#bytes);
  }
}

function encodeFile(f: PackageFile): Uint8Array {
  const w = new Writer();
  w.int(1, f.type);
  w.string(2, f.name);
  w.int(3, f.size);
  w.int(4, f.permission);
  for (const id of f.blobIds) w.string(5, id, true);
  w.int(6, f.blobOffset);
  w.int(7, f.blobSize);
  w.bytes(8, f.md5);
  w.int(9, f.compressionAlgorithm);
  w.int(10, f.fromFileIndex);
  w.int(11, f.toFileIndex);
  w.string(12, f.link);
  for (const url of f.signedUrls) w.string(100, url, true);
  return w.done();
}

/**
 * Encodes a `MetaBlob` as protobuf bytes.
 *
 * @param m The message.
 * @returns Its bytes.
 */
export function encodeMetaBlob(m: MetaBlob): Uint8Array {
  const w = new Writer();
  for (const f of m.files) w.bytes(1, encodeFile(f), true);
  for (const i of m.metaBlobIndexes) {
    const iw = new Writer();
    iw.string(1, i.blobId);
    iw.int(2, i.lastFileIndex);
    w.bytes(2, iw.done(), true);
  }
  w.bytes(3, m.data);
  return w.done();
}

class Reader {
  #pos = 0;
  constructor(readonly buf: Uint8Array) {}
  get more(): boolean {
    return this.#pos < this.buf.length;
  }
  varint(): number {
    let v = 0n, shift = 0n;
    for (;;) {
      if (this.#pos >= this.buf.length) throw new SyntaxError("Truncated protobuf varint");
      const b = this.buf[this.#pos++];
      v |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) break;
      shift += 7n;
      if (shift > 63n) throw new SyntaxError("Invalid protobuf varint");
    }
    return Number(BigInt.asIntN(64, v));
  }
  bytes(): Uint8Array {
    const n = this.varint();
    if (n < 0 || this.#pos + n > this.buf.length) {
      throw new SyntaxError("Truncated protobuf field");
    }
    const out = this.buf.subarray(this.#pos, this.#pos + n);
    this.#pos += n;
    return out;
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 2) this.bytes();
    else if (wire === 1) this.#pos += 8;
    else if (wire === 5) this.#pos += 4;
    else throw new SyntaxError(`Unsupported protobuf wire type ${wire}`);
  }
}

const text = (b: Uint8Array) => new TextDecoder().decode(b);

function decodeFile(buf: Uint8Array): PackageFile {
  const f = packageFile();
  const r = new Reader(buf);
  while (r.more) {
    const tag = r.varint(), field = tag >>> 3, wire = tag & 7;
    switch (field) {
      case 1:
        f.type = r.varint();
        break;
      case 2:
        f.name = text(r.bytes());
        break;
      case 3:
        f.size = r.varint();
        break;
      case 4:
        f.permission = r.varint();
        break;
      case 5:
        f.blobIds.push(text(r.bytes()));
        break;
      case 6:
        f.blobOffset = r.varint();
        break;
      case 7:
        f.blobSize = r.varint();
        break;
      case 8:
        f.md5 = r.bytes().slice();
        break;
      case 9:
        f.compressionAlgorithm = r.varint();
        break;
      case 10:
        f.fromFileIndex = r.varint();
        break;
      case 11:
        f.toFileIndex = r.varint();
        break;
      case 12:
        f.link = text(r.bytes());
        break;
      case 100:
        f.signedUrls.push(text(r.bytes()));
        break;
      default:
        r.skip(wire);
    }
  }
  return f;
}

/**
 * Decodes protobuf bytes as a `MetaBlob`.
 *
 * @param buf The bytes.
 * @returns The message.
 * @throws {SyntaxError} On bytes that are not a `MetaBlob`.
 */
export function decodeMetaBlob(buf: Uint8Array): MetaBlob {
  const m: MetaBlob = { files: [], metaBlobIndexes: [], data: new Uint8Array() };
  const r = new Reader(buf);
  while (r.more) {
    const tag = r.varint(), field = tag >>> 3, wire = tag & 7;
    if (field === 1 && wire === 2) m.files.push(decodeFile(r.bytes()));
    else if (field === 2 && wire === 2) {
      const ir = new Reader(r.bytes());
      const index: MetaBlobIndex = { blobId: "", lastFileIndex: 0 };
      while (ir.more) {
        const t = ir.varint();
        if (t >>> 3 === 1) index.blobId = text(ir.bytes());
        else if (t >>> 3 === 2) index.lastFileIndex = ir.varint();
        else ir.skip(t & 7);
      }
      m.metaBlobIndexes.push(index);
    } else if (field === 3 && wire === 2) m.data = r.bytes().slice();
    else r.skip(wire);
  }
  return m;
}
