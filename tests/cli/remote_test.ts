import assert from "node:assert/strict";
import { parse } from "yaml";
import { cliHome, type RunResult, seed } from "./_helpers.ts";

/** Starts `swcli server start --port 0` in-process; resolves once it printed its URL. */
async function startServer(home: Awaited<ReturnType<typeof cliHome>>) {
  const stop = new AbortController();
  let out = "";
  const ready = Promise.withResolvers<string>();
  const done: Promise<number> = (async () => {
    const { main } = await import("../../cli.ts");
    return await main(["-o", "json", "server", "start", "--port", "0", "--token", "sek"], {
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
    });
  })();
  done.then((code) => ready.reject(new Error(`server exited ${code}`)));
  return { url: await ready.promise, stop: () => stop.abort(), done };
}

Deno.test("swcli instance and project against the standalone instance and a server", async (t) => {
  await using home = await cliHome();
  await seed(home);
  const job = await home.json<{ id: string }>([
    "job",
    "create",
    "dbl",
    "--handler",
    "flow.steps:Doubler.evaluate",
    "-d",
    "nums",
  ]);
  await t.step("project create, select, info, remove, recover", async () => {
    assert.equal((await home.run(["project", "create", "demo"])).code, 0);
    assert.equal((await home.run(["project", "create", "demo"])).code, 1);
    assert.deepEqual(await home.json(["project", "list"]), ["demo", "self"]);
    assert.equal((await home.run(["project", "select", "demo"])).code, 0);
    const info = await home.json<{ project: string; jobs: number }>(["project", "info"]);
    assert.deepEqual([info.project, info.jobs], ["demo", 0]);
    assert.equal((await home.run(["project", "remove", "demo"])).code, 0);
    assert.deepEqual(await home.json(["project", "list"]), ["self"]);
    assert.equal((await home.run(["project", "recover", "demo"])).code, 0);
    assert.equal((await home.run(["project", "select", "self"])).code, 0);
    const self = await home.json<{ jobs: number; models: number }>(["project", "info", "self"]);
    assert.deepEqual([self.jobs, self.models], [1, 1]);
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
        assert.equal(r.code, 0, r.stderr);
        const cfg = parse(await Deno.readTextFile(home.config));
        assert.equal(cfg.version, "2.0");
        assert.deepEqual(cfg.custom, { keep: "me" });
        assert.equal(cfg.instances.local.extra, 1);
        assert.equal(cfg.instances.local.current_project, "self");
        const dev = cfg.instances.dev;
        assert.deepEqual([dev.uri, dev.sw_token, dev.type, dev.user_name], [
          server.url,
          "sek",
          "cloud",
          "starwhale",
        ]);
        assert.match(dev.updated_at, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
        assert.equal((await Deno.stat(home.config)).mode! & 0o777, 0o600);
      },
    );
    await t.step("a wrong token is refused", async () => {
      const r = await home.run(["instance", "login", server.url, "--token", "bad", "--alias", "x"]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /HTTP 401/);
    });
    await t.step("remote job list, info, rows, summary", async () => {
      const list = await home.run(["--instance", "dev", "job", "list", "-p", "self"]);
      assert.equal(list.code, 0, list.stderr);
      assert.match(list.stdout, /Counts: 1\/1/);
      const jobs = await home.json<{ id: string }[]>([
        "job",
        "list",
        "-p",
        "cloud://dev/project/self",
      ]);
      assert.equal(jobs.length, 1);
      const uri = `cloud://dev/project/self/job/${jobs[0].id}`;
      const summary = await home.json<Record<string, unknown>>(["job", "summary", uri]);
      assert.equal(summary.sum, 30);
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
      assert.equal(rows.stdout.trim().split("\n").length, 2, rows.stderr);
      assert.equal((await home.run(["job", "info", uri])).code, 0);
      assert.equal(jobs[0].id, job.id);
    });
    await t.step("instance select, list, info, logout", async () => {
      assert.equal((await home.run(["instance", "select", "dev"])).code, 0);
      const list = await home.json<{ alias: string; current: boolean }[]>(["instance", "list"]);
      assert.deepEqual(list.filter((i) => i.current).map((i) => i.alias), ["dev"]);
      const info = await home.json<{ server_version: string }>(["instance", "info"]);
      assert.equal(typeof info.server_version, "string");
      assert.equal((await home.run(["project", "create", "x"])).code, 1, "remote create refused");
      assert.equal((await home.run(["instance", "logout", "dev"])).code, 0);
      const cfg = parse(await Deno.readTextFile(home.config));
      assert.equal(cfg.current_instance, "local");
      assert.equal(cfg.instances.dev, undefined);
      assert.equal((await home.run(["instance", "select", "nosuch"])).code, 1);
    });
  } finally {
    server.stop();
    assert.equal(await server.done, 0);
  }
  await t.step("an unreachable server is one clear line", async () => {
    const r = await home.run(["instance", "login", server.url, "--token", "sek"]);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^error: Cannot reach the server at http:\/\/127\.0\.0\.1:\d+ .*is it running\?\n$/,
    );
  });
});
