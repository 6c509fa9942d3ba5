/**
 * Versioned bundles (models, datasets) in the standalone layout:
 * `<root>/<project>/<type>/<name>/<v[:2]>/<v><suffix>/` plus the tag manifest
 * `<root>/<project>/<type>/<name>/_manifest.yaml` (`tags`, `versions`, `fast_tag_seq`), as
 * Starwhale's Python swcli lays them out.
 *
 * @module
 */

import { join } from "node:path";
import { AmbiguousError, NotFoundError } from "../sdk/errors.ts";
import { exists, formatManifestTime, listDir, readYaml, writeYaml } from "./files.ts";
import { KeyedMutex } from "./keyed_mutex.ts";
import { checkName } from "../sdk/uri.ts";

/** The tag manifest of one bundle name. */
export interface TagManifest {
  /** Last automatic `vN` number. */
  fast_tag_seq: number;
  /** Bundle name. */
  name: string;
  /** `model` or `dataset`. */
  typ: string;
  /** Last change, in the Python SDK's manifest time format. */
  updated_at: string;
  /** Tag -> version. */
  tags: Record<string, string>;
  /** Version -> its tags. */
  versions: Record<string, Record<string, boolean>>;
}

const SUFFIX = { model: ".swmp", dataset: ".swds" } as const;
/** One lock per tag manifest (by its name's folder), shared by every store in this process. */
const tagLocks = new KeyedMutex();

/** The versions of one bundle type in one project. */
export class BundleStore {
  readonly #root: string;
  readonly #project: string;
  readonly #type: "model" | "dataset";

  /**
   * Creates it.
   *
   * @param root The storage root.
   * @param where The project and the bundle type.
   */
  constructor(root: string, where: { project: string; type: "model" | "dataset" }) {
    this.#root = root;
    this.#project = where.project;
    this.#type = where.type;
  }

