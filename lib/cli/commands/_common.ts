/**
 * What the command groups share: options (`--project`, `--yes`, the ignored `--force`, key
 * ranges), asking before a destructive action, and reading keys given on the command line.
 *
 * @module
 */

import type { Key } from "../../../datastore/mod.ts";
import type { OptionSpec } from "../args.ts";
import type { CliContext } from "../context.ts";
import { CommandFailed, UsageError } from "../errors.ts";

/** `-p/--project URI`. */
export const PROJECT_OPTION: OptionSpec = {
  name: "project",
  short: "p",
  type: "string",
  value: "URI",
  description: "Project URI (self, local/project/p, cloud://alias/project/p); default: selected",
};

/**
 * `-f/--force` where it changes nothing (the command never asks and has no permanent form):
 * accepted so that command lines written for Starwhale's Python swcli keep working.
 */
export const IGNORED_FORCE_OPTION: OptionSpec = {
  name: "force",
  short: "f",
  type: "boolean",
  description: "Accepted for Starwhale's swcli; changes nothing here (this command never asks)",
};

/** `-y/--yes`. */
export const YES_OPTION: OptionSpec = {
  name: "yes",
  short: "y",
  type: "boolean",
  description: "Do it without asking",
};

/**
 * Gets the user's consent to a destructive action: given on the line (`--yes`, or `--force`
 * when it makes the action permanent), else asked on a terminal; a script must give it.
 *
 * @param ctx The context.
 * @param ask The action (`remove project 'demo'`), whether consent was given on the line, and
 *   the command for errors.
 * @throws {UsageError} Not a terminal and no consent on the line. {CommandFailed} The answer
 *   was no ("Aborted").
 */
export async function confirmOrStop(
  ctx: CliContext,
  ask: { action: string; given: boolean; command: string },
): Promise<void> {
  if (ask.given) return;
  if (!ctx.io.isTerminal) {
    throw new UsageError(
      `Refusing to ${ask.action} without asking: add --yes (or --force to delete for good)`,
      ask.command,
    );
  }
  const question = `${ask.action[0].toUpperCase()}${ask.action.slice(1)}?`;
  if (!(await ctx.confirm(question))) throw new CommandFailed("Aborted");
}

/** Options of a key range: `--start`, `--end`, `--end-inclusive`, `--keep-none`, `--limit`. */
export const RANGE_OPTIONS: OptionSpec[] = [
  { name: "start", type: "string", value: "KEY", description: "First key (inclusive)" },
  { name: "end", type: "string", value: "KEY", description: "Last key (exclusive)" },
  { name: "end-inclusive", type: "boolean", description: "Include the --end row" },
  { name: "keep-none", type: "boolean", description: "Keep columns whose value is null" },
  { name: "limit", type: "integer", value: "N", description: "At most N rows" },
  {
    name: "columns",
    type: "strings",
    value: "NAME",
    description: "Only this column (the key is always shown)",
  },
  {
    name: "key-type",
    type: "string",
    value: "int|string",
    description: "How to read --start/--end; default: integers when they look like one",
  },
];

/**
 * Reads a key given on the command line: an integer when it looks like one (or `int` is asked),
 * else the text.
 *
 * @param text The argument.
 * @param keyType `int`, `string`, or `undefined` to guess.
 * @returns The key.
 * @throws {UsageError} When `int` is asked and the text is not an integer.
 */
export function parseKey(text: string, keyType?: string): Key {
  if (keyType !== undefined && keyType !== "int" && keyType !== "string") {
    throw new UsageError(`Invalid --key-type ${JSON.stringify(keyType)}: expected int or string`);
  }
  if (keyType === "string") return text;
  if (/^-?\d+$/.test(text)) {
    const n = BigInt(text);
    return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(n)
      : n;
  }
  if (keyType === "int") throw new UsageError(`Invalid integer key ${JSON.stringify(text)}`);
  return text;
}

/** The scan options of the range options. */
export function rangeOf(options: Record<string, unknown>): {
  start?: Key;
  end?: Key;
  endInclusive?: boolean;
  keepNone?: boolean;
  limit?: number;
  columns?: string[];
} {
  const keyType = options["key-type"] as string | undefined;
  const limit = options.limit as number | undefined;
  if (limit !== undefined && limit < 0) throw new UsageError(`Invalid --limit ${limit}: < 0`);
  return {
    start: options.start === undefined ? undefined : parseKey(String(options.start), keyType),
    end: options.end === undefined ? undefined : parseKey(String(options.end), keyType),
    endInclusive: options["end-inclusive"] === true,
    keepNone: options["keep-none"] === true,
    limit,
    columns: options.columns as string[] | undefined,
  };
}
