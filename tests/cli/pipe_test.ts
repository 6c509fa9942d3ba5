import { join } from "node:path";
import { assertEquals } from "../_assert.ts";
import { CLI, cliHome, DENO_DIR } from "./_helpers.ts";

Deno.test("swcli ... | head: a reader that goes away ends swcli quietly, exit 0", async () => {
  await using home = await cliHome();
  const data = join(home.dir, "many.jsonl");
  const rows = Array.from(
    { length: 20_000 },
    (_, i) => JSON.stringify({ x: i, text: "y".repeat(40) }),
  );
  await Deno.writeTextFile(data, rows.join("\n") + "\n");
  assertEquals((await home.run(["dataset", "build", data, "--name", "many"])).code, 0);
  const table = (await home.json<string[]>(["table", "list"])).find((t) => t.includes("many"))!;
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, "-o", "json", "table", "scan", table],
    env: { ...home.env, DENO_DIR },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const reader = child.stdout.getReader();
  await reader.read(); // the first chunk, as `head` reads, then it goes away
  await reader.cancel();
  const [status, stderr] = await Promise.all([
    child.status,
    new Response(child.stderr).text(),
  ]);
  assertEquals([status.code, stderr], [0, ""]);
});
