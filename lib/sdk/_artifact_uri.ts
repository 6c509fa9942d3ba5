/**
 * The URI of a stored model or dataset version, as `Model.uri` and `Dataset.uri` give it.
 *
 * @module
 */

import type { Instance } from "./instance.ts";
import { formatResourceUri } from "./uri.ts";

/**
 * Formats the full URI of a version on an instance.
 *
 * @param instance The instance holding it.
 * @param version The type, and the record's project, name and version.
 * @returns e.g. `local/project/self/model/mnist/version/<v>`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import type { Instance } from "./instance.ts";
 * import { artifactUri } from "./_artifact_uri.ts";
 * const local = { kind: "standalone", url: "local" } as Instance;
 * const uri = artifactUri(local, { type: "dataset", project: "self", name: "d", version: "ab" });
 * assert.equal(uri, "local/project/self/dataset/d/version/ab");
 * ```
 */
export function artifactUri(
  instance: Instance,
  version: { type: "model" | "dataset"; project: string; name: string; version: string },
): string {
  return formatResourceUri({
    instance: { alias: "", url: instance.url, kind: instance.kind },
    project: version.project,
    type: version.type,
    name: version.name,
    version: version.version,
  });
}
