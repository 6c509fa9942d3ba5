/**
 * Starwhale URIs: instance, project and resource (job, model, dataset, runtime) URIs in every form
 * swcli accepts, parsed without I/O against a {@link Config}.
 *
 * Forms (`T` is the resource type): `<id or name>`, `T/<name>`, `<name>/version/<v>`,
 * `<name>/<v>`, `project/<p>/T/...`, `<alias>/project/<p>/T/...`, `<alias>/<p>/T/...`,
 * `cloud://<alias>/project/<p>/T/...`, `https://host[:port]/project/<p>/T/...` and console URLs
 * `https://host/projects/<p>/jobs/<id>`. Without a project the instance's selected project is used.
 *
 * @module
 */

import { type Config, DEFAULT_PROJECT, LOCAL_ALIAS } from "./config.ts";
import { NotFoundError } from "./errors.ts";

/** Resource types. `evaluation` is read as `job`. */
export type ResourceType = "job" | "model" | "dataset" | "runtime";

/** The instance a URI points at. */
export interface InstanceTarget {
  /** Config alias; `""` for a URL that is not configured (then no token unless given). */
  alias: string;
  /** `local`, or the base URL `scheme://host[:port]`. */
  url: string;
  /** `standalone` or `cloud`. */
  kind: "standalone" | "cloud";
  /** Token for the server, if known. */
  token?: string;
}

/** A parsed project URI. */
export interface ProjectUri {
  /** Where the project lives. */
  instance: InstanceTarget;
  /** The project name (or id, on a server). */
  project: string;
}

/** A parsed resource URI. For jobs `name` is the id (or id prefix) and `version` is `""`. */
export interface ResourceUri extends ProjectUri {
  /** The resource type. */
  type: ResourceType;
  /** Job id, or model/dataset/runtime name. */
  name: string;
  /** Version, version prefix or tag; `""` when not given (`latest`). */
  version: string;
}

/** Options of {@link parseProjectUri} and {@link parseResourceUri}. */
export interface ParseUriOptions {
  /** Aliases, current instance and project. */
  config: Config;
  /** The project to use when the URI names none (default: the instance's selected project). */
  project?: string;
  /** Token for an http(s) URL that is not a configured instance. */
  token?: string;
}

const OBJECT_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,79}$/;
const JOB_ID = /^[A-Za-z0-9_-]+$/;
const TYPES: Record<string, ResourceType> = {
  job: "job",
  jobs: "job",
  evaluation: "job",
  evaluations: "job",
  model: "model",
  models: "model",
  dataset: "dataset",
  datasets: "dataset",
  runtime: "runtime",
  runtimes: "runtime",
};

/**
 * Checks a name against Starwhale's object-name rule (projects, models, datasets, tags).
 *
 * @param kind What the name is for, used in the message.
 * @param name The name.
 * @returns The name.
 * @throws {TypeError} When it is not 1..80 chars of `[A-Za-z0-9_.-]` starting with a letter or `_`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkName } from "./uri.ts";
 * assert.equal(checkName("model", "mnist"), "mnist");
 * assert.throws(() => checkName("project", "no/slash"), TypeError);
 * ```
 */
export function checkName(kind: string, name: string): string {
  if (typeof name !== "string" || !OBJECT_NAME.test(name)) {
    throw new TypeError(
      `Invalid ${kind} name ${JSON.stringify(name)}: expected 1-80 characters of letters, ` +
        `digits, '_', '.', '-', starting with a letter or '_'`,
    );
  }
  return name;
}

/**
 * Parses a project URI: `self`, `local/project/self`, `local/self`, `cloud://srv/project/1`,
 * `https://host/project/starwhale:public`, or `""` for the selected project.
 *
 * @param uri The project URI.
 * @param options The config to resolve aliases and defaults.
 * @returns The instance and project.
 * @throws {NotFoundError} For an unknown `cloud://` alias. {TypeError} For a malformed URI or an
 *   invalid standalone project name.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Config } from "@starwhale/sdk";
 * import { parseProjectUri } from "./uri.ts";
 * const config = Config.from({}, { root: "/r" });
 * assert(parseProjectUri("local/project/demo", { config }).project === "demo");
 * assert(parseProjectUri("", { config }).project === "self");
 * ```
 */
