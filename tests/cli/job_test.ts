import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { cliHome, seed } from "./_helpers.ts";

const EVAL = "flow.steps:Doubler.evaluate";

Deno.test("swcli job: create, list, info, tables, rows, summary, remove, recover", async (t) => {
  await using home = await cliHome();
  await seed(home, 5);
  let id = "";

  await t.step("create runs the job to its end and prints it", async () => {
    const r = await home.run(["job", "create", "dbl", "--handler", EVAL, "-d", "nums"]);
    assertEquals(r.code, 0, r.stderr);
    assertMatch(r.stdout, /Status:\s+SUCCESS/);
    id = /Job:\s+(\S+)/.exec(r.stdout)![1];
    assertEquals(id.length, 40);
  });

  await t.step("--dataset-head limits the rows", async () => {
    const job = await home.json<{ id: string; status: string }>([
      "job",
      "create",
      "dbl/version/v0",
      "--handler",
      EVAL,
      "--dataset",
      "nums",
      "--dataset-head",
      "2",
    ]);
    assertEquals(job.status, "SUCCESS");
    const summary = await home.json<Record<string, unknown>>(["job", "summary", job.id]);
    assertEquals(summary.n, 2);
  });

  await t.step("a failing handler exits 1 with the job's error", async () => {
    const r = await home.run(["job", "create", "dbl", "--handler", "flow.steps:boom"]);
    assertEquals(r.code, 1);
    assertMatch(r.stdout, /Status:\s+FAIL/);
    assertMatch(r.stdout, /boom!/);
    assert(!r.stderr.includes("    at "), "no stack without -v");
  });

  await t.step("list pages and filters, human and JSON", async () => {
    const all = await home.json<{ id: string; status: string }[]>(["job", "list"]);
    assertEquals(all.length, 3);
    assertEquals(all[2].id, id, "newest first");
    const page2 = await home.json<unknown[]>(["job", "list", "--page", "2", "--size", "2"]);
    assertEquals(page2.length, 1);
    const failed = await home.json<{ status: string }[]>(["job", "list", "--status", "fail"]);
    assertEquals(failed.map((j) => j.status), ["FAIL"]);
    const none = await home.json<unknown[]>(["job", "list", "--model", "other"]);
    assertEquals(none.length, 0);
    const human = await home.run(["job", "list", "--size", "2"]);
    assertMatch(human.stdout, /Job List\nID\s+Model\s+Datasets/);
    assertMatch(human.stdout, /😨fail/);
    assertMatch(human.stdout, /--page 2/);
  });

  await t.step("info, tables, summary by id prefix", async () => {
    const info = await home.run(["job", "info", id.slice(0, 8)]);
    assertEquals(info.code, 0, info.stderr);
    assertMatch(info.stdout, new RegExp(`ID:\\s+${id}`));
    assertMatch(info.stdout, /nested\/ok:\s+true/);
    const tables = await home.json<string[]>(["job", "tables", id.slice(0, 8)]);
    assertEquals(tables, ["results"]);
    const summary = await home.json<Record<string, unknown>>(["job", "summary", id]);
    assertEquals(summary.sum, 30);
  });

  await t.step("latest names the newest job, as it does for models and datasets", async () => {
    const [newest] = await home.json<{ id: string }[]>(["job", "list"]);
    const info = await home.json<{ record: { id: string } }>(["job", "info", "latest"]);
    assertEquals(info.record.id, newest.id);
    const uri = await home.json<{ record: { id: string } }>([
      "job",
      "info",
      "local/project/self/job/latest",
    ]);
    assertEquals(uri.record.id, newest.id);
  });

  await t.step("rows with --start --end --end-inclusive --keep-none --limit", async () => {
    const jsonRows = async (...extra: string[]) => {
      const range = ["--start", "1", "--end", "3", ...extra];
      const r = await home.run(["-o", "json", "job", "rows", id, "results", ...range]);
      return r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    };
    const rows = await jsonRows();
    assertEquals(rows.map((x) => x.id), [1, 2]);
    assert(!("output/note" in rows[0]), "null columns dropped by default");
    const rows2 = await jsonRows("--end-inclusive", "--keep-none");
    assertEquals(rows2.map((x) => x.id), [1, 2, 3]);
    assertEquals(rows2[0]["output/note"], null);
    const limited = await home.run(["-o", "json", "job", "rows", id, "results", "--limit", "2"]);
    assertEquals(limited.stdout.trim().split("\n").length, 2);
    const human = await home.run(["job", "rows", id, "results", "--limit", "1"]);
    assertMatch(human.stdout, /^id\s+/);
  });

  await t.step("rows of a table the job does not have is an error naming its tables", async () => {
    const r = await home.run(["job", "rows", id.slice(0, 6), "reslts"]);
    assertEquals(r.code, 1);
    assertMatch(
      r.stderr,
      /Cannot find table 'reslts' in project 'self': job [0-9a-z]{40} has the tables results$/m,
    );
    assert(!r.stdout.includes("(no rows)"), r.stdout);
  });

  await t.step("cancel or pause a finished job fails with exit 1", async () => {
    const r = await home.run(["job", "cancel", id]);
    assertEquals(r.code, 1);
    assertMatch(r.stderr, /^error: Cannot cancel job .*SUCCESS/);
    assert(!r.stderr.includes("    at "), "no stack trace");
    const p = await home.run(["job", "pause", id, "-v"]);
    assertEquals(p.code, 1);
    assertMatch(p.stderr, / {4}at /, "--verbose shows the stack");
  });

  await t.step(
    "remove asks first: refused in a script without --yes, no on a terminal",
    async () => {
      const script = await home.run(["job", "remove", id]);
      assertEquals(script.code, 2);
      assertMatch(script.stderr, /Refusing to remove job .* add --yes/);
      const no = await home.run(["job", "remove", id], { isTerminal: true, stdin: "n\n" });
      assertEquals(no.code, 1);
      assertMatch(no.stderr, /Remove job [0-9a-z]+\? \[y\/N\] error: Aborted/);
      assert((await home.json<{ id: string }[]>(["job", "list"])).some((j) => j.id === id));
    },
  );

  await t.step("remove hides the job, recover brings it back", async () => {
    assertEquals((await home.run(["job", "remove", id.slice(0, 10), "--yes"])).code, 0);
    const after = await home.json<{ id: string }[]>(["job", "list"]);
    assert(!after.some((j) => j.id === id));
    const info = await home.run(["job", "info", id]);
    assertEquals(info.code, 1);
    assertMatch(info.stderr, /removed/);
    assertEquals((await home.run(["job", "recover", id])).code, 0);
    assert((await home.json<{ id: string }[]>(["job", "list"])).some((j) => j.id === id));
  });

  await t.step("remove --force deletes for good: there is nothing to recover", async () => {
    const yes = await home.run(["job", "remove", id, "-y"], { isTerminal: true });
    assertEquals(yes.code, 0, yes.stderr);
    assertEquals((await home.run(["job", "recover", id])).code, 0);
    assertEquals((await home.run(["job", "remove", id, "--force"])).code, 0);
    assertEquals((await home.run(["job", "recover", id])).code, 1);
  });
});

