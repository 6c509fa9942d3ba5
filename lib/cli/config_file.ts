/**
 * Reading and editing the swcli config file (`~/.config/starwhale/config.yaml`, `SW_CLI_CONFIG`)
 * in the format the Python swcli reads: version "2.0", `current_instance`, `instances` by alias
 * (`uri`, `type`, `sw_token`, `user_name`, `user_role`, `current_project`, `updated_at`) and
 * `storage`. Edits change only the keys they are about; every other field is kept as read.
 *
 * @module
 */

import { dirname } from "node:path";
import { parseYaml, stringifyYaml } from "../_deps.ts";
import { CONFIG_VERSION, DEFAULT_PROJECT, LOCAL_ALIAS } from "../sdk/mod.ts";
import { formatManifestTime } from "../standalone/mod.ts";

/** The config file as read: its path, its parsed mapping, and whether it existed. */
export interface ConfigFile {
  /** The file path. */
  path: string;
  /** The parsed YAML mapping (edited in place by the functions below). */
  raw: Record<string, unknown>;
  /** Whether the file existed. */
  exists: boolean;
}

/** What login records for an instance. */
export interface LoginEntry {
  /** The alias, the key under `instances`. */
  alias: string;
  /** The base URL; `http://` is added when it has no scheme. */
  url: string;
  /** The token (`sw_token`). */
  token: string;
  /** The user the server reports. */
  userName?: string;
  /** `admin` or `normal`. */
  userRole?: string;
  /** The project to select (`current_project`); an existing selection is kept when absent. */
  project?: string;
}

/**
 * Reads the config file; a missing file reads as `{}`.
 *
 * @param path The file.
 * @returns The file.
 * @throws {SyntaxError} Not YAML or not a mapping. {TypeError} A version other than "2.0" (the file
 *   is left alone, unlike the Python swcli which would replace it).
 */
export async function readConfigFile(path: string): Promise<ConfigFile> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return { path, raw: {}, exists: false };
    throw e;
  }
  let raw: unknown;
  try {
    raw = parseYaml(text) ?? {};
  } catch (e) {
    throw new SyntaxError(`Cannot read config file '${path}': not valid YAML`, { cause: e });
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new SyntaxError(`Cannot read config file '${path}': expected a YAML mapping`);
  }
  const version = (raw as Record<string, unknown>).version;
  if (String(version) !== CONFIG_VERSION) {
    throw new TypeError(
      `Cannot use config file '${path}': its version is '${version}', expected ` +
        `"${CONFIG_VERSION}" (left unchanged)`,
    );
  }
  return { path, raw: raw as Record<string, unknown>, exists: true };
}

/**
 * Writes the config file atomically with mode 0600, adding the defaults swcli writes for a new
 * file (the `local` instance, `storage`, `docker`) where they are missing.
 *
 * @param file The file, as read and edited.
 * @param defaults The storage root and OS user for missing defaults.
 */
export async function writeConfigFile(
  file: ConfigFile,
  defaults: { root: string; user: string },
): Promise<void> {
  const raw = file.raw;
  raw.version = CONFIG_VERSION;
  raw.current_instance ??= LOCAL_ALIAS;
  const instances = instancesOf(raw);
  instances[LOCAL_ALIAS] ??= {
    uri: LOCAL_ALIAS,
    user_name: defaults.user,
    current_project: DEFAULT_PROJECT,
    type: "standalone",
    updated_at: now(),
  };
  const storage = (raw.storage ??= {}) as Record<string, unknown>;
  storage.root ??= defaults.root;
  storage.server_compose ??= `${defaults.root}/.server/docker-compose.yaml`;
  raw.docker ??= { builtin_image_repo: "docker-registry.starwhale.cn/star-whale" };
  await Deno.mkdir(dirname(file.path), { recursive: true });
  const tmp = `${file.path}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    await Deno.writeTextFile(tmp, stringifyYaml(raw), { mode: 0o600 });
    await Deno.rename(tmp, file.path);
  } catch (e) {
    await Deno.remove(tmp).catch(() => {});
    throw e;
  }
  file.exists = true;
}

/**
 * Records a login: the instance entry with `uri`, `sw_token`, `type: cloud`, user and time.
 * Other keys of an existing entry (e.g. `current_project`) are kept.
 *
 * @param file The config file.
 * @param entry Alias, URL, token and user.
 */
export function recordLogin(file: ConfigFile, entry: LoginEntry): void {
  if (entry.alias === LOCAL_ALIAS) {
    throw new TypeError(`Cannot log in as '${LOCAL_ALIAS}': that alias is the standalone instance`);
  }
  const instances = instancesOf(file.raw);
  const old = (instances[entry.alias] ?? {}) as Record<string, unknown>;
  const url = /^[a-z][a-z0-9+.-]*:\/\//i.test(entry.url) ? entry.url : `http://${entry.url}`;
  instances[entry.alias] = {
    ...old,
    uri: url.replace(/\/+$/, ""),
    user_name: entry.userName ?? old.user_name ?? "",
    user_role: entry.userRole ?? old.user_role ?? "normal",
    sw_token: entry.token,
    type: "cloud",
    updated_at: now(),
    ...(entry.project ? { current_project: entry.project } : {}),
  };
}

/**
 * Forgets an instance; when it was the current one, `local` becomes current.
 *
 * @param file The config file.
 * @param alias The alias.
 * @throws {TypeError} For `local`. {RangeError} For an unknown alias.
 */
export function recordLogout(file: ConfigFile, alias: string): void {
  if (alias === LOCAL_ALIAS) throw new TypeError(`Cannot log out of the standalone instance`);
  const instances = instancesOf(file.raw);
  if (!(alias in instances)) throw unknownAlias(alias, instances);
  delete instances[alias];
  if (file.raw.current_instance === alias) file.raw.current_instance = LOCAL_ALIAS;
}

/**
 * Makes an instance the current one.
 *
 * @param file The config file.
 * @param alias The alias (`local` always exists).
 * @throws {RangeError} For an unknown alias.
 */
export function recordSelectInstance(file: ConfigFile, alias: string): void {
  const instances = instancesOf(file.raw);
  if (alias !== LOCAL_ALIAS && !(alias in instances)) throw unknownAlias(alias, instances);
  file.raw.current_instance = alias;
}

/**
 * Records the selected project of an instance (`current_project`).
 *
 * @param file The config file.
 * @param where The instance alias and the project.
 */
export function recordSelectProject(
  file: ConfigFile,
  where: { alias: string; project: string },
): void {
  const instances = instancesOf(file.raw);
  const entry =
    (instances[where.alias] ??= where.alias === LOCAL_ALIAS
      ? { uri: LOCAL_ALIAS, type: "standalone" }
      : undefined) as Record<string, unknown> | undefined;
  if (!entry) throw unknownAlias(where.alias, instances);
  entry.current_project = where.project;
  entry.updated_at = now();
}

function instancesOf(raw: Record<string, unknown>): Record<string, unknown> {
  const v = raw.instances;
  if (v === undefined || v === null) return (raw.instances = {}) as Record<string, unknown>;
  if (typeof v !== "object" || Array.isArray(v)) {
    throw new TypeError(`Cannot edit the config: 'instances' is not a mapping`);
  }
  return v as Record<string, unknown>;
}

function unknownAlias(alias: string, instances: Record<string, unknown>): RangeError {
  const known = [...new Set([LOCAL_ALIAS, ...Object.keys(instances)])].join(", ");
  return new RangeError(`Cannot find instance '${alias}': configured aliases are ${known}`);
}

function now(): string {
  return formatManifestTime(new Date());
}
