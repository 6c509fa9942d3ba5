/**
 * Starwhale's model package storage format, as its server and Python client move model packages:
 * a `MetaBlob` protobuf message (`model_package_storage.proto`) lists every file and folder of the
 * version breadth-first, and the file data lie in blobs. This module encodes and decodes the
 * message (binary, and the proto3 JSON the server's `…/version/{v}/meta` answers with) and
 * unpacks blob data: LZ4-compressed data are chunks, each a 2-byte big-endian length and an LZ4
 * block.
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

// ---- binary ------------------------------------------------------------------------------------

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

// ---- proto3 JSON -------------------------------------------------------------------------------

const FILE_TYPE_NAMES = ["REGULAR", "HUGE", "DIRECTORY", "SYMLINK", "HARDLINK"].map((n) =>
  `FILE_TYPE_${n}`
);
const COMPRESSION_NAMES = ["COMPRESSION_ALGORITHM_NO_COMPRESSION", "COMPRESSION_ALGORITHM_LZ4"];

function base64(b: Uint8Array): string {
  let s = "";
  for (const x of b) s += String.fromCharCode(x);
  return btoa(s);
}

function unbase64(s: string): Uint8Array {
  const bin = atob(s.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(bin, (c) => c.charCodeAt(0));
}

/**
 * A `MetaBlob` in proto3 JSON (what Java's `JsonFormat.printer()` prints): lowerCamelCase names,
 * defaults left out, enums by name, 64-bit integers as strings, bytes in base64.
 *
 * @param m The message.
 * @returns The JSON text.
 */
export function metaBlobToJson(m: MetaBlob): string {
  const file = (f: PackageFile) => {
    const o: Record<string, unknown> = {};
    if (f.type) o.type = FILE_TYPE_NAMES[f.type] ?? f.type;
    if (f.name) o.name = f.name;
    if (f.size) o.size = String(f.size);
    if (f.permission) o.permission = f.permission;
    if (f.blobIds.length) o.blobIds = f.blobIds;
    if (f.signedUrls.length) o.signedUrls = f.signedUrls;
    if (f.blobOffset) o.blobOffset = f.blobOffset;
    if (f.blobSize) o.blobSize = f.blobSize;
    if (f.md5.length) o.md5 = base64(f.md5);
    if (f.compressionAlgorithm) {
      o.compressionAlgorithm = COMPRESSION_NAMES[f.compressionAlgorithm] ?? f.compressionAlgorithm;
    }
    if (f.fromFileIndex) o.fromFileIndex = f.fromFileIndex;
    if (f.toFileIndex) o.toFileIndex = f.toFileIndex;
    if (f.link) o.link = f.link;
    return o;
  };
  const o: Record<string, unknown> = {};
  if (m.files.length) o.files = m.files.map(file);
  if (m.metaBlobIndexes.length) {
    o.metaBlobIndexes = m.metaBlobIndexes.map((i) => ({
      ...(i.blobId ? { blobId: i.blobId } : {}),
      ...(i.lastFileIndex ? { lastFileIndex: i.lastFileIndex } : {}),
    }));
  }
  if (m.data.length) o.data = base64(m.data);
  return JSON.stringify(o);
}

function enumValue(v: unknown, names: string[]): number {
  if (typeof v === "number") return v;
  const i = names.indexOf(String(v));
  if (i < 0) throw new SyntaxError(`Unknown enum value ${JSON.stringify(v)}`);
  return i;
}

/**
 * Parses a `MetaBlob` from proto3 JSON (lowerCamelCase or the proto's own field names).
 *
 * @param json The JSON text.
 * @returns The message.
 * @throws {SyntaxError} On text that is not a `MetaBlob`.
 */
