/**
 * The tasks and logs of a `RemoteInstance`'s jobs: every task's saved log files, and following a
 * running job's log over the server's WebSocket or by reading its files again.
 *
 * @module
 */
import { FINAL_STATUSES, type JobRef, type JobTask } from "../sdk/instance.ts";
import { RemoteError, UnsupportedError } from "../sdk/errors.ts";
import { taskRecords } from "../wire/mod.ts";
import type { PageInfoVo, TaskVo } from "../wire/mod.ts";
import { pause } from "../sdk/pause.ts";
import { enc, type RemoteContext } from "./_context.ts";

/** A job's tasks. */
export async function jobTasks(ctx: RemoteContext, ref: JobRef): Promise<JobTask[]> {
  const pid = await ctx.projectId(ref.project);
  const page = await ctx.call(`/project/${enc(pid)}/job/${enc(ref.id)}/task`, {
    query: { pageNum: 1, pageSize: 100000 },
  }, ["job", ref.id, ref.project]) as PageInfoVo<TaskVo> | undefined;
  return taskRecords(page?.list ?? []);
}

/** The lines of every task's log files, oldest first when they carry timestamps. */
export async function* jobLogs(ctx: RemoteContext, ref: JobRef): AsyncIterable<string> {
  const all: string[] = [];
  for (const task of await jobTasks(ctx, ref)) {
    const path = `/log/offline/${enc(task.id)}`;
    let files: unknown;
    try {
      files = await ctx.call(path, {});
    } catch (e) {
      if (e instanceof RemoteError && (e.status === 404 || e.status === 405)) {
        throw new UnsupportedError(
          "reading a job's logs",
          `the server ${ctx.url}: it answered ${e.status} to GET /api/v1${path} (no task logs)`,
          { operation: true, cause: e },
        );
      }
      throw e;
    }
    for (const file of Array.isArray(files) ? files : []) {
      const text = await ctx.call(`${path}/${enc(String(file))}`, { text: true }) as string;
      const lines = text.split("\n");
      if (lines.at(-1) === "") lines.pop();
      all.push(...lines);
    }
  }
  const stamped = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z /;
  if (all.every((line) => stamped.test(line))) {
    // ISO times of one length sort as text; the sort is stable, so a task's order stays.
    const at = (line: string) => line.slice(0, line.indexOf(" "));
    all.sort((a, b) => at(a) < at(b) ? -1 : at(a) > at(b) ? 1 : 0);
  }
  yield* all;
}

/** Follows a job's log task by task (saved files, the WebSocket, or polling). */
export async function* followJobLogs(
  ctx: RemoteContext,
  ref: JobRef,
  options: { signal?: AbortSignal; pollMs?: number } = {},
): AsyncIterable<string> {
  const { signal } = options;
  const pollMs = options.pollMs ?? 500;
  const done = new Set<string>();
  while (!signal?.aborted) {
    const job = await ctx.getJob(ref);
    const ended = FINAL_STATUSES.includes(job.status);
    let waiting = false;
    for (const task of await jobTasks(ctx, ref)) {
      if (done.has(task.id)) continue;
      if (task.status === "CREATED" && !ended) {
        waiting = true;
        break;
      }
      if (ended || FINAL_TASK.includes(task.status)) yield* taskLines(ctx, task.id);
      else if (!(yield* online(ctx, task.id, signal))) {
        yield* pollTask(ctx, ref, task.id, { signal, pollMs });
      }
      done.add(task.id);
    }
    if (ended && !waiting) return;
    await pause(pollMs, signal);
  }
}

/** The lines of a task's saved log files. */
async function* taskLines(ctx: RemoteContext, taskId: string): AsyncIterable<string> {
  const path = `/log/offline/${enc(taskId)}`;
  const files = await ctx.call(path, {});
  for (const file of Array.isArray(files) ? files : []) {
    const text = await ctx.call(`${path}/${enc(String(file))}`, { text: true }) as string;
    const lines = text.split("\n");
    if (lines.at(-1) === "") lines.pop();
    yield* lines;
  }
}

/** A running task's lines over the server's WebSocket; `false` when it could not connect. */
async function* online(
  ctx: RemoteContext,
  taskId: string,
  signal?: AbortSignal,
): AsyncGenerator<string, boolean> {
  let socket: WebSocket;
  try {
    socket = ctx.api.openWebSocket(`/log/online/${enc(taskId)}`);
  } catch {
    return false;
  }
  const queue: string[] = [];
  let opened = false, closed = false;
  let wake: (() => void) | undefined;
  const notify = () => wake?.();
  socket.onopen = () => (opened = true, notify());
  socket.onmessage = (e) => (queue.push(String(e.data)), notify());
  socket.onclose = () => (closed = true, notify());
  socket.onerror = () => {};
  const stop = () => socket.close();
  signal?.addEventListener("abort", stop, { once: true });
  try {
    for (;;) {
      while (queue.length) yield queue.shift()!;
      if (closed) return opened;
      await new Promise<void>((resolve) => wake = resolve);
    }
  } finally {
    signal?.removeEventListener("abort", stop);
    if (!closed) socket.close();
  }
}

/** A running task's lines by reading its files again until it has ended. */
async function* pollTask(
  ctx: RemoteContext,
  ref: JobRef,
  taskId: string,
  options: { signal?: AbortSignal; pollMs: number },
): AsyncIterable<string> {
  let seen = 0;
  for (;;) {
    const task = (await jobTasks(ctx, ref)).find((t) => t.id === taskId);
    const job = await ctx.getJob(ref);
    let n = 0;
    for await (const line of taskLines(ctx, taskId)) if (n++ >= seen) yield line;
    seen = Math.max(seen, n);
    const over = !task || FINAL_TASK.includes(task.status) ||
      FINAL_STATUSES.includes(job.status);
    if (over || options.signal?.aborted) return;
    await pause(options.pollMs, options.signal);
  }
}

/** Task statuses after which a task never changes. */
const FINAL_TASK: readonly string[] = ["SUCCESS", "FAIL", "CANCELED"];
