import { assert, assertEquals, assertMatch } from "../_assert.ts";
import { join } from "node:path";
import { cliHome, seed, writeFiles } from "./_helpers.ts";

Deno.test("swcli model: build, list, info, tag, remove, recover", async (t) => {
  await using home = await cliHome();
  const { pkg } = await seed(home);
  await t.step("a second build gets v1 and latest", async () => {
    const m = await home.json<{ version: string; tags: string[]; handlers: string[] }>([
      "model",
      "build",
      pkg,
      "--name",
      "dbl",
    ]);
    assertEquals(m.tags, ["latest", "v1"]);
    assert(m.handlers.includes("flow.steps:Doubler.evaluate"));
  });
  await t.step("list and info", async () => {
    const list = await home.json<{ name: string }[]>(["model", "list"]);
    assertEquals(list.length, 2);
    const human = await home.run(["model", "list"]);
    assertMatch(human.stdout, /Model List\nName\s+Version\s+Tags/);
    const info = await home.run(["model", "info", "dbl/version/v0"]);
    assertMatch(info.stdout, /Tags:\s+v0/);
    assertMatch(info.stdout, /flow\.steps:boom/);
  });
  await t.step("tag adds, refuses builtin and held tags, removes", async () => {
    const r = await home.json<{ tags: string[] }>(["model", "tag", "dbl/version/v0", "stable"]);
    assertEquals(r.tags, ["stable", "v0"]);
    assertEquals((await home.run(["model", "tag", "dbl", "stable"])).code, 1);
    assertEquals((await home.run(["model", "tag", "dbl", "stable", "--force"])).code, 0);
    assertMatch((await home.run(["model", "tag", "dbl", "latest"])).stderr, /set by builds/);
    const info = await home.json<{ tags: string[] }>(["model", "info", "dbl/version/stable"]);
    assertEquals(info.tags, ["latest", "stable", "v1"]);
    await home.run(["model", "tag", "dbl", "stable", "--remove"]);
    assertEquals((await home.run(["model", "info", "dbl/version/stable"])).code, 1);
  });
  await t.step("remove a version, then recover it", async () => {
    const v0 = await home.json<{ version: string }>(["model", "info", "dbl/version/v0"]);
    assertEquals((await home.run(["model", "remove", "dbl/version/v0"])).code, 0);
    assertEquals((await home.json<unknown[]>(["model", "list"])).length, 1);
    const r = await home.run(["model", "recover", `dbl/version/${v0.version.slice(0, 6)}`]);
    assertEquals(r.code, 0, r.stderr);
    assertEquals((await home.json<unknown[]>(["model", "list"])).length, 2);
  });
  await t.step("building a missing folder fails with one line", async () => {
    const r = await home.run(["model", "build", join(home.dir, "nope")]);
    assertEquals(r.code, 1);
    assertEquals(r.stderr.trim().split("\n").length, 1);
  });
});

Deno.test("swcli dataset: build from JSONL, CSV, a folder and stdin; head, info, remove, recover", async (t) => {
  await using home = await cliHome();
  await t.step("JSONL with ids", async () => {
    const file = join(home.dir, "a.jsonl");
    await Deno.writeTextFile(file, '{"id":"k1","x":1}\n{"id":"k2","x":2}\n');
    const d = await home.json<{ name: string; rows: number }>(["dataset", "build", file]);
    assertEquals([d.name, d.rows], ["a", 2]);
    const head = await home.run(["-o", "json", "dataset", "head", "a", "1"]);
    assertEquals(JSON.parse(head.stdout), { id: "k1", x: 1 });
  });
  await t.step("CSV", async () => {
    const file = join(home.dir, "t.csv");
    await Deno.writeTextFile(file, 'x,label\n1,"a, b"\n2,c\n3,d\n');
    const d = await home.json<{ rows: number }>(["dataset", "build", file, "--name", "tbl"]);
    assertEquals(d.rows, 3);
    const head = await home.run(["dataset", "head", "tbl", "-n", "2"]);
    assertMatch(head.stdout, /^id\s+x\s+label\n/);
    assertMatch(head.stdout, /a, b/);
    assertEquals(head.stdout.trim().split("\n").length, 4);
  });
  await t.step("a folder: one row per file, labelled by its folder", async () => {
    const dir = join(home.dir, "pets");
    await writeFiles(dir, { "cat/1.txt": "meow", "dog/2.txt": "woof!" });
    const d = await home.json<{ rows: number }>(["dataset", "build", dir]);
    assertEquals(d.rows, 2);
    const rows = (await home.run(["-o", "json", "dataset", "head", "pets"])).stdout.trim()
      .split("\n").map((l) => JSON.parse(l));
    assertEquals(rows.map((r) => [r.id, r.label, r.size]), [["cat/1.txt", "cat", 4], [
      "dog/2.txt",
      "dog",
      5,
    ]]);
    assertEquals(atob(rows[0].content), "meow");
  });
  await t.step("stdin", async () => {
    const r = await home.run(["dataset", "build", "-", "--name", "piped"], {
      stdin: '{"v":1}\n{"v":2}\n',
    });
    assertEquals(r.code, 0, r.stderr);
    assertMatch(r.stdout, /Rows:\s+2/);
  });
  await t.step("bad input: one clear line", async () => {
    const file = join(home.dir, "bad.jsonl");
    await Deno.writeTextFile(file, '{"x":1}\nnot json\n');
    const r = await home.run(["dataset", "build", file]);
    assertEquals(r.code, 1);
    assertMatch(r.stderr, /^error: Cannot read JSON Lines .*line 2 is not JSON\n$/);
    assertEquals((await home.run(["dataset", "build", join(home.dir, "x.txt")])).code, 1);
    assertEquals((await home.run(["dataset", "head", "a", "zero"])).code, 2);
  });
  await t.step("list, info, remove all versions, recover", async () => {
    const list = await home.json<{ name: string }[]>(["dataset", "list"]);
    assertEquals(list.map((d) => d.name).sort(), ["a", "pets", "piped", "tbl"]);
    const info = await home.json<{ version: string }>(["dataset", "info", "tbl"]);
    assertEquals((await home.run(["dataset", "remove", "tbl"])).code, 0);
    assertEquals((await home.run(["dataset", "info", "tbl"])).code, 1);
    assertEquals((await home.run(["dataset", "recover", `tbl/${info.version}`])).code, 0);
    const back = await home.json<{ rows: number; tags: string[] }>(["dataset", "info", "tbl"]);
    assertEquals(back.rows, 3);
    assertEquals(back.tags, ["latest"]);
    assertEquals((await home.run(["dataset", "tag", "tbl", "gold"])).code, 0);
    assertEquals(
      (await home.json<{ rows: number }>(["dataset", "info", "tbl/version/gold"])).rows,
      3,
    );
  });
});
