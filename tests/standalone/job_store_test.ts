import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { assertEquals, assertNotEquals } from "../_assert.ts";
import { buildPackage, tempInstance } from "./_helpers.ts";

const SDK = new URL("../../mod.ts", import.meta.url).href;

Deno.test("a standalone job's manifest is written at each status change, in the Python SDK's layout", async () => {
  await using t = await tempInstance();
  await buildPackage(t.instance, {
    name: "gate",
    files: {
      "gate.ts": `import { handler } from "${SDK}";
export const wait = handler(async (ctx) => {
  await (globalThis as unknown as { swTestGate: Promise<void> }).swTestGate;
  ctx.log("seen", { id: 1, ok: true });
});
`,
    },
  });
  let open!: () => void;
  const gate = globalThis as unknown as { swTestGate?: Promise<void> };
  gate.swTestGate = new Promise((r) => open = r);
  try {
    const running = t.instance.createJob("self", { model: "gate", runHandler: "gate:wait" });
    const manifest = async () => {
      const [job] = (await t.instance.listJobs("self"))[0];
      if (!job) return undefined;
      const path = join(t.root, "self", "job", job.id.slice(0, 2), job.id, "_manifest.yaml");
      const text = await Deno.readTextFile(path).catch(() => undefined);
      return text === undefined ? undefined : parseYaml(text) as Record<string, unknown>;
    };
    let during: Record<string, unknown> | undefined;
    for (let i = 0; i < 5000 && during?.status !== "running"; i++) {
      during = await manifest();
      if (during?.status !== "running") await new Promise((r) => setTimeout(r, 2));
    }
    assertEquals([during?.status, during?.finished_at], ["running", ""]);
    open();
    const job = await running;
    const after = (await manifest())!;
    assertEquals([after.status, after.version, after.handler_name], [
      "success",
      job.id,
      "gate:wait",
    ]);
    assertNotEquals(after.finished_at, "");
  } finally {
    open();
    delete gate.swTestGate;
  }
});
