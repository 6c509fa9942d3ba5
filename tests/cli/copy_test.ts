import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { CLI, type CliHome, cliHome, DENO_DIR, seed, spawnServer } from "./_helpers.ts";
import { RemoteInstance } from "../../lib/remote/mod.ts";

/** Runs swcli with `-o json` and parses its JSON lines. */
async function jsonLines<T>(home: CliHome, args: string[]): Promise<T[]> {
  const r = await home.run(["-o", "json", ...args]);
  assertEquals(r.code, 0, r.stderr);
  return r.stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l) as T);
}

Deno.test("swcli model copy and dataset copy, to a server on a fresh root and back", async (t) => {
  await using home = await cliHome();
  await seed(home, 7);
  await using serverHome = await cliHome();
  await using server = await spawnServer(serverHome.env);
  const login = await home.run([
    "instance",
    "login",
    server.url,
    "--token",
    "tt",
    "--alias",
    "dev",
  ]);
  assertEquals(login.code, 0, login.stderr);
  // The first login selected the server's project: no `--project` is needed below.
  const [local] = await home.json<{ version: string }[]>(["model", "list"]);
  const [localDs] = await home.json<{ version: string }[]>(["dataset", "list"]);

  await t.step("a remote list before any copy is empty, not an error", async () => {
    assertEquals(await home.json(["--instance", "dev", "model", "list"]), []);
    assertEquals(await home.json(["--instance", "dev", "dataset", "list"]), []);
  });

  await t.step("model copy uploads the version; a second copy is a no-op", async () => {
    const first = await home.json<{ copied: boolean; version: string }>([
      "model",
      "copy",
      "dbl",
      "cloud://dev/project/self",
    ]);
    assertEquals([first.copied, first.version], [true, local.version]);
    const again = await home.run(["model", "copy", "dbl", "cloud://dev/project/self"]);
    assertEquals(again.code, 0, again.stderr);
    assertMatch(again.stdout, /exists already, nothing copied/);
  });

  await t.step("remote model list and info read the copy", async () => {
    const list = await home.json<{ name: string; version: string; tags: string[] }[]>([
      "--instance",
      "dev",
      "model",
      "list",
    ]);
    assertEquals(list.map((m) => [m.name, m.version]), [["dbl", local.version]]);
    assert(list[0].tags.includes("latest"), String(list[0].tags));
    const info = await home.run(["--instance", "dev", "model", "info", "dbl"]);
    assertEquals(info.code, 0, info.stderr);
    assertMatch(info.stdout, /flow\.steps:Doubler\.evaluate/);
  });

  await t.step(
    "dataset copy uploads the rows; remote list, info and head read them",
    async () => {
      const copied = await home.json<{ copied: boolean }>([
        "dataset",
        "copy",
        "nums",
        "cloud://dev/project/self",
      ]);
      assertEquals(copied.copied, true);
      const again = await home.json<{ copied: boolean }>([
        "dataset",
        "copy",
        "nums",
        "cloud://dev/project/self",
      ]);
      assertEquals(again.copied, false);
      const list = await home.json<{ version: string; rows: number }[]>([
        "--instance",
        "dev",
        "dataset",
        "list",
      ]);
      assertEquals(list.map((d) => [d.version, d.rows]), [[localDs.version, 7]]);
      const info = await home.json<{ rows: number }>([
        "--instance",
        "dev",
        "dataset",
        "info",
        "nums",
      ]);
      assertEquals(info.rows, 7);
      const head = await jsonLines<{ id: number; x: number }>(home, [
        "--instance",
        "dev",
        "dataset",
        "head",
        "nums",
        "3",
      ]);
      assertEquals(head.map((r) => [r.id, r.x]), [[0, 1], [1, 2], [2, 3]]);
    },
  );

  await t.step("copy back from the server into another local project", async () => {
    assertEquals((await home.run(["project", "create", "back"])).code, 0);
    const m = await home.run([
      "model",
      "copy",
      "cloud://dev/project/self/model/dbl",
      "local/project/back",
    ]);
    assertEquals(m.code, 0, m.stderr);
    const d = await home.run([
      "dataset",
      "copy",
      "cloud://dev/project/self/dataset/nums/version/latest",
      "local/project/back",
    ]);
    assertEquals(d.code, 0, d.stderr);
    const model = await home.json<{ version: string; handlers: string[] }>([
      "model",
      "info",
      "local/project/back/model/dbl",
    ]);
    assertEquals(model.version, local.version);
    assert(model.handlers.includes("flow.steps:Doubler.evaluate"));
    const rows = await jsonLines<{ id: number; x: number }>(home, [
      "dataset",
      "head",
      "local/project/back/dataset/nums",
      "-n",
      "10",
    ]);
    assertEquals(rows.map((r) => r.x), [1, 2, 3, 4, 5, 6, 7]);
  });

  await t.step("a job runs on the copied model and dataset", async () => {
    const r = await home.json<{ status: string }>([
      "job",
      "create",
      "local/project/back/model/dbl",
      "--handler",
      "flow.steps:Doubler.evaluate",
      "--dataset",
      "nums",
    ]);
    assertEquals(r.status, "SUCCESS");
  });

  await t.step(
    "on a terminal a copy draws its progress; in a script it prints one line",
    async () => {
      assertEquals((await home.run(["project", "create", "tty"])).code, 0);
      const tty = await home.run(["dataset", "copy", "nums", "local/project/tty"], {
        isTerminal: true,
      });
      assertEquals(tty.code, 0, tty.stderr);
      assertMatch(tty.stderr, /Copying dataset nums.*7\/7 rows/s);
      const plain = await home.run(["model", "copy", "dbl", "local/project/tty"]);
      assertEquals([plain.code, plain.stderr], [0, ""]);
      assertMatch(
        plain.stdout,
        /^👏 copied model to local\/project\/tty\/model\/dbl\/version\/\w+\n$/,
      );
    },
  );

  await t.step("an unknown source is a clear error, nothing copied", async () => {
    const r = await home.run(["model", "copy", "nope", "cloud://dev/project/self"]);
    assertEquals(r.code, 1);
    assertMatch(r.stderr, /Cannot find model 'nope'/);
  });
});

