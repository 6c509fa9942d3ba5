/**
 * The framing of the socket protocol between the process that owns a datastore directory and
 * the processes that use it through that owner: where the socket lives, how a message becomes
 * bytes, and how errors cross the socket. A message is one value of the datastore's own codec.
 *
 * @module
 */

import { tmpdir } from "node:os";
import { ByteReader, ByteWriter } from "./_bytes.ts";
import { decodeValue, encodeValue } from "./_codec.ts";
import { checksum } from "./_checksum.ts";
import { CorruptionError, DatastoreClosedError } from "./_errors.ts";

/** The longest socket path a Unix socket address holds (`sun_path`, less the final NUL). */
const SUN_PATH_MAX = 107;

/** Rows per scan batch, and the encoded bytes after which a batch ends early. */
export const SCAN_BATCH_ROWS = 512;
/** @see SCAN_BATCH_ROWS */
export const SCAN_BATCH_BYTES = 256 << 10;

/** A frame larger than this is a protocol error, not a message. */
const FRAME_MAX = 1 << 30;

/** Request operations (client to owner). */
export type Op =
  | "hello"
  | "update"
  | "delete"
  | "write"
  | "get"
  | "schema"
  | "flush"
  | "compact"
  | "stats"
  | "scan"
  | "more"
  | "end";

/**
 * The socket of the datastore in `dir`: `dir/SOCKET` when that fits a socket address, else a
 * file in the OS temp directory named by a hash of `dir`.
 */
export function socketPath(dir: string): string {
  const inDir = `${dir}/SOCKET`;
  if (new TextEncoder().encode(inDir).length <= SUN_PATH_MAX) return inDir;
  let base = "/tmp";
  try {
    base = tmpdir();
  } catch { /* no env permission: the usual default */ }
  const hash = checksum(new TextEncoder().encode(dir)).toString(16).padStart(8, "0");
  return `${base}/swds-${hash}.sock`;
}

/** Encodes one message as a frame: `u32 length | value`. */
export function frame(message: unknown[]): Uint8Array {
  const w = new ByteWriter(256);
  w.u32(0);
  encodeValue(w, message);
  w.u32At(0, w.length - 4);
  return w.bytes().slice();
}

/** Splits a byte stream into messages, keeping a partial frame until the rest arrives. */
export class FrameReader {
  #buf = new Uint8Array(64 << 10);
  #len = 0;

  /** Adds received bytes; returns the messages they complete. */
  push(chunk: Uint8Array): unknown[][] {
    if (this.#len + chunk.length > this.#buf.length) {
      let cap = this.#buf.length * 2;
      while (cap < this.#len + chunk.length) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(this.#buf.subarray(0, this.#len));
      this.#buf = next;
    }
    this.#buf.set(chunk, this.#len);
    this.#len += chunk.length;
    const out: unknown[][] = [];
    let pos = 0;
    while (this.#len - pos >= 4) {
      const size = new DataView(this.#buf.buffer, pos, 4).getUint32(0, true);
      if (size > FRAME_MAX) throw new Error(`Datastore socket frame of ${size} bytes is too large`);
      if (this.#len - pos - 4 < size) break;
      const r = new ByteReader(this.#buf, pos + 4, pos + 4 + size);
      out.push(decodeValue(r) as unknown[]);
      pos += 4 + size;
    }
    this.#buf.copyWithin(0, pos, this.#len);
    this.#len -= pos;
    return out;
  }
}

/** Writes all of `bytes` (a socket write may take only part). */
export async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let off = 0;
  while (off < bytes.length) off += await conn.write(bytes.subarray(off));
}

/** An error as it crosses the socket: `[name, message]`. */
export function errorFields(e: unknown): [string, string] {
  if (e instanceof Error) return [e.name, e.message];
  return ["Error", String(e)];
}

/** The error a client rethrows for `[name, message]` from the owner. */
export function errorFrom(name: string, message: string): Error {
  switch (name) {
    case "TypeError":
      return new TypeError(message);
    case "RangeError":
      return new RangeError(message);
    case "DatastoreClosedError": {
      const e = new DatastoreClosedError("use the datastore");
      e.message = message;
      return e;
    }
    case "CorruptionError": {
      const e = new CorruptionError(message, { file: "", offset: 0 });
      e.message = message;
      return e;
    }
  }
  const e = new Error(message);
  e.name = name;
  return e;
}

/**
 * The owner went away (closed or died) before answering; the request may be retried once
 * against the next owner.
 */
export class OwnerGoneError extends Error {
  /** Always `OwnerGoneError`. */
  override name = "OwnerGoneError";
}

/** Drops `undefined` fields of an options object (the codec has no undefined). */
export function defined<T extends object>(options: T | undefined): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options ?? {})) if (v !== undefined) out[k] = v;
  return out as Partial<T>;
}
