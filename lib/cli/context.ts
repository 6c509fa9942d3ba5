/**
 * What every command gets: the resolved I/O, the output mode, the swcli config (path, root,
 * instances) and instances opened on demand for project and resource URIs, closed at the end.
 *
 * @module
 */

import { join } from "node:path";
import { Config, LOCAL_ALIAS } from "../sdk/mod.ts";
import type { Instance } from "../sdk/mod.ts";
import { RemoteInstance } from "../remote/mod.ts";
import { StandaloneInstance } from "../standalone/mod.ts";
import {
  type InstanceTarget,
  parseProjectUri,
  parseResourceUri,
  type ResourceType,
  type ResourceUri,
} from "../sdk/mod.ts";
import { type ConfigFile, readConfigFile } from "./config_file.ts";
import { readLine, type ResolvedIo } from "./io.ts";
import { jsonLine, jsonText } from "./output/json.ts";
import { type Progress, type ProgressOptions, startProgress } from "./output/progress.ts";

/** The global options, parsed. */
export interface GlobalOptions {
  /** `--output json`. */
  json: boolean;
  /** `-v` count. */
  verbose: number;
  /** `--instance ALIAS|URL`: the instance to use instead of the current one. */
  instance?: string;
}

/** An instance opened for a project. */
export interface ProjectTarget {
  /** The instance. */
  instance: Instance;
  /** Where it is. */
  target: InstanceTarget;
  /** The project name (or id). */
  project: string;
}

/** The state of one command run. */
export class CliContext {
  /** The resolved I/O. */
  readonly io: ResolvedIo;
  /** The global options. */
  readonly options: GlobalOptions;
  #loaded: Promise<{ file: ConfigFile; config: Config }> | undefined;
  readonly #open: Instance[] = [];
  #root: string | undefined;

  /**
   * @param io The resolved I/O.
   * @param options The global options.
   */
  constructor(io: ResolvedIo, options: GlobalOptions) {
    this.io = io;
    this.options = options;
  }

  /** Whether `--output json` was given. */
  get json(): boolean {
    return this.options.json;
  }

  /** The home directory. */
  home(): string {
    const home = this.io.env("HOME") ?? this.io.env("USERPROFILE");
    if (!home) {
      throw new TypeError(
        "Cannot find the home directory: set HOME, or SW_CLI_CONFIG and SW_LOCAL_STORAGE",
      );
    }
    return home;
  }

  /** The config file path: `SW_CLI_CONFIG`, else `~/.config/starwhale/config.yaml`. */
  configPath(): string {
    return this.io.env("SW_CLI_CONFIG") ?? join(this.home(), ".config", "starwhale", "config.yaml");
  }