export function parseProjectUri(uri: string, options: ParseUriOptions): ProjectUri {
  const { instance, segments } = splitInstance(uri, options);
  let project: string | undefined;
  if (segments[0] === "project" && segments.length === 2) project = segments[1];
  else if (segments.length === 1) project = segments[0];
  else if (segments.length > 0) {
    throw new TypeError(
      `Invalid project URI ${JSON.stringify(uri)}: expected '<project>', ` +
        `'[<instance>/]project/<project>' or '<instance>/<project>'`,
    );
  }
  return {
    instance,
    project: checkProject(uri, instance, project ?? defaultProject(instance, options)),
  };
}

/**
 * Parses a job, model, dataset or runtime URI (see the module doc for the forms).
 *
 * @param uri The URI.
 * @param options The expected type, the config and the default project.
 * @returns The parsed URI; tags and prefixes are resolved later by the instance.
 * @throws {TypeError} For a malformed URI, a type mismatch or an invalid name.
 *   {NotFoundError} For an unknown `cloud://` alias.
 * @example Job URIs from the documentation of Starwhale's Job SDK
 * ```ts
 * import assert from "node:assert/strict";
 * import { Config } from "@starwhale/sdk";
 * import { parseResourceUri } from "./uri.ts";
 * const config = Config.from({}, { root: "/r" });
 * const a = parseResourceUri("local/project/self/job/xm5wnup", { type: "job", config });
 * const b = parseResourceUri("xm5wnup", { type: "job", config });
 * assert(a.name === "xm5wnup" && b.project === "self" && b.instance.url === "local");
 * const m = parseResourceUri("mnist/version/v0", { type: "model", config });
 * assert(m.name === "mnist" && m.version === "v0");
 * ```
 */
export function parseResourceUri(
  uri: string,
  options: ParseUriOptions & { type: ResourceType },
): ResourceUri {
  const type = options.type;
  if (typeof uri !== "string" || uri.trim() === "") {
    throw new TypeError(`Invalid ${type} URI ${JSON.stringify(uri)}: it is empty`);
  }
  const text = uri.trim();
  const console = consoleUrl(text, options);
  if (console) return checkResource(uri, { ...console, type: expectType(uri, console.type, type) });
  const { instance, segments, explicit } = splitInstance(text, options);
  let project: string | undefined;
  let rest = segments;
  if (segments[0] === "project" && segments.length >= 2) {
    project = segments[1];
    rest = segments.slice(2);
  } else if (explicit && segments.length >= 2 && TYPES[segments[1]]) {
    project = segments[0];
    rest = segments.slice(1);
  }
  if (TYPES[rest[0]] && (rest.length > 1 || project !== undefined)) {
    expectType(uri, TYPES[rest[0]], type);
    rest = rest.slice(1);
  }
  const bad = (why: string) =>
    new TypeError(
      `Invalid ${type} URI ${JSON.stringify(uri)}: ${why}; expected ` +
        (type === "job"
          ? `'<id>' or '[<instance>/]project/<project>/job/<id>'`
          : `'<name>[/version/<version>]' or '[<instance>/]project/<project>/${type}/<name>[/version/<version>]'`),
    );
  let name = "";
  let version = "";
  if (type === "job") {
    if (rest.length !== 1) throw bad(rest.length === 0 ? "it names no job" : "too many parts");
    name = rest[0];
  } else if (rest.length === 1) name = rest[0];
  else if (rest.length === 2) [name, version] = rest[0] === "version" ? ["", rest[1]] : rest;
  else if (rest.length === 3 && rest[1] === "version") [name, , version] = rest;
  else throw bad(rest.length === 0 ? `it names no ${type}` : "unexpected parts");
  project = checkProject(uri, instance, project ?? defaultProject(instance, options));
  return checkResource(uri, { instance, project, type, name, version });
}

/**
 * Formats the full URI of a parsed resource, as the Python SDK's `full_uri`.
 *
 * @param r The resource.
 * @returns e.g. `local/project/self/job/<id>` or `https://h/project/1/model/m/version/latest`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { Config } from "@starwhale/sdk";
 * import { formatResourceUri, parseResourceUri } from "./uri.ts";
 * const config = Config.from({}, { root: "/r" });
 * const r = parseResourceUri("mnist", { type: "model", config });
 * assert(formatResourceUri(r) === "local/project/self/model/mnist/version/latest");
 * ```
 */
export function formatResourceUri(r: ResourceUri): string {
  const base = `${r.instance.url}/project/${r.project}/${r.type}/${r.name}`;
  return r.type === "job" ? base : `${base}/version/${r.version || "latest"}`;
}

