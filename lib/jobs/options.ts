/**
 * The one set of checks on the options of a new job, made wherever a job is created: by
 * `Job.create` before it asks any instance (so a standalone instance, this package's server and
 * a Starwhale server refuse the same malformed options with the same error), and by
 * {@link prepareJob} for the jobs this package runs itself (in-process or in a server's Worker).
 *
 * Which options apply where follows Starwhale's Python SDK (`Job.create`): `datasetHead` only on
 * a standalone instance, `runtime`, `resourcePool`, `ttl`, `devMode` and `devModePassword` only on
 * a server. An option that does not apply is checked, then ignored; one that applies but cannot
 * be honoured is refused by the runner ({@link refuseUnsupported}).
 *
 * @module
 */

import { UnsupportedError } from "../sdk/errors.ts";
import type { CreateJobOptions } from "../sdk/instance.ts";

const show = (v: unknown): string => typeof v === "string" ? JSON.stringify(v) : String(v);

/**
 * Checks the shape of a new job's options; nothing is resolved or written.
 *
 * @param options The options, as given to `Job.create` or `Instance.createJob`.
 * @throws {TypeError} A missing or mistyped option (the message names it and what was expected).
 * @throws {RangeError} `datasetHead` not an integer >= 0, `ttl` not an integer number of seconds.
 * @example A ttl must be a number of seconds
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkCreateOptions } from "./options.ts";
 * checkCreateOptions({ model: "mnist", runHandler: "0", ttl: -1 }); // negative: no limit
 * assert.throws(
 *   () => checkCreateOptions({ model: "mnist", runHandler: "0", ttl: "60" as never }),
 *   { name: "TypeError", message: /ttl "60"/ },
 * );
 * ```
 */
export function checkCreateOptions(options: CreateJobOptions): void {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`Cannot create a job: expected an options object, got ${show(options)}`);
  }
  const o = options as unknown as Record<string, unknown>;
  if (typeof o.model !== "string" || o.model === "") {
    throw new TypeError(`Invalid model ${show(o.model)}: expected a model name or URI`);
  }
  if (typeof o.runHandler !== "string" || o.runHandler === "") {
    throw new TypeError(
      `Invalid runHandler ${show(o.runHandler)}: expected 'module:Qualname' or an index`,
    );
  }
  const datasets = o.datasets ?? [];
  if (!Array.isArray(datasets) || datasets.some((d) => typeof d !== "string" || d === "")) {
    throw new TypeError(
      `Invalid datasets ${JSON.stringify(datasets)}: expected an array of dataset names or URIs`,
    );
  }
  const head = o.datasetHead ?? 0;
  if (typeof head !== "number") {
    throw new TypeError(`Invalid datasetHead ${show(head)}: expected an integer >= 0`);
  }
  if (!Number.isInteger(head) || head < 0) {
    throw new RangeError(`Invalid datasetHead ${head}: expected an integer >= 0`);
  }
  const ttl = o.ttl ?? 0;
  if (typeof ttl !== "number") {
    throw new TypeError(
      `Invalid ttl ${show(ttl)}: expected a number of seconds (0 or less: no limit)`,
    );
  }
  if (!Number.isInteger(ttl)) {
    throw new RangeError(`Invalid ttl ${ttl}: expected a whole number of seconds`);
  }
  for (const key of ["runtime", "resourcePool"] as const) {
    const v = o[key];
    if (v !== undefined && (typeof v !== "string" || v === "")) {
      throw new TypeError(`Invalid ${key} ${show(v)}: expected a non-empty string`);
    }
  }
  if (o.devMode !== undefined && typeof o.devMode !== "boolean") {
    throw new TypeError(`Invalid devMode ${show(o.devMode)}: expected true or false`);
  }
  if (o.devModePassword !== undefined && typeof o.devModePassword !== "string") {
    throw new TypeError(`Invalid devModePassword ${show(o.devModePassword)}: expected a string`);
  }
  const specs = o.overwriteSpecs ?? {};
  if (typeof specs !== "object" || specs === null || Array.isArray(specs)) {
    throw new TypeError(
      `Invalid overwriteSpecs ${show(specs)}: expected an object of handler key -> spec`,
    );
  }
  for (const [key, spec] of Object.entries(specs)) {
    if (typeof spec !== "object" || spec === null || Array.isArray(spec)) {
      throw new TypeError(
        `Invalid overwriteSpecs[${JSON.stringify(key)}] ${show(spec)}: ` +
          "expected { replicas?, resources? }",
      );
    }
  }
  if (o.onProgress !== undefined && typeof o.onProgress !== "function") {
    throw new TypeError(`Invalid onProgress ${show(o.onProgress)}: expected a function`);
  }
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) {
    throw new TypeError(`Invalid signal ${show(o.signal)}: expected an AbortSignal`);
  }
}

/**
 * Refuses the options this package's runners cannot honour: a `runtime` (jobs run in a Deno
 * process, with the model package's own imports) and `devMode` (there is no remote IDE).
 *
 * @param options Checked options.
 * @param where The kind of instance refusing, for the message.
 * @throws {UnsupportedError} For `runtime` or `devMode: true`.
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { refuseUnsupported } from "./options.ts";
 * assert.throws(
 *   () => refuseUnsupported({ model: "m", runHandler: "0", runtime: "pytorch" }, "this server"),
 *   { name: "UnsupportedError", message: /'runtime'/ },
 * );
 * ```
 */
export function refuseUnsupported(options: CreateJobOptions, where: string): void {
  if (options.runtime !== undefined) {
    throw new UnsupportedError(
      "runtime",
      `${where}: jobs run in a Deno process with the model package's own imports`,
    );
  }
  if (options.devMode) {
    throw new UnsupportedError("devMode", `${where}: there is no remote IDE to debug in`);
  }
}
