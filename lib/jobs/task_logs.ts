/**
 * What the handlers of a job running in this process print, kept with the job: while a task runs,
 * its `console.log`/`info`/`debug` (stdout) and `console.warn`/`error` (stderr) lines are appended
 * to the job's log file, `<job dir>/logs/job.log`, one line each as
 * `<ISO time> <step>#<replica> <stdout|stderr>: <text>`, and still printed as before. The capture
 * follows the task through its `await`s (an `AsyncLocalStorage`), so the script that created the
 * job, and other jobs, are not mixed in.
 *
 * @module
 */

import { AsyncLocalStorage } from "node:async_hooks";
import { dirname } from "node:path";

/** One task of a job, as its log lines name it. */
export interface LogTask {
  /** The step (handler key). */
  step: string;
  /** The replica. */
  index: number;
}

type Method = "log" | "info" | "debug" | "warn" | "error";
const STREAMS: Record<Method, "stdout" | "stderr"> = {
  log: "stdout",
  info: "stdout",
  debug: "stdout",
  warn: "stderr",
  error: "stderr",
};
const KEY = Symbol.for("starwhale.taskLogs");
const encoder = new TextEncoder();

interface Capture {
  log: JobLog;
  task: LogTask;
}

function storage(): AsyncLocalStorage<Capture> {
  const g = globalThis as unknown as Record<symbol, AsyncLocalStorage<Capture> | undefined>;
  let als = g[KEY];
  if (!als) {
    als = new AsyncLocalStorage<Capture>();
    g[KEY] = als;
    const store = als;
    const target = console as unknown as Record<Method, (...args: unknown[]) => void>;
    for (const method of Object.keys(STREAMS) as Method[]) {
      const original = target[method].bind(console);
      target[method] = (...args: unknown[]) => {
        const capture = store.getStore();
        if (capture) capture.log.write(capture.task, { stream: STREAMS[method], args });
        original(...args);
      };
    }
  }
  return als;
}

function text(args: unknown[]): string {
  return args.map((a) => typeof a === "string" ? a : Deno.inspect(a, { colors: false })).join(" ");
}

/**
 * The log file of one job, open for appending while the job runs here.
 *
 * @example Capture a task's output
 * ```ts
 * import assert from "node:assert/strict";
 * import { captureTask, JobLog, readJobLog } from "./task_logs.ts";
 * const dir = await Deno.makeTempDir();
 * const log = JobLog.open(`${dir}/logs/job.log`);
 * await captureTask(log, { step: "m:run", index: 0 }, async () => console.log("hello", 1));
 * log.close();
 * const [line] = await Array.fromAsync(readJobLog(`${dir}/logs/job.log`));
 * assert.match(line, /^\d{4}-\d\d-\d\dT[\d:.]+Z m:run#0 stdout: hello 1$/);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class JobLog {
  readonly #file: Deno.FsFile;
  #closed = false;

  private constructor(file: Deno.FsFile) {
    this.#file = file;
  }

  /**
   * Opens (creating) a job's log file for appending.
   *
   * Needs `--allow-read` and `--allow-write` on it.
   *
   * @param path The file, e.g. `<job dir>/logs/job.log`.
   * @returns The open log.
   */
  static open(path: string): JobLog {
    Deno.mkdirSync(dirname(path), { recursive: true });
    return new JobLog(Deno.openSync(path, { append: true, create: true }));
  }

  /** Appends what one console call printed, a log line per line of text. */
  write(task: LogTask, what: { stream: "stdout" | "stderr"; args: unknown[] }): void {
    if (this.#closed) return;
    const at = new Date().toISOString();
    const lines = text(what.args).split("\n").map((l) =>
      `${at} ${task.step}#${task.index} ${what.stream}: ${l}\n`
    );
    const bytes = encoder.encode(lines.join(""));
    for (let written = 0; written < bytes.length;) {
      written += this.#file.writeSync(bytes.subarray(written));
    }
  }

  /** Closes the file; later writes are dropped. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#file.close();
  }
}

/**
 * Runs a task with its console output appended to the job's log (and still printed).
 *
 * @param log The job's open log.
 * @param task Which task, for the lines.
 * @param fn The task.
 * @returns What `fn` returns.
 */
export function captureTask<T>(log: JobLog, task: LogTask, fn: () => Promise<T>): Promise<T> {
  return storage().run({ log, task }, fn);
}

/**
 * Streams the lines of a job's log file.
 *
 * @param path The file.
 * @returns The lines, without their line ends; none when the file does not exist.
 */
export async function* readJobLog(path: string): AsyncIterable<string> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return;
    throw e;
  }
  let rest = "";
  const decoder = new TextDecoder();
  for await (const chunk of file.readable) {
    rest += decoder.decode(chunk, { stream: true });
    const lines = rest.split("\n");
    rest = lines.pop()!;
    yield* lines;
  }
  rest += decoder.decode();
  if (rest) yield rest;
}

/**
 * Writes a job's log whole, as a copied job brings it (a running job appends through
 * {@link JobLog}): a temporary file, then a rename; or, with `append`, more lines at its end.
 *
 * @param path The file.
 * @param lines The lines, without their line ends.
 * @param options `append` to add to the file rather than replace it.
 */
export async function writeJobLog(
  path: string,
  lines: string[],
  options: { append?: boolean } = {},
): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  if (options.append) {
    await Deno.writeTextFile(path, lines.map((line) => `${line}\n`).join(""), { append: true });
    return;
  }
  const tmp = `${path}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    await Deno.writeTextFile(tmp, lines.map((line) => `${line}\n`).join(""));
    await Deno.rename(tmp, path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
}

/**
 * An error's stack, with the stacks of its causes (a handler's own error is the cause of the
 * `HandlerError` a task fails with), as the log keeps it.
 *
 * @param e What a task threw.
 * @returns The text.
 */
export function errorStack(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const parts = [e.stack ?? `${e.name}: ${e.message}`];
  for (let c = e.cause, depth = 0; c instanceof Error && depth < 5; c = c.cause, depth++) {
    parts.push(`Caused by ${c.stack ?? `${c.name}: ${c.message}`}`);
  }
  return parts.join("\n");
}
