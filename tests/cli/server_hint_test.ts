import { assertEquals, assertMatch } from "../_assert.ts";
import { main } from "../../cli.ts";
import { cliHome } from "./_helpers.ts";

/** Runs `swcli server start --port 0` in text mode until its login line shows; returns it. */
async function loginLine(home: Awaited<ReturnType<typeof cliHome>>, args: string[]) {
  const stop = new AbortController();
  let out = "";
  const line = Promise.withResolvers<string>();
  const done = main(["server", "start", "--port", "0", ...args], {
    stdout: {
      write: (t) => {
        out += t;
        const m = /^Log in with: (.+)$/m.exec(out);
        if (m) line.resolve(m[1]);
      },
    },
    stderr: { write: () => {} },
    env: home.env,
    isTerminal: false,
    signal: stop.signal,
  });
  done.then((code) => line.reject(new Error(`server exited ${code}: ${out}`)));
  return { line: await line.promise, out: () => out, stop: () => stop.abort(), done };
}

Deno.test("server start prints the exact login line, and running it logs in", async (t) => {
  for (const [what, args] of [["a made-up token", []], ["--token", ["--token", "s3cret"]]]) {
    await t.step(what as string, async () => {
      await using home = await cliHome();
      const server = await loginLine(home, args as string[]);
      try {
        const words = server.line.split(" ");
        assertEquals(words.slice(0, 3), ["swcli", "instance", "login"]);
        assertMatch(server.line, / --token \S+ --alias \S+$/);
        assertEquals(server.line.includes("<"), false, server.line);
        const r = await home.run(words.slice(1));
        assertEquals(r.code, 0, `${server.line}\n${r.stderr}`);
      } finally {
        server.stop();
        assertEquals(await server.done, 0);
      }
    });
  }
});
