/**
 * Writes the write-ahead log: length-framed, checksummed records appended with group commit.
 * The frame layout is in `_wal_format.ts`; {@link readWal} reads it back.
 *
 * @module
 */

import { checksum } from "./_checksum.ts";
import type { Durability } from "./_options.ts";
import type { Storage, WritableFile } from "./_storage.ts";
import { FRAME_HEADER, MAX_RECORD } from "./_wal_format.ts";
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

  /** Hands everything queued to the OS (no sync), whatever the durability mode. */
  async written(): Promise<void> {
    this.#kick();
    while (this.#running !== undefined) await this.#running;
    if (this.#error !== undefined) throw this.#error;
  }

  /** Writes everything queued and syncs the file, whatever the durability mode. */
  async sync(): Promise<void> {
    await this.written();
    if (this.#unsynced) {
      // Cleared first: a record written during this sync sets it again for the next sync.
      this.#unsynced = false;
      try {
        await this.#file.sync();
      } catch (e) {
        this.#unsynced = true;
        throw e;
      }
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
