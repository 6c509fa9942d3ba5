/**
 * `swcli`: the Starwhale command line, with the command groups and habits of the Python swcli —
 * `instance`, `project`, `model`, `dataset`, `job`, `table` and `server`. Human tables by default,
 * `--output json` for scripts, exit code 0 on success, 1 on a failed job or operation, 2 on a
 * usage error.
 *
 * Run it with `deno task swcli ...` or `deno run -A cli.ts ...`; `deno task compile` builds a
 * single binary.
 *
 * @example List the jobs of the selected project as JSON
 * ```ts ignore
 * import { main } from "@starwhale/sdk/cli";
 * const code = await main(["job", "list", "--output", "json"]);
 * ```
 *
 * @module
 */

import { parseArgs, UsageError } from "./lib/cli/mod.ts";
import {
  commandHelp,
  findCommand,
  GLOBAL_OPTIONS,
  type Group,
  groupHelp,
  mainHelp,
} from "./lib/cli/mod.ts";
import { GROUPS } from "./lib/cli/mod.ts";
import { CliContext, type GlobalOptions } from "./lib/cli/mod.ts";
import { describeError } from "./lib/cli/mod.ts";
import { type CliIo, resolveIo } from "./lib/cli/mod.ts";

export type { CliIo, TextWriter } from "./lib/cli/mod.ts";

/**
 * Runs one swcli command line.
 *
 * @param args The arguments, without the program name (e.g. `["job", "list"]`).
 * @param io Output writers, input, terminal flag, environment and stop signal; default the
 *   process's.
 * @returns The exit code: 0 success, 1 failed job or operation, 2 usage error.
 * @example
 * ```ts
 * import { main } from "./cli.ts";
 * let out = "";
 * const code = await main(["job", "--help"], { stdout: { write: (t) => void (out += t) } });
 * console.assert(code === 0 && out.includes("swcli job"));
 * ```
 */
export async function main(args: string[], io: CliIo = {}): Promise<number> {
  const resolved = resolveIo(io);
  const globals: GlobalOptions = { json: false, verbose: 0 };
  try {
    const { rest, help } = leadingGlobals(args, globals);
    const group = GROUPS.find((g) => g.name === rest[0]);
    if (rest.length === 0 || (help && !group)) {
      await resolved.stdout.write(mainHelp(GROUPS));
      return help ? 0 : 2;
    }
    if (!group) throw new UsageError(`Unknown command group '${rest[0]}'`);
    return await runGroup(group, rest.slice(1), { io: resolved, globals, help });
  } catch (e) {
    const report = describeError(e, { verbose: globals.verbose > 0 });
    await resolved.stderr.write(`${report.text}\n`);
    return report.exitCode;
  }
}

async function runGroup(
  group: Group,
  args: string[],
  state: { io: ReturnType<typeof resolveIo>; globals: GlobalOptions; help: boolean },
): Promise<number> {
  const { io, globals } = state;
  if (args.length === 0 || args[0] === "--help" || args[0] === "-h" || state.help && !args[0]) {
    await io.stdout.write(groupHelp(group));
    return args.length === 0 && !state.help ? 2 : 0;
  }
  const command = findCommand(group, args[0]);
  if (!command) throw new UsageError(`Unknown command '${group.name} ${args[0]}'`, group.name);
  const name = `${group.name} ${command.name}`;
  const parsed = parseArgs(args.slice(1).filter((a) => a !== "--help" && a !== "-h"), {
    command: name,
    options: [...(command.options ?? []), ...GLOBAL_OPTIONS],
    positionals: state.help || args.includes("--help") || args.includes("-h")
      ? []
      : command.positionals ?? [],
  });
  if (state.help || args.includes("--help") || args.includes("-h")) {
    await io.stdout.write(commandHelp(group, command));
    return 0;
  }
  applyGlobals(parsed.options, globals, name);
  const ctx = new CliContext(io, globals);
  try {
    return await command.run(ctx, parsed);
  } finally {
    await ctx.close();
  }
}

function leadingGlobals(args: string[], globals: GlobalOptions): { rest: string[]; help: boolean } {
  let i = 0;
  let help = false;
  const options: Record<string, unknown> = {};
  while (i < args.length && args[i].startsWith("-")) {
    const a = args[i];
    if (a === "-h" || a === "--help") help = true;
    else if (a === "-v" || a === "--verbose") options.verbose = Number(options.verbose ?? 0) + 1;
    else if (a === "-o" || a === "--output" || a === "--instance") {
      if (i + 1 >= args.length) throw new UsageError(`Option '${a}' needs a value`);
      options[a === "--instance" ? "instance" : "output"] = args[++i];
    } else if (a.startsWith("--output=")) options.output = a.slice(9);
    else if (a.startsWith("--instance=")) options.instance = a.slice(11);
    else throw new UsageError(`Unknown option '${a}' (global options are -o, -v, --instance)`);
    i++;
  }
  applyGlobals(options, globals, "");
  return { rest: args.slice(i), help };
}

function applyGlobals(options: Record<string, unknown>, globals: GlobalOptions, command: string) {
  if (options.output !== undefined) {
    if (options.output !== "json" && options.output !== "table") {
      throw new UsageError(
        `Invalid --output ${JSON.stringify(options.output)}: expected 'json' or 'table'`,
        command,
      );
    }
    globals.json = options.output === "json";
  }
  if (options.verbose) globals.verbose += Number(options.verbose);
  if (typeof options.instance === "string") globals.instance = options.instance;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
