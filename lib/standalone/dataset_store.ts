/**
 * Standalone datasets: each version's rows in the datastore table
 * `project/<project>/dataset/<name>/<v[:2]>/<v>/meta` (key `id`, features as `features/<name>`
 * columns, as the Python SDK's `meta` rows), and its manifest at
 * `<root>/<project>/dataset/<name>/<v[:2]>/<v>.swds/_manifest.yaml`. Rows are written first; the
 * manifest and the tags last, so a failed build is never visible (and its rows are deleted).
 *
 * @module
 */

import { join } from "node:path";
import type { Datastore, Key, Row } from "../../datastore/mod.ts";
import { BundleStore } from "./_bundles.ts";
import { NotFoundError } from "../sdk/errors.ts";
import { formatManifestTime, manifestTime, readYaml, writeYaml } from "./files.ts";
import { newUniqueId } from "./unique_id.ts";
import type {
  ArtifactRef,
  BuildDatasetOptions,
  DatasetExport,
  DatasetRecord,
  DatasetRow,
  ImportOptions,
  ImportResult,
} from "../sdk/instance.ts";
import { checkVersion } from "./_bundle_import.ts";
import { checkName } from "../sdk/uri.ts";

const BATCH = 1000;

/** The datasets of one standalone project. */
export class DatasetStore {
  readonly #project: string;
  readonly #ds: Datastore;
  readonly #bundles: BundleStore;

  /**
   * Creates it.
   *
   * @param root The storage root.
   * @param where The project and the open datastore.
   */
  constructor(root: string, where: { project: string; ds: Datastore }) {
    this.#project = where.project;
    this.#ds = where.ds;
    this.#bundles = new BundleStore(root, { project: where.project, type: "dataset" });
  }

  /** The table holding a version's rows. */
  table(name: string, version: string): string {
    return `project/${this.#project}/dataset/${name}/${version.slice(0, 2)}/${version}/meta`;
  }