function splitInstance(
  uri: string,
  options: ParseUriOptions,
): { instance: InstanceTarget; segments: string[]; explicit: boolean } {
  const { config } = options;
  const target = (alias: string): InstanceTarget => {
    const entry = config.instance(alias);
    if (!entry) {
      throw new NotFoundError("instance", alias, {
        detail: `configured aliases are ${config.instances.map((i) => i.alias).join(", ")}`,
      });
    }
    return { alias, url: entry.uri, kind: entry.type, token: entry.token };
  };
  const m = /^([a-z][a-z0-9+.-]*):\/\/([^/]*)(.*)$/i.exec(uri);
  let instance: InstanceTarget;
  let path: string;
  let explicit = true;
  if (m && m[1].toLowerCase() === "cloud") {
    instance = target(m[2]);
    path = m[3];
  } else if (m && /^https?$/i.test(m[1])) {
    const base = `${m[1].toLowerCase()}://${m[2]}`;
    const entry = config.instanceByUrl(base);
    instance = entry
      ? { alias: entry.alias, url: entry.uri, kind: "cloud", token: entry.token }
      : { alias: "", url: base, kind: "cloud", token: options.token };
    path = m[3];
  } else if (m) {
    throw new TypeError(`Invalid URI ${JSON.stringify(uri)}: unknown scheme '${m[1]}'`);
  } else {
    const first = uri.split("/")[0];
    if (first && config.instance(first)) {
      instance = target(first);
      path = uri.slice(first.length);
    } else {
      instance = target(config.currentAlias);
      path = uri;
      explicit = false;
    }
  }
  const trimmed = path.replace(/^\/+|\/+$/g, "");
  if (trimmed.includes("//")) throw new TypeError(`Invalid URI ${JSON.stringify(uri)}: empty part`);
  return { instance, segments: trimmed === "" ? [] : trimmed.split("/"), explicit };
}

function consoleUrl(uri: string, options: ParseUriOptions):
  | Omit<ResourceUri, "type"> & {
    type: ResourceType;
  }
  | undefined {
  const m =
    /^(https?:\/\/[^/]+)\/projects\/([^/]+)\/(models|datasets|runtimes|jobs|evaluations)(?:\/([^/]+)(?:\/versions\/([^/]+))?)?(?:\/.*)?$/i
      .exec(uri);
  if (!m || !m[4]) return undefined;
  const entry = options.config.instanceByUrl(m[1]);
  const instance: InstanceTarget = entry
    ? { alias: entry.alias, url: entry.uri, kind: "cloud", token: entry.token }
    : { alias: "", url: m[1].toLowerCase(), kind: "cloud", token: options.token };
  return { instance, project: m[2], type: TYPES[m[3]], name: m[4], version: m[5] ?? "" };
}

function expectType(uri: string, got: ResourceType, want: ResourceType): ResourceType {
  if (got !== want) {
    throw new TypeError(`Invalid ${want} URI ${JSON.stringify(uri)}: it names a ${got}`);
  }
  return got;
}

function defaultProject(instance: InstanceTarget, options: ParseUriOptions): string {
  if (options.project) return options.project;
  const selected = instance.alias ? options.config.currentProject(instance.alias) : undefined;
  if (selected) return selected;
  if (instance.kind === "standalone") return DEFAULT_PROJECT;
  throw new TypeError(
    `Cannot tell the project on instance '${instance.alias || instance.url}': ` +
      `name it in the URI ('.../project/<project>/...') or select one with ` +
      `'swcli project select cloud://${instance.alias || instance.url}/project/<project>'`,
  );
}

function checkProject(uri: string, instance: InstanceTarget, project: string): string {
  if (instance.url === LOCAL_ALIAS) checkName("project", project);
  else if (!/^[^/\s]+$/.test(project)) {
    throw new TypeError(`Invalid project ${JSON.stringify(project)} in URI ${JSON.stringify(uri)}`);
  }
  return project;
}

function checkResource(uri: string, r: ResourceUri): ResourceUri {
  if (r.type === "job") {
    if (!JOB_ID.test(r.name)) {
      throw new TypeError(
        `Invalid job id ${JSON.stringify(r.name)} in URI ${JSON.stringify(uri)}: ` +
          `expected letters, digits, '_' or '-'`,
      );
    }
  } else {
    if (r.name) checkName(r.type, r.name);
    if (r.version && !/^[A-Za-z0-9_.-]+$/.test(r.version)) {
      throw new TypeError(
        `Invalid version ${JSON.stringify(r.version)} in URI ${JSON.stringify(uri)}`,
      );
    }
  }
  return r;
}
