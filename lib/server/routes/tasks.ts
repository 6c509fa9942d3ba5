/**
 * Tasks and their logs, as Starwhale Server serves them: the tasks of a job
 * (`/project/{p}/job/{j}/task`, one per step and replica, with numeric task ids), one task
 * (`…/task/{t}`), and a task's log files (`/log/offline/{taskId}`: their names;
 * `/log/offline/{taskId}/{fileName}`: the text; `/log/online/{taskId}`: a WebSocket that streams
 * it as it grows). A task has one log file, `task.log`: the lines of
 * the job's log that the task printed, `<ISO time> <step>#<replica> <stdout|stderr>: <text>`.
 * A job that ran before jobs kept their tasks shows one task for the whole job.
 *
 * @module
 */
import type { Hono } from "../../_deps.ts";
import {
  FINAL_STATUSES,
  hasJobLogs,
  type JobRef,
  type JobTask,
  NotFoundError,
} from "../../sdk/mod.ts";
import { jobTaskVo, pageInfo, type PageInfoVo, type TaskVo, taskVo } from "../../wire/mod.ts";
import { ApiError } from "../api_error.ts";
import { show } from "../_body.ts";
import { ok, param, resource, type ServerContext, type ServerEnv } from "../_context.ts";

const T = "TASK";
const ONLINE_POLL_MS = 500;
/** The one log file of a task. */
export const TASK_LOG_FILE = "task.log";
/** The task of a job that kept no tasks: the whole job. */
const WHOLE_JOB = "all";

/** What a task id stands for: the job and the task (`undefined`: the whole job). */
interface TaskRef {
  job: JobRef;
  task: JobTask | undefined;
}

/** The tasks of the served instance's jobs, by job or by numeric task id. */
export class Tasks {
  readonly #ctx: ServerContext;
  readonly #sockets = new Set<WebSocket>();

  /** @param ctx The server context. */
  constructor(ctx: ServerContext) {
    this.#ctx = ctx;
  }

