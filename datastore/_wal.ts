/**
 * The write-ahead log: length-framed, checksummed records appended with group commit.
 *
 * Frame: `u32 length | u32 checksum(payload) | payload` (little-endian). See FORMAT.md "WAL".
 *
 * @module
 */

import { checksum } from "./_checksum.ts";
import { CorruptionError } from "./_errors.ts";
import type { Storage, WritableFile } from "./_storage.ts";

/** How durable an acknowledged write is. */
export type Durability = "fsync" | "flush" | "none";

/** Bytes of a frame header. */
export const FRAME_HEADER = 8;
/** Largest payload accepted (guards against reading garbage lengths). */
export const MAX_RECORD = 256 * 1024 * 1024;
const NONE_BUFFER_LIMIT = 1 << 20;

interface Pending {
  payload: Uint8Array;
  resolve: () => void;
  reject: (e: unknown) => void;
}

/**
 * Appends records to one WAL file. Appends that arrive while a write is in flight are written
 * and synced together (group commit). Once a write fails, the writer is broken: every later
 * append rejects with that error.
 */
export class WalWriter {
  readonly path: string;
  #file: WritableFile;
  #durability: Durability;
  #queue: Pending[] = [];
  #running: Promise<void> | undefined;
  #error: unknown;
  #unsynced = false;
  /** Bytes written so far (the file size). */
  size = 0;

  private constructor(path: string, file: WritableFile, durability: Durability, size: number) {
    this.path = path;
    this.#file = file;
    this.#durability = durability;
    this.size = size;
  }

  /** Opens `path` for appending (it must be valid up to `size` bytes). */
  static async open(
    storage: Storage,
    path: string,
    options: { durability: Durability; size?: number },
  ): Promise<WalWriter> {
    const file = await storage.append(path);
    return new WalWriter(path, file, options.durability, options.size ?? 0);
  }

  /** The error that broke this writer, if any. */
  get error(): unknown {
    return this.#error;
  }

  /**
   * Appends one record. Resolves once it is durable under the durability mode: synced
   * (`fsync`), handed to the OS (`flush`), or buffered in memory (`none`).
   */
  append(payload: Uint8Array): Promise<void> {
    if (this.#error !== undefined) return Promise.reject(this.#error);
    if (payload.length > MAX_RECORD) {
      return Promise.reject(
        new RangeError(`WAL record of ${payload.length} bytes exceeds ${MAX_RECORD}`),
      );
    }
    if (this.#durability === "none") {
      this.#queue.push({ payload, resolve: () => {}, reject: () => {} });
      if (this.#queuedBytes() >= NONE_BUFFER_LIMIT) this.#kick();
      return Promise.resolve();
    }
    const done = new Promise<void>((resolve, reject) => {
      this.#queue.push({ payload, resolve, reject });
    });
    this.#kick();
    return done;
  }

  #queuedBytes(): number {
    let n = 0;
    for (const p of this.#queue) n += p.payload.length + FRAME_HEADER;
    return n;
  }

  #kick(): void {
    if (this.#running === undefined) {
      this.#running = this.#drain().finally(() => {
        this.#running = undefined;
        // An append that resolved a waiter may queue the next record before this runs; its
        // own kick saw a drain still running, so start one for it now.
        if (this.#queue.length > 0 && this.#durability !== "none") this.#kick();
      });
    }
  }

  async #drain(): Promise<void> {
    while (this.#queue.length > 0) {
      const group = this.#queue;
      this.#queue = [];
      try {
        if (this.#error !== undefined) throw this.#error;
        await this.#file.write(frame(group));
        if (this.#durability === "fsync") await this.#file.sync();
        else this.#unsynced = true;
        this.size += group.reduce((n, p) => n + p.payload.length + FRAME_HEADER, 0);
        for (const p of group) p.resolve();
      } catch (e) {
        this.#error ??= e;
        for (const p of group) p.reject(e);
      }
    }
  }

  /** Writes everything queued and syncs the file, whatever the durability mode. */
  async sync(): Promise<void> {
    this.#kick();
    while (this.#running !== undefined) await this.#running;
    if (this.#error !== undefined) throw this.#error;
    if (this.#unsynced) {
      await this.#file.sync();
      this.#unsynced = false;
    }
  }

  /** Syncs, then closes the file. */
  async close(): Promise<void> {
    try {
      await this.sync();
    } finally {
      this.#file.close();
    }
  }

  /** Closes without syncing (after an error). */
  abandon(): void {
    try {
      this.#file.close();
    } catch {
      // already closed
    }
  }
}

function frame(group: Pending[]): Uint8Array {
  let total = 0;
  for (const p of group) total += p.payload.length + FRAME_HEADER;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let pos = 0;
  for (const { payload } of group) {
    view.setUint32(pos, payload.length, true);
    view.setUint32(pos + 4, checksum(payload), true);
    out.set(payload, pos + FRAME_HEADER);
    pos += payload.length + FRAME_HEADER;
  }
  return out;
}

/** What {@link readWal} found. */
export interface WalContents {
  /** The payloads of the valid records, in order. */
  records: Uint8Array[];
  /** Bytes of valid records; a torn tail starts here. */
  validLength: number;
  /** Whether bytes after `validLength` were a torn tail. */
  torn: boolean;
}

/**
 * Reads a WAL file. A damaged last record (a torn write) ends the log; a damaged record
 * followed by more data is corruption.
 *
 * @throws {CorruptionError} Naming the file and the offset of the bad record.
 */
export function readWal(bytes: Uint8Array, file: string): WalContents {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: Uint8Array[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const remaining = bytes.length - pos;
    // A frame cut short by a crash can only be the last one: its header is short or claims
    // more bytes than the file holds.
    if (remaining < FRAME_HEADER) return { records, validLength: pos, torn: true };
    const length = view.getUint32(pos, true);
    const crc = view.getUint32(pos + 4, true);
    if (length > MAX_RECORD || length > remaining - FRAME_HEADER) {
      return { records, validLength: pos, torn: true };
    }
    if (length === 0) {
      // Records are never empty: zeros are unwritten space after a torn write.
      if (allZero(bytes, pos)) return { records, validLength: pos, torn: true };
      throw new CorruptionError("WAL frame with zero length", { file, offset: pos });
    }
    const start = pos + FRAME_HEADER;
    if (checksum(bytes, start, start + length) !== crc) {
      if (start + length < bytes.length && !allZero(bytes, start + length)) {
        throw new CorruptionError("WAL record checksum mismatch", { file, offset: pos });
      }
      return { records, validLength: pos, torn: true };
    }
    records.push(bytes.subarray(start, start + length));
    pos = start + length;
  }
  return { records, validLength: pos, torn: false };
}

function allZero(bytes: Uint8Array, from: number): boolean {
  for (let i = from; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}
