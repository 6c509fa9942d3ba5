/**
 * Standalone model and dataset administration the SDK's stores leave to the command line:
 * recovering a removed version and adding or removing tags, in the same tag manifest
 * (`<root>/<project>/<type>/<name>/_manifest.yaml`) the stores and the Python swcli use.
 *
 * @module
 */

import { join } from "node:path";
import { BundleStore, serialized, type TagManifest } from "./_bundles.ts";
import { AmbiguousError, NotFoundError } from "../sdk/errors.ts";
import { formatManifestTime, listDir, writeYaml } from "./files.ts";
import { checkName } from "../sdk/uri.ts";

/** A model or dataset version in a standalone project. */
export interface BundleRef {
  /** The storage root. */
  root: string;
  /** The project. */
  project: string;
  /** `model` or `dataset`. */
  type: "model" | "dataset";
  /** The name. */
  name: string;
  /** A version, unique prefix or tag; `""` for `latest`. */
  version: string;
}

const SUFFIX = { model: ".swmp", dataset: ".swds" } as const;
const BUILTIN_TAG = /^(latest|v\d+)$/;

/**
 * Moves a removed version back from `<type>/.recover/` and lists it again (untagged, or `latest`
 * when the name has no other version).
 *
 * @param ref The removed version (a full version or a unique prefix).
 * @returns The full version recovered.
 * @throws {NotFoundError} Nothing removed matches. {AmbiguousError} The prefix matches several.
 */
export async function recoverBundle(ref: BundleRef): Promise<string> {
  const name = checkName(ref.type, ref.name);
  const store = new BundleStore(ref.root, { project: ref.project, type: ref.type });
  const bin = join(store.typeDir, ".recover", name);
  const removed: string[] = [];
  for (const prefix of await listDir(bin)) {
    for (const e of await listDir(join(bin, prefix.name))) {
      if (e.name.endsWith(SUFFIX[ref.type])) {
        removed.push(e.name.slice(0, -SUFFIX[ref.type].length));
      }
    }
  }
  const matches = removed.filter((v) => v.startsWith(ref.version));
  if (matches.length === 0) {
    throw new NotFoundError(`removed ${ref.type}`, `${name}/version/${ref.version || "*"}`, {
      project: ref.project,
    });
  }
  if (matches.length > 1) throw new AmbiguousError(`removed ${ref.type}`, ref.version, matches);
  const version = matches[0];
  return await serialized(join(store.typeDir, name), async () => {
    const target = store.versionDir(name, version);
    await Deno.mkdir(join(target, ".."), { recursive: true });
    await Deno.rename(join(bin, version.slice(0, 2), `${version}${SUFFIX[ref.type]}`), target);
    const m: TagManifest = (await store.tags(name)) ??
      { fast_tag_seq: -1, name, typ: ref.type, updated_at: "", tags: {}, versions: {} };
    m.versions[version] ??= {};
    if (!m.tags.latest) {
      m.tags.latest = version;
      m.versions[version].latest = true;
    }
    m.updated_at = formatManifestTime(new Date());
    await writeYaml(join(store.typeDir, name, "_manifest.yaml"), { ...m });
    return version;
  });
}

/**
 * Adds tags to a version, or removes them. `latest` and `vN` are managed by builds and refused.
 *
 * @param ref The version.
 * @param change The tags, `remove` to drop them, `force` to move a tag held by another version.
 * @returns The version and its tags afterwards.
 * @throws {TypeError} A builtin or invalid tag, or (without force) a tag held by another version.
 */
export async function tagBundle(
  ref: BundleRef,
  change: { tags: string[]; remove?: boolean; force?: boolean },
): Promise<{ version: string; tags: string[] }> {
  const name = checkName(ref.type, ref.name);
  const store = new BundleStore(ref.root, { project: ref.project, type: ref.type });
  const { version } = await store.resolve(name, ref.version);
  for (const tag of change.tags) {
    checkName("tag", tag);
    if (BUILTIN_TAG.test(tag)) {
      throw new TypeError(`Cannot change tag '${tag}': 'latest' and 'vN' are set by builds`);
    }
  }
  return await serialized(join(store.typeDir, name), async () => {
    const m = (await store.tags(name))!;
    m.versions[version] ??= {};
    for (const tag of change.tags) {
      const holder = m.tags[tag];
      if (change.remove) {
        if (holder !== version) {
          throw new NotFoundError("tag", tag, { detail: `it is not on version ${version}` });
        }
        delete m.tags[tag];
        delete m.versions[version][tag];
        continue;
      }
      if (holder && holder !== version) {
        if (!change.force) {
          throw new TypeError(
            `Cannot tag ${name}/version/${version} '${tag}': the tag is on version ${holder} ` +
              `(add --force to move it)`,
          );
        }
        delete m.versions[holder]?.[tag];
      }
      m.tags[tag] = version;
      m.versions[version][tag] = true;
    }
    m.updated_at = formatManifestTime(new Date());
    await writeYaml(join(store.typeDir, name, "_manifest.yaml"), { ...m });
    return { version, tags: Object.keys(m.versions[version]).sort() };
  });
}
