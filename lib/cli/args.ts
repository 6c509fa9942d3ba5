/**
 * The command-line argument parser: long and short options (`--size 5`, `--size=5`, `-p self`),
 * booleans, repeatable options, counted flags, `--` to end options, and checked positionals.
 * Every mistake is a {@link UsageError} (exit code 2).
 *
 * @module
 */

import { UsageError } from "./errors.ts";

/** How an option takes its value. */
export type OptionType = "string" | "integer" | "boolean" | "count" | "strings";

/** One option of a command. */
export interface OptionSpec {
  /** Long name without dashes, e.g. `dataset-head`. */
  name: string;
  /** One-letter alias without the dash, e.g. `p`. */
  short?: string;
  /** `string`, `integer`, `boolean` (flag), `count` (repeatable flag) or `strings` (repeatable). */
  type: OptionType;
  /** One line for `--help`. */
  description: string;
  /** Placeholder of the value in `--help`, e.g. `N`. */
  value?: string;
}

/** One positional argument of a command. */
export interface PositionalSpec {
  /** Name in `--help`, e.g. `JOB`. */
  name: string;
  /** May be left out. */
  optional?: boolean;
  /** Takes every remaining argument (at least one unless optional). */
  variadic?: boolean;
}

/** What {@link parseArgs} found. */
export interface ParsedArgs {
  /** Option values by long name; flags are `true`, counts numbers, `strings` arrays. */
  options: Record<string, string | number | boolean | string[] | undefined>;
  /** Positional arguments by their spec name (variadic ones as arrays). */
  positionals: Record<string, string | string[] | undefined>;
}

/**
 * Parses the arguments of one command.
 *
 * @param argv The arguments after the command name.
 * @param spec The command's options and positionals, and its name for messages.
 * @returns The options and positionals.
 * @throws {UsageError} For an unknown option, a missing or malformed value, or a wrong number of
 *   positionals.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { parseArgs } from "./args.ts";
 * const p = parseArgs(["x", "--size=5", "-f"], {
 *   command: "job list",
 *   options: [{ name: "size", type: "integer", description: "" }, {
 *     name: "force", short: "f", type: "boolean", description: "",
 *   }],
 *   positionals: [{ name: "JOB" }],
 * });
 * assert.deepEqual(p, { options: { size: 5, force: true }, positionals: { JOB: "x" } });
 * ```
 */
export function parseArgs(
  argv: readonly string[],
  spec: { command: string; options: readonly OptionSpec[]; positionals: readonly PositionalSpec[] },
): ParsedArgs {
  const options: ParsedArgs["options"] = {};
  const rest: string[] = [];
  const fail = (message: string) => new UsageError(message, spec.command);
  const find = (token: string): OptionSpec | undefined =>
    token.startsWith("--")
      ? spec.options.find((o) => o.name === token.slice(2))
      : spec.options.find((o) => o.short === token.slice(1));
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      rest.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-" || /^-\d/.test(arg)) {
      rest.push(arg);
      continue;
    }
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const token = eq > 0 ? arg.slice(0, eq) : arg;
    const option = find(token);
    if (!option) throw fail(`Unknown option '${token}' for '${spec.command}'`);
    const name = option.name;
    if (option.type === "boolean" || option.type === "count") {
      if (eq > 0) throw fail(`Option '--${name}' takes no value`);
      options[name] = option.type === "count" ? Number(options[name] ?? 0) + 1 : true;
      continue;
    }
    let value: string;
    if (eq > 0) value = arg.slice(eq + 1);
    else {
      if (i + 1 >= argv.length) throw fail(`Option '${token}' needs a value`);
      value = argv[++i];
    }
    if (option.type === "integer") {
      if (!/^-?\d+$/.test(value.trim())) {
        throw fail(`Option '--${name}' needs an integer, got ${JSON.stringify(value)}`);
      }
      options[name] = Number(value);
    } else if (option.type === "strings") {
      options[name] = [...(options[name] as string[] | undefined ?? []), value];
    } else options[name] = value;
  }
  return { options, positionals: assignPositionals(rest, spec, fail) };
}

function assignPositionals(
  rest: string[],
  spec: { command: string; positionals: readonly PositionalSpec[] },
  fail: (message: string) => UsageError,
): ParsedArgs["positionals"] {
  const out: ParsedArgs["positionals"] = {};
  let i = 0;
  for (const p of spec.positionals) {
    if (p.variadic) {
      const values = rest.slice(i);
      i = rest.length;
      if (values.length === 0 && !p.optional) throw fail(`Missing argument ${p.name}`);
      out[p.name] = values;
    } else if (i < rest.length) out[p.name] = rest[i++];
    else if (!p.optional) throw fail(`Missing argument ${p.name}`);
  }
  if (i < rest.length) {
    throw fail(`Unexpected argument ${JSON.stringify(rest[i])} for '${spec.command}'`);
  }
  return out;
}
