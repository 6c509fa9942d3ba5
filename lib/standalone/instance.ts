/**
 * `StandaloneInstance`: the embedded instance. Files in the swcli layout under the storage root
 * plus the SDK's datastore (`<root>/.sdk-datastore`), shared per root within the process. Jobs run
 * synchronously in-process on that same datastore handle (`lib/jobs`: `prepareJob`, then
 * `runHere`), their handlers' output kept in the job's `logs/job.log`. The instance has every
 * role of the `Instance` seam, including the standalone-only `ArtifactStore` and `JobLogs`.
 *
 * @module
 */

import { join, resolve } from "node:path";
import type { ColumnSchema, Datastore, Durability, Row } from "../../datastore/mod.ts";
import { HeldDatastore } from "./_held_datastore.ts";
import { DatasetStore } from "./dataset_store.ts";
import { AmbiguousError, JobStateError, NotFoundError } from "../sdk/errors.ts";
import { listDir, readYaml } from "./files.ts";
import type {
  ArtifactRef,
  ArtifactStore,
  ArtifactTransfer,
  BuildDatasetOptions,
  BuildModelOptions,
  CreateJobOptions,
  DatasetExport,
  DatasetRecord,
  DatasetRow,
  ImportOptions,
  ImportResult,
  Instance,
  JobLogs,
  JobRecord,
  JobRef,
  JobTask,
  ListJobsOptions,
  ModelExport,
  ModelRecord,
  PageInfo,
  ScanTableOptions,
  UpdateTableOptions,
} from "../sdk/instance.ts";
import { jobOwnRow, jobOwnSummary } from "../sdk/instance.ts";
import type { JobCopyRecord, JobCopyTasks } from "../sdk/instance.ts";
import {
  type JobControl,
  jobLogPath,
  jobTasksPath,
  prepareJob,
  readJobLog,
  readJobTasks,
  requestJobControl,
  runHere,
  runningJobs,
  scanExisting,
  settleAllOrphans,
  settleOrphans,
  withJobRecord,
  writeJobLog,
  writeJobTasks,
} from "../jobs/mod.ts";
import {
  isFinal,
  JobStore,
  jobTableName,
  publicJob,
  type StoredJob,
  summaryTableName,
} from "./job_store.ts";
import { ModelStore } from "./model_store.ts";
import type { StepSpec } from "../sdk/handlers.ts";
import { tagBundle } from "./bundle_versions.ts";
import { checkName } from "../sdk/uri.ts";

/** Options of {@link StandaloneInstance}. */
export interface StandaloneOptions {
  /** Datastore durability when this instance opens it; default the datastore's (`fsync`). */
  durability?: Durability;
  /**
   * Keep the datastore open from first use until `close()` (default `true`). With `false`, every
   * operation leases it and the last lease closes it, so nothing stays open between calls.
   */
  keepOpen?: boolean;
}

