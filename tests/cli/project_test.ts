import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { cliHome, createJob, seed } from "./_helpers.ts";

const EVAL = "flow.steps:Doubler.evaluate";

Deno.test("swcli project remove asks first: a question on a terminal, --yes or --force in a script", async (t) => {
  await using home = await cliHome();
  await seed(home, 2);
  const job = await createJob(home, EVAL, ["-d", "nums"]);
  const listed = async () => (await home.json<{ id: string }[]>(["job", "list"])).map((j) => j.id);

  await t.step(
    "without a terminal and without --yes it refuses and keeps the project",
    async () => {
      const r = await home.run(["project", "remove", "self"]);
      assertEquals(r.code, 2, r.stderr);
      assertMatch(r.stderr, /--yes/);
      assertMatch(r.stderr, /--force/);
      assertEquals(await listed(), [job.id]);
    },
  );
  await t.step("on a terminal, answering no keeps it", async () => {
    const r = await home.run(["project", "remove", "self"], { isTerminal: true, stdin: "n\n" });
    assertEquals(r.code, 1);
    assertMatch(r.stderr, /Remove project 'self'\? \[y\/N\]/);
    assertMatch(r.stderr, /Aborted/);
    assertEquals(await listed(), [job.id]);
  });
  await t.step(
    "on a terminal, answering yes removes it and its jobs are no longer listed",
    async () => {
      const r = await home.run(["project", "remove", "self"], { isTerminal: true, stdin: "y\n" });
      assertEquals(r.code, 0, r.stderr);
      assertMatch(r.stdout, /removed project 'self'/);
      assertEquals(await listed(), []);
      assertEquals((await home.run(["job", "info", job.id])).code, 1);
    },
  );
  await t.step("recover brings the project and its jobs back", async () => {
    assertEquals((await home.run(["project", "recover", "self"])).code, 0);
    assertEquals(await listed(), [job.id]);
    const info = await home.json<{ status: string }>(["job", "info", job.id]);
    assertEquals((info as unknown as { record: { status: string } }).record.status, "SUCCESS");
  });
  await t.step("--yes removes without asking; recoverable", async () => {
    const r = await home.run(["project", "remove", "self", "--yes"]);
    assertEquals(r.code, 0, r.stderr);
    assertEquals(await listed(), []);
    assertEquals((await home.run(["project", "recover", "self"])).code, 0);
  });
  await t.step("--force deletes for good: a new project of that name has no jobs", async () => {
    const r = await home.run(["project", "remove", "self", "--force"]);
    assertEquals(r.code, 0, r.stderr);
    assertEquals((await home.run(["project", "recover", "self"])).code, 1);
    await seed(home, 2);
    assertEquals(await listed(), []);
    const summary = await home.run(["-o", "json", "table", "scan", "project/self/eval/summary"]);
    assert(!summary.stdout.includes(job.id), summary.stdout);
    const results = `project/self/eval/${job.id.slice(0, 2)}/${job.id}/results`;
    assertEquals((await home.run(["-o", "json", "table", "scan", results])).stdout, "");
  });
});
