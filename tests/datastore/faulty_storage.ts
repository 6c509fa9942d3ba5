/**
 * A `Storage` that wraps another (the real file system, or a {@link MemoryDisk}) and injects one
 * fault at the Nth fault point: a write, sync, directory sync, create, rename, remove or
 * truncate.
 *
 * - `fail` / `truncate`: the operation fails before touching the disk, or writes only part of the
 *   bytes (a torn write); after it the storage behaves like a crashed process: every later
 *   operation fails, so nothing more reaches the disk. Closing handles still works.
 * - `enospc`: the disk is full from the Nth point on: every write, sync, create and rename fails
 *   with `ENOSPC` (a failing write may leave part of its bytes) until {@link heal}.
 * - `eio`: only the Nth operation fails, with `EIO`; the next ones work.
 *
 * A power loss is `crash()` here plus `MemoryDisk.powerLoss()` on the disk underneath.
 *
 * @module
 */
import { denoStorage, type Storage, type WritableFile } from "../../datastore/mod.ts";

/** Which operations count towards N. */
export type FaultPoint = "write" | "sync" | "syncdir" | "create" | "rename" | "remove" | "truncate";

/** How the Nth operation fails. */
export type FaultMode = "fail" | "truncate" | "enospc" | "eio";

/** Thrown by every faulty operation; `code` is `ENOSPC`, `EIO` or `CRASHED`. */
export class InjectedFault extends Error {
  override name = "InjectedFault";
  /** The errno-like code of the fault. */
  readonly code: string;

  constructor(message: string, code: string) {
    super(message);
    this.code = code;
  }
}

/** Operations that fail while the disk is full. */
const NEEDS_SPACE = new Set(["write", "sync", "create", "rename"]);

/** Counts fault points and fails the one numbered `failAt` (0-based). */
export class FaultyStorage implements Storage {
  /** Fault points seen so far. */
  count = 0;
  /** Whether the process has crashed (`fail`, `truncate` or {@link crash}). */
  crashed = false;
  /** Whether the disk is full (`enospc` until {@link heal}). */
  full = false;
  /** Faults injected so far. */
  faults = 0;
  /** The operation that failed first, e.g. `write wal-000001.log`. */
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

  /** From now on every operation fails, as after the process died. */
  crash(): void {
    this.crashed = true;
  }

  /** Space is back: `enospc` faults stop. */
  heal(): void {
    this.full = false;
  }

  #alive(): void {
    if (this.crashed) throw new InjectedFault("the process has crashed", "CRASHED");
  }

  /** Counts one operation; returns the fault to raise, if any. */
  #hit(point: FaultPoint, name: string): InjectedFault | undefined {
    this.#alive();
    const op = `${point} ${name}`;
    this.ops.push(op);
    const n = this.count++;
    if (n === this.#failAt) {
      this.failedOp = op;
      if (this.#mode === "enospc") this.full = true;
      else if (this.#mode === "eio") {
        this.faults++;
        return new InjectedFault(`injected EIO at ${op}`, "EIO");
      } else {
        this.crashed = true;
        this.faults++;
        return new InjectedFault(`injected fault at ${op}`, "CRASHED");
      }
    }
    if (this.full && NEEDS_SPACE.has(point)) {
      this.faults++;
      return new InjectedFault(`No space left on device (injected at ${op})`, "ENOSPC");
    }
    return undefined;
  }

  #wrap(file: WritableFile, path: string): WritableFile {
    const name = path.slice(path.lastIndexOf("/") + 1);
    return {
      write: async (bytes) => {
        const fault = this.#hit("write", name);
        if (fault !== undefined) {
          const torn = this.#mode === "truncate" || fault.code === "ENOSPC";
          if (torn && bytes.length > 1) {
            await file.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
          }
          throw fault;
        }
        await file.write(bytes);
      },
      sync: async () => {
        const fault = this.#hit("sync", name);
        if (fault !== undefined) throw fault;
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
    const fault = this.#hit("create", path.slice(path.lastIndexOf("/") + 1));
    if (fault !== undefined) throw fault;
    return this.#wrap(await this.#base.create(path), path);
  }
  async append(path: string): Promise<WritableFile> {
    const fault = this.#hit("create", path.slice(path.lastIndexOf("/") + 1));
    if (fault !== undefined) throw fault;
    return this.#wrap(await this.#base.append(path), path);
  }
  openRead(path: string): ReturnType<Storage["openRead"]> {
    this.#alive();
    return this.#base.openRead(path);
  }
  async truncate(path: string, length: number): Promise<void> {
    const fault = this.#hit("truncate", path.slice(path.lastIndexOf("/") + 1));
    if (fault !== undefined) throw fault;
    await this.#base.truncate(path, length);
  }
  async rename(from: string, to: string): Promise<void> {
    const fault = this.#hit("rename", from.slice(from.lastIndexOf("/") + 1));
    if (fault !== undefined) throw fault;
    await this.#base.rename(from, to);
  }
  async remove(path: string): Promise<void> {
    const fault = this.#hit("remove", path.slice(path.lastIndexOf("/") + 1));
    if (fault !== undefined) throw fault;
    await this.#base.remove(path);
  }
  async syncDir(path: string): Promise<void> {
    const fault = this.#hit("syncdir", path.slice(path.lastIndexOf("/") + 1));
    if (fault !== undefined) throw fault;
    await this.#base.syncDir(path);
  }
  tryLock(path: string): ReturnType<Storage["tryLock"]> {
    return this.#base.tryLock(path);
  }
}
