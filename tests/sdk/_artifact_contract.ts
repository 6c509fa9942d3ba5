/**
 * The model and dataset part of the contract suite, run against any `Instance` (standalone,
 * remote over `app.fetch`, over a socket, over a subprocess server): list, info and head of the
 * fixture's model and datasets, and copies in and out of the instance (all or nothing, a repeated
 * copy a no-op, an aborted one leaving nothing listed).
 *
 * @module
 */
import { join } from "node:path";
import { assert, assertEquals, assertRejects } from "../_assert.ts";
import { StandaloneInstance } from "../../lib/standalone/instance.ts";
import { NotFoundError } from "../../lib/sdk/errors.ts";
import { Dataset } from "../../lib/sdk/dataset.ts";
import { Model } from "../../lib/sdk/model.ts";
import { artifactReads } from "../../lib/sdk/roles.ts";
import type { ContractTarget } from "./_job_contract.ts";
import { FAST_ROWS, SLOW_ROWS } from "./_job_contract.ts";

const P = "self";

/** Runs the model and dataset contract against one target. */
export async function artifactContract(
  t: Deno.TestContext,
  target: ContractTarget,
): Promise<void> {
  const sw = artifactReads(target.instance, "reading models");
  await t.step("models and datasets: list, info, versions and head", async () => {
    const models = await sw.listModels(P);
    assertEquals(models.map((m) => m.name), ["slow"]);
    assert(models[0].tags.includes("latest") && models[0].tags.includes("v0"));
    assert(models[0].handlers.includes("slow.pipeline:Slow.evaluate"), String(models[0].handlers));
    const info = await sw.getModel({ project: P, name: "slow", version: "v0" });
    assertEquals(info.version, models[0].version);
    const datasets = await sw.listDatasets(P);
    assertEquals(datasets.map((d) => [d.name, d.rows]).sort(), [["fast", FAST_ROWS], [
      "slow",
      SLOW_ROWS,
    ]]);
    assertEquals((await sw.listDatasets(P, { name: "fast" })).length, 1);
    const head = await Array.fromAsync(sw.scanDataset({ project: P, name: "fast" }, { head: 3 }));
    assertEquals(head.map((r) => [r.id, r.features.x]), [[0, 0], [1, 1], [2, 2]]);
    const all = await Array.fromAsync(sw.scanDataset({ project: P, name: "slow", version: "v0" }));
    assertEquals(all.length, SLOW_ROWS);
    await assertRejects(() => sw.getDataset({ project: P, name: "nothere" }), NotFoundError);
  });

  const other = await Deno.makeTempDir({ prefix: "sw-contract-other-" });
  try {
    await using local = new StandaloneInstance(other, { durability: "none" });
    await t.step(
      "copy out: model and dataset versions arrive whole, a second copy is a no-op",
      async () => {
        const m = await Model.copy("slow", P, { source: sw, target: local });
        const src = await sw.getModel({ project: P, name: "slow" });
        assertEquals([m.version, m.handlers], [src.version, src.handlers]);
        const d = await Dataset.copy("fast/version/v0", P, { source: sw, target: local });
        assertEquals(d.rows, FAST_ROWS);
        const rows = await d.head(FAST_ROWS + 1);
        assertEquals(rows.map((r) => r.features.x), Array.from({ length: FAST_ROWS }, (_, i) => i));
        const again = await Model.copy("slow", P, { source: sw, target: local });
        assertEquals(again.version, m.version);
        assertEquals((await local.listModels(P)).length, 1);
      },
    );

    await t.step(
      "copy in: a new version is listed and readable, a second copy is a no-op",
      async () => {
        const built = await local.buildDataset(P, {
          name: "extra",
          rows: [{ x: 1, s: "one", b: new Uint8Array([1, 2]) }, { x: 2.5, s: null, b: null }],
        });
        const d = await Dataset.copy("extra", P, { source: local, target: sw });
        assertEquals([d.version, d.rows], [built.version, 2]);
        const head = await d.head(5);
        assertEquals(head.map((r) => [r.id, r.features.x, r.features.s]), [[0, 1, "one"], [
          1,
          2.5,
          undefined,
        ]]);
        assertEquals(head[0].features.b, new Uint8Array([1, 2]));
        await Dataset.copy("extra", P, { source: local, target: sw });
        assertEquals((await sw.listDatasets(P, { name: "extra" })).length, 1);
        // A model copied back where it came from is already there.
        const back = await Model.copy("slow", P, { source: local, target: sw });
        assertEquals((await sw.listModels(P)).map((m) => m.version), [back.version]);
      },
    );

    await t.step(
      "a version's own tags follow it; one another version holds stays there",
      async () => {
        const first = await local.buildDataset(P, { name: "tagged", rows: [{ x: 1 }] });
        await local.addTags("dataset", { project: P, name: "tagged", version: first.version }, [
          "best",
          "gold",
        ]);
        const d = await Dataset.copy("tagged", P, { source: local, target: sw });
        assertEquals(d.tags, ["best", "gold", "latest", "v0"]);
        assertEquals(
          (await sw.getDataset({ project: P, name: "tagged", version: "best" })).version,
          first.version,
        );
        const second = await local.buildDataset(P, { name: "tagged", rows: [{ x: 2 }] });
        await local.addTags("dataset", { project: P, name: "tagged", version: second.version }, [
          "best",
        ]);
        assertEquals(
          (await local.getDataset({ project: P, name: "tagged", version: "best" })).version,
          first.version,
          "a tag another version holds stays there",
        );
        await local.addTags("dataset", { project: P, name: "tagged", version: second.version }, [
          "new",
        ]);
        const copied = await Dataset.copy("tagged", P, { source: local, target: sw });
        assertEquals(copied.tags, ["latest", "new", "v1"]);
        const back = await Deno.makeTempDir({ prefix: "sw-contract-back-" });
        try {
          await using there = new StandaloneInstance(back, { durability: "none" });
          const out = await Dataset.copy("tagged/version/best", P, { source: sw, target: there });
          assertEquals([out.version, out.tags], [first.version, ["best", "gold", "latest", "v0"]]);
        } finally {
          await Deno.remove(back, { recursive: true });
        }
      },
    );

    await t.step("an aborted copy leaves nothing listed, and a later copy succeeds", async () => {
      const pkg = join(other, ".pkg2");
      await Deno.mkdir(pkg);
      const sdk = new URL("../../mod.ts", import.meta.url).href;
      await Deno.writeTextFile(
        join(pkg, "steps.ts"),
        `import { handler } from "${sdk}";\nexport const hi = handler(() => {});\n`,
      );
      await Deno.writeTextFile(join(pkg, "big.bin"), "x".repeat(20000));
      await local.buildModel(P, { dir: pkg, name: "aborted" });
      await local.buildDataset(P, {
        name: "aborted",
        rows: Array.from({ length: 2500 }, (_, x) => ({ x })),
      });
      for (const kind of ["model", "dataset"] as const) {
        const stop = new AbortController();
        const copy = kind === "model" ? Model.copy : Dataset.copy;
        await assertRejects(() =>
          copy("aborted", P, {
            source: local,
            target: sw,
            signal: stop.signal,
            onProgress: (p) => {
              if (p.done > 0) stop.abort(new Error("stopped by the test"));
            },
          }), Error);
        const listed = kind === "model"
          ? await sw.listModels(P, { name: "aborted" }).catch(() => [])
          : await sw.listDatasets(P, { name: "aborted" }).catch(() => []);
        assertEquals(listed, [], `${kind}: an aborted copy is listed`);
        const done = await copy("aborted", P, { source: local, target: sw });
        assertEquals(done.name, "aborted");
      }
      assertEquals(
        (await Array.fromAsync(sw.scanDataset({ project: P, name: "aborted" }))).length,
        2500,
      );
    });
  } finally {
    await Deno.remove(other, { recursive: true });
  }
}
