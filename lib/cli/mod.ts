/**
 * `swcli`: argument parsing, the command groups, output and error reporting.
 *
 * @module
 */
export { parseArgs, UsageError } from "./args.ts";
export { commandHelp, findCommand, GLOBAL_OPTIONS, groupHelp, mainHelp } from "./command.ts";
export type { Group } from "./command.ts";
export { GROUPS } from "./commands/mod.ts";
export { CliContext } from "./context.ts";
export type { GlobalOptions } from "./context.ts";
export { describeError } from "./errors.ts";
export { resolveIo } from "./io.ts";
export type { CliIo, TextWriter } from "./io.ts";
