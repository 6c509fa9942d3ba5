/**
 * Test helpers: a temporary storage root with its config and instance, and model packages
 * written from source text (with roots that have them built).
 */

import { join, resolve } from "node:path";
import { assert } from "../_assert.ts";
import { Dataset, type Instance, Job, Model } from "../../mod.ts";
import type { Row } from "../../datastore/mod.ts";
import { Config } from "../../lib/sdk/config.ts";
import { StandaloneInstance } from "../../lib/standalone/instance.ts";

/** A temporary storage root; `await using` removes it. */
export interface TempRoot extends AsyncDisposable {
  root: string;
  config: Config;
  instance: StandaloneInstance;
}

/** Makes a temporary root with a config pointing at it and an open standalone instance. */
export async function tempRoot(
  options: { durability?: "fsync" | "flush" | "none" } = {},
): Promise<TempRoot> {
  const dir = await Deno.makeTempDir({ prefix: "sw-test-" });
  const root = join(dir, "root");
  const config = Config.from({}, { path: join(dir, "config.yaml"), root });
  const instance = new StandaloneInstance(root, { durability: options.durability ?? "none" });
  return {
    root,
    config,
    instance,
    async [Symbol.asyncDispose]() {
      await instance.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/**
 * A temporary root with a model package built and datasets of rows built.
 *
 * @param files The model package (path -> text).
 * @param datasets Each dataset's name and rows.
 */
async function builtRoot(
  files: Record<string, string>,
  datasets: Record<string, Row[]>,
): Promise<TempRoot> {
  const t = await tempRoot();
  try {
    await using pkg = await tempPackage(files);
    await Model.build(pkg.dir, { instance: t.instance });
    for (const [name, rows] of Object.entries(datasets)) {
      await Dataset.build(name, rows, { instance: t.instance });
    }
  } catch (e) {
    await t[Symbol.asyncDispose]();
    throw e;
  }
  return t;
}

/**
 * A temporary root with the {@link STEPS_PACKAGE} model (`steps`) built and a dataset `nums` of
 * ten rows `{ x: i, label: "l<i>" }`.
 */
export function stepsRoot(): Promise<TempRoot> {
  const nums = Array.from({ length: 10 }, (_, i) => ({ x: i, label: `l${i}` }));
  return builtRoot(STEPS_PACKAGE, { nums });
}

/** Creates a job of the `steps` model in project `self` on an instance. */
export function runSteps(
  instance: Instance,
  runHandler: string,
  extra: Partial<Parameters<typeof Job.create>[0]> = {},
): Promise<Job> {
  return Job.create({ project: "self", model: "steps", runHandler, instance, ...extra });
}

/** A new temporary folder; `await using` removes it. */
export async function tempDir(): Promise<{ dir: string } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "sw-test-" });
  return {
    dir,
    async [Symbol.asyncDispose]() {
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** Writes files (path -> text) into a new temporary folder; `await using` removes it. */
export async function tempPackage(
  files: Record<string, string>,
): Promise<{ dir: string } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "sw-pkg-" });
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(join(dir, path, ".."), { recursive: true });
    await Deno.writeTextFile(join(dir, path), text);
  }
  return {
    dir,
    async [Symbol.asyncDispose]() {
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** Names of the job directories under a project. */
export async function jobDirs(root: string, project = "self"): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const prefix of Deno.readDir(join(root, project, "job"))) {
      if (prefix.name.startsWith(".")) continue;
      for await (const e of Deno.readDir(join(root, project, "job", prefix.name))) out.push(e.name);
    }
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  return out;
}

