/**
 * The web console: server-rendered pages over an `Instance` — Jobs (live status), Job (record,
 * summary, charts, tables, logs, actions), Compare, Models and Datasets — mounted at `/` by
 * `swcli server start` (sign in with the server's token) and served alone for a local root by
 * `swcli ui` (read-only, 127.0.0.1 only).
 *
 * @module
 */
export { createConsole } from "./console.tsx";
export type { ConsoleOptions } from "./console.tsx";
export { serveConsole } from "./serve.ts";
export type { ConsoleServer, ServeConsoleOptions } from "./serve.ts";
