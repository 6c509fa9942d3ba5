/**
 * From a command line to an exit code: the leading global options, the group, the command,
 * `--help` at any level, the command's arguments, then the run — and every error reported as
 * one line on stderr.
 *
 * @module
 */

import { parseArgs } from "./args.ts";
import { findCommand, GLOBAL_OPTIONS, type Group } from "./command.ts";
import { GROUPS } from "./commands/mod.ts";
import { CliContext, type GlobalOptions } from "./context.ts";
import { describeError, UsageError } from "./errors.ts";
import { commandHelp, groupHelp, mainHelp } from "./help.ts";
import { type CliIo, type ResolvedIo, resolveIo } from "./io.ts";

/**
 * Runs one swcli command line.
 *
 * @param args The arguments, without the program name (e.g. `["job", "list"]`).
 * @param io Output writers, input, terminal flag, environment and stop signal; default the
 *   process's.
 * @returns The exit code: 0 success, 1 failed job or operation, 2 usage error.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runCommandLine } from "./dispatch.ts";
 * let err = "";
 * const code = await runCommandLine(["nosuch"], { stderr: { write: (t) => void (err += t) } });
 * assert.equal(code, 2);
 * assert.match(err, /Unknown command group 'nosuch'/);
 * ```
 */
export async function runCommandLine(args: readonly string[], io: CliIo = {}): Promise<number> {
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
  state: { io: ResolvedIo; globals: GlobalOptions; help: boolean },
): Promise<number> {
  const { io, globals } = state;
  if (args.length === 0 || args[0] === "--help" || args[0] === "-h" || state.help && !args[0]) {
    await io.stdout.write(groupHelp(group));
    return args.length === 0 && !state.help ? 2 : 0;
  }
  const command = findCommand(group, args[0]);
  if (!command) throw new UsageError(`Unknown command '${group.name} ${args[0]}'`, group.name);
  const name = `${group.name} ${command.name}`;
  const help = state.help || args.includes("--help") || args.includes("-h");
  const parsed = parseArgs(args.slice(1).filter((a) => a !== "--help" && a !== "-h"), {
    command: name,
    options: [...(command.options ?? []), ...GLOBAL_OPTIONS],
    positionals: help ? [] : command.positionals ?? [],
  });
  if (help) {
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

function leadingGlobals(
  args: readonly string[],
  globals: GlobalOptions,
): { rest: string[]; help: boolean } {
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

function applyGlobals(
  options: Record<string, unknown>,
  globals: GlobalOptions,
  command: string,
): void {
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
