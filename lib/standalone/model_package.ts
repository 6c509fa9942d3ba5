/**
 * A model package on disk: `model.yaml`, its modules, the handlers they export, and the
 * `jobs.yaml` map from each handler key to its expanded step list (needs first), as Starwhale's Python SDK writes it.
 *
 * @module
 */

import { join, relative, sep } from "node:path";
import { pathToFileURL } from "node:url";
import { HandlerError, NotFoundError } from "../sdk/errors.ts";
import { listDir, readYaml } from "./files.ts";
import {
  checkReplicas,
  handlerOptionsOf,
  isPipelineClass,
  parseResources,
  type StepSpec,
} from "../sdk/handlers.ts";

const EXTENSIONS = [".ts", ".js", ".mts", ".mjs", ".tsx", ".jsx"];

/** `model.yaml`, as far as the SDK reads it. */
export interface ModelConfig {
  /** Model name. */
  name?: string;
  /** Modules to scan (`mnist.evaluator`). */
  modules: string[];
}

/** Reads `model.yaml` of a folder (`name`, `run.modules`, legacy `run.handler`). */
export async function readModelConfig(dir: string): Promise<ModelConfig> {
  const raw = (await readYaml(join(dir, "model.yaml"))) ?? {};
  const run = (raw.run ?? {}) as Record<string, unknown>;
  const modules = Array.isArray(run.modules) ? run.modules.map(String) : [];
  if (typeof run.handler === "string") modules.push(run.handler);
  return {
    name: typeof raw.name === "string" ? raw.name : undefined,
    modules: modules.map((m) => m.split(":")[0]),
  };
}

/** Every module of a folder (excluding tests and dot-dirs), as module paths. */
export async function findModules(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    for (const e of await listDir(d)) {
      if (e.name.startsWith(".") || e.name === "node_modules") continue;
      const path = join(d, e.name);
      if (e.isDirectory) await walk(path);
      else if (EXTENSIONS.some((x) => e.name.endsWith(x)) && !/[._]test\.[a-z]+$/.test(e.name)) {
        const rel = relative(dir, path).split(sep).join("/");
        out.push(rel.replace(/\.[a-z]+$/, "").replaceAll("/", "."));
      }
    }
  };
  await walk(dir);
  return out;
}

