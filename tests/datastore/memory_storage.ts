/**
 * An in-memory `Storage` that models what a disk keeps on power loss: file bytes are durable only
 * up to the last `sync()` of the file, directory entries (creates, renames, removes) only as of
 * the last `syncDir()` of their directory. {@link MemoryDisk.powerLoss} drops everything else,
 * keeping a random torn part of each file's unsynced tail, as a real crash can.
 *
 * @module
 */
import type { FileLock, ReadableFile, Storage, WritableFile } from "../../datastore/mod.ts";
import type { Rng } from "./_helpers.ts";

class Inode {
  buf = new Uint8Array(256);
  len = 0;
  /** Bytes known to be on disk. */
  synced = 0;

  write(bytes: Uint8Array): void {
    if (this.len + bytes.length > this.buf.length) {
      const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + bytes.length));
      next.set(this.buf.subarray(0, this.len));
      this.buf = next;
    }
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
  }

  bytes(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

function dirOf(path: string): string {
  return path.slice(0, path.lastIndexOf("/")) || "/";
}

function nameOf(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

function notFound(path: string): Error {
  return new Deno.errors.NotFound(`No such file or directory: '${path}'`);
}

/** The disk: files by path, and what of them survives a power loss. */
export class MemoryDisk implements Storage {
  #files = new Map<string, Inode>();
  /** Directory entries as of each directory's last syncDir. */
  #durable = new Map<string, Inode>();
  #dirs = new Set<string>();
  #locks = new Set<string>();

  mkdir(path: string): void {
    for (let p = path; p !== "/" && p !== ""; p = dirOf(p)) this.#dirs.add(p);
  }
  list(dir: string): string[] {
    const out: string[] = [];
    for (const p of this.#files.keys()) if (dirOf(p) === dir) out.push(nameOf(p));
    return out;
  }
  exists(path: string): boolean {
    return this.#files.has(path) || this.#dirs.has(path);
  }
  readFile(path: string): Uint8Array {
    const f = this.#files.get(path);
    if (f === undefined) throw notFound(path);
    return f.bytes();
  }
  create(path: string): Promise<WritableFile> {
    const f = new Inode();
    this.#files.set(path, f);
    return Promise.resolve(this.#writable(f));
  }
  append(path: string): Promise<WritableFile> {
    let f = this.#files.get(path);
    if (f === undefined) {
      f = new Inode();
      this.#files.set(path, f);
    }
    return Promise.resolve(this.#writable(f));
  }
  #writable(f: Inode): WritableFile {
    return {
      write: (bytes) => {
        f.write(bytes);
        return Promise.resolve();
      },
      sync: () => {
        f.synced = f.len;
        return Promise.resolve();
      },
      close: () => {},
    };
  }
  openRead(path: string): ReadableFile {
    const f = this.#files.get(path);
    if (f === undefined) throw notFound(path);
    const size = f.len;
    return {
      size,
      readAt(buf, offset) {
        const n = Math.max(0, Math.min(buf.length, size - offset));
        buf.set(f.buf.subarray(offset, offset + n));
        return n;
      },
      close() {},
    };
  }
  truncate(path: string, length: number): Promise<void> {
    const f = this.#files.get(path);
    if (f === undefined) return Promise.reject(notFound(path));
    f.len = Math.min(f.len, length);
    f.synced = Math.min(f.synced, f.len);
    return Promise.resolve();
  }
  rename(from: string, to: string): Promise<void> {
    const f = this.#files.get(from);
    if (f === undefined) return Promise.reject(notFound(from));
    this.#files.delete(from);
    this.#files.set(to, f);
    return Promise.resolve();
  }
  remove(path: string): Promise<void> {
    this.#files.delete(path);
    return Promise.resolve();
  }
  syncDir(path: string): Promise<void> {
    for (const p of [...this.#durable.keys()]) if (dirOf(p) === path) this.#durable.delete(p);
    for (const [p, f] of this.#files) if (dirOf(p) === path) this.#durable.set(p, f);
    return Promise.resolve();
  }
  tryLock(path: string): FileLock | null {
    if (this.#locks.has(path)) return null;
    this.#locks.add(path);
    return { release: () => this.#locks.delete(path) };
  }

  /** Bytes of all files (for tests that damage or inspect them). */
  get paths(): string[] {
    return [...this.#files.keys()];
  }

  /** Replaces a file's content (durably), e.g. to flip a bit. */
  poke(path: string, bytes: Uint8Array): void {
    const f = new Inode();
    f.write(bytes);
    f.synced = f.len;
    this.#files.set(path, f);
    this.#durable.set(path, f);
  }

  /**
   * Simulates a power loss: directory entries revert to their last syncDir, each file keeps its
   * synced bytes plus a random part of the unsynced tail (sometimes zeroed, as after delayed
   * allocation), and every lock is released (the process is gone).
   */
  powerLoss(rng: Rng): void {
    this.#files = new Map(this.#durable);
    for (const f of new Set(this.#files.values())) {
      const unsynced = f.len - f.synced;
      const kept = unsynced === 0 ? 0 : rng.pick([0, 0, unsynced, rng.int(unsynced + 1)]);
      if (kept > 0 && rng.chance(0.25)) f.buf.fill(0, f.synced + rng.int(kept), f.synced + kept);
      f.len = f.synced + kept;
      f.synced = f.len;
    }
    this.#locks.clear();
  }
}
