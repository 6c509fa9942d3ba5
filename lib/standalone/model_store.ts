/**
 * Standalone model packages: `<root>/<project>/model/<name>/<v[:2]>/<v>.swmp/` with
 * `_manifest.yaml`, `src/` (the copied folder) and `src/.starwhale/jobs.yaml`. A build is staged
 * under `<root>/.tmp/` and moved into place only once its handlers were found, so a failed build
 * leaves nothing behind.
 *
 * @module
 */

import { basename, join, resolve } from "node:path";
import { BundleStore } from "./_bundles.ts";
import { HandlerError, NotFoundError } from "../sdk/errors.ts";
import { copyTree, formatManifestTime, manifestTime, readYaml, writeYaml } from "./files.ts";
import { newUniqueId } from "./unique_id.ts";
import type { StepSpec } from "../sdk/handlers.ts";
import type {
  ArtifactRef,
  BuildModelOptions,
  ImportOptions,
  ImportResult,
  ModelExport,
  ModelRecord,
} from "../sdk/instance.ts";
import {
  checkVersion,
  isPythonPackage,
  readBundleFiles,
  writeBundleFiles,
} from "./_bundle_import.ts";
import { discoverSteps, expandJobs, findModules, readModelConfig } from "./model_package.ts";
import { checkName } from "../sdk/uri.ts";

/** A resolved model version, ready to run. */
export interface ResolvedModel extends ModelRecord {
  /** The package sources. */
  srcDir: string;
  /** The folder the package was built from (stack traces name it), when it was recorded. */
  sourceDir: string | undefined;
  /** `python` for a package built by Starwhale's Python client (stored, never run here). */
  language: "typescript" | "python";
  /** `jobs.yaml`: handler key -> expanded steps. */
  jobs: Record<string, StepSpec[]>;
}

/** What {@link ModelStore.packageFacts} reads. */
export interface ModelPackageFacts {
  /** `jobs.yaml`: handler key -> expanded steps. */
  jobs: Record<string, StepSpec[]>;
  /** The version of the runtime packaged with the model, if any. */
  builtInRuntime?: string;
}

/** The model packages of one standalone project. */
export class ModelStore {
  readonly #root: string;
  readonly #project: string;
  readonly #bundles: BundleStore;

  /**
   * Creates it.
   *
   * @param root The storage root.
   * @param project The project.
   */
  constructor(root: string, project: string) {
    this.#root = root;
    this.#project = project;
    this.#bundles = new BundleStore(root, { project, type: "model" });
  }