Deno.test("swcli job: usage errors exit 2, missing things exit 1", async () => {
  await using home = await cliHome();
  const cases: [string[], number, RegExp][] = [
    [["job", "create", "dbl"], 2, /Missing --handler/],
    [["job", "create", "dbl", "--handler", "x", "--dataset-head", "-1"], 2, /dataset-head/],
    [["job", "create", "dbl", "--handler", "x", "--ttl", "soon"], 2, /needs an integer/],
    [["job", "list", "--status", "DONE"], 2, /Invalid --status/],
    [["job", "list", "--page", "0"], 2, /Invalid --page/],
    [["job", "rows", "abc"], 2, /Missing argument TABLE/],
    [["job", "frobnicate"], 2, /Unknown command 'job frobnicate'/],
    [["job", "list", "--nope"], 2, /Unknown option '--nope'/],
    [["-o", "yaml", "job", "list"], 2, /Invalid --output/],
    [["nosuch"], 2, /Unknown command group/],
    [["job", "info", "zzzzzz"], 1, /Cannot find job 'zzzzzz'/],
    [["job", "create", "nomodel", "--handler", "0"], 1, /Cannot find model 'nomodel'/],
    [["job", "list", "--project", "no such"], 1, /Invalid project name "no such"/],
    [["job", "list", "-p", "nosuch"], 1, /Cannot find project 'nosuch'.*self/],
  ];
  for (const [args, code, message] of cases) {
    const r = await home.run(args);
    assertEquals(r.code, code, `${args.join(" ")}: ${r.stderr}`);
    assertMatch(r.stderr, message, args.join(" "));
    assertEquals(r.stderr.trim().split("\n")[0].startsWith("error: "), true);
  }
});

Deno.test("swcli --help works on every group and command, with examples", async () => {
  await using home = await cliHome();
  const top = await home.run(["--help"]);
  assertEquals(top.code, 0);
  for (const group of ["instance", "project", "model", "dataset", "job", "table", "server"]) {
    assertMatch(top.stdout, new RegExp(`\\n  ${group} `));
    const g = await home.run([group, "--help"]);
    assertEquals(g.code, 0);
    const commands = [...g.stdout.matchAll(/^ {2}(\S+)\s{2,}/gm)].map((m) => m[1]);
    assert(commands.length > 0, group);
    for (const c of commands) {
      const h = await home.run([group, c, "--help"]);
      assertEquals(h.code, 0, `${group} ${c}`);
      assertMatch(h.stdout, new RegExp(`^Usage: swcli ${group} ${c}`));
      assertMatch(h.stdout, /Examples:\n {2}swcli /);
    }
  }
  assertEquals((await home.run([])).code, 2, "no arguments is a usage error");
});

Deno.test("swcli -v and job info show a failed handler's stack, at the user's own file", async () => {
  await using home = await cliHome();
  await seed(home, 2);

  const r = await home.run(["-v", "job", "create", "dbl", "--handler", "flow.steps:boom"]);
  assertEquals(r.code, 1);
  assertMatch(r.stderr, /^Caused by Error: boom!$/m);
  assertMatch(r.stderr, /^ {4}at .*\/pkg\/flow\/steps\.ts:\d+:\d+/m);
  const id = /Job:\s+(\S+)/.exec(r.stdout)![1];
  const info = await home.run(["job", "info", id]);
  assertMatch(info.stdout, /\nStack\n[^]*^ {4}at .*\/pkg\/flow\/steps\.ts:\d+:\d+/m);
  const json = await home.run(["-o", "json", "job", "info", id]);
  assertMatch(JSON.parse(json.stdout).stack.join("\n"), /pkg\/flow\/steps\.ts/);
});