  #instance() {
    const instance = this.#ctx.instance();
    if (!hasJobLogs(instance)) throw ApiError.unavailable("this server keeps no tasks");
    return instance;
  }

  /**
   * The job's tasks as `TaskVo`s, numbered on first sight.
   *
   * @param ref The job (full id).
   * @returns One page holding every task.
   */
  async list(ref: JobRef): Promise<PageInfoVo<TaskVo>> {
    const list = await this.#vos(ref);
    return pageInfo(list, { total: list.length, pageNum: 1, pageSize: Math.max(list.length, 1) });
  }

  async #vos(ref: JobRef): Promise<TaskVo[]> {
    const tasks = await this.#instance().jobTasks(ref);
    if (tasks.length === 0) {
      const job = await this.#instance().getJob(ref);
      const uuid = `${ref.id}-${WHOLE_JOB}`;
      return [taskVo(job, await this.#ctx.taskIds.numericId(uuid))].map((vo) => ({ ...vo, uuid }));
    }
    const vos = [];
    for (const task of tasks) {
      const uuid = `${ref.id}-${task.id}`;
      vos.push(jobTaskVo(task, { id: await this.#ctx.taskIds.numericId(uuid), uuid }));
    }
    return vos;
  }

  /**
   * One task of a job, by numeric id or uuid.
   *
   * @param ref The job (full id).
   * @param t The task's numeric id or uuid.
   * @returns Its `TaskVo`.
   * @throws {NotFoundError} The job has no such task.
   */
  async get(ref: JobRef, t: string): Promise<TaskVo> {
    const found = (await this.#vos(ref)).find((vo) => vo.id === t || vo.uuid === t);
    if (!found) throw new NotFoundError("task", t, { project: ref.project });
    return found;
  }

  /** The job and task behind a numeric task id. */
  async #resolve(taskId: string): Promise<TaskRef> {
    if (!/^\d{1,15}$/.test(taskId)) {
      throw ApiError.invalid(T, `invalid task id ${show(taskId)}: expected a number`);
    }
    const uuid = await this.#ctx.taskIds.uuidOf(Number(taskId));
    const at = uuid?.lastIndexOf("-") ?? -1;
    if (!uuid || at < 0) throw new NotFoundError("task", taskId, {});
    const id = uuid.slice(0, at), position = uuid.slice(at + 1);
    const instance = this.#instance();
    for (const project of await instance.listProjects()) {
      const job = await instance.getJob({ project, id }).catch((e) => {
        if (e instanceof NotFoundError) return undefined;
        throw e;
      });
      if (!job) continue;
      const ref = { project, id: job.id };
      if (position === WHOLE_JOB) return { job: ref, task: undefined };
      const task = (await instance.jobTasks(ref)).find((t) => t.id === position);
      if (task) return { job: ref, task };
    }
    throw new NotFoundError("task", taskId, {});
  }

  /**
   * The log files of a task: `task.log` once it started, none before.
   *
   * @param taskId The numeric task id.
   * @returns The file names.
   */
  async logFiles(taskId: string): Promise<string[]> {
    const { task } = await this.#resolve(taskId);
    return task?.status === "CREATED" ? [] : [TASK_LOG_FILE];
  }

  /**
   * The text of a task's log file.
   *
   * @param taskId The numeric task id.
   * @param fileName `task.log`.
   * @returns The lines the task printed, each ended by a newline.
   */
  async logText(taskId: string, fileName: string): Promise<string> {
    const { job, task } = await this.#resolve(taskId);
    if (fileName !== TASK_LOG_FILE) {
      throw new NotFoundError("log file", fileName, { project: job.project });
    }
    let text = "";
    for await (const line of this.lines(job, task)) text += `${line}\n`;
    return text;
  }

  /**
   * The lines of the job's log that a task printed (all of them for the whole job).
   *
   * @param job The job.
   * @param task The task, or `undefined` for every line.
   * @returns The lines.
   */
  async *lines(job: JobRef, task: JobTask | undefined): AsyncIterable<string> {
    const mark = task ? ` ${task.step}#${task.index} ` : undefined;
    for await (const line of this.#instance().jobLogs(job)) {
      if (mark === undefined || line.indexOf(mark) === line.indexOf(" ")) yield line;
    }
  }

  /**
   * Streams a task's log over a WebSocket (`/log/online/{taskId}`), one text message per line:
   * the lines so far, then new ones (polled every 0.5 s) until the task has ended; then the
   * server closes the socket (1000).
   *
   * @param request The upgrade request (as the HTTP server received it).
   * @param taskId The numeric task id.
   * @returns The upgrade response.
   * @throws {NotFoundError} No such task (answered before any upgrade).
   */
  async online(request: Request, taskId: string): Promise<Response> {
    const at = await this.#resolve(taskId);
    if (request.headers.get("upgrade")?.toLowerCase() !== "websocket") {
      throw ApiError.invalid(T, "expected a WebSocket upgrade request");
    }
    const { socket, response } = Deno.upgradeWebSocket(request);
    this.#sockets.add(socket);
    socket.onopen = () => void this.#stream(socket, at);
    socket.onclose = () => this.#sockets.delete(socket);
    return response;
  }

  async #stream(socket: WebSocket, at: TaskRef): Promise<void> {
    const instance = this.#instance();
    let seen = 0;
    try {
      while (socket.readyState === WebSocket.OPEN) {
        // The status first: a task seen ended has written all its lines by then.
        const job = await instance.getJob(at.job);
        const task = at.task && (await instance.jobTasks(at.job)).find((t) => t.id === at.task!.id);
        const ended = FINAL_STATUSES.includes(job.status) ||
          (task !== undefined && ["SUCCESS", "FAIL", "CANCELED"].includes(task.status));
        let n = 0;
        for await (const line of this.lines(at.job, at.task)) {
          if (n++ >= seen && socket.readyState === WebSocket.OPEN) socket.send(line);
        }
        seen = Math.max(seen, n);
        if (ended) break;
        await new Promise((resolve) => setTimeout(resolve, ONLINE_POLL_MS));
      }
    } catch {
      // The job went away (removed) or the store closed: end the stream.
    } finally {
      if (socket.readyState === WebSocket.OPEN) socket.close(1000, "the task has ended");
    }
  }

  /** Closes the open log streams. */
  close(): void {
    for (const socket of this.#sockets) {
      if (socket.readyState === WebSocket.OPEN) socket.close(1001, "the server is stopping");
    }
    this.#sockets.clear();
  }
}

/**
 * The log sub-app, to mount at `/api/v1/log`.
 *
 * @param tasks The tasks of the served instance.
 * @returns The sub-app.
 */
export function logRoutes(tasks: Tasks): Hono<ServerEnv> {
  return resource(T)
    .get("/offline/:taskId", async (c) => ok(c, await tasks.logFiles(param(c, "taskId"))))
    .get("/offline/:taskId/:fileName", async (c) => {
      const text = await tasks.logText(param(c, "taskId"), param(c, "fileName"));
      return c.text(text, 200, { "content-type": "text/plain; charset=utf-8" });
    })
    .get("/online/:taskId", (c) => tasks.online(c.req.raw, param(c, "taskId")));
}
