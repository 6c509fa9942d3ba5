/**
 * The file-system seam of the engine. Everything the datastore does to disk goes through a
 * {@link Storage}, so tests can inject faults (fail or tear the Nth write, sync or rename).
 *
 * @module
 */

import { dirname } from "node:path";

/** A file opened for appending (WAL) or for writing once (segments, manifest). */
export interface WritableFile {
  /** Appends all of `bytes`. */
  write(bytes: Uint8Array): Promise<void>;
  /** Makes everything written durable (fdatasync). */
  sync(): Promise<void>;
  /** Closes the handle. */
  close(): void;
}

/** A file opened for positioned reads. */
export interface ReadableFile {
  /** Size in bytes when opened. */
  readonly size: number;
  /** Fills `buf` from `offset`; returns the bytes read (less only at end of file). */
  readAt(buf: Uint8Array, offset: number): number;
  /** Closes the handle. */
  close(): void;
}

/** An exclusive lock on a file; released by `release()` or process exit. */
export interface FileLock {
  /** Releases the lock. */
  release(): void;
}

/**
 * What the engine needs from a file system. Paths are absolute or relative to the process.
 * Methods used while opening may answer synchronously (a plain value) or with a promise.
 */
export interface Storage {
  /** Creates a directory and its parents. */
  mkdir(path: string): void | Promise<void>;
  /** Names in a directory (not paths). */
  list(dir: string): string[] | Promise<string[]>;
  /** Whether `path` exists. */
  exists(path: string): boolean | Promise<boolean>;
  /** The whole content of a file. */
  readFile(path: string): Uint8Array | Promise<Uint8Array>;
  /** Creates or truncates `path` for writing. */
  create(path: string): Promise<WritableFile>;
  /** Opens `path` for appending, creating it if missing. */
  append(path: string): Promise<WritableFile>;
  /** Opens a file for positioned reads. */
  openRead(path: string): ReadableFile;
  /** Cuts a file to `length` bytes. */
  truncate(path: string, length: number): Promise<void>;
  /** Renames atomically, replacing `to`. */
  rename(from: string, to: string): Promise<void>;
  /** Removes a file (no error if it is missing). */
  remove(path: string): Promise<void>;
  /** Makes a directory's entries (creates, renames, removes) durable. */
  syncDir(path: string): Promise<void>;
  /** Takes an exclusive lock on `path`, or returns `null` if someone else holds it. */
  tryLock(path: string): FileLock | null | Promise<FileLock | null>;
}

class DenoWritable implements WritableFile {
  #file: Deno.FsFile;
  constructor(file: Deno.FsFile) {
    this.#file = file;
  }
  async write(bytes: Uint8Array): Promise<void> {
    let done = 0;
    while (done < bytes.length) done += await this.#file.write(bytes.subarray(done));
  }
  async sync(): Promise<void> {
    await this.#file.syncData();
  }
  close(): void {
    this.#file.close();
  }
}

class DenoReadable implements ReadableFile {
  readonly size: number;
  #file: Deno.FsFile;
  constructor(file: Deno.FsFile, size: number) {
    this.#file = file;
    this.size = size;
  }
  readAt(buf: Uint8Array, offset: number): number {
    this.#file.seekSync(offset, Deno.SeekMode.Start);
    let done = 0;
    while (done < buf.length) {
      const n = this.#file.readSync(buf.subarray(done));
      if (n === null || n === 0) break;
      done += n;
    }
    return done;
  }
  close(): void {
    this.#file.close();
  }
}

/** The real file system, through `Deno.*`. Requires `--allow-read` and `--allow-write`. */
export const denoStorage: Storage = {
  // Opening a datastore uses synchronous calls: they cost microseconds, a thread-pool hop does not.
  mkdir(path) {
    Deno.mkdirSync(path, { recursive: true });
  },
  list(dir) {
    const names: string[] = [];
    for (const e of Deno.readDirSync(dir)) names.push(e.name);
    return names;
  },
  exists(path) {
    try {
      Deno.lstatSync(path);
      return true;
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return false;
      throw e;
    }
  },
  readFile: (path) => Deno.readFileSync(path),
  async create(path) {
    return new DenoWritable(
      await Deno.open(path, { write: true, create: true, truncate: true }),
    );
  },
  async append(path) {
    return new DenoWritable(await Deno.open(path, { append: true, create: true }));
  },
  openRead(path) {
    const file = Deno.openSync(path, { read: true });
    return new DenoReadable(file, file.statSync().size);
  },
  async truncate(path, length) {
    await Deno.truncate(path, length);
  },
  rename: (from, to) => Deno.rename(from, to),
  async remove(path) {
    try {
      await Deno.remove(path);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  },
  async syncDir(path) {
    const dir = await Deno.open(path, { read: true });
    try {
      await dir.sync();
    } finally {
      dir.close();
    }
  },
  tryLock(path) {
    Deno.mkdirSync(dirname(path), { recursive: true });
    const file = Deno.openSync(path, { read: true, write: true, create: true });
    if (!file.tryLockSync(true)) {
      file.close();
      return null;
    }
    return {
      release() {
        file.close();
      },
    };
  },
};