/**
 * The standalone instance at a storage root.
 *
 * Needs `--allow-read` and `--allow-write` on the root.
 *
 * @example Build a dataset and list the projects
 * ```ts
 * import assert from "node:assert/strict";
 * import { StandaloneInstance } from "@starwhale/sdk";
 * const root = await Deno.makeTempDir();
 * {
 *   await using sw = new StandaloneInstance(root);
 *   const ds = await sw.buildDataset("self", { name: "digits", rows: [{ x: 1 }, { x: 2 }] });
 *   assert(ds.rows === 2 && ds.tags.includes("v0"));
 * }
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export class StandaloneInstance implements Instance, ArtifactStore, ArtifactTransfer, JobLogs {
  /** Always `standalone`. */
  readonly kind = "standalone" as const;
  /** Always `local`. */
  readonly url = "local";
  /** The storage root. */
  readonly root: string;
  readonly #ds: HeldDatastore;

  /**
   * Creates it.
   *
   * @param root The storage root (e.g. `~/.starwhale`).
   * @param options Durability and whether to keep the datastore open.
   */
  constructor(root: string, options: StandaloneOptions = {}) {
    if (typeof root !== "string" || root === "") {
      throw new TypeError(`Invalid storage root ${JSON.stringify(root)}`);
    }
    this.root = resolve(root);
    this.#ds = new HeldDatastore(this.root, options);
  }

  #jobs(project: string, ds: Datastore): JobStore {
    return new JobStore(this.root, { project: checkName("project", project), ds });
  }

  #models(project: string): ModelStore {
    return new ModelStore(this.root, checkName("project", project));
  }

  #datasets(project: string, ds: Datastore): DatasetStore {
    return new DatasetStore(this.root, { project: checkName("project", project), ds });
  }

  async listProjects(): Promise<string[]> {
    const names = (await listDir(this.root))
      .filter((e) => e.isDirectory && /^[A-Za-z_][A-Za-z0-9_.-]{0,79}$/.test(e.name))
      .map((e) => e.name);
    return [...new Set(["self", ...names])].sort();
  }

  listJobs(project: string, options: ListJobsOptions = {}): Promise<[JobRecord[], PageInfo]> {
    return this.#ds.with(async (ds) => {
      const [jobs, page] = await this.#jobs(project, ds).list(options);
      const settled = await settleOrphans(this.root, { project, ds }, jobs);
      return [settled.map(publicJob), page];
    });
  }

  getJob(ref: JobRef): Promise<JobRecord> {
    return this.#ds.with(async (ds) => publicJob(await this.#job(ref, ds)));
  }

  /** A job by id or prefix, settled if its runner is gone. */
  async #job(ref: JobRef, ds: Datastore): Promise<StoredJob> {
    const job = await this.#jobs(ref.project, ds).get(ref.id);
    return (await settleOrphans(this.root, { project: ref.project, ds }, [job]))[0];
  }

  createJob(project: string, options: CreateJobOptions): Promise<JobRecord> {
    return this.#ds.with(async (ds) => {
      const runner = "a standalone instance";
      const prepared = await prepareJob(this.root, { project, ds, runner }, options);
      const { signal, onProgress } = options;
      return await runHere(this.root, { ds, prepared, signal, onProgress });
    });
  }

  jobInfo(ref: JobRef): Promise<Record<string, unknown>> {
    return this.#ds.with(async (ds) => {
      const store = this.#jobs(ref.project, ds);
      const job = await store.get(ref.id);
      const manifest = (await readYaml(join(store.jobDir(job.id), "_manifest.yaml"))) ?? {};
      const summary = (await ds.get(summaryTableName(ref.project), job.id)) ?? {};
      return {
        manifest,
        report: { summary, kind: typeof summary.kind === "string" ? summary.kind : "" },
      };
    });
  }

  jobSummary(ref: JobRef): Promise<Row> {
    return this.#ds.with(async (ds) => {
      const job = await this.#jobs(ref.project, ds).get(ref.id);
      return jobOwnSummary((await ds.get(summaryTableName(ref.project), job.id)) ?? {});
    });
  }

  jobTables(ref: JobRef): Promise<string[]> {
    return this.#ds.with(async (ds) => {
      const job = await this.#jobs(ref.project, ds).get(ref.id);
      const prefix = jobTableName(ref.project, job.id, "");
      return ds.tables(prefix).map((t) => t.slice(prefix.length));
    });
  }

  scanJobTable(ref: JobRef, table: string, options: ScanTableOptions = {}): AsyncIterable<Row> {
    return this.#ds.stream(async function* (this: StandaloneInstance, ds: Datastore) {
      const job = await this.#jobs(ref.project, ds).get(ref.id);
      for await (const row of scanExisting(ds, jobTableName(ref.project, job.id, table), options)) {
        yield jobOwnRow(table, row);
      }
    }.bind(this));
  }

  jobTableLocation(ref: JobRef): Promise<{ prefix: string; summary: string }> {
    const project = checkName("project", ref.project);
    return Promise.resolve({
      prefix: jobTableName(project, checkJobId(ref.id), ""),
      summary: summaryTableName(project),
    });
  }

  exportJob(ref: JobRef): Promise<JobCopyRecord> {
    return this.#ds.with(async (ds) => {
      const job = await this.#job(ref, ds);
      const dir = this.#jobs(ref.project, ds).jobDir(job.id);
      return {
        record: publicJob(job),
        manifest: (await readYaml(join(dir, "_manifest.yaml"))) ?? {},
      };
    });
  }

  copiedJob(ref: JobRef): Promise<JobRecord | undefined> {
    return this.#ds.with(async (ds) => {
      const job = await this.#exactJob(this.#jobs(ref.project, ds), checkJobId(ref.id));
      return job && publicJob(job);
    });
  }

  /** The job with exactly this id, live or removed, or `undefined`. */
  async #exactJob(store: JobStore, id: string): Promise<StoredJob | undefined> {
    for (const removed of [false, true]) {
      const job = await store.get(id, { removed }).catch((e) => {
        if (e instanceof NotFoundError || e instanceof AmbiguousError) return undefined;
        throw e;
      });
      if (job?.id === id) return job;
    }
    return undefined;
  }

  importJob(project: string, copy: JobCopyRecord): Promise<JobRecord> {
    return this.#ds.with(async (ds) => {
      const store = this.#jobs(project, ds);
      const { record, manifest } = copy;
      const id = checkJobId(record.id);
      if (!isFinal(record.status)) {
        throw new JobStateError("import", {
          id,
          status: record.status,
          reason: `it is ${record.status}: only a job that has ended can be copied`,
        });
      }
      const job: StoredJob = {
        ...record,
        id,
        project,
        removed: false,
        modelSrcDir: typeof manifest.model_src_dir === "string" ? manifest.model_src_dir : "",
      };
      return await withJobRecord(id, async () => {
        const there = await this.#exactJob(store, id);
        if (there) return publicJob(there);
        // The manifest makes the job visible: the copy writes it after the tables.
        await store.save(job);
        return publicJob(job);
      });
    });
  }

  importJobTasks(
    ref: JobRef,
    copy: JobCopyTasks,
    options: { append?: boolean } = {},
  ): Promise<void> {
    return this.#ds.with(async (ds) => {
      const store = this.#jobs(ref.project, ds);
      const id = checkJobId(ref.id);
      await withJobRecord(id, async () => {
        if (await this.#exactJob(store, id)) return;
        // The task ids here are positions in the job, whatever the source numbered them.
        const tasks = copy.tasks.map((task, i) => ({ ...task, id: String(i) }));
        await writeJobTasks(jobTasksPath(store.jobDir(id)), tasks);
        await writeJobLog(jobLogPath(store.jobDir(id)), copy.log, options);
      });
    });
  }

  jobLogs(ref: JobRef): AsyncIterable<string> {
    return this.#ds.stream(async function* (this: StandaloneInstance, ds: Datastore) {
      const job = await this.#jobs(ref.project, ds).get(ref.id);
      yield* readJobLog(jobLogPath(this.#jobs(ref.project, ds).jobDir(job.id, job.removed)));
    }.bind(this));
  }

  jobTasks(ref: JobRef): Promise<JobTask[]> {
    return this.#ds.with(async (ds) => {
      const store = this.#jobs(ref.project, ds);
      const job = await store.get(ref.id);
      return (await readJobTasks(jobTasksPath(store.jobDir(job.id, job.removed)))) ?? [];
    });
  }

  cancelJob(ref: JobRef): Promise<void> {
    return this.#control(ref, "cancel", async (job, control, { store, ds }) => {
      if (control) {
        control.cancel();
        await withJobRecord(job.id, () => store.save({ ...job, status: "CANCELLING" }));
        return;
      }
      const where = { project: ref.project, ds };
      const [after] = await settleOrphans(this.root, where, [job], { cancel: true });
      // Its runner lives in another process: ask it through the control row it polls.
      if (after.status === "CANCELED") return;
      if (!await requestJobControl(ds, job.id, "cancel")) throw elsewhere("cancel", job);
    });
  }

  pauseJob(ref: JobRef): Promise<void> {
    return this.#control(ref, "pause", async (job, control, { store, ds }) => {
      if (job.status !== "RUNNING") throw new JobStateError("pause", job);
      if (!control) {
        if (!await requestJobControl(ds, job.id, "pause")) throw elsewhere("pause", job);
        return;
      }
      control.pause();
      await withJobRecord(job.id, () => store.save({ ...job, status: "PAUSED" }));
    });
  }

  resumeJob(ref: JobRef): Promise<void> {
    return this.#control(ref, "resume", async (job, control, { store, ds }) => {
      if (job.status !== "PAUSED") throw new JobStateError("resume", job);
      if (!control) {
        if (!await requestJobControl(ds, job.id, "resume")) throw elsewhere("resume", job);
        return;
      }
      control.resume();
      await withJobRecord(job.id, () => store.save({ ...job, status: "RUNNING" }));
    });
  }

  /** Runs a control operation on a job that has not ended (settled first if its runner is gone). */
  #control(
    ref: JobRef,
    operation: string,
    fn: (
      job: StoredJob,
      control: JobControl | undefined,
      where: { store: JobStore; ds: Datastore },
    ) => Promise<void>,
  ): Promise<void> {
    return this.#ds.with(async (ds) => {
      const store = this.#jobs(ref.project, ds);
      let job = await store.get(ref.id);
      const control = runningJobs(this.root).get(job.id);
      if (!control && operation !== "cancel") job = await this.#job(ref, ds);
      if (isFinal(job.status)) throw new JobStateError(operation, job);
      await fn(job, control, { store, ds });
    });
  }

  removeJob(ref: JobRef, options: { force?: boolean } = {}): Promise<void> {
    return this.#ds.with(async (ds) => {
      const store = this.#jobs(ref.project, ds);
      const job = await store.get(ref.id, { removed: false }).catch(async (e) => {
        if (options.force && e instanceof NotFoundError) {
          return await store.get(ref.id, { removed: true });
        }
        throw e;
      });
      await store.remove(job, {
        force: options.force,
        running: runningJobs(this.root).has(job.id),
      });
    });
  }

  /**
   * The removed jobs of a project (what {@link StandaloneInstance.recoverJob} brings back), newest
   * first.
   *
   * @param project The project.
   * @returns Their records.
   */
  listRemovedJobs(project: string): Promise<JobRecord[]> {
    return this.#ds.with(async (ds) =>
      (await this.#jobs(project, ds).removedJobs()).map(publicJob)
    );
  }

  recoverJob(ref: JobRef): Promise<void> {
    return this.#ds.with(async (ds) => {
      const store = this.#jobs(ref.project, ds);
      await store.recover(await store.get(ref.id, { removed: true }));
    });
  }

  buildModel(project: string, options: BuildModelOptions): Promise<ModelRecord> {
    return this.#models(project).build(options);
  }

  listModels(project: string, options: { name?: string } = {}): Promise<ModelRecord[]> {
    return this.#models(project).list(options);
  }

  getModel(ref: ArtifactRef): Promise<ModelRecord> {
    return this.#models(ref.project).get(ref);
  }

  /**
   * What a server answers of a model version besides its record: its step graphs as its
   * `jobs.yaml` holds them (each runnable handler to every step it runs, the steps it needs
   * first) and the version of the runtime packaged with it.
   */
  modelPackageFacts(
    ref: ArtifactRef,
  ): Promise<{ jobs: Record<string, StepSpec[]>; builtInRuntime?: string }> {
    return this.#models(ref.project).packageFacts(ref);
  }

  removeModel(ref: ArtifactRef): Promise<void> {
    return this.#models(ref.project).remove(ref);
  }

  buildDataset(project: string, options: BuildDatasetOptions): Promise<DatasetRecord> {
    return this.#ds.with((ds) => this.#datasets(project, ds).build(options));
  }

  listDatasets(project: string, options: { name?: string } = {}): Promise<DatasetRecord[]> {
    return this.#ds.with((ds) => this.#datasets(project, ds).list(options));
  }

  getDataset(ref: ArtifactRef): Promise<DatasetRecord> {
    return this.#ds.with((ds) => this.#datasets(ref.project, ds).get(ref));
  }

  removeDataset(ref: ArtifactRef): Promise<void> {
    return this.#ds.with((ds) => this.#datasets(ref.project, ds).remove(ref));
  }

  scanDataset(ref: ArtifactRef, options: { head?: number } = {}): AsyncIterable<DatasetRow> {
    return this.#ds.stream((ds) => this.#datasets(ref.project, ds).scan(ref, options));
  }

  exportModel(ref: ArtifactRef): Promise<ModelExport> {
    return this.#models(ref.project).export(ref);
  }

  importModel(
    project: string,
    model: ModelExport,
    options: ImportOptions = {},
  ): Promise<ImportResult<ModelRecord>> {
    return this.#models(project).import(model, options);
  }

  async exportDataset(ref: ArtifactRef): Promise<DatasetExport> {
    const exported = await this.#ds.with((ds) => this.#datasets(ref.project, ds).export(ref));
    const pinned = { ...ref, name: exported.record.name, version: exported.record.version };
    const rows = this.#ds.stream((ds) => this.#datasets(ref.project, ds).rows(pinned, {}));
    return { ...exported, rows };
  }

  importDataset(
    project: string,
    dataset: DatasetExport,
    options: ImportOptions = {},
  ): Promise<ImportResult<DatasetRecord>> {
    return this.#ds.with((ds) => this.#datasets(project, ds).import(dataset, options));
  }

  async addTags(kind: "model" | "dataset", ref: ArtifactRef, tags: string[]): Promise<string[]> {
    const added: string[] = [];
    const bundle = { root: this.root, project: checkName("project", ref.project), type: kind };
    for (const tag of tags) {
      if (/^(latest|v\d+)$/.test(tag)) continue;
      try {
        await tagBundle({ ...bundle, name: ref.name, version: ref.version ?? "" }, { tags: [tag] });
        added.push(tag);
      } catch (e) {
        // A tag another version holds here stays there.
        if (!(e instanceof TypeError && /the tag is on version/.test(e.message))) throw e;
      }
    }
    return added;
  }

  /**
   * Records a dataset version whose rows a client wrote through `updateTable` (the server's
   * dataset upload); see `DatasetStore.commitManifest`.
   */
  commitDatasetManifest(
    project: string,
    version: string,
    manifest: Record<string, unknown> & { name: string },
  ): Promise<ImportResult<DatasetRecord>> {
    return this.#ds.with((ds) => this.#datasets(project, ds).commitManifest(version, manifest));
  }

  /** A dataset version's stored manifest (what a server answers as `versionMeta`). */
  datasetManifest(ref: ArtifactRef): Promise<Record<string, unknown>> {
    return this.#ds.with(async (ds) =>
      (await this.#datasets(ref.project, ds).export(ref)).manifest
    );
  }

  listTables(prefix: string): Promise<string[]> {
    return this.#ds.with((ds) => Promise.resolve(ds.tables(prefix)));
  }

  scanTable(table: string, options: ScanTableOptions = {}): AsyncIterable<Row> {
    return this.#ds.stream((ds) => scanExisting(ds, table, options));
  }

  tableSchema(table: string): Promise<ColumnSchema[]> {
    return this.#ds.with(async (ds) => (await ds.schema(table))?.columns ?? []);
  }

  updateTable(table: string, rows: Row[], options: UpdateTableOptions = {}): Promise<number> {
    return this.#ds.with((ds) => ds.update(table, rows, options));
  }

  /**
   * Opens the shared datastore of the root (if needed) and holds it until {@link close}, e.g.
   * for a server that needs the handle synchronously afterwards ({@link datastore}). Jobs an
   * earlier process left unfinished whose runner is gone (killed, or a stopped server) are ended
   * FAIL with the reason in their error message; listing or reading a job does the same for it.
   *
   * The handle is plumbing for this package's server, so it stays out of the public docs; the
   * engine's own door is `@starwhale/sdk/datastore`.
   *
   * @returns The open datastore.
   * @throws {DatastoreLockedError} When another process holds the root's datastore.
   * @ignore
   */
  async open(): Promise<Datastore> {
    const ds = await this.#ds.open();
    await settleAllOrphans(this.root, ds);
    return ds;
  }

  /**
   * The datastore this instance holds open (after {@link open} or any call), else `undefined`.
   * @ignore
   */
  get datastore(): Datastore | undefined {
    return this.#ds.current;
  }

  /** Releases the datastore lease this instance holds (the last one closes it). */
  async close(): Promise<void> {
    await this.#ds.close();
  }

  /** Same as {@link close}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}

/** A job id that can name a job folder: letters, digits, `_` and `-`, two or more. */
function checkJobId(id: unknown): string {
  if (typeof id !== "string" || !/^[A-Za-z0-9_-]{2,128}$/.test(id)) {
    throw new TypeError(
      `Invalid job id ${JSON.stringify(id)}: expected 2 to 128 letters, digits, '_' or '-'`,
    );
  }
  return id;
}

function elsewhere(operation: string, job: StoredJob): JobStateError {
  if (isFinal(job.status)) return new JobStateError(operation, job);
  return new JobStateError(operation, {
    ...job,
    reason: `it is ${job.status} in another process (control it from there)`,
  });
}