/** The file of a module path (`mnist.evaluator` -> `mnist/evaluator.ts`). */
export async function moduleFile(dir: string, module: string): Promise<string> {
  const base = join(dir, ...module.split("."));
  for (const ext of EXTENSIONS) {
    try {
      if ((await Deno.stat(base + ext)).isFile) return base + ext;
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
  throw new NotFoundError("module", module, {
    detail: `no ${module.split(".").join("/")}{${EXTENSIONS.join(",")}} in the model package`,
  });
}

/** Imports a module of a package. */
export async function importModule(dir: string, module: string): Promise<Record<string, unknown>> {
  const file = await moduleFile(dir, module);
  try {
    return await import(pathToFileURL(file).href) as Record<string, unknown>;
  } catch (e) {
    throw new HandlerError(`${module}:*`, `cannot import ${module}: ${(e as Error).message}`, {
      cause: e,
    });
  }
}

/**
 * Imports the modules and collects their handlers.
 *
 * @returns Handler key -> step, keys as `module.path:Qualname`.
 * @throws {HandlerError} Unknown needs, or no handlers at all.
 */
export async function discoverSteps(
  dir: string,
  modules: string[],
): Promise<Map<string, StepSpec>> {
  const steps = new Map<string, StepSpec>();
  const keyOf = new Map<unknown, string>();
  const pending: { key: string; module: string; needs: unknown[] }[] = [];
  for (const module of modules) {
    const exports = await importModule(dir, module);
    for (const [exportName, value] of Object.entries(exports)) {
      const options = handlerOptionsOf(value);
      if (options) {
        const key = `${module}:${exportName}`;
        if (keyOf.has(value)) continue;
        keyOf.set(value, key);
        checkReplicas(key, options.replicas);
        steps.set(
          key,
          step(module, "", exportName, {
            show_name: options.name ?? exportName,
            replicas: options.replicas ?? 1,
            resources: parseResources(options.resources ?? {}),
            require_dataset: options.requireDataset ?? false,
          }),
        );
        pending.push({ key, module, needs: options.needs ?? [] });
      } else if (isPipelineClass(value)) {
        const cls = value;
        const proto = cls.prototype as unknown as Record<string, unknown>;
        const p = cls.predictOptions ?? {};
        const predictKey = `${module}:${exportName}.predict`;
        if (typeof proto.predict === "function") {
          checkReplicas(predictKey, p.replicas);
          steps.set(
            predictKey,
            step(module, exportName, "predict", {
              show_name: "predict",
              replicas: p.replicas ?? 1,
              resources: parseResources(p.resources ?? {}),
              require_dataset: true,
              extra_kwargs: p.logDatasetFeatures
                ? { log_dataset_features: p.logDatasetFeatures }
                : {},
            }),
          );
        }
        if (typeof proto.evaluate === "function") {
          const s = step(module, exportName, "evaluate", {
            show_name: "evaluate",
            resources: parseResources(cls.evaluateOptions?.resources ?? {}),
          });
          if (typeof proto.predict === "function") s.needs = [predictKey];
          steps.set(`${module}:${exportName}.evaluate`, s);
        }
      }
    }
  }
  for (const { key, module, needs } of pending) {
    steps.get(key)!.needs = needs.map((need) => {
      const found = typeof need === "function"
        ? keyOf.get(need)
        : [String(need), `${module}:${need}`].find((k) => steps.has(k));
      if (!found) {
        const what = typeof need === "function" ? `function ${need.name}` : `'${need}'`;
        throw new HandlerError(key, `it needs ${what}, which is not a handler of the package`);
      }
      return found;
    });
  }
  if (steps.size === 0) {
    throw new HandlerError(
      "",
      `the package declares no handlers in ${
        modules.map((m) => `'${m}'`).join(", ") || "any module"
      }` +
        " (export handler() functions or PipelineHandler classes)",
    );
  }
  return steps;
}

function step(module: string, cls: string, func: string, rest: Partial<StepSpec>): StepSpec {
  return {
    name: `${module}:${cls ? `${cls}.` : ""}${func}`,
    show_name: func,
    func_name: func,
    module_name: module,
    cls_name: cls,
    replicas: 1,
    concurrency: 1,
    needs: [],
    resources: [],
    expose: 0,
    require_dataset: false,
    ...rest,
  };
}

/**
 * Builds the `jobs.yaml` map: each handler key -> its transitive needs (in dependency order),
 * then itself.
 *
 * @throws {HandlerError} On a dependency cycle.
 */
export function expandJobs(steps: Map<string, StepSpec>): Record<string, StepSpec[]> {
  const out: Record<string, StepSpec[]> = {};
  for (const key of [...steps.keys()].sort()) {
    const order: StepSpec[] = [];
    const state = new Map<string, "visiting" | "done">();
    const visit = (k: string, path: string[]) => {
      if (state.get(k) === "done") return;
      if (state.get(k) === "visiting") {
        throw new HandlerError(key, `cycle dependency: ${[...path, k].join(" -> ")}`);
      }
      state.set(k, "visiting");
      for (const need of steps.get(k)!.needs) visit(need, [...path, k]);
      state.set(k, "done");
      order.push(steps.get(k)!);
    };
    visit(key, []);
    out[key] = order;
  }
  return out;
}

/**
 * Selects a handler: a key of `jobs.yaml`, or an index into the sorted keys (`""` is `0`).
 *
 * @throws {NotFoundError} Unknown key or out-of-range index, listing the handlers.
 */
export function selectHandler(jobs: Record<string, StepSpec[]>, runHandler: string): string {
  const keys = Object.keys(jobs).sort();
  if (runHandler in jobs) return runHandler;
  const text = runHandler.trim() === "" ? "0" : runHandler.trim();
  if (/^\d+$/.test(text) && Number(text) < keys.length) return keys[Number(text)];
  throw new NotFoundError("handler", runHandler, {
    detail: `runnable handlers are ${keys.map((k, i) => `[${i}] ${k}`).join(", ")}`,
  });
}