Deno.test("a swcli dataset copy killed mid-way leaves nothing listed; run again, it completes", async () => {
  await using home = await cliHome();
  const rows = Array.from({ length: 150_000 }, (_, i) => JSON.stringify({ x: i })).join("\n");
  await Deno.writeTextFile(`${home.dir}/big.jsonl`, rows + "\n");
  assertEquals(
    (await home.run(["dataset", "build", `${home.dir}/big.jsonl`, "--name", "big"])).code,
    0,
  );
  await using serverHome = await cliHome();
  await using server = await spawnServer(serverHome.env);
  assertEquals(
    (await home.run(["instance", "login", server.url, "--token", "tt", "--alias", "dev"])).code,
    0,
  );
  const remote = new RemoteInstance({ url: server.url, token: "tt" });
  const copy = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, "dataset", "copy", "big", "cloud://dev/project/self"],
    env: { ...home.env, DENO_DIR },
    stdout: "null",
    stderr: "null",
  }).spawn();
  // Kill it once some rows are on the server, before the version is complete.
  let rowsSeen = 0;
  for (let i = 0; i < 2000 && rowsSeen === 0; i++) {
    const tables = await remote.listTables("project/");
    const table = tables.find((t) => t.includes("/dataset/big/"));
    if (table) rowsSeen = (await Array.fromAsync(remote.scanTable(table, { limit: 1 }))).length;
    if (rowsSeen === 0) await new Promise((r) => setTimeout(r, 10));
  }
  copy.kill("SIGKILL");
  const status = await copy.status;
  assert(rowsSeen > 0, "the copy wrote no rows before it was killed");
  assertEquals(status.signal, "SIGKILL", "the copy ended before it could be killed");
  assertEquals(await remote.listDatasets("self"), [], "a killed copy is listed");
  const again = await home.json<{ copied: boolean }>([
    "dataset",
    "copy",
    "big",
    "cloud://dev/project/self",
  ]);
  assertEquals(again.copied, true);
  const [listed] = await remote.listDatasets("self");
  assertEquals(listed.rows, 150_000);
  await remote.close();
});
