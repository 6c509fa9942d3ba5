/**
 * What a command and a command group are, the options every command accepts, and finding a
 * command by name or alias.
 *
 * @module
 */

import type { OptionSpec, ParsedArgs, PositionalSpec } from "./args.ts";
import type { CliContext } from "./context.ts";

/** One command, e.g. `job rows`. */
export interface Command {
  /** The name, e.g. `rows`. */
  name: string;
  /** Other names, e.g. `ls` for `list`. */
  aliases?: string[];
  /** One line for the group's help. */
  summary: string;
  /** More text for the command's help. */
  description?: string;
  /** Positional arguments. */
  positionals?: PositionalSpec[];
  /** Options (the global ones are added by the dispatcher). */
  options?: OptionSpec[];
  /** Command lines shown under "Examples". */
  examples: string[];
  /** Runs the command; resolves to the exit code. */
  run(ctx: CliContext, args: ParsedArgs): Promise<number>;
}

/** A command group, e.g. `job`. */
export interface Group {
  /** The name, e.g. `job`. */
  name: string;
  /** One line for the top-level help. */
  summary: string;
  /** The commands. */
  commands: Command[];
  /** The command run when the line names none (`swcli ui --port 8080` is `swcli ui start ...`). */
  default?: string;
}

/** Options every command accepts. */
export const GLOBAL_OPTIONS: OptionSpec[] = [
  {
    name: "output",
    short: "o",
    type: "string",
    value: "FORMAT",
    description: "'json' for scripts (JSON lines for row streams); default: human tables",
  },
  { name: "verbose", short: "v", type: "count", description: "Show stack traces of errors" },
  {
    name: "instance",
    type: "string",
    value: "ALIAS|URL",
    description: "Use this instance instead of the selected one",
  },
  { name: "help", short: "h", type: "boolean", description: "Show this help" },
];

/** Finds a command of a group by name or alias. */
export function findCommand(group: Group, name: string): Command | undefined {
  return group.commands.find((c) => c.name === name || c.aliases?.includes(name));
}
