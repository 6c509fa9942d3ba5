/**
 * The proto3 JSON form of a `MetaBlob`, as the Java server's `JsonFormat.printer()` prints it for
 * `GET …/model/{m}/version/{v}/meta` and the Python client parses it.
 *
 * @module
 */
import { type MetaBlob, type PackageFile, packageFile } from "./model_package.ts";

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