  /** Builds a new version from a folder. */
  async build(options: BuildModelOptions): Promise<ModelRecord> {
    const dir = resolve(options.dir);
    let stat: Deno.FileInfo;
    try {
      stat = await Deno.stat(dir);
    } catch (e) {
      throw new NotFoundError("model folder", options.dir, { cause: e });
    }
    if (!stat.isDirectory) {
      throw new TypeError(`Cannot build model from '${options.dir}': not a folder`);
    }
    const config = await readModelConfig(dir);
    const name = checkName("model", options.name ?? config.name ?? basename(dir));
    const version = newUniqueId();
    const staging = join(this.#root, ".tmp", `model-${version}`);
    try {
      const src = join(staging, "src");
      const copied = await copyTree(dir, src);
      const modules = options.modules ??
        (config.modules.length ? config.modules : await findModules(src));
      let jobs: ReturnType<typeof expandJobs>;
      try {
        jobs = expandJobs(await discoverSteps(src, modules));
      } catch (e) {
        if (!(e instanceof HandlerError)) throw e;
        const detail = mapSourcePaths(e.detail, { from: src, to: dir });
        throw new HandlerError(e.handler, detail, { model: name, cause: e });
      }
      await writeYaml(join(src, ".starwhale", "jobs.yaml"), jobs);
      await writeYaml(join(src, ".starwhale", "model.yaml"), {
        name,
        run: { modules },
        version: "1.0",
      });
      const created = new Date();
      await writeYaml(join(staging, "_manifest.yaml"), {
        version,
        name,
        created_at: formatManifestTime(created),
        created_time: created.getTime(),
        size: copied.size,
        modules,
        handlers: Object.keys(jobs).sort(),
        resources: copied.files.map((f) => ({
          name: basename(f.path),
          path: `src/${f.path}`,
          size: f.size,
          desc: f.size > 10240 ? "MODEL" : "SRC",
          duplicate_check: f.size > 10240,
        })),
        build: { os: Deno.build.os, sw_version: "sdk-ts" },
        // An extra key (the Python client ignores it): where the sources came from.
        source_dir: dir,
      });
      const target = this.#bundles.versionDir(name, version);
      await Deno.mkdir(join(target, ".."), { recursive: true });
      await Deno.rename(staging, target);
      try {
        await this.#bundles.addVersion(name, version);
      } catch (e) {
        await Deno.remove(target, { recursive: true }).catch(() => {});
        throw e;
      }
    } finally {
      await Deno.remove(staging, { recursive: true }).catch(() => {});
    }
    return await this.get({ project: this.#project, name, version });
  }

  /** Resolves a name plus version/tag/prefix. */
  async get(ref: ArtifactRef): Promise<ModelRecord> {
    const { srcDir: _, jobs: __, sourceDir: ___, language: ____, ...record } = await this.resolve(
      ref,
    );
    return record;
  }

  /** A version's record and files, to copy it to another instance. */
  async export(ref: ArtifactRef): Promise<ModelExport> {
    const record = await this.get(ref);
    const dir = this.#bundles.versionDir(record.name, record.version);
    return { record, files: await readBundleFiles(dir) };
  }

  /**
   * Stores a version from another instance under its own name and version, tagged `latest` and
   * the next `vN`; a no-op when the version is here already. Nothing is listed before every file
   * is in place.
   */
  async import(
    model: ModelExport,
    options: ImportOptions = {},
  ): Promise<ImportResult<ModelRecord>> {
    const name = checkName("model", model.record.name);
    const version = checkVersion("model", model.record.version);
    const ref = { project: this.#project, name, version };
    if (await this.#bundles.hasVersion(name, version)) {
      return { record: await this.get(ref), copied: false };
    }
    if (!model.files.some((f) => f.path === "_manifest.yaml")) {
      throw new TypeError(
        `Cannot store model ${name}/version/${version}: it has no _manifest.yaml`,
      );
    }
    const staging = join(this.#root, ".tmp", `model-import-${newUniqueId()}`);
    try {
      await writeBundleFiles(staging, model.files, options);
      const target = this.#bundles.versionDir(name, version);
      await Deno.mkdir(join(target, ".."), { recursive: true });
      try {
        await Deno.rename(staging, target);
      } catch (e) {
        // Another import of the same version got there first.
        if (await this.#bundles.hasVersion(name, version)) {
          return { record: await this.get(ref), copied: false };
        }
        throw e;
      }
      try {
        await this.#bundles.addVersion(name, version);
      } catch (e) {
        await Deno.remove(target, { recursive: true }).catch(() => {});
        throw e;
      }
    } finally {
      await Deno.remove(staging, { recursive: true }).catch(() => {});
    }
    return { record: await this.get(ref), copied: true };
  }

  /** Resolves a model and loads what running it needs. */
  async resolve(ref: ArtifactRef): Promise<ResolvedModel> {
    const name = checkName("model", ref.name);
    const { version, tags } = await this.#bundles.resolve(name, ref.version ?? "");
    const dir = this.#bundles.versionDir(name, version);
    const m = await readYaml(join(dir, "_manifest.yaml"));
    const jobs = await readYaml(join(dir, "src", ".starwhale", "jobs.yaml")) ?? {};
    if (!m) {
      throw new NotFoundError("model version", `${name}/version/${version}`, {
        project: this.#project,
        detail: "its package files are missing",
      });
    }
    return {
      project: this.#project,
      name,
      version,
      tags,
      createdAt: new Date(manifestTime(m, "created") || 0).toISOString(),
      size: Number(m.size ?? 0),
      handlers: Object.keys(jobs).sort(),
      srcDir: join(dir, "src"),
      sourceDir: typeof m.source_dir === "string" ? m.source_dir : undefined,
      jobs: jobs as Record<string, StepSpec[]>,
      language: isBuiltHere(m) ? "typescript" : await packageLanguage(dir),
    };
  }

  /**
   * What a server tells of a version besides its record, read without the rest of the package:
   * its `jobs.yaml` (handler key to its expanded steps) and the version of the runtime packaged
   * with it (`packaged_runtime` of a Python model's manifest), if any.
   */
  async packageFacts(ref: ArtifactRef): Promise<ModelPackageFacts> {
    const name = checkName("model", ref.name);
    const { version } = await this.#bundles.resolve(name, ref.version ?? "");
    const dir = this.#bundles.versionDir(name, version);
    const jobs = (await readYaml(join(dir, "src", ".starwhale", "jobs.yaml")) ?? {}) as Record<
      string,
      StepSpec[]
    >;
    const packaged = (await readYaml(join(dir, "_manifest.yaml")))?.packaged_runtime as
      | { manifest?: { version?: unknown } }
      | undefined;
    const runtime = packaged?.manifest?.version;
    return typeof runtime === "string" && runtime ? { jobs, builtInRuntime: runtime } : { jobs };
  }

  /** Model versions, newest first. */
  list(options: { name?: string } = {}): Promise<ModelRecord[]> {
    return this.#bundles.list(
      options.name,
      (name, version) => this.get({ project: this.#project, name, version }),
    );
  }

  /** Removes one version, or all versions of a name. */
  async remove(ref: ArtifactRef): Promise<void> {
    await this.#bundles.remove(checkName("model", ref.name), ref.version);
  }
}

function isBuiltHere(manifest: Record<string, unknown>): boolean {
  return (manifest.build as { sw_version?: unknown } | undefined)?.sw_version === "sdk-ts";
}

async function packageLanguage(dir: string): Promise<"typescript" | "python"> {
  const files = (await readBundleFiles(join(dir, "src"))).map((f) => `src/${f.path}`);
  return isPythonPackage(files) ? "python" : "typescript";
}

/**
 * Rewrites the paths of a package's stored copy in a message or stack to the folder it was built
 * from, so errors point at the user's own files.
 *
 * @param text A message or stack.
 * @param paths `from`: the stored copy's folder; `to`: the source folder.
 * @returns The text with every `from/...` path (plain or `file://`) under `to`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mapSourcePaths } from "./model_store.ts";
 * const text = "at run (file:///r/.tmp/m-1/src/a.ts:3:9)";
 * assert.equal(
 *   mapSourcePaths(text, { from: "/r/.tmp/m-1/src", to: "/home/me/pkg" }),
 *   "at run (file:///home/me/pkg/a.ts:3:9)",
 * );
 * ```
 */
export function mapSourcePaths(text: string, paths: { from: string; to: string }): string {
  const from = paths.from.replace(/\/+$/, ""), to = paths.to.replace(/\/+$/, "");
  return text.split(`${from}/`).join(`${to}/`);
}
