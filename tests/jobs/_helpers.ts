/**
 * Helpers for the job-runner tests: a temporary storage root with a model package built into
 * it, and child processes whose output is read line by line.
 */

import { join } from "node:path";
import { StandaloneInstance } from "../../lib/standalone/instance.ts";

const SDK = new URL("../../mod.ts", import.meta.url).href;

/**
 * A model package `waits` with the handler `waits.flow:run`: it returns at once if the file named
 * by `SW_TEST_MARK` exists; else it creates that file, prints `STARTED <pid>` and waits 60 s.
 */
const FLOW = `import { handler } from "${SDK}";
export const run = handler(async () => {
  const mark = Deno.env.get("SW_TEST_MARK");
  if (mark) {
    try {
      await Deno.stat(mark);
      return;
    } catch {
      await Deno.writeTextFile(mark, "ran");
    }
  }
  console.log("STARTED " + Deno.pid);
  await new Promise((r) => setTimeout(r, 60_000));
});
`;

/** A temporary root holding the `waits` model; `await using` removes it. */
export async function rootWithModel(): Promise<{ root: string; dir: string } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "sw-jobs-" });
  const root = join(dir, "root");
  const pkg = join(dir, "pkg");
  await Deno.mkdir(join(pkg, "waits"), { recursive: true });
  await Deno.writeTextFile(join(pkg, "waits", "flow.ts"), FLOW);
  await Deno.writeTextFile(join(pkg, "model.yaml"), "name: waits\nrun:\n  modules: [waits.flow]\n");
  {
    await using sw = new StandaloneInstance(root, { durability: "none" });
    await sw.buildModel("self", { dir: pkg });
  }
  return {
    root,
    dir,
    async [Symbol.asyncDispose]() {
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** A child process with its stdout read line by line. */
export interface Child extends AsyncDisposable {
  /** The process. */
  process: Deno.ChildProcess;
  /** Reads stdout until a line matches, within `ms`; returns the match. */
  waitFor(pattern: RegExp, ms?: number): Promise<RegExpExecArray>;
  /** `kill -9`, then waits for the exit. */
  kill(): Promise<Deno.CommandStatus>;
}

/**
 * Starts `deno run -A <script>` (or `deno eval <code>`) with the given environment.
 *
 * @param what `{ script }` or `{ code }`.
 * @param env Extra environment.
 */
export function spawnDeno(
  what: { script: string } | { code: string },
  env: Record<string, string> = {},
): Child {
  const args = "script" in what ? ["run", "-A", what.script] : ["eval", what.code];
  const process = new Deno.Command(Deno.execPath(), {
    args,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = process.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  let exited: Promise<Deno.CommandStatus> | undefined;
  const kill = () => {
    exited ??= (async () => {
      try {
        process.kill("SIGKILL");
      } catch { /* already gone */ }
      const status = await process.status;
      await reader.cancel().catch(() => {});
      return status;
    })();
    return exited;
  };
  return {
    process,
    async waitFor(pattern, ms = 30_000) {
      const deadline = Date.now() + ms;
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        for (let reads = 0; reads < 10_000; reads++) {
          const m = pattern.exec(text);
          if (m) return m;
          const left = deadline - Date.now();
          if (left <= 0) break;
          const chunk = await Promise.race([
            reader.read(),
            new Promise<"timeout">((r) => timer = setTimeout(() => r("timeout"), left)),
          ]);
          clearTimeout(timer);
          if (chunk === "timeout" || chunk.done) break;
          text += chunk.value;
        }
      } finally {
        clearTimeout(timer);
      }
      throw new Error(
        `No line matched ${pattern} within ${ms} ms; output: ${JSON.stringify(text)}`,
      );
    },
    kill,
    async [Symbol.asyncDispose]() {
      await kill();
    },
  };
}

/** Polls `fn` until it returns a value (bounded in time and count). */
export async function poll<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  ms = 30_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (let wait = 5, tries = 0; Date.now() < deadline && tries < 10_000; tries++) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, wait));
    wait = Math.min(wait * 2, 50);
  }
  throw new Error(`Timed out after ${ms} ms waiting for ${what}`);
}