  /** `<root>/<project>/<type>`. */
  get typeDir(): string {
    return join(this.#root, this.#project, this.#type);
  }

  /** The directory of one version. */
  versionDir(name: string, version: string): string {
    return join(this.typeDir, name, version.slice(0, 2), `${version}${SUFFIX[this.#type]}`);
  }

  /** Where a removed version waits: `<type>/.recover/<name>/<v[:2]>/<v><suffix>`. */
  removedDir(name: string, version: string): string {
    const dir = `${version}${SUFFIX[this.#type]}`;
    return join(this.typeDir, ".recover", name, version.slice(0, 2), dir);
  }

  /** The removed versions of a name, in name order. */
  async removedVersions(name: string): Promise<string[]> {
    const bin = join(this.typeDir, ".recover", name);
    const suffix = SUFFIX[this.#type];
    const out: string[] = [];
    for (const prefix of await listDir(bin)) {
      for (const e of await listDir(join(bin, prefix.name))) {
        if (e.name.endsWith(suffix)) out.push(e.name.slice(0, -suffix.length));
      }
    }
    return out;
  }

  /**
   * Runs `fn` holding this process's lock on a name's tag manifest, so concurrent builds, tags
   * and removals of one name read and write it one at a time.
   *
   * @param name The bundle name.
   * @param fn Reads and writes the name's tag manifest.
   * @returns What `fn` returns.
   */
  withTagLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
    return tagLocks.lock(join(this.typeDir, name), fn);
  }

  /** Writes the tag manifest of a name (inside {@link withTagLock}). */
  async saveTags(name: string, m: TagManifest): Promise<void> {
    m.updated_at = formatManifestTime(new Date());
    await writeYaml(join(this.typeDir, name, "_manifest.yaml"), { ...m });
  }

  /** Reads the tag manifest of a name, or `undefined`. */
  async tags(name: string): Promise<TagManifest | undefined> {
    return await readYaml(join(this.typeDir, name, "_manifest.yaml")) as TagManifest | undefined;
  }

  /** Whether a version of a name is listed (in the name's tag manifest). */
  async hasVersion(name: string, version: string): Promise<boolean> {
    return Boolean((await this.tags(name))?.versions?.[version]);
  }

  /** Bundle names with at least one version. */
  async names(): Promise<string[]> {
    const out: string[] = [];
    for (const e of await listDir(this.typeDir)) {
      if (e.isDirectory && !e.name.startsWith(".") && (await this.tags(e.name))) out.push(e.name);
    }
    return out;
  }

  /** Versions of a name with their tags, newest (highest `vN`) first. */
  async versions(name: string): Promise<{ version: string; tags: string[] }[]> {
    const m = await this.tags(name);
    if (!m) return [];
    return this.#sorted(m).map((version) => ({
      version,
      tags: Object.keys(m.versions[version]).sort(),
    }));
  }

  /**
   * Reads every version of one name (or of every name), newest first.
   *
   * @param name The name, or `undefined` for all.
   * @param read Reads one version's record.
   * @returns The records, newest `createdAt` first.
   * @throws {TypeError} For an invalid name.
   */
  async list<R extends { createdAt: string }>(
    name: string | undefined,
    read: (name: string, version: string) => Promise<R>,
  ): Promise<R[]> {
    const names = name ? [checkName(this.#type, name)] : await this.names();
    const out: R[] = [];
    for (const n of names) {
      for (const { version } of await this.versions(n)) out.push(await read(n, version));
    }
    return out.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  }

  /**
   * Resolves a version, tag or unique version prefix of a name to the full version.
   *
   * @throws {NotFoundError} No such name or version. {AmbiguousError} The prefix matches several.
   */
  async resolve(name: string, version = ""): Promise<{ version: string; tags: string[] }> {
    const m = await this.tags(name);
    const kind = this.#type;
    if (!m) {
      const known = await this.names();
      throw new NotFoundError(kind, name, {
        project: this.#project,
        detail: known.length ? `known ${kind}s: ${known.join(", ")}` : `there are no ${kind}s`,
      });
    }
    const tags = (v: string) => Object.keys(m.versions?.[v] ?? {}).sort();
    const tagged = m.tags?.[version || "latest"];
    if (tagged) return { version: tagged, tags: tags(tagged) };
    const matches = Object.keys(m.versions ?? {}).filter((v) => version && v.startsWith(version));
    if (matches.length === 1) return { version: matches[0], tags: tags(matches[0]) };
    if (matches.length > 1) throw new AmbiguousError(`${kind} version`, version, matches);
    throw new NotFoundError(`${kind} version`, `${name}/version/${version || "latest"}`, {
      project: this.#project,
      detail: `tags are ${Object.keys(m.tags ?? {}).sort().join(", ") || "(none)"}`,
    });
  }

  /**
   * Records a new version (whose directory already exists): tags it `latest` and the next `vN`.
   *
   * @returns The tags given to it.
   */
  addVersion(name: string, version: string): Promise<string[]> {
    return this.withTagLock(name, async () => {
      const m: TagManifest = (await this.tags(name)) ??
        { fast_tag_seq: -1, name, typ: this.#type, updated_at: "", tags: {}, versions: {} };
      const seq = (m.fast_tag_seq ?? -1) + 1;
      const old = m.tags.latest;
      if (old && m.versions[old]) delete m.versions[old].latest;
      m.fast_tag_seq = seq;
      m.tags.latest = version;
      m.tags[`v${seq}`] = version;
      m.versions[version] = { latest: true, [`v${seq}`]: true };
      await this.saveTags(name, m);
      return Object.keys(m.versions[version]).sort();
    });
  }

  /**
   * Removes one version (or every version): moves it to `<type>/.recover/` and drops its tags;
   * `latest` moves to the newest remaining version.
   *
   * @returns The removed versions.
   */
  remove(name: string, version?: string): Promise<string[]> {
    return this.withTagLock(name, async () => {
      const m = await this.tags(name);
      if (!m) throw new NotFoundError(this.#type, name, { project: this.#project });
      const targets = version === undefined
        ? Object.keys(m.versions)
        : [(await this.resolve(name, version)).version];
      for (const v of targets) {
        const dir = this.versionDir(name, v);
        if (await exists(dir)) {
          const dest = this.removedDir(name, v);
          await Deno.mkdir(join(dest, ".."), { recursive: true });
          await Deno.rename(dir, dest);
        }
        for (const tag of Object.keys(m.versions[v] ?? {})) delete m.tags[tag];
        delete m.versions[v];
      }
      if (!m.tags.latest) {
        const rest = this.#sorted(m);
        if (rest.length) {
          m.tags.latest = rest[0];
          m.versions[rest[0]].latest = true;
        }
      }
      if (Object.keys(m.versions).length === 0) {
        await Deno.remove(join(this.typeDir, name), { recursive: true });
      } else await this.saveTags(name, m);
      return targets;
    });
  }

  #sorted(m: TagManifest): string[] {
    const seq = (v: string) =>
      Math.max(-1, ...Object.keys(m.versions[v]).map((t) => Number(/^v(\d+)$/.exec(t)?.[1] ?? -1)));
    return Object.keys(m.versions).sort((a, b) => seq(b) - seq(a));
  }
}
