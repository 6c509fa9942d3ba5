import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { parse } from "yaml";
import { cliHome, createJob, seed, startServer } from "./_helpers.ts";

Deno.test("swcli against a server on another root: login, create --wait, copy both ways", async (t) => {
  await using home = await cliHome();
  await using serverHome = await cliHome();
  // The model and dataset are built in place on the server's root before it starts.
  await seed(serverHome);
  await seed(home);
  const server = await startServer(serverHome);
  const login = () =>
    home.run(["instance", "login", server.url, "--token", "sek", "--alias", "dev"]);
  try {
    await t.step("login selects the server's default project", async () => {
      const r = await login();
      assertEquals(r.code, 0, r.stderr);
      assertEquals(
        parse(await Deno.readTextFile(home.config)).instances.dev.current_project,
        "self",
      );
      const list = await home.run(["--instance", "dev", "job", "list"]);
      assertEquals(list.code, 0, list.stderr);
      assertMatch(list.stdout, /Counts: 0\/0/);
    });

    await t.step("with no project selected, the error names swcli project select", async () => {
      const cfg = parse(await Deno.readTextFile(home.config));
      delete cfg.instances.dev.current_project;
      await Deno.writeTextFile(home.config, JSON.stringify(cfg));
      const r = await home.run(["--instance", "dev", "job", "list"]);
      assertEquals(r.code, 1);
      assertMatch(r.stderr, /Cannot tell the project on instance 'dev'.*swcli project select/);
      const again = await login();
      assertEquals(again.code, 0, again.stderr);
      assert((await home.run(["--instance", "dev", "job", "list"])).code === 0);
    });

    const handler = "flow.steps:Doubler.evaluate";
    /** `swcli --instance dev job create dbl --handler H ... --wait`. */
    const createOnServer = (run: string, ...args: string[]) =>
      home.run(["--instance", "dev", "job", "create", "dbl", "--handler", run, ...args, "--wait"]);
    let remoteId = "";
    await t.step("a remote job create --wait follows the job to SUCCESS", async () => {
      const r = await createOnServer(handler, "-d", "nums");
      assertEquals(r.code, 0, r.stderr);
      assertMatch(r.stdout, /Status:\s+SUCCESS/);
      remoteId = /Job:\s+(\S+)/.exec(r.stdout)![1];
      const failed = await createOnServer("flow.steps:boom");
      assertEquals(failed.code, 1, failed.stderr);
      assertMatch(failed.stdout, /Status:\s+FAIL/);
      const list = await home.run(["--instance", "dev", "job", "list"]);
      assertMatch(list.stdout, new RegExp(`${remoteId}\\s+dbl\\s`), "the model reads as locally");
      const info = await home.run(["--instance", "dev", "job", "info", remoteId]);
      assertEquals(info.code, 0, info.stderr);
      assertMatch(info.stdout, /\nSummary\n(.+\n)*sum:\s+30\n/);
      assert(!info.stdout.includes("sys/step_spec"), "job info prints the server's system keys");
      assertMatch(
        info.stdout,
        /\(and \d+ system keys sys\/\*: swcli -o json job info shows them\)/,
      );
    });

    const reads = async (uri: string) => {
      const info = await home.json<Record<string, unknown>>(["job", "info", uri]);
      const { id: _, project: __, ...record } = info.record as Record<string, unknown>;
      // Task ids are each instance's own; the rest of a task reads the same.
      const tasks = (info.jobTasks as { id: string; step: string }[] | undefined)?.map((
        { id: _, ...t },
      ) => t);
      return {
        record,
        tasks,
        summary: await home.json(["job", "summary", uri]),
        tables: await home.json(["job", "tables", uri]),
        rows: (await home.run(["-o", "json", "job", "rows", uri, "results", "--limit", "3"]))
          .stdout,
        logs: (await home.run(["job", "logs", uri])).stdout,
      };
    };

    await t.step("job copy brings the server's job to the local root, once", async () => {
      const src = `cloud://dev/project/self/job/${remoteId}`;
      const r = await home.run(["job", "copy", src, "local/project/self"], { isTerminal: true });
      assertEquals(r.code, 0, r.stderr);
      assertMatch(r.stderr, new RegExp(`Copying job ${remoteId.slice(0, 12)}`));
      assertMatch(r.stdout, /Copied:\s+1 table and the summary, 6 rows/);
      const local = `local/project/self/job/${remoteId}`;
      const here = await reads(local);
      assertEquals(here, await reads(src));
      assertEquals((here.summary as { sum: number }).sum, 30);
      assertEquals(here.rows.trim().split("\n").length, 3);
      assertEquals(here.tasks?.map((t) => t.step), [
        handler.replace("evaluate", "predict"),
        handler,
      ]);
      const again = await home.run(["job", "copy", src, "local/project/self"]);
      assertEquals(again.code, 0, again.stderr);
      assertMatch(again.stdout, /Copied:\s+nothing: the job is on local\/project\/self already/);
    });

    await t.step("job copy publishes a local job to the server", async () => {
      const job = await createJob(home, handler, ["-d", "nums"]);
      const r = await home.json<{ copied: boolean; uri: string }>([
        "job",
        "copy",
        `local/project/self/job/${job.id}`,
        "cloud://dev/project/self",
      ]);
      assertEquals([r.copied, r.uri], [true, `cloud://dev/project/self/job/${job.id}`]);
      assertEquals(await reads(r.uri), await reads(`local/project/self/job/${job.id}`));
      const list = await home.json<{ id: string }[]>(["--instance", "dev", "job", "list"]);
      assert(list.some((j) => j.id === job.id), "the copied job is not listed on the server");
    });
  } finally {
    server.stop();
    assertEquals(await server.done, 0);
  }
});
