import { join } from "node:path";
import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { StandaloneInstance } from "../../lib/standalone/mod.ts";
import { cliHome, createJob, seed, swcli, writeFiles } from "./_helpers.ts";

const READ_ONLY = ["--allow-read", "--allow-env"];

/** Every file under a directory with its size and modification time. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (d: string) => {
    for await (const e of Deno.readDir(d)) {
      const p = join(d, e.name);
      if (e.isDirectory) await walk(p);
      else if (e.isFile) {
        const s = await Deno.stat(p);
        out.set(p, `${s.size}@${s.mtime?.getTime()}`);
      }
    }
  };
  await walk(dir);
  return out;
}

Deno.test("reading commands run with --allow-read --allow-env only, write nothing, and see a live owner's writes", async (t) => {
  await using home = await cliHome();
  await seed(home);
  const first = await createJob(home, "flow.steps:Chatty.evaluate", ["-d", "nums"]);
  // This process owns the datastore now, with a job only in its WAL and memtables.
  const owner = new StandaloneInstance(home.root, { durability: "flush" });
  try {
    const second = await owner.createJob("self", {
      model: "dbl",
      runHandler: "flow.steps:Doubler.evaluate",
      datasets: ["nums"],
    });
    const before = await snapshot(home.root);
    await t.step(
      "job list, info, logs, rows, summary, tables; model, dataset, project, table",
      async () => {
        const list = await swcli(home.env, ["-o", "json", "job", "list"], READ_ONLY);
        assertEquals(list.code, 0, list.stderr);
        const ids = (JSON.parse(list.stdout) as { id: string }[]).map((j) => j.id).sort();
        assertEquals(ids, [first.id, second.id].sort());
        const logs = await swcli(home.env, ["job", "logs", first.id], READ_ONLY);
        assertEquals(logs.code, 0, logs.stderr);
        assertMatch(logs.stdout, /flow\.steps:Chatty\.predict#0 stdout: row 1\n/);
        const summary = await swcli(
          home.env,
          ["-o", "json", "job", "summary", second.id],
          READ_ONLY,
        );
        assertEquals(summary.code, 0, summary.stderr);
        assertEquals(JSON.parse(summary.stdout).sum, 30);
        for (
          const args of [
            ["job", "info", first.id],
            ["job", "rows", second.id, "results"],
            ["job", "tables", second.id],
            ["model", "list"],
            ["dataset", "list"],
            ["project", "list"],
            ["table", "list"],
          ]
        ) {
          const r = await swcli(home.env, args, READ_ONLY);
          assertEquals(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
        }
      },
    );
    await t.step("nothing under the root changed", async () => {
      assertEquals(await snapshot(home.root), before);
    });
    await t.step("a write is one clear line naming the flag", async () => {
      const r = await swcli(home.env, ["job", "remove", first.id, "-y"], READ_ONLY);
      assertEquals(r.code, 1);
      assertMatch(r.stderr, /--allow-write/);
      assert(!r.stderr.includes("    at "), r.stderr);
    });
  } finally {
    await owner.close();
  }
});

Deno.test("a read-only reader of a root with no datastore yet sees no jobs", async () => {
  await using home = await cliHome();
  await Deno.mkdir(home.root, { recursive: true });
  const r = await swcli(home.env, ["-o", "json", "job", "list"], READ_ONLY);
  assertEquals(r.code, 0, r.stderr);
  assertEquals(JSON.parse(r.stdout), []);
});

Deno.test("job logs --follow with read permission only follows a job another process runs to its end", async () => {
  await using home = await cliHome();
  await seed(home, 10);
  const pkg = join(home.dir, "slow");
  await writeFiles(pkg, {
    "model.yaml": "name: slow\nrun:\n  modules: [slow]\n",
    "slow.ts": `import { PipelineHandler } from "@starwhale/sdk";
export class Slow extends PipelineHandler {
  override async predict(data: Record<string, unknown>) {
    await new Promise((r) => setTimeout(r, 100));
    console.log("row", data.x);
    return { y: 1 };
  }
  override async evaluate(results: AsyncIterable<unknown>) {
    for await (const _ of results) { /* read them all */ }
    console.log("evaluated");
  }
}
`,
  });
  assertEquals((await home.run(["model", "build", pkg])).code, 0);
  const running = home.run([
    "job",
    "create",
    "slow",
    "--handler",
    "slow:Slow.evaluate",
    "-d",
    "nums",
  ]);
  let id: string | undefined;
  for (let i = 0; i < 200 && !id; i++) {
    const jobs = await home.json<{ id: string; status: string }[]>(["job", "list"]);
    id = jobs.find((j) => j.status === "RUNNING")?.id;
    if (!id) await new Promise((r) => setTimeout(r, 10));
  }
  assert(id, "the job started");
  const follow = await swcli(home.env, ["job", "logs", id, "--follow"], READ_ONLY);
  assertEquals((await running).code, 0);
  assertEquals(follow.code, 0, follow.stderr);
  const lines = follow.stdout.trim().split("\n").map((l) => l.replace(/^\S+ /, ""));
  assertEquals(lines.length, 11, follow.stdout);
  assertEquals(lines.at(-1), "slow:Slow.evaluate#0 stdout: evaluated");
});
