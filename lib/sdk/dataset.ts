/**
 * `Dataset`: build versioned datasets from arrays, async iterables, JSON Lines or CSV, and read
 * them back.
 *
 * @module
 */

import type { Row } from "../../datastore/mod.ts";
import { type ClientOptions, openProject, openResource } from "./connect.ts";
import { readCsv, readJsonl } from "./dataset_sources.ts";
import type { BuildDatasetOptions, DatasetRecord, DatasetRow, Instance } from "./instance.ts";
import { artifactReads, artifactStore } from "./roles.ts";
import { artifactUri } from "./_artifact_uri.ts";
import { copyArtifact, type CopyOptions } from "./copy.ts";

/** Where rows come from: rows, or a JSON Lines / CSV file. */
export type DatasetSource =
  | Iterable<Row>
  | AsyncIterable<Row>
  | { jsonl: string }
  | { csv: string };

/**
 * A stored dataset version. Rows are keyed by `id` (the row's own `id`, else its index).
 *
 * @example Build from an array and read the head
 * ```ts
 * import assert from "node:assert/strict";
 * import { Dataset, StandaloneInstance } from "@starwhale/sdk";
 * const root = await Deno.makeTempDir();
 * {
 *   await using instance = new StandaloneInstance(root);
 *   const ds = await Dataset.build("pairs", [{ x: 1, label: "a" }, { x: 2, label: "b" }], { instance });
 *   const [first] = await ds.head(1);
 *   assert(ds.rows === 2 && first.id === 0 && first.features.label === "a");
 * }
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export class Dataset {
  /** The instance holding it. */
  readonly instance: Instance;
  /** Its record: name, version, tags, rows, creation time. */
  readonly record: DatasetRecord;

  private constructor(instance: Instance, record: DatasetRecord) {
    this.instance = instance;
    this.record = record;
  }

  /**
   * Builds a new version (tagged `latest` and `vN`). A failure leaves no version behind.
   *
   * @param name Dataset name.
   * @param source Rows, an async iterable of rows, `{ jsonl: path }` or `{ csv: path }`.
   * @param options Project, progress callback, config or instance.
   * @returns The new version.
   * @throws {TypeError} Invalid name or row. {SyntaxError} Unparsable file.
   */
  static async build(
    name: string,
    source: DatasetSource,
    options: Pick<BuildDatasetOptions, "onProgress"> & ClientOptions & { project?: string } = {},
  ): Promise<Dataset> {
    const { uri: p, instance } = openProject(options.project ?? "", options);
    const rows = source && typeof source === "object" && "jsonl" in source
      ? readJsonl(source.jsonl)
      : source && typeof source === "object" && "csv" in source
      ? readCsv(source.csv)
      : source;
    const record = await artifactStore(instance, "building a dataset").buildDataset(p.project, {
      name,
      rows,
      onProgress: options.onProgress,
    });
    return new Dataset(instance, record);
  }

  /**
   * Finds a dataset version by URI (`mnist`, `mnist/version/v0`, a prefix, a full URI).
   *
   * @throws {NotFoundError} Unknown dataset or version.
   */
  static async get(uri: string, options: ClientOptions = {}): Promise<Dataset> {
    const { uri: r, instance } = openResource(uri, { ...options, type: "dataset" });
    return new Dataset(
      instance,
      await instance.getDataset({ project: r.project, name: r.name, version: r.version }),
    );
  }

  /**
   * Dataset versions of a project, newest first.
   *
   * @throws {UnsupportedError} On a server that has no dataset list route.
   */
  static async list(
    project = "",
    options: ClientOptions & { name?: string } = {},
  ): Promise<Dataset[]> {
    const { uri: p, instance } = openProject(project, options);
    const store = artifactReads(instance, "listing datasets");
    return (await store.listDatasets(p.project, { name: options.name })).map((r) =>
      new Dataset(instance, r)
    );
  }

  /**
   * Copies a dataset version to another instance or project, as `swcli dataset copy` does: all or
   * nothing (a failed or aborted copy leaves nothing listed there), and a no-op when the
   * destination has the version already. The copy keeps the version and its own tags; `latest`
   * and the next `vN` come from the destination.
   *
   * Needs `--allow-net` for a server, `--allow-read --allow-write --allow-env` for the local root.
   *
   * @param src The version's URI (`mnist`, `mnist/version/v1`, `cloud://dev/project/self/dataset/mnist`).
   * @param dest A project URI (`cloud://dev/project/self`, `local/project/self`), or a dataset URI
   *   without a version to rename the copy.
   * @param options `config`, `source`/`target` instances, `onProgress`, `signal`.
   * @returns The copy, on the destination instance.
   * @throws {NotFoundError} Unknown source. {UnsupportedError} An instance that cannot move
   *   datasets. {TypeError} A malformed URI.
   * @example Copy a version from one local root to another, twice
   * ```ts
   * import assert from "node:assert/strict";
   * import { Dataset, StandaloneInstance } from "@starwhale/sdk";
   * const [a, b] = [await Deno.makeTempDir(), await Deno.makeTempDir()];
   * {
   *   await using source = new StandaloneInstance(a);
   *   await using target = new StandaloneInstance(b);
   *   const built = await Dataset.build("pairs", [{ x: 1 }, { x: 2 }], { instance: source });
   *   const copy = await Dataset.copy("pairs", "self", { source, target });
   *   assert.equal(copy.version, built.version);
   *   assert.deepEqual((await copy.head(1))[0].features, { x: 1 });
   *   await Dataset.copy("pairs", "self", { source, target }); // already there: nothing is written
   *   assert.equal((await Dataset.list("self", { instance: target })).length, 1);
   * }
   * await Deno.remove(a, { recursive: true });
   * await Deno.remove(b, { recursive: true });
   * ```
   */
  static async copy(src: string, dest: string, options: CopyOptions = {}): Promise<Dataset> {
    const result = await copyArtifact("dataset", src, dest, options);
    return new Dataset(result.instance, result.record);
  }

  /** Dataset name. */
  get name(): string {
    return this.record.name;
  }

  /** Full version. */
  get version(): string {
    return this.record.version;
  }

  /** Tags of this version. */
  get tags(): string[] {
    return this.record.tags;
  }

  /** Number of rows. */
  get rows(): number {
    return this.record.rows;
  }

  /** Full URI, e.g. `local/project/self/dataset/mnist/version/<v>`. */
  get uri(): string {
    return artifactUri(this.instance, { ...this.record, type: "dataset" });
  }

  /**
   * Streams the rows in key order; `head` keeps the first N. On a server the rows come through
   * `scanTable` of the table the version's manifest names.
   *
   * @throws {NotFoundError} When the version is gone.
   */
  scan(options: { head?: number } = {}): AsyncIterable<DatasetRow> {
    return artifactReads(this.instance, "reading a dataset's rows").scanDataset(
      { project: this.record.project, name: this.name, version: this.version },
      options,
    );
  }

  /** The first `n` rows. */
  async head(n: number): Promise<DatasetRow[]> {
    if (n === 0) return [];
    return await Array.fromAsync(this.scan({ head: n }));
  }

  /**
   * Removes this version.
   *
   * @throws {UnsupportedError} For a dataset on a server.
   */
  async remove(): Promise<void> {
    await artifactStore(this.instance, "removing a dataset").removeDataset({
      project: this.record.project,
      name: this.name,
      version: this.version,
    });
  }
}
