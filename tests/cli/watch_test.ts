/** Watching jobs from swcli: progress while `job create` runs, and `job logs`. */
import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { cliHome, seed } from "./_helpers.ts";

const EVAL = "flow.steps:Doubler.evaluate";

Deno.test("swcli job create in a script prints one line per step with its counts", async () => {
  await using home = await cliHome();
  await seed(home, 7);
  const r = await home.run(["job", "create", "dbl", "--handler", EVAL, "-d", "nums"]);
  assertEquals(r.code, 0, r.stderr);
  const lines = r.stderr.trim().split("\n");
  assertEquals(lines.length, 2, r.stderr);
  assertMatch(lines[0], /^step flow\.steps:Doubler\.predict: 7\/7 rows in \d+s/);
  assertMatch(lines[1], /^step flow\.steps:Doubler\.evaluate: done in \d+s$/);
  assert(!r.stderr.includes("\r"), "no carriage returns without a terminal");
  assertMatch(r.stdout, /Status:\s+SUCCESS/);
});

Deno.test("swcli job create on a terminal draws a bar per step with rows, rate and ETA", async () => {
  await using home = await cliHome();
  await seed(home, 7);
  const r = await home.run([
    "job",
    "create",
    "dbl",
    "--handler",
    EVAL,
    "-d",
    "nums",
    "--dataset-head",
    "4",
  ], {
    isTerminal: true,
  });
  assertEquals(r.code, 0, r.stderr);
  assertMatch(r.stderr, /flow\.steps:Doubler\.predict \[█+\] 100% 4\/4 rows/);
  assertMatch(r.stderr, /flow\.steps:Doubler\.evaluate done in \d+s/);
  assert(r.stderr.endsWith("\n"), "the last line is finished");
});

Deno.test("swcli job logs prints what the handlers printed, with time, step and stream", async () => {
  await using home = await cliHome();
  await seed(home, 2);
  const job = await home.json<{ id: string }>([
    "job",
    "create",
    "dbl",
    "--handler",
    "flow.steps:noisy",
  ]);
  const r = await home.run(["job", "logs", job.id.slice(0, 8)]);
  assertEquals(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split("\n");
  assertEquals(lines.length, 2, r.stdout);
  assertMatch(lines[0], /^\d{4}-\d\d-\d\dT\S+ flow\.steps:noisy#0 stdout: hello from noisy$/);
  assertMatch(lines[1], /stderr: careful$/);
  const follow = await home.run(["job", "logs", job.id, "--follow"]);
  assertEquals(follow.code, 0, follow.stderr);
  assertEquals(follow.stdout, r.stdout, "--follow on an ended job prints it all and returns");
  const json = await home.run(["-o", "json", "job", "logs", job.id]);
  assertEquals(json.stdout.trim().split("\n").map((l) => JSON.parse(l)), lines);
  const missing = await home.run(["job", "logs", "zzzzzz"]);
  assertEquals(missing.code, 1);
  assertMatch(missing.stderr, /Cannot find job 'zzzzzz'/);
});
