/**
 * A `Storage` that wraps the real one and injects one fault: at the Nth write, sync or rename it
 * either fails before touching the disk or writes only part of the bytes (a torn write). After
 * the fault it behaves like a crashed process: every later operation fails, so nothing more
 * reaches the disk. Closing handles still works, so tests leak nothing.
 *
 * @module
 */
import { denoStorage, type Storage, type WritableFile } from "../../datastore/mod.ts";

/** Which operations count towards N. */
export type FaultPoint = "write" | "sync" | "rename";

/** How the Nth operation fails. */
export type FaultMode = "fail" | "truncate";

/** Thrown by every faulty operation. */
export class InjectedFault extends Error {
  override name = "InjectedFault";
}

/** Counts write/sync/rename operations and fails the one numbered `failAt` (0-based). */
export class FaultyStorage implements Storage {
  /** Operations seen so far. */
  count = 0;
  /** Whether the fault has happened. */
  crashed = false;
  /** The operation that failed, e.g. `write wal-000001.log`. */
  failedOp = "";
  /** Every counted operation, in order (`write 000003.seg`, `sync MANIFEST.tmp`, ...). */
  readonly ops: string[] = [];
  #failAt: number;
  #mode: FaultMode;
  #base: Storage;

  constructor(options: { failAt?: number; mode?: FaultMode; base?: Storage } = {}) {
    this.#failAt = options.failAt ?? Infinity;
    this.#mode = options.mode ?? "fail";
    this.#base = options.base ?? denoStorage;
  }

  #alive(): void {
    if (this.crashed) throw new InjectedFault("the process has crashed");
  }

  /** Counts one operation; returns true when this one must fail. */
  #hit(op: string): boolean {
    this.#alive();
    this.ops.push(op);
    if (this.count++ !== this.#failAt) return false;
    this.crashed = true;
    this.failedOp = op;
    return true;
  }

  #wrap(file: WritableFile, path: string): WritableFile {
    const name = path.slice(path.lastIndexOf("/") + 1);
    return {
      write: async (bytes) => {
        if (this.#hit(`write ${name}`)) {
          if (this.#mode === "truncate" && bytes.length > 1) {
            await file.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
          }
          throw new InjectedFault(`injected fault writing ${name}`);
        }
        await file.write(bytes);
      },
      sync: async () => {
        if (this.#hit(`sync ${name}`)) throw new InjectedFault(`injected fault syncing ${name}`);
        await file.sync();
      },
      close: () => file.close(),
    };
  }

  mkdir(path: string): ReturnType<Storage["mkdir"]> {
    this.#alive();
    return this.#base.mkdir(path);
  }
  list(dir: string): ReturnType<Storage["list"]> {
    this.#alive();
    return this.#base.list(dir);
  }
  exists(path: string): ReturnType<Storage["exists"]> {
    this.#alive();
    return this.#base.exists(path);
  }
  readFile(path: string): ReturnType<Storage["readFile"]> {
    this.#alive();
    return this.#base.readFile(path);
  }
  async create(path: string): Promise<WritableFile> {
    this.#alive();
    return this.#wrap(await this.#base.create(path), path);
  }
  async append(path: string): Promise<WritableFile> {
    this.#alive();
    return this.#wrap(await this.#base.append(path), path);
  }
  openRead(path: string): ReturnType<Storage["openRead"]> {
    this.#alive();
    return this.#base.openRead(path);
  }
  truncate(path: string, length: number): Promise<void> {
    this.#alive();
    return this.#base.truncate(path, length);
  }
  async rename(from: string, to: string): Promise<void> {
    if (this.#hit(`rename ${from.slice(from.lastIndexOf("/") + 1)}`)) {
      throw new InjectedFault(`injected fault renaming ${from}`);
    }
    await this.#base.rename(from, to);
  }
  remove(path: string): Promise<void> {
    this.#alive();
    return this.#base.remove(path);
  }
  syncDir(path: string): Promise<void> {
    this.#alive();
    return this.#base.syncDir(path);
  }
  tryLock(path: string): ReturnType<Storage["tryLock"]> {
    return this.#base.tryLock(path);
  }
}
