/**
 * `swcli` outside the repository: installed with `deno install -g` onto PATH, and the
 * `deno task compile` single binary (which cannot be built here: its runtime download is
 * unreachable, so its flags and included modules are checked instead).
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { CLI, DENO_DIR, MODEL_FILES, runProcess, writeFiles } from "./_helpers.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));

/** Runs a program with only the environment given. */
function run(command: string, args: string[], env: Record<string, string>) {
  return runProcess(command, args, { env, clearEnv: true });
}

Deno.test("deno install -g puts swcli on PATH, and it runs jobs from there", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "swcli-install-" });
  await using _ = { [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }) };
  const root = join(dir, "root");
  const env = {
    HOME: dir,
    DENO_DIR,
    PATH: `${join(root, "bin")}:${dirname(Deno.execPath())}:/usr/bin:/bin`,
    SW_CLI_CONFIG: join(dir, "config.yaml"),
    SW_LOCAL_STORAGE: join(dir, "storage"),
  };
  await t.step("install from a path, without network", async () => {
    const r = await run(Deno.execPath(), [
      "install",
      "-g",
      "-A",
      "--cached-only",
      "-n",
      "swcli",
      "--config",
      join(REPO, "deno.json"),
      "--root",
      root,
      CLI,
    ], env);
    assertEquals(r.code, 0, r.stderr);
    assert((await Deno.stat(join(root, "bin", "swcli"))).isFile);
  });
  await t.step("swcli --help and a command run from another directory", async () => {
    const help = await run("sh", ["-c", `cd '${dir}' && swcli --help`], env);
    assertEquals(help.code, 0, help.stderr);
    assertMatch(help.stdout, /^Usage: swcli \[OPTIONS\] GROUP COMMAND/);
    const list = await run("sh", ["-c", `cd '${dir}' && swcli -o json project list`], env);
    assertEquals(list.code, 0, list.stderr);
    assertEquals(JSON.parse(list.stdout), ["self"]);
  });
  await t.step("a model package importing @starwhale/sdk builds and runs", async () => {
    await writeFiles(join(dir, "pkg"), MODEL_FILES);
    await Deno.writeTextFile(join(dir, "nums.jsonl"), '{"x":1}\n{"x":2}\n');
    const script = [
      "swcli dataset build nums.jsonl --name nums",
      "swcli model build pkg",
      "swcli -o json job create dbl --handler flow.steps:Doubler.evaluate -d nums",
    ].join(" && ");
    const r = await run("sh", ["-c", `cd '${dir}' && ${script}`], env);
    assertEquals(r.code, 0, r.stderr);
    assertMatch(r.stdout, /"status": "SUCCESS"/);
  });
});

Deno.test("swcli's module graph needs no JSR and no URL imports, only files, node: and npm:", async () => {
  const r = await run(Deno.execPath(), ["info", "--json", CLI], { DENO_DIR, HOME: REPO });
  assertEquals(r.code, 0, r.stderr);
  const { modules } = JSON.parse(r.stdout) as { modules: { specifier: string }[] };
  const schemes = new Set(modules.map((m) => m.specifier.split(":")[0]));
  assertEquals([...schemes].filter((s) => !["file", "node", "npm"].includes(s)), []);
  assert(modules.some((m) => m.specifier.endsWith("/lib/cli/dispatch.ts")));
});

Deno.test("deno task compile builds all of swcli: -A, cli.ts, and every Worker module included", async () => {
  const config = JSON.parse(await Deno.readTextFile(join(REPO, "deno.json")));
  const task = String(config.tasks.compile).split(/\s+/);
  assertEquals(task.slice(0, 2), ["deno", "compile"]);
  assert(task.includes("-A"), "the binary needs every permission swcli may use");
  assertEquals(task.at(-1), "cli.ts");
  const includes = task.flatMap((a, i) => a === "--include" ? [task[i + 1]] : []);
  for (const path of includes) assert((await Deno.stat(join(REPO, path))).isFile, path);
  // Modules loaded with `new Worker(new URL(...))` are not in the static graph: each must be
  // included explicitly, or the binary cannot start a job.
  const workers: string[] = [];
  for await (const file of walk(join(REPO, "lib"))) {
    const text = await Deno.readTextFile(file);
    for (const m of text.matchAll(/new Worker\(\s*new URL\("([^"]+)",\s*import\.meta\.url\)/g)) {
      workers.push(join(dirname(file), m[1]).slice(REPO.length));
    }
  }
  assert(workers.length > 0, "swcli runs jobs in Workers");
  for (const w of workers) assert(includes.includes(w), `${w} is not --include'd: ${includes}`);
});

async function* walk(dir: string): AsyncIterable<string> {
  for await (const e of Deno.readDir(dir)) {
    const path = join(dir, e.name);
    if (e.isDirectory) yield* walk(path);
    else if (e.isFile && e.name.endsWith(".ts")) yield path;
  }
}