export function metaBlobFromJson(json: string): MetaBlob {
  const o = JSON.parse(json) as Record<string, unknown>;
  const get = (r: Record<string, unknown>, camel: string, snake: string) => r[camel] ?? r[snake];
  const files = (get(o, "files", "files") as Record<string, unknown>[] | undefined ?? []).map(
    (r) =>
      packageFile({
        type: enumValue(r.type ?? 0, FILE_TYPE_NAMES),
        name: String(r.name ?? ""),
        size: Number(r.size ?? 0),
        permission: Number(r.permission ?? 0),
        blobIds: (get(r, "blobIds", "blob_ids") as string[] | undefined ?? []).map(String),
        signedUrls: (get(r, "signedUrls", "signed_urls") as string[] | undefined ?? []).map(String),
        blobOffset: Number(get(r, "blobOffset", "blob_offset") ?? 0),
        blobSize: Number(get(r, "blobSize", "blob_size") ?? 0),
        md5: unbase64(String(r.md5 ?? "")),
        compressionAlgorithm: enumValue(
          get(r, "compressionAlgorithm", "compression_algorithm") ?? 0,
          COMPRESSION_NAMES,
        ),
        fromFileIndex: Number(get(r, "fromFileIndex", "from_file_index") ?? 0),
        toFileIndex: Number(get(r, "toFileIndex", "to_file_index") ?? 0),
        link: String(r.link ?? ""),
      }),
  );
  const indexes = (get(o, "metaBlobIndexes", "meta_blob_indexes") as
    | Record<string, unknown>[]
    | undefined ?? []).map((i) => ({
      blobId: String(get(i, "blobId", "blob_id") ?? ""),
      lastFileIndex: Number(get(i, "lastFileIndex", "last_file_index") ?? 0),
    }));
  return { files, metaBlobIndexes: indexes, data: unbase64(String(o.data ?? "")) };
}

// ---- blob data ---------------------------------------------------------------------------------

/**
 * Decompresses one LZ4 block (the raw block format, no frame).
 *
 * @param src The block.
 * @param maxSize The largest output allowed.
 * @returns The bytes.
 * @throws {SyntaxError} On a damaged block.
 */
export function lz4DecompressBlock(src: Uint8Array, maxSize = 1 << 20): Uint8Array {
  const out = new Uint8Array(maxSize);
  let i = 0, o = 0;
  const bad = () => new SyntaxError("Damaged LZ4 block");
  while (i < src.length) {
    const token = src[i++];
    let lit = token >>> 4;
    if (lit === 15) {
      let b: number;
      do {
        if (i >= src.length) throw bad();
        b = src[i++];
        lit += b;
      } while (b === 255);
    }
    if (i + lit > src.length || o + lit > maxSize) throw bad();
    out.set(src.subarray(i, i + lit), o);
    i += lit, o += lit;
    if (i >= src.length) break;
    if (i + 2 > src.length) throw bad();
    const offset = src[i] | (src[i + 1] << 8);
    i += 2;
    if (offset === 0 || offset > o) throw bad();
    let len = (token & 15) + 4;
    if ((token & 15) === 15) {
      let b: number;
      do {
        if (i >= src.length) throw bad();
        b = src[i++];
        len += b;
      } while (b === 255);
    }
    if (o + len > maxSize) throw bad();
    for (let k = 0; k < len; k++, o++) out[o] = out[o - offset];
  }
  return out.slice(0, o);
}

/**
 * A file's bytes from its data in a blob: as they are, or (LZ4) a sequence of chunks, each a
 * 2-byte big-endian length and an LZ4 block of at most 64 KiB.
 *
 * @param data The file's slice of its blob(s).
 * @param compression `COMPRESSION`.
 * @returns The bytes.
 * @throws {SyntaxError} On damaged data or an unknown compression.
 */
export function unpackBlobData(data: Uint8Array, compression: number): Uint8Array {
  if (compression === COMPRESSION.NONE) return data;
  if (compression !== COMPRESSION.LZ4) {
    throw new SyntaxError(`Unknown compression algorithm ${compression}`);
  }
  const parts: Uint8Array[] = [];
  let i = 0, total = 0;
  while (i < data.length) {
    if (i + 2 > data.length) throw new SyntaxError("Damaged LZ4 chunk header");
    const size = (data[i] << 8) | data[i + 1];
    i += 2;
    if (i + size > data.length) throw new SyntaxError("Truncated LZ4 chunk");
    const part = lz4DecompressBlock(data.subarray(i, i + size), 64 * 1024);
    parts.push(part);
    total += part.length;
    i += size;
  }
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) out.set(p, o), o += p.length;
  return out;
}
