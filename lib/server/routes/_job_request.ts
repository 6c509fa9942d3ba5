/**
 * Parsing a `JobRequest` body (`POST /project/{p}/job`) into the SDK's job options.
 *
 * @module
 */
import { parseYaml } from "../../_deps.ts";
import type { CreateJobOptions, HandlerSpecOverride } from "../../sdk/mod.ts";
import { ApiError } from "../api_error.ts";
import { BodyReader } from "../_body.ts";

const J = "JOB";

/**
 * Parses a `JobRequest` body into job options, accepting both the `*Id(s)` fields and the
 * deprecated `*Url(s)` fields the Python client sends.
 *
 * @param json The body.
 * @returns The options for `createJob`.
 * @throws {ApiError} 400 `INVALID REQUEST: JOB` on any invalid field.
 */
export function parseJobRequest(json: Record<string, unknown>): CreateJobOptions {
  const b = new BodyReader(json, J);
  const model = b.string("modelVersionId") || b.string("modelVersionUrl");
  if (!model) throw b.error("modelVersionId", "is required (or the deprecated modelVersionUrl)");
  const ids = b.array("datasetVersionIds");
  const datasets = ids
    ? ids.map((d, i) =>
      typeof d === "string" ? d : b.fail(`datasetVersionIds[${i}]`, "must be a string")
    )
    : (b.string("datasetVersionUrls") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  const runtime = b.string("runtimeVersionId") || b.string("runtimeVersionUrl");
  const pool = b.string("resourcePool");
  if (pool === undefined) throw b.error("resourcePool", "is required");
  const type = b.string("type") ?? "EVALUATION";
  if (type !== "EVALUATION") throw b.error("type", "must be EVALUATION on a standalone server");
  if (b.bool("devMode", false)) {
    throw b.error("devMode", "is not supported: a standalone server has no IDE");
  }
  const handler = b.string("handler");
  const specs = b.string("stepSpecOverWrites");
  if ((handler === undefined) === (specs === undefined)) {
    throw b.error("handler", "give exactly one of 'handler' and 'stepSpecOverWrites'");
  }
  const options: CreateJobOptions = {
    model,
    runHandler: handler ?? "",
    datasets,
    resourcePool: pool,
  };
  if (runtime) options.runtime = runtime;
  const ttl = b.int("timeToLiveInSec", 0);
  if (ttl > 0) options.ttl = ttl;
  if (specs !== undefined) {
    let steps: unknown;
    try {
      steps = parseYaml(specs);
    } catch (cause) {
      throw ApiError.invalid(J, `stepSpecOverWrites is not valid YAML: ${cause}`, { cause });
    }
    if (!Array.isArray(steps) || steps.length === 0) {
      throw b.error("stepSpecOverWrites", "must be a non-empty YAML list");
    }
    const over: Record<string, HandlerSpecOverride> = {};
    for (const [i, s] of steps.entries()) {
      const step = new BodyReader(s, J, `stepSpecOverWrites[${i}]`);
      const name = step.string("job_name") ?? step.requiredString("name");
      options.runHandler ||= name;
      const o: HandlerSpecOverride = {};
      if (step.raw("replicas") !== undefined) o.replicas = step.int("replicas", 1);
      const res = step.array("resources");
      if (res) {
        o.resources = Object.fromEntries(res.map((r, k) => {
          const rr = new BodyReader(r, J, `stepSpecOverWrites[${i}].resources[${k}]`);
          const amount: Record<string, unknown> = {};
          for (const key of ["request", "limit"]) {
            if (rr.raw(key) !== undefined && rr.raw(key) !== null) amount[key] = rr.raw(key);
          }
          return [rr.requiredString("type"), amount];
        }));
      }
      over[step.string("name") ?? name] = o;
    }
    options.overwriteSpecs = over;
  }
  return options;
}
