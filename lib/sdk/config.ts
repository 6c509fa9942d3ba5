/**
 * The swcli configuration: `~/.config/starwhale/config.yaml` (or `SW_CLI_CONFIG`) and the storage
 * root `~/.starwhale` (or `SW_LOCAL_STORAGE`). Read only: the SDK never rewrites the file, so a
 * config written by the Python swcli (logged-in instances, tokens) is never clobbered.
 *
 * @module
 */

import { join, resolve } from "node:path";
import { parseYaml } from "../_deps.ts";

/** The version a config file must have. */
export const CONFIG_VERSION = "2.0";
/** The alias (and `uri`) of the standalone instance. */
export const LOCAL_ALIAS = "local";
/** The default project. */
export const DEFAULT_PROJECT = "self";

/** One entry of `instances` in the config file. */
export interface InstanceConfig {
  /** The key in `instances`. */
  alias: string;
  /** `local` for standalone, else the base URL, e.g. `https://cloud.starwhale.cn`. */
  uri: string;
  /** `standalone` or `cloud`. */
  type: "standalone" | "cloud";
  /** The login token (`sw_token`), if any. */
  token?: string;
  /** The project `swcli project select` chose, if any. */
  currentProject?: string;
  /** The login user name (`user_name`). */
  userName?: string;
}

/** Where a {@link Config} comes from; every field overrides the environment. */
export interface ConfigOptions {
  /** Config file path; default `SW_CLI_CONFIG`, else `~/.config/starwhale/config.yaml`. */
  path?: string;
  /** Storage root; default `SW_LOCAL_STORAGE`, else `storage.root` of the file, else `~/.starwhale`. */
  root?: string;
}

/**
 * A loaded swcli configuration: instances by alias, the current instance, the storage root.
 *
 * @example A config built in memory
 * ```ts
 * import assert from "node:assert/strict";
 * import { Config } from "@starwhale/sdk";
 * const config = Config.from({
 *   current_instance: "local",
 *   instances: { local: { uri: "local", type: "standalone", current_project: "self" } },
 * }, { root: "/data/starwhale" });
 * assert(config.current.alias === "local" && config.root === "/data/starwhale");
 * ```
 */
export class Config {
  /** The config file path (may not exist). */
  readonly path: string;
  /** The storage root of the standalone instance. */
  readonly root: string;
  /** The current instance's alias. */
  readonly currentAlias: string;
  #instances: Map<string, InstanceConfig>;

  private constructor(
    path: string,
    root: string,
    current: string,
    instances: Map<string, InstanceConfig>,
  ) {
    this.path = path;
    this.root = root;
    this.currentAlias = current;
    this.#instances = instances;
  }

