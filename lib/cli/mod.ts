/**
 * `swcli`, the door `cli.ts` uses: run a command line, with injectable I/O, and the command
 * line's own errors.
 *
 * @module
 */
export { runCommandLine } from "./dispatch.ts";
export { CommandFailed, UsageError } from "./errors.ts";
export { routeConsoleToStderr } from "./io.ts";
export type { CliIo, TextWriter } from "./io.ts";
