/**
 * The command line's window on the world: output writers, input, terminal flag, environment and
 * a stop signal, injectable so every command runs in-process under test.
 *
 * @module
 */

/** Something text is written to. */
export interface TextWriter {
  /** Writes text as is (no newline added). */
  write(text: string): void | Promise<void>;
}

/** What `main()` reads from and writes to; every field is optional. */
export interface CliIo {
  /** Results: tables, JSON. Default: the process's stdout. */
  stdout?: TextWriter;
  /** Errors, notices and progress. Default: the process's stderr. */
  stderr?: TextWriter;
  /** Input for `table put -`. Default: the process's stdin. */
  stdin?: ReadableStream<Uint8Array>;
  /** Whether a person watches: progress bars and width-fitted tables. Default: stderr is a TTY. */
  isTerminal?: boolean;
  /** Environment variables (`SW_CLI_CONFIG`, `SW_LOCAL_STORAGE`, `HOME`, ...). Default: `Deno.env`. */
  env?: Record<string, string | undefined>;
  /** Stops long-running commands (`server start`). Default: SIGINT/SIGTERM. */
  signal?: AbortSignal;
}

/** {@link CliIo} with every field resolved. */
export interface ResolvedIo {
  /** Results. */
  stdout: TextWriter;
  /** Errors, notices, progress. */
  stderr: TextWriter;
  /** Lazily opened input. */
  stdin: () => ReadableStream<Uint8Array>;
  /** Whether a person watches. */
  isTerminal: boolean;
  /** Reads one environment variable (`undefined` when unset or empty). */
  env: (name: string) => string | undefined;
  /** The stop signal, when one was given. */
  signal: AbortSignal | undefined;
  /** Terminal width in columns (80 when unknown). */
  columns: number;
}

const encoder = new TextEncoder();

function processWriter(file: { writeSync(p: Uint8Array): number }): TextWriter {
  return {
    write(text: string): void {
      let bytes = encoder.encode(text);
      while (bytes.length > 0) bytes = bytes.subarray(file.writeSync(bytes));
    },
  };
}

function terminalColumns(): number {
  try {
    return Deno.consoleSize().columns || 80;
  } catch {
    return 80;
  }
}

/**
 * Fills in the defaults of an {@link CliIo}: the process's streams and environment.
 *
 * @param io What the caller gave.
 * @returns Every field set.
 */
export function resolveIo(io: CliIo = {}): ResolvedIo {
  const isTerminal = io.isTerminal ?? safeIsTerminal();
  const env = io.env
    ? (name: string) => io.env![name] || undefined
    : (name: string) => Deno.env.get(name) || undefined;
  return {
    stdout: io.stdout ?? processWriter(Deno.stdout),
    stderr: io.stderr ?? processWriter(Deno.stderr),
    stdin: () => io.stdin ?? Deno.stdin.readable,
    isTerminal,
    env,
    signal: io.signal,
    columns: isTerminal ? (io.isTerminal === undefined ? terminalColumns() : 100) : Infinity,
  };
}

function safeIsTerminal(): boolean {
  try {
    return Deno.stderr.isTerminal();
  } catch {
    return false;
  }
}

/**
 * Reads a whole stream as text.
 *
 * @param stream The stream (consumed).
 * @returns Its UTF-8 text.
 */
export async function readAllText(stream: ReadableStream<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  for await (const chunk of stream) text += decoder.decode(chunk, { stream: true });
  return text + decoder.decode();
}

/**
 * Reads one line from a stream (without its line break) and leaves the rest unread.
 *
 * @param stream The stream (its lock is released afterwards).
 * @returns The line; `""` when the stream ended first.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { readLine } from "./io.ts";
 * const stream = new Blob(["yes\nmore"]).stream();
 * assert.equal(await readLine(stream), "yes");
 * ```
 */
export async function readLine(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  try {
    for (let i = 0; i < 1024 && !text.includes("\n"); i++) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    reader.releaseLock();
  }
  return text.split(/\r?\n/)[0];
}

type ConsoleMethod = "log" | "info" | "debug" | "warn" | "error";
const CONSOLE_METHODS: readonly ConsoleMethod[] = ["log", "info", "debug", "warn", "error"];
let consoleSink: ((text: string) => void) | undefined;

/**
 * Makes the process's console print to stderr (`console.log` included), so stdout carries only
 * the command's results, and lets a live display take those lines while it runs
 * ({@link setConsoleSink}). For the swcli program only: it changes the global `console`.
 */
export function routeConsoleToStderr(): void {
  const stderr = console.error.bind(console);
  for (const method of CONSOLE_METHODS) {
    console[method] = (...args: unknown[]) => {
      if (!consoleSink) return stderr(...args);
      consoleSink(args.map((a) => typeof a === "string" ? a : Deno.inspect(a)).join(" "));
    };
  }
}

/**
 * Sends what the console prints to `sink` (e.g. a live progress display, which prints it above
 * its lines) until called with `undefined`. Without {@link routeConsoleToStderr} it has no effect.
 *
 * @param sink Where console lines go; `undefined` for stderr again.
 */
export function setConsoleSink(sink: ((text: string) => void) | undefined): void {
  consoleSink = sink;
}
