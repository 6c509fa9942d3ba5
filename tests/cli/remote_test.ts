import { assertEquals, assertMatch } from "../_assert.ts";
import { parse } from "yaml";
import { cliHome, createJob, type RunResult, seed, startServer } from "./_helpers.ts";
import manifest from "../../deno.json" with { type: "json" };

Deno.test("swcli instance and project against the standalone instance and a server", async (t) => {
  await using home = await cliHome();
  await seed(home);
  const job = await createJob(home, "flow.steps:Doubler.evaluate", ["-d", "nums"]);
  await t.step("project create, select, info, remove, recover", async () => {
    assertEquals((await home.run(["project", "create", "demo"])).code, 0);
    assertEquals((await home.run(["project", "create", "demo"])).code, 1);
    assertEquals(await home.json(["project", "list"]), ["demo", "self"]);
    assertEquals((await home.run(["project", "select", "demo"])).code, 0);
    const info = await home.json<{ project: string; jobs: number }>(["project", "info"]);
    assertEquals([info.project, info.jobs], ["demo", 0]);
    assertEquals((await home.run(["project", "remove", "demo", "--yes"])).code, 0);
    assertEquals(await home.json(["project", "list"]), ["self"]);
    assertEquals((await home.run(["project", "recover", "demo"])).code, 0);
    assertEquals((await home.run(["project", "select", "self"])).code, 0);
    const self = await home.json<{ jobs: number; models: number }>(["project", "info", "self"]);
    assertEquals([self.jobs, self.models], [1, 1]);
  });

  const server = await startServer(home);
  try {
    await t.step(
      "login records the instance in swcli's format, keeping unknown fields",
      async () => {
        const before = parse(await Deno.readTextFile(home.config));
        before.custom = { keep: "me" };
        before.instances.local.extra = 1;
        await Deno.writeTextFile(home.config, JSON.stringify(before));
        const r = await home.run([
          "instance",
          "login",
          server.url,
          "--token",
          "sek",
          "--alias",
          "dev",
        ]);
        assertEquals(r.code, 0, r.stderr);
        const cfg = parse(await Deno.readTextFile(home.config));
        assertEquals(cfg.version, "2.0");
        assertEquals(cfg.custom, { keep: "me" });
        assertEquals(cfg.instances.local.extra, 1);
        assertEquals(cfg.instances.local.current_project, "self");
        const dev = cfg.instances.dev;
        assertEquals([dev.uri, dev.sw_token, dev.type, dev.user_name], [
          server.url,
          "sek",
          "cloud",
          "starwhale",
        ]);
        assertMatch(dev.updated_at, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
        assertEquals((await Deno.stat(home.config)).mode! & 0o777, 0o600);
      },
    );
    await t.step("a wrong token is refused", async () => {
      const r = await home.run(["instance", "login", server.url, "--token", "bad", "--alias", "x"]);
      assertEquals(r.code, 1);
      assertMatch(r.stderr, /HTTP 401/);
    });
    await t.step("remote job list, info, rows, summary", async () => {
      const list = await home.run(["--instance", "dev", "job", "list", "-p", "self"]);
      assertEquals(list.code, 0, list.stderr);
      assertMatch(list.stdout, /Counts: 1\/1/);
      const jobs = await home.json<{ id: string }[]>([
        "job",
        "list",
        "-p",
        "cloud://dev/project/self",
      ]);
      assertEquals(jobs.length, 1);
      const uri = `cloud://dev/project/self/job/${jobs[0].id}`;
      const summary = await home.json<Record<string, unknown>>(["job", "summary", uri]);
      assertEquals(summary.sum, 30);
      const rows: RunResult = await home.run([
        "-o",
        "json",
        "job",
        "rows",
        uri,
        "results",
        "--limit",
        "2",
      ]);
      assertEquals(rows.stdout.trim().split("\n").length, 2, rows.stderr);
      const info = await home.run(["job", "info", uri]);
      assertEquals(info.code, 0, info.stderr);
      assertMatch(info.stdout, /\nTasks\nStep\s+#\s+Status\s+Rows\s+Started At\s+Duration\n/);
      assertMatch(info.stdout, /flow\.steps:Doubler\.\w+\s+0\s+SUCCESS\s+\S+\s+\d{4}-/);
      assertEquals(jobs[0].id, job.id);
    });
    await t.step("instance select, list, info, logout", async () => {
      assertEquals((await home.run(["instance", "select", "dev"])).code, 0);
      const list = await home.json<{ alias: string; current: boolean }[]>(["instance", "list"]);
      assertEquals(list.filter((i) => i.current).map((i) => i.alias), ["dev"]);
      const info = await home.json<{ server_version: string }>(["instance", "info"]);
      assertEquals(info.server_version, manifest.version);
      const text = await home.run(["instance", "info"]);
      assertMatch(
        text.stdout,
        new RegExp(`server_version:\\s+${manifest.version.replaceAll(".", "\\.")}\\n`),
      );
      assertEquals((await home.run(["project", "create", "x"])).code, 1, "remote create refused");
      assertEquals((await home.run(["instance", "logout", "dev"])).code, 0);
      const cfg = parse(await Deno.readTextFile(home.config));
      assertEquals(cfg.current_instance, "local");
      assertEquals(cfg.instances.dev, undefined);
      assertEquals((await home.run(["instance", "select", "nosuch"])).code, 1);
    });
  } finally {
    server.stop();
    assertEquals(await server.done, 0);
  }
  await t.step("an unreachable server is one clear line", async () => {
    const r = await home.run(["instance", "login", server.url, "--token", "sek"]);
    assertEquals(r.code, 1);
    assertMatch(
      r.stderr,
      /^error: Cannot reach the server at http:\/\/127\.0\.0\.1:\d+ .*is it running\?\n$/,
    );
  });
});
