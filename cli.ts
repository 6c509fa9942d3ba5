/**
 * `swcli`: the Starwhale command line, with the command groups and habits of Starwhale's Python
 * swcli — `instance`, `project`, `model`, `dataset`, `job`, `table` and `server`. Human tables
 * by default, `--output json` for scripts, exit code 0 on success, 1 on a failed job or
 * operation, 2 on a usage error.
 *
 * Run it with `deno run -A cli.ts ...` (`deno task swcli ...` in this repository), put it on
 * PATH with `deno install -g -A -n swcli --config <path>/deno.json <path>/cli.ts` (the config
 * lets model packages import `@starwhale/sdk`), or build a single binary with
 * `deno task compile`.
 *
 * @example List the jobs of the selected project as JSON
 * ```ts ignore
 * import { main } from "@starwhale/sdk/cli";
 * const code = await main(["job", "list", "--output", "json"]);
 * ```
 *
 * @module
 */

import { type CliIo, routeConsoleToStderr, runCommandLine } from "./lib/cli/mod.ts";

export type { CliIo, TextWriter } from "./lib/cli/mod.ts";

/**
 * Runs one swcli command line.
 *
 * Needs the permissions of the command: `--allow-env` and `--allow-read` always (the config
 * file and the storage root), `--allow-write` for anything that changes them, `--allow-net`
 * for remote instances and `server start`; `-A` covers every command.
 *
 * @param args The arguments, without the program name (e.g. `["job", "list"]`).
 * @param io Output writers, input, terminal flag, environment and stop signal; default the
 *   process's.
 * @returns The exit code: 0 success, 1 failed job or operation, 2 usage error.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { main } from "./cli.ts";
 * let out = "";
 * const code = await main(["job", "--help"], { stdout: { write: (t) => void (out += t) } });
 * assert.equal(code, 0);
 * assert.match(out, /Usage: swcli job COMMAND/);
 * ```
 */
export function main(args: string[], io: CliIo = {}): Promise<number> {
  return runCommandLine(args, io);
}

if (import.meta.main) {
  // Stdout carries only the command's results (`-o json` output stays parseable): what else is
  // printed with console.log — by a handler of a job running here — goes to stderr, as notices do.
  routeConsoleToStderr();
  Deno.exit(await main(Deno.args));
}
