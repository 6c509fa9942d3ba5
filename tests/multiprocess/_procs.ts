/**
 * Subprocesses for the multi-process tests: start a worker, follow its stdout line by line, kill
 * it, and fold its `I`/`A` lines into what it was acknowledged.
 *
 * @module
 */

import type { Row } from "../../datastore/mod.ts";

/** A running worker. */
export interface Proc {
  /** Its lines so far. */
  lines: string[];
  /** Resolves once a line satisfies `test` (rejects if the process ends first). */
  until(test: (line: string, count: number) => boolean): Promise<void>;
  /** Its exit status, once it ended (stderr passes through). */
  status: Promise<Deno.CommandStatus>;
  /** SIGKILL. */
  kill(): void;
}

/** Starts `deno run -A <script> ...args`. */
export function spawn(script: URL, args: string[]): Proc {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", script.pathname, ...args],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const lines: string[] = [];
  const watchers = new Set<() => void>();
  const reading = (async () => {
    let rest = "";
    for await (const chunk of child.stdout.pipeThrough(new TextDecoderStream())) {
      const parts = (rest + chunk).split("\n");
      rest = parts.pop()!;
      lines.push(...parts);
      for (const w of watchers) w();
    }
  })();
  const status = reading.then(() => child.status);
  return {
    lines,
    status,
    until(test) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (lines.some((l, i) => test(l, i))) {
            watchers.delete(check);
            resolve();
          }
        };
        watchers.add(check);
        check();
        status.then(() => {
          check();
          if (watchers.has(check)) reject(new Error(`process ended: ${lines.slice(-3)}`));
        });
      });
    },
    kill() {
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
    },
  };
}

/**
 * What a worker's lines say: each key's acknowledged value (`null` when deleted), and the
 * changes of a write sent but not acknowledged (a killed worker's last one), which may or may
 * not have been applied.
 */
export function acknowledged(lines: string[]): {
  keys: Map<string, Row | null>;
  pending: Record<string, Row | null> | undefined;
} {
  const keys = new Map<string, Row | null>();
  let pending: Record<string, Row | null> | undefined;
  for (const line of lines) {
    if (line.startsWith("I ")) pending = JSON.parse(line.slice(2));
    else if (line === "A" && pending !== undefined) {
      for (const [k, v] of Object.entries(pending)) {
        const old = keys.get(k);
        keys.set(k, v === null ? null : { ...(old ?? {}), ...v });
      }
      pending = undefined;
    }
  }
  return { keys, pending };
}