  /** Builds a new version from rows. */
  build(options: BuildDatasetOptions): Promise<DatasetRecord> {
    const name = checkName("dataset", options.name);
    const rows = options.rows as Iterable<Row> | AsyncIterable<Row> | undefined;
    if (
      !rows ||
      (typeof (rows as Iterable<Row>)[Symbol.iterator] !== "function" &&
        typeof (rows as AsyncIterable<Row>)[Symbol.asyncIterator] !== "function")
    ) {
      throw new TypeError(
        `Cannot build dataset '${name}': rows must be an iterable or async iterable`,
      );
    }
    async function* stored() {
      let index = 0;
      for await (const row of rows!) yield toStored(name, row, index++);
    }
    return this.#write(name, newUniqueId(), stored(), {
      onProgress: (n) => options.onProgress?.(n),
    });
  }

  /**
   * Writes a version's stored rows into its table, then its manifest and tags; a failure or an
   * abort deletes the rows written and leaves no version.
   */
  async #write(
    name: string,
    version: string,
    rows: AsyncIterable<Row>,
    options: {
      manifest?: Record<string, unknown>;
      onProgress?: (rows: number) => void;
      signal?: AbortSignal;
    },
  ): Promise<DatasetRecord> {
    const table = this.table(name, version);
    const written: Key[] = [];
    let batch: Row[] = [];
    let count = 0;
    let revision = 0;
    const flush = async () => {
      if (!batch.length) return;
      options.signal?.throwIfAborted();
      revision = await this.#ds.update(table, batch);
      for (const r of batch) written.push(r.id as Key);
      batch = [];
      options.onProgress?.(count);
    };
    try {
      for await (const row of rows) {
        batch.push(row);
        count++;
        if (batch.length >= BATCH) await flush();
      }
      await flush();
      options.signal?.throwIfAborted();
      const created = new Date();
      const summary = { rows: count, updated_rows: count, deleted_rows: 0, blobs_byte_size: 0 };
      await writeYaml(join(this.#bundles.versionDir(name, version), "_manifest.yaml"), {
        version,
        name,
        created_at: formatManifestTime(created),
        created_time: created.getTime(),
        message: "",
        build: { os: Deno.build.os, starwhale: "sdk-ts" },
        ...options.manifest,
        table,
        dataset_summary: {
          ...summary,
          ...(options.manifest?.dataset_summary as object),
          rows: count,
        },
        data_datastore_revision: String(revision),
        info_datastore_revision: "",
      });
      await this.#bundles.addVersion(name, version);
    } catch (e) {
      for (let i = 0; i < written.length; i += BATCH) {
        await this.#ds.delete(table, written.slice(i, i + BATCH)).catch(() => {});
      }
      await Deno.remove(this.#bundles.versionDir(name, version), { recursive: true }).catch(
        () => {},
      );
      throw e;
    }
    return await this.get({ project: this.#project, name, version });
  }

  /** A version's record, manifest and stored rows, to copy it to another instance. */
  async export(ref: ArtifactRef): Promise<DatasetExport> {
    const { table: _, revision: __, ...record } = await this.resolve(ref);
    const manifest = await readYaml(
      join(this.#bundles.versionDir(record.name, record.version), "_manifest.yaml"),
    ) ?? {};
    return { record, manifest, rows: this.rows(ref, {}) };
  }

  /**
   * Stores a version from another instance under its own name and version (tagged `latest` and
   * the next `vN`); a no-op when the version is here already. The version is listed only once
   * every row is written.
   */
  async import(
    dataset: DatasetExport,
    options: ImportOptions = {},
  ): Promise<ImportResult<DatasetRecord>> {
    const name = checkName("dataset", dataset.record.name);
    const version = checkVersion("dataset", dataset.record.version);
    const ref = { project: this.#project, name, version };
    if (await this.#bundles.hasVersion(name, version)) {
      return { record: await this.get(ref), copied: false };
    }
    const total = dataset.record.rows || null;
    const { table: _, data_datastore_revision: __, ...manifest } = dataset.manifest;
    const record = await this.#write(name, version, dataset.rows, {
      manifest: { ...manifest, name, version },
      signal: options.signal,
      onProgress: (done) => options.onProgress?.({ unit: "rows", done, total }),
    });
    return { record, copied: true };
  }

  /**
   * Records a version whose rows another client already wrote to a table of this dataset
   * (Starwhale's upload flow: rows through `updateTable`, then the manifest). The manifest's
   * `table` names the table (else `_current/meta`, read at `data_datastore_revision`).
   */
  async commitManifest(
    version: string,
    manifest: Record<string, unknown> & { name: string },
  ): Promise<ImportResult<DatasetRecord>> {
    const name = checkName("dataset", manifest.name);
    checkVersion("dataset", version);
    const ref = { project: this.#project, name, version };
    if (await this.#bundles.hasVersion(name, version)) {
      return { record: await this.get(ref), copied: false };
    }
    const created = new Date();
    await writeYaml(join(this.#bundles.versionDir(name, version), "_manifest.yaml"), {
      created_at: formatManifestTime(created),
      created_time: created.getTime(),
      ...manifest,
      version,
    });
    try {
      await this.#bundles.addVersion(name, version);
    } catch (e) {
      await Deno.remove(this.#bundles.versionDir(name, version), { recursive: true })
        .catch(() => {});
      throw e;
    }
    return { record: await this.get(ref), copied: true };
  }

  /** Resolves a name plus version/tag/prefix. */
  async get(ref: ArtifactRef): Promise<DatasetRecord> {
    const { table: _, revision: __, ...record } = await this.resolve(ref);
    return record;
  }

  /** Resolves a name plus version/tag/prefix, with the table holding its rows. */
  async resolve(
    ref: ArtifactRef,
  ): Promise<DatasetRecord & { table: string; revision: number | undefined }> {
    const name = checkName("dataset", ref.name);
    const { version, tags } = await this.#bundles.resolve(name, ref.version ?? "");
    const m = await readYaml(join(this.#bundles.versionDir(name, version), "_manifest.yaml"));
    if (!m) {
      throw new NotFoundError("dataset version", `${name}/version/${version}`, {
        project: this.#project,
        detail: "its manifest is missing",
      });
    }
    const summary = (m.dataset_summary ?? {}) as Record<string, unknown>;
    return {
      project: this.#project,
      name,
      version,
      tags,
      createdAt: new Date(manifestTime(m, "created") || 0).toISOString(),
      rows: Number(summary.rows ?? 0),
      table: typeof m.table === "string" ? m.table : this.table(name, version),
      // A table shared by versions (Starwhale's `_current/meta`) is read as of the version.
      revision: typeof m.table === "string" && m.table.endsWith("/_current/meta")
        ? Number(m.data_datastore_revision) || undefined
        : undefined,
    };
  }

  /** Dataset versions, newest first. */
  list(options: { name?: string } = {}): Promise<DatasetRecord[]> {
    return this.#bundles.list(
      options.name,
      (name, version) => this.get({ project: this.#project, name, version }),
    );
  }

  /** Streams a version's rows in key order; `head` keeps the first N. */
  async *scan(ref: ArtifactRef, options: { head?: number } = {}): AsyncIterable<DatasetRow> {
    const head = options.head ?? 0;
    if (!Number.isInteger(head) || head < 0) {
      throw new RangeError(`Invalid dataset head ${head}: expected an integer >= 0`);
    }
    for await (const row of this.rows(ref, head > 0 ? { limit: head } : {})) {
      const features: Row = {};
      for (const [k, v] of Object.entries(row)) {
        if (k.startsWith("features/")) features[k.slice(9)] = v;
      }
      yield { id: row.id as Key, features };
    }
  }

  /** A version's stored rows, in key order. */
  async *rows(ref: ArtifactRef, options: { limit?: number }): AsyncIterable<Row> {
    const { table, revision } = await this.resolve(ref);
    yield* this.#ds.scan(table, revision === undefined ? options : { ...options, revision });
  }

  /** Removes one version, or all versions of a name (rows stay until forced removal). */
  async remove(ref: ArtifactRef): Promise<void> {
    await this.#bundles.remove(checkName("dataset", ref.name), ref.version);
  }
}

function toStored(name: string, row: Row, index: number): Row {
  if (row === null || typeof row !== "object" || Array.isArray(row)) {
    throw new TypeError(
      `Cannot build dataset '${name}': row ${index} is ${
        Array.isArray(row) ? "an array" : String(row)
      }, expected an object of features`,
    );
  }
  const { id = index, ...features } = row;
  if (!(typeof id === "string" || typeof id === "bigint" || Number.isInteger(id))) {
    throw new TypeError(
      `Cannot build dataset '${name}': row ${index} has id ${
        JSON.stringify(String(id))
      }, expected a string or an integer`,
    );
  }
  const out: Row = { id };
  for (const [k, v] of Object.entries(features)) {
    if (v === undefined || typeof v === "function" || typeof v === "symbol") {
      throw new TypeError(
        `Cannot build dataset '${name}': row ${index} feature '${k}' is ${typeof v}`,
      );
    }
    out[`features/${k}`] = v;
  }
  return out;
}