  /** The config file and the parsed config (read once per run). */
  loadConfig(): Promise<{ file: ConfigFile; config: Config }> {
    this.#loaded ??= (async () => {
      const file = await readConfigFile(this.configPath());
      const storage = file.raw.storage as Record<string, unknown> | undefined;
      const root = this.io.env("SW_LOCAL_STORAGE") ??
        (typeof storage?.root === "string" ? storage.root : join(this.home(), ".starwhale"));
      let raw = file.raw;
      const chosen = this.options.instance;
      if (chosen && !/^[a-z]+:\/\//i.test(chosen)) raw = { ...raw, current_instance: chosen };
      const config = Config.from(raw, { path: file.path, root });
      if (chosen && !/^[a-z]+:\/\//i.test(chosen) && config.currentAlias !== chosen) {
        throw new RangeError(
          `Cannot find instance '${chosen}': configured aliases are ${
            config.instances.map((i) => i.alias).join(", ")
          }`,
        );
      }
      this.#root = config.root;
      return { file, config };
    })();
    return this.#loaded;
  }

  /** Forgets the loaded config (after the command edited the file). */
  reloadConfig(): void {
    this.#loaded = undefined;
  }

  /** The storage root of the standalone instance. */
  async root(): Promise<string> {
    return (await this.loadConfig()).config.root;
  }

  /** The `--instance` URL prefix to put before a bare URI, if `--instance` was a URL. */
  #prefixed(uri: string): string {
    const chosen = this.options.instance;
    if (!chosen || !/^[a-z]+:\/\//i.test(chosen) || /^[a-z]+:\/\//i.test(uri)) return uri;
    return `${chosen.replace(/\/+$/, "")}/${uri}`;
  }

  /**
   * Opens the instance of a project URI (`self`, `local/project/p`, `cloud://srv/project/1`, or
   * `undefined` for the selected project).
   */
  async project(uri: string | undefined): Promise<ProjectTarget> {
    const { config } = await this.loadConfig();
    const text = uri ?? "";
    const chosen = this.options.instance;
    const parsed = chosen && /^[a-z]+:\/\//i.test(chosen)
      ? parseProjectUri(this.#prefixed(`project/${text || selectedProjectAt(config, chosen)}`), {
        config,
      })
      : parseProjectUri(text, { config });
    return {
      instance: this.open(parsed.instance),
      target: parsed.instance,
      project: parsed.project,
    };
  }

  /** Opens the selected (or `--instance`) instance; `project` is its selected one, or `""`. */
  async current(): Promise<ProjectTarget> {
    const { config } = await this.loadConfig();
    const chosen = this.options.instance;
    if (chosen && /^[a-z]+:\/\//i.test(chosen)) return await this.project(undefined);
    const entry = config.current;
    const target: InstanceTarget = {
      alias: entry.alias,
      url: entry.uri,
      kind: entry.type,
      token: entry.token,
    };
    return {
      instance: this.open(target),
      target,
      project: config.currentProject(entry.alias) ?? "",
    };
  }

  /** Parses a resource URI and opens its instance. */
  async resource(
    uri: string,
    type: ResourceType,
    project?: string,
  ): Promise<{ instance: Instance; uri: ResourceUri }> {
    const { config } = await this.loadConfig();
    const parsed = parseResourceUri(this.#prefixed(uri), { type, config, project });
    return { instance: this.open(parsed.instance), uri: parsed };
  }

  /** Opens (and remembers, to close at the end) the instance of a target. */
  open(target: InstanceTarget): Instance {
    let instance: Instance;
    if (target.kind === "standalone") {
      if (!this.#root) throw new TypeError("Cannot open the standalone instance before the config");
      instance = new StandaloneInstance(this.#root);
    } else {
      if (!target.token) {
        throw new TypeError(
          `Cannot connect to ${target.url}: not logged in (run 'swcli instance login ${target.url} --token <token>')`,
        );
      }
      const attempts = Number(this.io.env("SW_CLIENT_RETRY_ATTEMPTS") ?? 2);
      instance = new RemoteInstance({ url: target.url, token: target.token, attempts });
    }
    this.#open.push(instance);
    return instance;
  }

  /** Whether a target is the standalone instance. */
  static isLocal(target: InstanceTarget): boolean {
    return target.url === LOCAL_ALIAS;
  }

  /** Writes text to stdout. */
  async print(text: string): Promise<void> {
    await this.io.stdout.write(text.endsWith("\n") || text === "" ? text : `${text}\n`);
  }

  /** Writes a notice to stderr. */
  async note(text: string): Promise<void> {
    await this.io.stderr.write(`${text}\n`);
  }

  /**
   * Asks a yes/no question on stderr and reads the answer from stdin.
   *
   * @param question The question, e.g. `Remove project 'demo'?`.
   * @returns `true` for `y` or `yes` (any case); `false` for anything else or no answer.
   */
  async confirm(question: string): Promise<boolean> {
    await this.io.stderr.write(`${question} [y/N] `);
    return /^\s*y(es)?\s*$/i.test(await readLine(this.io.stdin()));
  }

  /** Writes one JSON document to stdout. */
  async printJson(value: unknown): Promise<void> {
    await this.io.stdout.write(jsonText(value));
  }

  /** Writes one JSON line to stdout. */
  async printJsonLine(value: unknown): Promise<void> {
    await this.io.stdout.write(jsonLine(value));
  }

  /** Starts a progress display on stderr; drawn only on a terminal and not in JSON mode. */
  progress(label: string, options: Omit<ProgressOptions, "writer" | "enabled"> = {}): Progress {
    return startProgress(label, {
      ...options,
      writer: this.io.stderr,
      enabled: this.io.isTerminal && !this.json,
    });
  }

  /** Closes every opened instance. */
  async close(): Promise<void> {
    for (const i of this.#open.splice(0)) await i.close().catch(() => {});
  }
}

/**
 * The project selected on the logged-in instance at `url` (a server has no project every install
 * shares, so none is assumed).
 *
 * @throws {TypeError} No logged-in instance at that URL has a selected project.
 */
function selectedProjectAt(config: Config, url: string): string {
  const bare = (u: string) => u.replace(/\/+$/, "");
  const entry = config.instances.find((i) => bare(i.uri) === bare(url));
  const project = entry ? config.currentProject(entry.alias) : undefined;
  if (project) return project;
  throw new TypeError(
    `Cannot tell the project on ${url}: name it with --project (a name, owner:name or id)` +
      (entry ? ` or select one with 'swcli project select'` : ""),
  );
}
