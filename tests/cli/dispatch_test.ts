import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { CLI, cliHome, DENO_DIR } from "./_helpers.ts";

Deno.test("swcli --help works anywhere on the line, after arguments too", async () => {
  await using home = await cliHome();
  for (
    const args of [
      ["job", "info", "3v3p", "--help"],
      ["job", "rows", "abc", "results", "--limit", "2", "-h"],
      ["job", "info", "--nope", "--help"],
    ]
  ) {
    const r = await home.run(args);
    assertEquals(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
    assertMatch(r.stdout, new RegExp(`^Usage: swcli ${args[0]} ${args[1]}`));
  }
});

Deno.test("swcli suggests the command meant by a typo", async () => {
  await using home = await cliHome();
  const cases: [string[], RegExp][] = [
    [["job", "lst"], /Unknown command 'job lst' \(did you mean 'job list'\?\)/],
    [["jbo", "list"], /Unknown command group 'jbo' \(did you mean 'job'\?\)/],
    [["table", "scna", "t"], /did you mean 'table scan'\?/],
  ];
  for (const [args, message] of cases) {
    const r = await home.run(args);
    assertEquals(r.code, 2);
    assertMatch(r.stderr, message);
  }
  const far = await home.run(["job", "frobnicate"]);
  assert(!far.stderr.includes("did you mean"), far.stderr);
});

Deno.test("swcli ... | head: a closed stdout ends the command quietly", async () => {
  await using home = await cliHome();
  const rows = Array.from(
    { length: 4000 },
    (_, i) => JSON.stringify({ id: i, text: "x".repeat(40) }),
  );
  const put = await home.run(["table", "put", "t", "-"], { stdin: rows.join("\n") });
  assertEquals(put.code, 0, put.stderr);
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, "-o", "json", "table", "scan", "t"],
    env: { ...home.env, DENO_DIR },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.getReader();
  const first = await reader.read();
  assert(!first.done && first.value.length > 0);
  await reader.cancel();
  const [status, stderr] = await Promise.all([child.status, new Response(child.stderr).text()]);
  assertEquals(stderr, "");
  assertEquals(status.code, 0);
});

Deno.test("swcli --help says what -f does: delete for good on remove, nothing where nothing asks", async () => {
  await using home = await cliHome();
  const remove = await home.run(["job", "remove", "--help"]);
  assertMatch(remove.stdout, /-y, --yes\s+Do it without asking/);
  assertMatch(remove.stdout, /-f, --force\s+Delete it and its tables for good/);
  for (const args of [["job", "cancel", "--help"], ["model", "remove", "--help"]]) {
    const r = await home.run(args);
    assertMatch(r.stdout, /-f, --force\s+Accepted for Starwhale's swcli; changes nothing here/);
  }
});
