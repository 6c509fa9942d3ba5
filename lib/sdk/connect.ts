/**
 * From a URI to the instance that serves it: the standalone instance at the configured storage
 * root, or a Starwhale server.
 *
 * @module
 */

import { Config } from "./config.ts";
import type { Instance } from "./instance.ts";
import { RemoteInstance } from "../remote/mod.ts";
import { StandaloneInstance } from "../standalone/mod.ts";
import {
  type InstanceTarget,
  parseProjectUri,
  parseResourceUri,
  type ProjectUri,
  type ResourceType,
  type ResourceUri,
} from "./uri.ts";

/** Options every SDK entry point takes: where the config comes from, or an explicit instance. */
export interface ClientOptions {
  /** The swcli config; default loaded from `SW_CLI_CONFIG` / `~/.config/starwhale/config.yaml`. */
  config?: Config;
  /** Use this instance instead of the one the URI names (URIs are still parsed for the names). */
  instance?: Instance;
}

/** The config of the options, loaded when absent. */
export function configOf(options: ClientOptions): Config {
  if (options.config) return options.config;
  if (options.instance) return Config.from({}, { root: "/" });
  return Config.loadSync();
}

/**
 * The instance a target names: the explicit one, the standalone instance at the config's root
 * (leasing its datastore per operation), or a server.
 *
 * @throws {TypeError} For a server URL without a token (log in with swcli, or pass `instance`).
 */
export function instanceFor(
  target: InstanceTarget,
  options: ClientOptions & { config: Config },
): Instance {
  if (options.instance) return options.instance;
  if (target.kind === "standalone") {
    return new StandaloneInstance(options.config.root, { keepOpen: false });
  }
  if (!target.token) {
    throw new TypeError(
      `Cannot connect to ${target.url}: no token for it (log in with swcli, or pass an instance)`,
    );
  }
  return new RemoteInstance({ url: target.url, token: target.token });
}

/**
 * The project a URI names and the instance serving it, as every SDK entry point that takes a
 * project opens them.
 *
 * @param project Project URI; `""` is the selected project.
 * @param options Config or explicit instance.
 * @returns The config used, the parsed URI and the instance.
 * @throws {TypeError} For a malformed URI, or a server URL without a token.
 */
export function openProject(
  project: string,
  options: ClientOptions,
): { config: Config; uri: ProjectUri; instance: Instance } {
  const config = configOf(options);
  const uri = parseProjectUri(project, { config });
  return { config, uri, instance: instanceFor(uri.instance, { ...options, config }) };
}

/**
 * The job, model or dataset a URI names and the instance serving it.
 *
 * @param uri The resource URI (a name, an id prefix or a full URI).
 * @param options The resource type, and config or explicit instance.
 * @returns The parsed URI and the instance.
 * @throws {TypeError} For a malformed URI, or a server URL without a token.
 */
export function openResource(
  uri: string,
  options: ClientOptions & { type: ResourceType },
): { uri: ResourceUri; instance: Instance } {
  const config = configOf(options);
  const parsed = parseResourceUri(uri, { type: options.type, config });
  return { uri: parsed, instance: instanceFor(parsed.instance, { ...options, config }) };
}
