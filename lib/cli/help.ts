/**
 * The `--help` texts: of the whole command line, of a group, of one command.
 *
 * @module
 */

import type { OptionSpec } from "./args.ts";
import { type Command, GLOBAL_OPTIONS, type Group } from "./command.ts";

/**
 * The help of one command: usage line, description, options and examples.
 *
 * @param group The group.
 * @param command The command.
 * @returns The text.
 */
export function commandHelp(group: Group, command: Command): string {
  const args = (command.positionals ?? []).map((p) => {
    const name = p.variadic ? `${p.name}...` : p.name;
    return p.optional ? `[${name}]` : name;
  });
  const lines = [
    `Usage: swcli ${group.name} ${command.name}${
      args.length ? ` ${args.join(" ")}` : ""
    } [OPTIONS]`,
    "",
    command.summary,
  ];
  if (command.description) lines.push("", command.description);
  if (command.aliases?.length) lines.push("", `Aliases: ${command.aliases.join(", ")}`);
  lines.push("", "Options:", ...optionLines([...(command.options ?? []), ...GLOBAL_OPTIONS]));
  lines.push("", "Examples:", ...command.examples.map((e) => `  ${e}`));
  return lines.join("\n") + "\n";
}

/**
 * The help of a group: its commands with their summaries.
 *
 * @param group The group.
 * @returns The text.
 */
export function groupHelp(group: Group): string {
  const width = Math.max(...group.commands.map((c) => c.name.length));
  const lines = [
    `Usage: swcli ${group.name} COMMAND [ARGS] [OPTIONS]`,
    "",
    group.summary,
    "",
    "Commands:",
    ...group.commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    "",
    `Run 'swcli ${group.name} COMMAND --help' for the options and examples of a command.`,
  ];
  return lines.join("\n") + "\n";
}

/**
 * The top-level help: the groups and the global options.
 *
 * @param groups Every group.
 * @returns The text.
 */
export function mainHelp(groups: readonly Group[]): string {
  const width = Math.max(...groups.map((g) => g.name.length));
  return [
    "Usage: swcli [OPTIONS] GROUP COMMAND [ARGS]",
    "",
    "Starwhale command line: instances, projects, models, datasets, jobs and their tables.",
    "",
    "Groups:",
    ...groups.map((g) => `  ${g.name.padEnd(width)}  ${g.summary}`),
    "",
    "Options:",
    ...optionLines(GLOBAL_OPTIONS),
    "",
    "Examples:",
    "  swcli dataset build digits.jsonl --name digits",
    "  swcli model build ./mnist",
    "  swcli job create mnist --handler mnist.evaluator:MNISTInference.evaluate --dataset digits",
    "  swcli -o json job list | jq '.[0].id'",
    "",
    "Exit codes: 0 success, 1 failed job or operation, 2 usage error.",
  ].join("\n") + "\n";
}

function optionLines(options: readonly OptionSpec[]): string[] {
  const heads = options.map((o) => {
    const flag = `${o.short ? `-${o.short}, ` : "    "}--${o.name}`;
    const value = o.type === "boolean" || o.type === "count" ? "" : ` ${o.value ?? "VALUE"}`;
    return flag + value;
  });
  const width = Math.max(...heads.map((h) => h.length));
  return options.map((o, i) =>
    `  ${heads[i].padEnd(width)}  ${o.description}${o.type === "strings" ? " (repeatable)" : ""}`
  );
}
