/**
 * Helpers for the command-line tests: a temporary home (config file and storage root), `main()`
 * run in-process with captured output, and `swcli server start` run in-process or in a
 * subprocess.
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

/** A server `swcli server start` runs in-process; `stop()` ends it and `done` is its exit code. */
export interface InProcessServer {
  url: string;
  stop(): void;
  done: Promise<number>;
}

/**
 * Starts `swcli server start --port 0 --token sek` in-process on a home's root.
 *
 * @param home The home whose environment (and so root) the server uses.
 * @returns The server once it printed its URL.
 */
export async function startServer(home: CliHome): Promise<InProcessServer> {
  const stop = new AbortController();
  let out = "";
  const ready = Promise.withResolvers<string>();
  const done: Promise<number> = main(
    ["-o", "json", "server", "start", "--port", "0", "--token", "sek"],
    {
      stdout: {
        write: (t) => {
          out += t;
          const m = /"url":"([^"]+)"/.exec(out);
          if (m) ready.resolve(m[1]);
        },
      },
      stderr: { write: () => {} },
      env: home.env,
      isTerminal: false,
      signal: stop.signal,
    },
  );
  done.then((code) => ready.reject(new Error(`server exited ${code}`)));
  return { url: await ready.promise, stop: () => stop.abort(), done };
}

/** A server `swcli server start` runs in a subprocess; `await using` stops it. */
export interface ServerProcess extends AsyncDisposable {
  url: string;
  /** What it printed on stderr, once it ended (empty unless started with `stderr: "piped"`). */
  stderr: Promise<string>;
}

/**
 * Starts `swcli server start --port 0 --token tt` in a subprocess (`deno run -A`) with an
 * environment (and Deno's cache), and reads its URL from the first line it prints.
 *
 * @param env The environment (a home's `env`).
 * @param options `stderr: "piped"` keeps what the server prints there; default: inherited.
 * @returns The server; disposing of it sends SIGTERM and waits for the process to end.
 * @throws {Error} When the server ends or prints no line before it started.
 */
export async function spawnServer(
  env: Record<string, string>,
  options: { stderr?: "inherit" | "piped" } = {},
): Promise<ServerProcess> {
  const piped = options.stderr === "piped";
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, "-o", "json", "server", "start", "--port", "0", "--token", "tt"],
    env: { ...env, DENO_DIR },
    stdin: "null",
    stdout: "piped",
    stderr: piped ? "piped" : "inherit",
  }).spawn();
  const stderr = piped ? new Response(child.stderr).text() : Promise.resolve("");
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  for (let i = 0; i < 200 && !text.includes("\n"); i++) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  reader.releaseLock();
  const stop = async () => {
    child.kill("SIGTERM");
    await child.status;
    await child.stdout.cancel().catch(() => {});
  };
  if (!text.includes("\n")) {
    await stop();
    throw new Error(`the server did not start: ${text}${await stderr}`);
  }
  const { url } = JSON.parse(text.slice(0, text.indexOf("\n"))) as { url: string };
  return { url, stderr, [Symbol.asyncDispose]: stop };
}
