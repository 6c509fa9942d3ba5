/**
 * Helpers for the command-line tests: a temporary home (config file and storage root) and
 * `main()` run in-process with captured output.
 */

import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { main } from "../../cli.ts";

/** The path of `cli.ts`, for subprocesses. */
export const CLI: string = fileURLToPath(new URL("../../cli.ts", import.meta.url));

/** Deno's cache: the tests give swcli its own HOME, and nothing may be downloaded. */
export const DENO_DIR: string = Deno.env.get("DENO_DIR") ??
  join(Deno.env.get("HOME") ?? "/", ".cache", "deno");

/**
 * Runs `deno run <flags> cli.ts <args>` in a subprocess with an environment (and Deno's cache).
 *
 * @param env The environment (a home's `env`).
 * @param args The swcli arguments.
 * @param flags Deno's flags; default `-A`.
 */
export function swcli(
  env: Record<string, string>,
  args: string[],
  flags: string[] = ["-A"],
): Promise<RunResult> {
  return runProcess(Deno.execPath(), ["run", ...flags, CLI, ...args], {
    env: { ...env, DENO_DIR },
  });
}

/**
 * Runs a command to its end with no input, capturing what it prints.
 *
 * @param command The program.
 * @param args Its arguments.
 * @param options Its environment; `clearEnv` drops the rest of this process's.
 */
export async function runProcess(
  command: string,
  args: string[],
  options: { env: Record<string, string>; clearEnv?: boolean },
): Promise<RunResult> {
  const out = await new Deno.Command(command, {
    args,
    env: options.env,
    clearEnv: options.clearEnv,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const d = new TextDecoder();
  return { code: out.code, stdout: d.decode(out.stdout), stderr: d.decode(out.stderr) };
}

/** What one run printed and returned. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A temporary swcli home; `await using` removes it. */
export interface CliHome extends AsyncDisposable {
  dir: string;
  root: string;
  config: string;
  env: Record<string, string>;
  /** Runs `main(args)` with this home's environment. */
  run(
    args: string[],
    options?: { stdin?: string; isTerminal?: boolean; signal?: AbortSignal },
  ): Promise<RunResult>;
  /** Runs and parses stdout as one JSON document (fails on a non-zero exit). */
  json<T = unknown>(args: string[]): Promise<T>;
}

/** Makes a temporary home with `SW_CLI_CONFIG` and `SW_LOCAL_STORAGE` inside it. */
export async function cliHome(): Promise<CliHome> {
  const dir = await Deno.makeTempDir({ prefix: "swcli-test-" });
  const root = join(dir, "root");
  const config = join(dir, "config.yaml");
  const env = { HOME: dir, SW_CLI_CONFIG: config, SW_LOCAL_STORAGE: root, USER: "tester" };
  const run: CliHome["run"] = async (args, options = {}) => {
    let stdout = "";
    let stderr = "";
    const code = await main(args, {
      stdout: { write: (t) => void (stdout += t) },
      stderr: { write: (t) => void (stderr += t) },
      stdin: options.stdin === undefined
        ? undefined
        : new Blob([options.stdin]).stream() as ReadableStream<Uint8Array>,
      isTerminal: options.isTerminal ?? false,
      env,
      signal: options.signal,
    });
    return { code, stdout, stderr };
  };
  return {
    dir,
    root,
    config,
    env,
    run,
    async json<T>(args: string[]): Promise<T> {
      const r = await run(["-o", "json", ...args]);
      if (r.code !== 0) throw new Error(`swcli ${args.join(" ")} exited ${r.code}: ${r.stderr}`);
      return JSON.parse(r.stdout) as T;
    },
    async [Symbol.asyncDispose]() {
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** A model package: a doubling pipeline, one that prints per row, a failing handler, one that prints. */
export const MODEL_FILES: Record<string, string> = {
  "model.yaml": "name: dbl\nrun:\n  modules: [flow.steps]\n",
  "flow/steps.ts": `
import { handler, PipelineHandler } from "@starwhale/sdk";
export class Doubler extends PipelineHandler {
  override predict(data: Record<string, unknown>) {
    return { y: (data.x as number) * 2, note: null };
  }
  override async evaluate(
    results: AsyncIterable<{ output: unknown }>,
    ctx: { logSummary(m: Record<string, unknown>): void },
  ) {
    let n = 0;
    let sum = 0;
    for await (const r of results) {
      n++;
      sum += (r.output as { y: number }).y;
    }
    ctx.logSummary({ n, sum, nested: { ok: true } });
  }
}
export const boom = handler(() => {
  throw new Error("boom!");
});
export class Chatty extends PipelineHandler {
  override predict(data: Record<string, unknown>) {
    console.log(\`row \${data.x}\`);
    return { y: data.x };
  }
  override async evaluate(results: AsyncIterable<unknown>) {
    for await (const _ of results) { /* count nothing */ }
  }
}
export const noisy = handler(() => {
  console.log("hello from noisy");
  console.error("careful");
});
`,
};

/** Writes files (path -> text) under a directory. */
export async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(join(dir, path, ".."), { recursive: true });
    await Deno.writeTextFile(join(dir, path), text);
  }
}

/** Creates a job of the seeded model `dbl` with a handler (and more `job create` arguments). */
export function createJob(
  home: CliHome,
  handler: string,
  args: string[] = [],
): Promise<{ id: string }> {
  return home.json<{ id: string }>(["job", "create", "dbl", "--handler", handler, ...args]);
}

/** Builds the model package and a dataset `nums` of `n` rows `{x: i + 1}`; returns their dirs. */
export async function seed(home: CliHome, n = 5): Promise<{ pkg: string; data: string }> {
  const pkg = join(home.dir, "pkg");
  await writeFiles(pkg, MODEL_FILES);
  const data = join(home.dir, "nums.jsonl");
  await Deno.writeTextFile(
    data,
    Array.from({ length: n }, (_, i) => JSON.stringify({ x: i + 1 })).join("\n") + "\n",
  );
  const a = await home.run(["dataset", "build", data, "--name", "nums"]);
  const b = await home.run(["model", "build", pkg]);
  if (a.code !== 0 || b.code !== 0) throw new Error(`seed failed: ${a.stderr}${b.stderr}`);
  return { pkg, data };
}
