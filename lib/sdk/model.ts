/**
 * `Model`: build, find, list and remove model packages (folders of `.ts`/`.js` handler modules).
 *
 * @module
 */

import { type ClientOptions, openProject, openResource } from "./connect.ts";
import type { BuildModelOptions, Instance, ModelRecord } from "./instance.ts";
import { artifactReads, artifactStore } from "./roles.ts";
import { artifactUri } from "./_artifact_uri.ts";
import { copyArtifact, type CopyOptions } from "./copy.ts";

/**
 * A stored model version.
 *
 * @example Build a one-handler package and find it again
 * ```ts
 * import assert from "node:assert/strict";
 * import { Model, StandaloneInstance } from "@starwhale/sdk";
 * const root = await Deno.makeTempDir();
 * const dir = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${dir}/steps.ts`, "export const hello = Object.assign(() => {}, " +
 *   "{ [Symbol.for('starwhale.handler')]: {} });");
 * await using instance = new StandaloneInstance(root);
 * const m = await Model.build(dir, { name: "hello", instance });
 * assert(m.handlers[0] === "steps:hello" && m.tags.includes("latest"));
 * assert((await Model.get("hello/version/v0", { instance })).version === m.version);
 * await Deno.remove(root, { recursive: true });
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export class Model {
  /** The instance holding it. */
  readonly instance: Instance;
  /** Its record: name, version, tags, handlers, size, creation time. */
  readonly record: ModelRecord;

  private constructor(instance: Instance, record: ModelRecord) {
    this.instance = instance;
    this.record = record;
  }

  /**
   * Builds a new version from a folder: copies it, finds its handlers, tags it `latest` and `vN`.
   * A folder whose modules fail to import or declare no handler leaves nothing behind.
   *
   * Needs `--allow-read` on the folder and the storage root, `--allow-write` on the root.
   *
   * @param dir The folder.
   * @param options `name` and `modules` (as {@link BuildModelOptions}), the project URI (default
   *   the selected project), `config` or `instance`.
   * @returns The new version.
   * @throws {NotFoundError} Missing folder or module. {HandlerError} No handlers, bad needs, a
   *   module that fails to import. {TypeError} Invalid name. {UnsupportedError} On a server.
   */
  static async build(
    dir: string,
    options: Omit<BuildModelOptions, "dir"> & ClientOptions & { project?: string } = {},
  ): Promise<Model> {
    const { uri: p, instance } = openProject(options.project ?? "", options);
    const record = await artifactStore(instance, "building a model").buildModel(p.project, {
      dir,
      name: options.name,
      modules: options.modules,
    });
    return new Model(instance, record);
  }

  /**
   * Finds a model version by URI (`mnist`, `mnist/version/v1`, a version prefix, a full URI).
   *
   * @throws {NotFoundError} Unknown model or version. {AmbiguousError} Ambiguous prefix.
   */
  static async get(uri: string, options: ClientOptions = {}): Promise<Model> {
    const { uri: r, instance } = openResource(uri, { ...options, type: "model" });
    return new Model(
      instance,
      await instance.getModel({ project: r.project, name: r.name, version: r.version }),
    );
  }

  /**
   * Model versions of a project, newest first; `name` keeps one model's versions.
   *
   * @throws {UnsupportedError} On a server that has no model list route.
   */
  static async list(
    project = "",
    options: ClientOptions & { name?: string } = {},
  ): Promise<Model[]> {
    const { uri: p, instance } = openProject(project, options);
    const store = artifactReads(instance, "listing models");
    return (await store.listModels(p.project, { name: options.name })).map((r) =>
      new Model(instance, r)
    );
  }

  /**
   * Copies a model version to another instance or project, as `swcli model copy` does: all or
   * nothing (a failed or aborted copy leaves nothing listed there), and a no-op when the
   * destination has the version already. The copy keeps the version and its own tags; `latest`
   * and the next `vN` come from the destination.
   *
   * Needs `--allow-net` for a server, `--allow-read --allow-write --allow-env` for the local root.
   *
   * @param src The version's URI (`mnist`, `mnist/version/v1`, `cloud://dev/project/self/model/mnist`).
   * @param dest A project URI (`cloud://dev/project/self`, `local/project/self`), or a model URI
   *   without a version to rename the copy.
   * @param options `config`, `source`/`target` instances, `onProgress`, `signal`.
   * @returns The copy, on the destination instance.
   * @throws {NotFoundError} Unknown source. {UnsupportedError} An instance that cannot move
   *   models. {TypeError} A malformed URI.
   * @example Copy a version from one local root to another
   * ```ts
   * import assert from "node:assert/strict";
   * import { Model, StandaloneInstance } from "@starwhale/sdk";
   * const [a, b, dir] = [await Deno.makeTempDir(), await Deno.makeTempDir(), await Deno.makeTempDir()];
   * await Deno.writeTextFile(`${dir}/steps.ts`, "export const hello = Object.assign(() => {}, " +
   *   "{ [Symbol.for('starwhale.handler')]: {} });");
   * {
   *   await using source = new StandaloneInstance(a);
   *   await using target = new StandaloneInstance(b);
   *   const built = await Model.build(dir, { name: "hello", instance: source });
   *   const copy = await Model.copy("hello/version/v0", "self", { source, target });
   *   assert.equal(copy.version, built.version);
   *   assert.deepEqual(copy.handlers, ["steps:hello"]);
   * }
   * for (const d of [a, b, dir]) await Deno.remove(d, { recursive: true });
   * ```
   */
  static async copy(src: string, dest: string, options: CopyOptions = {}): Promise<Model> {
    const result = await copyArtifact("model", src, dest, options);
    return new Model(result.instance, result.record);
  }

  /** Model name. */
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

  /** Runnable handler keys, sorted (a `runHandler` index counts in this list). */
  get handlers(): string[] {
    return this.record.handlers;
  }

  /** Full URI, e.g. `local/project/self/model/mnist/version/<v>`. */
  get uri(): string {
    return artifactUri(this.instance, { ...this.record, type: "model" });
  }

  /**
   * Removes this version (recoverable from `model/.recover/` on disk).
   *
   * @throws {UnsupportedError} For a model on a server.
   */
  async remove(): Promise<void> {
    await artifactStore(this.instance, "removing a model").removeModel({
      project: this.record.project,
      name: this.name,
      version: this.version,
    });
  }
}
