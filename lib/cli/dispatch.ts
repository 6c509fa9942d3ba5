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
    if (!group) {
      const near = closest(rest[0], GROUPS.map((g) => g.name));
      throw new UsageError(
        `Unknown command group '${rest[0]}'${near ? ` (did you mean '${near}'?)` : ""}`,
      );
    }
    return await runGroup(group, rest.slice(1), { io: resolved, globals, help });
  } catch (e) {
    // The reader of stdout went away (`swcli ... | head`): nothing more to say, to anyone.
    if (e instanceof Deno.errors.BrokenPipe) return 0;
    const report = describeError(e, { verbose: globals.verbose > 0 });
    await resolved.stderr.write(`${report.text}\n`);
    return report.exitCode;
  }
}

function isHelp(arg: string): boolean {
  return arg === "--help" || arg === "-h";
}

async function runGroup(
  group: Group,
  args: string[],
  state: { io: ResolvedIo; globals: GlobalOptions; help: boolean },
): Promise<number> {
  const { io, globals } = state;
  if (group.default && (args.length === 0 || args[0].startsWith("-") && !isHelp(args[0]))) {
    args = [group.default, ...args];
  }
  if (args.length === 0 || isHelp(args[0]) || state.help && !args[0]) {
    await io.stdout.write(groupHelp(group));
    return args.length === 0 && !state.help ? 2 : 0;
  }
  const command = findCommand(group, args[0]);
  if (!command) {
    const near = closest(args[0], group.commands.map((c) => c.name));
    throw new UsageError(
      `Unknown command '${group.name} ${args[0]}'` +
        (near ? ` (did you mean '${group.name} ${near}'?)` : ""),
      group.name,
    );
  }
  const name = `${group.name} ${command.name}`;
  const rest = args.slice(1);
  // `--help` anywhere (before `--`) shows the help, whatever else the line holds.
  const end = rest.includes("--") ? rest.indexOf("--") : rest.length;
  if (state.help || rest.slice(0, end).some((a) => a === "--help" || a === "-h")) {
    await io.stdout.write(commandHelp(group, command));
    return 0;
  }
  const parsed = parseArgs(rest, {
    command: name,
    options: [...(command.options ?? []), ...GLOBAL_OPTIONS],
    positionals: command.positionals ?? [],
  });
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

/** The name nearest to a typo (edit distance at most 2, or a unique prefix), if any. */
function closest(typo: string, names: readonly string[]): string | undefined {
  const prefixed = names.filter((n) => n.startsWith(typo));
  if (typo.length >= 2 && prefixed.length === 1) return prefixed[0];
  let best: string | undefined;
  let bestDistance = 3;
  for (const name of names) {
    const d = distance(typo, name);
    if (d < bestDistance) (best = name, bestDistance = d);
  }
  return best;
}

/** Optimal string alignment distance: insertions, deletions, substitutions, swaps. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}