  /**
   * Loads the config file, or the defaults when it does not exist. Never writes.
   *
   * Needs `--allow-env` (unless both options are given) and `--allow-read` of the file.
   *
   * @param options Explicit path and root; they win over the environment.
   * @returns The config.
   * @throws {SyntaxError} The file is not YAML. {TypeError} Its version is not "2.0" or its shape
   *   is wrong.
   * @example Defaults when the file is missing
   * ```ts
   * import assert from "node:assert/strict";
   * import { Config } from "@starwhale/sdk";
   * const dir = await Deno.makeTempDir();
   * const config = await Config.load({ path: `${dir}/config.yaml`, root: `${dir}/root` });
   * assert(config.current.alias === "local" && config.currentProject() === "self");
   * await Deno.remove(dir, { recursive: true });
   * ```
   */
  static async load(options: ConfigOptions = {}): Promise<Config> {
    const path = configPath(options);
    let text: string | undefined;
    try {
      text = await Deno.readTextFile(path);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    return Config.#parse(text, { path, root: options.root });
  }

  /**
   * Same as {@link Config.load}, synchronously (for `job(uri)`, which does no other I/O).
   *
   * @param options Explicit path and root.
   * @returns The config.
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Config } from "@starwhale/sdk";
   * const dir = await Deno.makeTempDir();
   * const config = Config.loadSync({ path: `${dir}/none.yaml`, root: dir });
   * assert(config.root === dir);
   * await Deno.remove(dir, { recursive: true });
   * ```
   */
  static loadSync(options: ConfigOptions = {}): Config {
    const path = configPath(options);
    let text: string | undefined;
    try {
      text = Deno.readTextFileSync(path);
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
    return Config.#parse(text, { path, root: options.root });
  }

  static #parse(text: string | undefined, options: { path: string; root?: string }): Config {
    const path = options.path;
    let raw: unknown = {};
    if (text !== undefined) {
      try {
        raw = parseYaml(text) ?? {};
      } catch (e) {
        throw new SyntaxError(`Cannot read config file '${path}': not valid YAML`, { cause: e });
      }
    }
    if (text !== undefined) {
      const version = (raw as Record<string, unknown>)?.version;
      if (String(version) !== CONFIG_VERSION) {
        throw new TypeError(
          `Cannot use config file '${path}': its version is '${version}', expected ` +
            `"${CONFIG_VERSION}" (left unchanged; upgrade it with a current swcli)`,
        );
      }
    }
    return Config.from(raw, {
      path,
      root: options.root ?? (nonEmptyEnv("SW_LOCAL_STORAGE") || undefined),
    });
  }

  /**
   * Builds a config from the parsed YAML object (keys as in the file), without any I/O.
   *
   * @param raw The parsed file (`{current_instance, instances, storage}`), or `{}` for defaults.
   * @param options `path` to report and `root` overriding `storage.root`.
   * @returns The config; the `local` instance is always present.
   * @throws {TypeError} When `raw` is not an object or an instance entry has no `uri`.
   * @example
   * ```ts
   * import assert from "node:assert/strict";
   * import { Config } from "@starwhale/sdk";
   * const c = Config.from({ instances: { srv: { uri: "http://srv:8082", sw_token: "t" } } }, {
   *   root: "/r",
   * });
   * assert(c.instance("srv")?.token === "t" && c.instance("local")?.type === "standalone");
   * ```
   */
  static from(raw: unknown, options: { path?: string; root?: string } = {}): Config {
    if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
      throw new TypeError(`Cannot use config: expected a mapping, got ${typeof raw}`);
    }
    const obj = raw as Record<string, unknown>;
    const instances = new Map<string, InstanceConfig>();
    const entries = (obj.instances ?? {}) as Record<string, Record<string, unknown>>;
    if (typeof entries !== "object") {
      throw new TypeError(`Cannot use config: 'instances' must be a mapping`);
    }
    for (const [alias, entry] of Object.entries(entries)) {
      if (!entry || typeof entry.uri !== "string") {
        throw new TypeError(`Cannot use config: instance '${alias}' has no 'uri'`);
      }
      const local = entry.uri === LOCAL_ALIAS;
      instances.set(alias, {
        alias,
        uri: local ? LOCAL_ALIAS : withScheme(entry.uri),
        type: local ? "standalone" : "cloud",
        token: typeof entry.sw_token === "string" ? entry.sw_token : undefined,
        currentProject: typeof entry.current_project === "string"
          ? entry.current_project
          : (local ? DEFAULT_PROJECT : undefined),
        userName: typeof entry.user_name === "string" ? entry.user_name : undefined,
      });
    }
    if (!instances.has(LOCAL_ALIAS)) {
      instances.set(LOCAL_ALIAS, {
        alias: LOCAL_ALIAS,
        uri: LOCAL_ALIAS,
        type: "standalone",
        currentProject: DEFAULT_PROJECT,
      });
    }
    const storage = (obj.storage ?? {}) as Record<string, unknown>;
    const fileRoot = typeof storage.root === "string" ? storage.root : undefined;
    const root = resolve(options.root ?? fileRoot ?? join(home(), ".starwhale"));
    const current = typeof obj.current_instance === "string" &&
        instances.has(obj.current_instance)
      ? obj.current_instance
      : LOCAL_ALIAS;
    return new Config(options.path ?? "", root, current, instances);
  }

  /** The current instance. */
  get current(): InstanceConfig {
    return this.#instances.get(this.currentAlias)!;
  }

  /** Every configured instance. */
  get instances(): InstanceConfig[] {
    return [...this.#instances.values()];
  }

  /**
   * Looks up an instance by alias.
   *
   * @param alias e.g. `local`, `cloud-cn`.
   * @returns The entry, or `undefined`.
   */
  instance(alias: string): InstanceConfig | undefined {
    return this.#instances.get(alias);
  }

  /**
   * Finds the instance whose `uri` is exactly this base URL (`scheme://host[:port]`).
   *
   * @param url The base URL.
   * @returns The entry, or `undefined`.
   */
  instanceByUrl(url: string): InstanceConfig | undefined {
    const want = url.replace(/\/+$/, "");
    return this.instances.find((i) => i.uri === want);
  }

  /**
   * The project selected on an instance: its `current_project`, else `self` for standalone.
   *
   * @param alias The instance alias; default the current instance.
   * @returns The project name, or `undefined` when a server instance has none selected.
   */
  currentProject(alias: string = this.currentAlias): string | undefined {
    const entry = this.#instances.get(alias);
    return entry?.currentProject ?? (entry?.type === "standalone" ? DEFAULT_PROJECT : undefined);
  }
}

function configPath(options: ConfigOptions): string {
  return options.path ??
    (nonEmptyEnv("SW_CLI_CONFIG") || join(home(), ".config", "starwhale", "config.yaml"));
}

function nonEmptyEnv(name: string): string {
  return Deno.env.get(name) ?? "";
}

function home(): string {
  const h = Deno.env.get("HOME") ?? Deno.env.get("USERPROFILE");
  if (!h) {
    throw new TypeError(
      "Cannot find the home directory: set HOME, or SW_CLI_CONFIG and SW_LOCAL_STORAGE",
    );
  }
  return h;
}

function withScheme(uri: string): string {
  const u = /^[a-z][a-z0-9+.-]*:\/\//i.test(uri) ? uri : `http://${uri}`;
  return u.replace(/\/+$/, "");
}
