/**
 * Who runs a job: a lock file per running job, `<root>/.sdk-runners/<id>.lock`, held (an
 * exclusive `Deno.FsFile` lock) by the process that runs it — the standalone process of
 * `Job.create`, or a server whose Workers run its jobs. The operating system drops the lock when
 * that process dies, however it dies, so another process can tell a live runner from a dead one
 * without trusting pids. The file holds the runner's pid, host and start time, for the message.
 *
 * Protocol: a runner opens (creating) the file, waits for the lock, and checks that the path still
 * names the file it locked (a checker may have unlinked it); it unlinks the file before unlocking.
 * A checker {@link RunnerLock.claim}s the job: `tryLock` fails while the runner lives.
 *
 * @module
 */

import { join } from "node:path";

/** The folder of runner lock files under a storage root. */
export const RUNNERS_DIRNAME = ".sdk-runners";

/** What a runner writes into its lock file. */
export interface RunnerInfo {
  /** Process id. */
  pid: number;
  /** Host name, when the runtime may read it. */
  host: string;
  /** When the runner took the job, ISO 8601. */
  startedAt: string;
}

function lockPath(root: string, jobId: string): string {
  if (!/^[A-Za-z0-9_-]{1,128}$/.test(jobId)) {
    throw new TypeError(`Invalid job id ${JSON.stringify(jobId)}: expected letters and digits`);
  }
  return join(root, RUNNERS_DIRNAME, `${jobId}.lock`);
}

async function sameFile(file: Deno.FsFile, path: string): Promise<boolean> {
  try {
    const [a, b] = await Promise.all([file.stat(), Deno.stat(path)]);
    return a.ino === b.ino && a.dev === b.dev;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

async function openLocked(path: string, wait: boolean): Promise<Deno.FsFile | undefined> {
  for (let attempt = 0; attempt < 100; attempt++) {
    await Deno.mkdir(join(path, ".."), { recursive: true });
    const file = await Deno.open(path, { read: true, write: true, create: true });
    try {
      if (wait) await file.lock(true);
      else if (!await file.tryLock(true)) {
        file.close();
        return undefined;
      }
      if (await sameFile(file, path)) return file;
    } catch (e) {
      file.close();
      throw e;
    }
    file.close(); // unlinked by its last holder while we waited: take the new one
  }
  throw new Error(`Cannot lock '${path}': it was replaced 100 times in a row`);
}

function hostName(): string {
  try {
    return Deno.hostname();
  } catch {
    return "";
  }
}

/**
 * The lock a runner holds while it runs one job.
 *
 * @example Hold a job, then let it go
 * ```ts
 * import assert from "node:assert/strict";
 * import { RunnerLock } from "./runner_lock.ts";
 * const root = await Deno.makeTempDir();
 * const lock = await RunnerLock.acquire(root, "abc");
 * assert.equal(await RunnerLock.claim(root, "abc"), undefined); // alive: not claimable
 * await lock.release();
 * const claim = await RunnerLock.claim(root, "abc");
 * assert.ok(claim);
 * await claim.release();
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export class RunnerLock {
  readonly #file: Deno.FsFile;
  readonly #path: string;
  /** What the previous holder wrote (when this lock was claimed from a dead runner). */
  readonly previous: RunnerInfo | undefined;
  #released = false;

  private constructor(file: Deno.FsFile, path: string, previous: RunnerInfo | undefined) {
    this.#file = file;
    this.#path = path;
    this.previous = previous;
  }

  /**
   * Takes the job for this process, waiting while another holder (a checker) has it.
   *
   * Needs `--allow-read` and `--allow-write` on the root (and `--allow-sys` for the host name,
   * which is left empty without it).
   *
   * @param root The storage root.
   * @param jobId The job.
   * @returns The held lock.
   */
  static async acquire(root: string, jobId: string): Promise<RunnerLock> {
    const path = lockPath(root, jobId);
    const file = (await openLocked(path, true))!;
    const info: RunnerInfo = {
      pid: Deno.pid,
      host: hostName(),
      startedAt: new Date().toISOString(),
    };
    await file.truncate(0);
    await file.write(new TextEncoder().encode(JSON.stringify(info)));
    return new RunnerLock(file, path, undefined);
  }

  /**
   * Claims the job from a runner that is gone: the held lock when no live process holds the job
   * (its runner died, or it never had one), `undefined` while a runner holds it.
   *
   * @param root The storage root.
   * @param jobId The job.
   * @returns The claim (release it once the job's record is settled), or `undefined`.
   */
  static async claim(root: string, jobId: string): Promise<RunnerLock | undefined> {
    const path = lockPath(root, jobId);
    const file = await openLocked(path, false);
    if (!file) return undefined;
    let previous: RunnerInfo | undefined;
    try {
      const text = await Deno.readTextFile(path);
      previous = text ? JSON.parse(text) as RunnerInfo : undefined;
    } catch {
      previous = undefined; // empty or torn: the runner died before it wrote it
    }
    return new RunnerLock(file, path, previous);
  }

  /**
   * Tells, reading only, whether a live runner holds the job: for a process that may not write
   * (it cannot claim), so it can show a dead runner's job as interrupted without settling it.
   *
   * Needs `--allow-read` on the root.
   *
   * @param root The storage root.
   * @param jobId The job.
   * @returns `undefined` while a live process holds it, else what its last runner wrote (`{}`
   *   when nothing is known).
   */
  static async probe(root: string, jobId: string): Promise<Partial<RunnerInfo> | undefined> {
    const path = lockPath(root, jobId);
    let file: Deno.FsFile;
    try {
      file = await Deno.open(path, { read: true });
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return {};
      throw e;
    }
    try {
      if (!await file.tryLock(true)) return undefined;
      await file.unlock();
      const text = new TextDecoder().decode(await Deno.readFile(path));
      return text ? JSON.parse(text) as RunnerInfo : {};
    } catch (e) {
      if (e instanceof SyntaxError) return {}; // torn: the runner died before it wrote it
      throw e;
    } finally {
      file.close();
    }
  }

  /** Gives the job up: removes the file, then unlocks. Idempotent. */
  async release(): Promise<void> {
    if (this.#released) return;
    this.#released = true;
    try {
      await Deno.remove(this.#path).catch((e) => {
        if (!(e instanceof Deno.errors.NotFound)) throw e;
      });
    } finally {
      this.#file.close();
    }
  }

  /** Same as {@link release}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.release();
  }
}

/**
 * Describes a dead runner for a job's error message.
 *
 * @param info What the runner wrote, if anything.
 * @returns e.g. `its runner (process 4242 on a, started 2026-12-01T10:00:00.000Z) ended before
 *   the job did`.
 */
export function goneReason(info: RunnerInfo | undefined): string {
  if (!info) return "the process running it ended before the job did";
  const host = info.host ? ` on ${info.host}` : "";
  return `its runner (process ${info.pid}${host}, started ${info.startedAt}) ended before the job did`;
}
