import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { parse } from "yaml";
import { cliHome, seed } from "./_helpers.ts";

type Home = Awaited<ReturnType<typeof cliHome>>;

/** Starts `swcli server start --port 0` in-process on a home's root; resolves with its URL. */
async function startServer(home: Home) {
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

Deno.test("swcli against a server on another root: login selects a project", async (t) => {
  await using home = await cliHome();
  await using serverHome = await cliHome();
  await seed(serverHome);
  const server = await startServer(serverHome);
  try {
    await t.step("login selects the server's default project", async () => {
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
      const again = await home.run([
        "instance",
        "login",
        server.url,
        "--token",
        "sek",
        "--alias",
        "dev",
      ]);
      assertEquals(again.code, 0, again.stderr);
      assert((await home.run(["--instance", "dev", "job", "list"])).code === 0);
    });
  } finally {
    server.stop();
    assertEquals(await server.done, 0);
  }
});