/** A model package with plain handlers (ordering, replicas, failure) and a pipeline. */
export const STEPS_PACKAGE: Record<string, string> = {
  "model.yaml": "name: steps\nrun:\n  modules: [flow.steps]\n",
  "flow/steps.ts": `
import { handler, log, logSummary, PipelineHandler } from "@starwhale/sdk";
let seq = 0;
let arrived = 0;
let release: () => void = () => {};
const all = new Promise<void>((r) => release = r);

export const prepare = handler(async (ctx) => {
  arrived++;
  if (arrived === ctx.total) release();
  let timer = 0;
  const together = await Promise.race([
    all.then(() => true),
    new Promise<boolean>((r) => timer = setTimeout(() => r(false), 5000)),
  ]);
  clearTimeout(timer);
  ctx.log("order", { id: "prepare-" + ctx.index, seq: seq++, together, total: ctx.total });
  ctx.logSummary({ Prepared: { Count: ctx.total } });
}, { replicas: 3, resources: { memory: "1GiB", cpu: 1 } });

export const report = handler(() => {
  log("order", { id: "report", seq: seq++ });
  logSummary({ acc: 0.5, id: "ignored" });
}, { needs: [prepare] });

export const boom = handler(() => {
  throw new Error("boom!");
});

export const after = handler(() => log("order", { id: "after", seq: seq++ }), { needs: [boom] });

export class Doubler extends PipelineHandler {
  override predict(data: Record<string, unknown>) {
    return { y: (data.x as number) * 2 };
  }
  override async evaluate(results: AsyncIterable<{ output: unknown }>, ctx: { logSummary(m: Record<string, unknown>): void }) {
    let n = 0;
    let sum = 0;
    for await (const r of results) {
      n++;
      sum += (r.output as { y: number }).y;
    }
    ctx.logSummary({ n, sum });
  }
}
`,
};

/** This package's entry point, for model packages the tests import it in by URL. */
const SDK = new URL("../../mod.ts", import.meta.url).href;

/**
 * A pipeline `talk` whose handlers print: a line per row on stdout, two lines on stderr for
 * row 3, and what `evaluate` counted.
 */
export const TALK_PACKAGE: Record<string, string> = {
  "model.yaml": "name: talk\nrun:\n  modules: [talk]\n",
  "talk.ts": `import { PipelineHandler } from "${SDK}";
export class Talk extends PipelineHandler {
  override predict(data: Record<string, unknown>, ctx: { index: number }) {
    console.log("row", data.x, "on", ctx.index);
    if (data.x === 3) console.error("three is odd\\nand spans two lines");
    return { y: (data.x as number) * 2 };
  }
  override async evaluate(results: AsyncIterable<unknown>, ctx: { logSummary(m: object): void }) {
    let n = 0;
    for await (const _ of results) n++;
    console.info({ evaluated: n });
    ctx.logSummary({ n });
  }
}
`,
};

/** A temporary root with the {@link TALK_PACKAGE} model built and a dataset `six` of `{ x }`. */
export function talkRoot(): Promise<TempRoot> {
  return builtRoot(TALK_PACKAGE, { six: Array.from({ length: 6 }, (_, x) => ({ x })) });
}

/** Creates a job of the `talk` model over `six` (its `evaluate` step) on an instance. */
export function runTalk(
  instance: Instance,
  extra: Partial<Parameters<typeof Job.create>[0]> = {},
): Promise<Job> {
  return Job.create({
    project: "self",
    model: "talk",
    runHandler: "talk:Talk.evaluate",
    datasets: ["six"],
    instance,
    ...extra,
  });
}

/** A model package whose one handler, `boom:run`, throws `Error("kaboom")` from line 3. */
export const BOOM_PACKAGE: Record<string, string> = {
  "boom.ts": `import { handler } from "${SDK}";
export const run = handler(() => {
  throw new Error("kaboom");
});
`,
};

/**
 * Asserts that a job's log keeps the stack of {@link BOOM_PACKAGE}'s failure on the task's
 * stderr: the error itself and a frame in the package's own `boom.ts`.
 *
 * @param lines The job's log lines.
 * @param dir The folder the model was built from.
 */
export function assertBoomStack(lines: string[], dir: string): void {
  const stderr = lines.filter((l) => l.includes(" boom:run#0 stderr: "));
  assert(stderr.some((l) => l.endsWith("Caused by Error: kaboom")), lines.join("\n"));
  const source = `${resolve(dir)}/boom.ts:3:`;
  assert(stderr.some((l) => l.includes(source)), `no frame in ${source}:\n${lines.join("\n")}`);
}
