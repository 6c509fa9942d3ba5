/**
 * Copying a model or dataset version between instances (standalone to server, server to
 * standalone, server to server, one project to another), as `swcli model copy` does: the source
 * version is read whole and stored on the destination under the same version, all or nothing,
 * then its own tags follow (a tag another version holds there stays there). A version the
 * destination has already is left as it is.
 *
 * @module
 */
import type { Config } from "./config.ts";
import { configOf, instanceFor } from "./connect.ts";
import type { DatasetRecord, Instance, ModelRecord, TransferProgress } from "./instance.ts";
import { artifactTransfer } from "./roles.ts";
import { formatResourceUri, parseProjectUri, parseResourceUri, type ResourceUri } from "./uri.ts";

/** Options of `Model.copy` and `Dataset.copy`. */
export interface CopyOptions {
  /** The swcli config (aliases, tokens, selected instance and project); default loaded. */
  config?: Config;
  /** The instance to read from, instead of the one the source URI names. */
  source?: Instance;
  /** The instance to write to, instead of the one the destination URI names. */
  target?: Instance;
  /** Called as the copy goes (bytes of a model, rows of a dataset). */
  onProgress?: (progress: TransferProgress) => void;
  /** Aborts the copy; nothing of it is left listed on the destination. */
  signal?: AbortSignal;
}

/** What a copy did. */
export interface CopyResult<R> {
  /** The version's record on the destination. */
  record: R;
  /** `false` when the destination had the version already (nothing was written). */
  copied: boolean;
  /** The full URI of the copy. */
  uri: string;
  /** The destination instance. */
  instance: Instance;
}

/**
 * Where a copy goes: a project URI (`cloud://dev/project/self`, `local/project/self`, `self`), or
 * a model or dataset URI whose name renames the copy.
 */
function destination(dest: string, type: "model" | "dataset", config: Config) {
  try {
    return { ...parseProjectUri(dest, { config }), name: undefined };
  } catch (e) {
    if (!(e instanceof TypeError)) throw e;
    const r = parseResourceUri(dest, { type, config });
    if (r.version) {
      throw new TypeError(
        `Invalid copy destination ${JSON.stringify(dest)}: a copy keeps the source's version, ` +
          "name a project or a name without a version",
      );
    }
    return { instance: r.instance, project: r.project, name: r.name };
  }
}

/**
 * Copies one model or dataset version.
 *
 * @param type `model` or `dataset`.
 * @param src The source version's URI (`mnist`, `mnist/version/v1`, a full URI).
 * @param dest A project URI, or a URI naming the copy.
 * @param options Config, instances, progress, abort.
 * @returns The copy's record, whether anything was written, and its URI.
 */
export async function copyArtifact<T extends "model" | "dataset">(
  type: T,
  src: string,
  dest: string,
  options: CopyOptions = {},
): Promise<CopyResult<T extends "model" ? ModelRecord : DatasetRecord>> {
  // The config names the instances; with both instances given, none is needed.
  const config = configOf({
    config: options.config,
    instance: options.source && options.target ? options.source : undefined,
  });
  const from = parseResourceUri(src, { type, config });
  const to = destination(dest, type, config);
  const source = artifactTransfer(
    instanceFor(from.instance, { config, instance: options.source }),
    `copying ${type}s out of it`,
  );
  const target = artifactTransfer(
    instanceFor(to.instance, { config, instance: options.target }),
    `copying ${type}s into it`,
  );
  const ref = { project: from.project, name: from.name, version: from.version || undefined };
  const io = { onProgress: options.onProgress, signal: options.signal };
  let result, tags: string[];
  if (type === "model") {
    const m = await source.exportModel(ref);
    const record = { ...m.record, name: to.name ?? m.record.name };
    tags = m.record.tags;
    result = await target.importModel(to.project, { ...m, record }, io);
  } else {
    const d = await source.exportDataset(ref);
    const record = { ...d.record, name: to.name ?? d.record.name };
    tags = d.record.tags;
    result = await target.importDataset(to.project, { ...d, record }, io);
  }
  // The source's own tags follow (not `latest` and `vN`: the destination numbers its versions).
  const own = tags.filter((t) => !/^(latest|v\d+)$/.test(t) && !result.record.tags.includes(t));
  if (own.length) {
    const where = { project: to.project, name: result.record.name, version: result.record.version };
    const added = await target.addTags(type, where, own);
    result.record.tags = [...result.record.tags, ...added].sort();
  }
  const uri: ResourceUri = {
    instance: to.instance,
    project: to.project,
    type,
    name: result.record.name,
    version: result.record.version,
  };
  return {
    record: result.record as T extends "model" ? ModelRecord : DatasetRecord,
    copied: result.copied,
    uri: formatResourceUri(uri),
    instance: target,
  };
}
