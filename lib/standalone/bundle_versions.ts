/**
 * What a standalone model or dataset version can have done to it besides build, list and
 * remove: recovering a removed version, and adding or removing tags. Both edit the tag manifest
 * the stores and the Python swcli use, through {@link BundleStore}.
 *
 * @module
 */

import { join } from "node:path";
import { BundleStore, type TagManifest } from "./_bundles.ts";
import { AmbiguousError, NotFoundError } from "../sdk/errors.ts";
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

const BUILTIN_TAG = /^(latest|v\d+)$/;

/**
 * Moves a removed version back from the recycle bin and lists it again (untagged, or `latest`
 * when the name has no other version).
 *
 * Needs read and write permission on the storage root.
 *
 * @param ref The removed version (a full version or a unique prefix).
 * @returns The full version recovered.
 * @throws {NotFoundError} Nothing removed matches. {AmbiguousError} The prefix matches several.
 * @example Nothing removed yet
 * ```ts
 * import assert from "node:assert/strict";
 * import { recoverBundle } from "./bundle_versions.ts";
 * import { NotFoundError } from "../sdk/errors.ts";
 * const root = await Deno.makeTempDir();
 * const ref = { root, project: "self", type: "model", name: "mnist", version: "" } as const;
 * await assert.rejects(recoverBundle(ref), NotFoundError);
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function recoverBundle(ref: BundleRef): Promise<string> {
  const name = checkName(ref.type, ref.name);
  const store = new BundleStore(ref.root, { project: ref.project, type: ref.type });
  const matches = (await store.removedVersions(name)).filter((v) => v.startsWith(ref.version));
  if (matches.length === 0) {
    throw new NotFoundError(`removed ${ref.type}`, `${name}/version/${ref.version || "*"}`, {
      project: ref.project,
    });
  }
  if (matches.length > 1) throw new AmbiguousError(`removed ${ref.type}`, ref.version, matches);
  const version = matches[0];
  return await store.withTagLock(name, async () => {
    const target = store.versionDir(name, version);
    await Deno.mkdir(join(target, ".."), { recursive: true });
    await Deno.rename(store.removedDir(name, version), target);
    const m: TagManifest = (await store.tags(name)) ??
      { fast_tag_seq: -1, name, typ: ref.type, updated_at: "", tags: {}, versions: {} };
    m.versions[version] ??= {};
    if (!m.tags.latest) {
      m.tags.latest = version;
      m.versions[version].latest = true;
    }
    await store.saveTags(name, m);
    return version;
  });
}

/**
 * Adds tags to a version, or removes them. `latest` and `vN` are managed by builds and refused.
 *
 * Needs read and write permission on the storage root.
 *
 * @param ref The version.
 * @param change The tags, `remove` to drop them, `force` to move a tag held by another version.
 * @returns The version and its tags afterwards.
 * @throws {TypeError} A builtin or invalid tag, or (without force) a tag held by another version.
 *   {NotFoundError} No such version, or (with `remove`) a tag the version does not have.
 * @example A model that was never built has nothing to tag
 * ```ts
 * import assert from "node:assert/strict";
 * import { tagBundle } from "./bundle_versions.ts";
 * import { NotFoundError } from "../sdk/errors.ts";
 * const root = await Deno.makeTempDir();
 * const ref = { root, project: "self", type: "model", name: "mnist", version: "" } as const;
 * await assert.rejects(tagBundle(ref, { tags: ["stable"] }), NotFoundError);
 * await Deno.remove(root, { recursive: true });
 * ```
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
  return await store.withTagLock(name, async () => {
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
    await store.saveTags(name, m);
    return { version, tags: Object.keys(m.versions[version]).sort() };
  });
}
