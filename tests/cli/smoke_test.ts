/** The main flows as a new user types them, in subprocesses: `deno run -A cli.ts ...`. */
import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { join } from "node:path";
import {
  CLI,
  type CliHome,
  cliHome,
  DENO_DIR,
  MODEL_FILES,
  seed,
  swcli,
  writeFiles,
} from "./_helpers.ts";

/** Whether `script` (util-linux) is there to give swcli a pseudo-terminal. */
async function hasScript(): Promise<boolean> {
  return await new Deno.Command("sh", { args: ["-c", "command -v script"], stdout: "null" })
    .output().then((o) => o.success, () => false);
}

/** Runs swcli in a subprocess under `script`, so it sees a terminal: its exit code and output. */
async function underTerminal(
  home: CliHome,
  args: string[],
): Promise<{ code: number; text: string }> {
  const q = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
  const command = [Deno.execPath(), "run", "-A", CLI, ...args].map(q).join(" ");
  const out = await new Deno.Command("script", {
    args: ["-qec", command, "/dev/null"],
    env: { ...home.env, DENO_DIR, COLUMNS: "120" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, text: new TextDecoder().decode(out.stdout) };
}

Deno.test("swcli subprocess: build, run, list, rows, summary, then serve and list remotely", async (t) => {
  await using home = await cliHome();
  const env = home.env;
  const pkg = join(home.dir, "pkg");
  await writeFiles(pkg, MODEL_FILES);
  const data = join(home.dir, "nums.jsonl");
  await Deno.writeTextFile(data, '{"x":1}\n{"x":2}\n{"x":3}\n');
  let id = "";
  await t.step("dataset build, model build, job create", async () => {
    assertEquals((await swcli(env, ["dataset", "build", data, "--name", "nums"])).code, 0);
    assertEquals((await swcli(env, ["model", "build", pkg])).code, 0);
    const r = await swcli(env, [
      "job",
      "create",
      "dbl",
      "--handler",
      "flow.steps:Doubler.evaluate",
      "--dataset",
      "nums",
    ]);
    assertEquals(r.code, 0, r.stderr);
    id = /Job:\s+(\S+)/.exec(r.stdout)![1];
  });
  await t.step("job list, rows, summary", async () => {
    const list = await swcli(env, ["-o", "json", "job", "list"]);
    assertEquals(JSON.parse(list.stdout)[0].id, id);
    const rows = await swcli(env, ["job", "rows", id.slice(0, 7), "results", "-o", "json"]);
    assertEquals(rows.stdout.trim().split("\n").length, 3);
    const summary = await swcli(env, ["job", "summary", id.slice(0, 7)]);
    assertMatch(summary.stdout, /sum:\s+12/);
  });
  await t.step("server start, login and a remote job list", async () => {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", CLI, "server", "start", "--port", "0", "--token", "sek"],
      env: { ...env, DENO_DIR },
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).spawn();
    try {
      const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
      let text = "";
      let url: string | undefined;
      for (let i = 0; i < 200 && !(url && text.includes("Console: ")); i++) {
        const { value, done } = await reader.read();
        if (done) break;
        text += value;
        url = /at (http:\/\/127\.0\.0\.1:\d+)\/api\/v1/.exec(text)?.[1];
      }
      reader.releaseLock();
      assert(url, `server did not start: ${text}`);
      assert(text.includes(`Console: ${url}/ (sign in with the token)`), text);
      let healthy = false;
      for (let i = 0; i < 50 && !healthy; i++) {
        healthy = await fetch(`${url}/health`).then((r) => r.ok, () => false);
      }
      assert(healthy);
      const login = await swcli(env, [
        "instance",
        "login",
        url!,
        "--token",
        "sek",
        "--alias",
        "dev",
      ]);
      assertEquals(login.code, 0, login.stderr);
      const remote = await swcli(env, [
        "-o",
        "json",
        "job",
        "list",
        "-p",
        "cloud://dev/project/self",
      ]);
      assertEquals(remote.code, 0, remote.stderr);
      assertEquals(JSON.parse(remote.stdout)[0].id, id);
    } finally {
      child.kill("SIGTERM");
      await child.stdout.cancel().catch(() => {});
      assertEquals((await child.status).code, 0);
    }
  });
});

Deno.test("swcli subprocess: a missing permission names the Deno flag", async () => {
  await using home = await cliHome();
  const noEnv = await swcli(home.env, ["job", "list"], ["--allow-read"]);
  assertEquals(noEnv.code, 1);
  assertMatch(noEnv.stderr, /^error: Missing Deno permission: .*--allow-env/m);
  const noWrite = await swcli(home.env, ["project", "create", "p"], [
    "--allow-read",
    "--allow-env",
  ]);
  assertEquals(noWrite.code, 1);
  assertMatch(noWrite.stderr, /--allow-write/);
  assert(!noWrite.stderr.includes(" at "), "no stack trace");
});

Deno.test("swcli under a pseudo-terminal draws progress; piped output stays clean", async () => {
  const script = await hasScript();
  await using home = await cliHome();
  const data = join(home.dir, "rows.jsonl");
  await Deno.writeTextFile(
    data,
    Array.from({ length: 3000 }, (_, i) => `{"id":${i},"x":${i}}`).join("\n"),
  );
  const piped = await swcli(home.env, ["table", "put", "t", data]);
  assertEquals(piped.code, 0);
  assert(!piped.stderr.includes("\r"), "no progress without a terminal");
  if (!script) return;
  const { code, text } = await underTerminal(home, ["table", "put", "t2", data]);
  assertEquals(code, 0, text);
  assertMatch(text, /Writing t2 \[[█░]+\] 100% 3000\/3000 rows/);
  assertMatch(text, /wrote 3000 rows/);
});

Deno.test("swcli job create under a pseudo-terminal prints handler output above the live lines", async () => {
  const script = await hasScript();
  if (!script) return;
  await using home = await cliHome();
  await seed(home, 3);
  const { code, text } = await underTerminal(home, [
    "job",
    "create",
    "dbl",
    "--handler",
    "flow.steps:Chatty.evaluate",
    "-d",
    "nums",
  ]);
  assertEquals(code, 0, text);
  for (const n of [1, 2, 3]) assertMatch(text, new RegExp(`\\r\\x1b\\[Jrow ${n}\\r?\\n`));
  assertMatch(text, /flow\.steps:Chatty\.predict \[█+\] 100% 3\/3 rows/);
});
