import { assertEquals, assertThrows } from "../_assert.ts";
import { parseJobRequest } from "../../lib/server/routes/_job_request.ts";

Deno.test("a JobRequest names versions by *Id(s) or by the deprecated *Url(s); both are taken", () => {
  const byIds = parseJobRequest({
    modelVersionId: "mnist/version/abc",
    runtimeVersionId: "rt/version/r1",
    datasetVersionIds: ["d/version/v1", "e/version/v2"],
    resourcePool: "default",
    handler: "h:f",
  });
  const byUrls = parseJobRequest({
    modelVersionUrl: "mnist/version/abc",
    runtimeVersionUrl: "rt/version/r1",
    datasetVersionUrls: "d/version/v1, e/version/v2",
    resourcePool: "default",
    handler: "h:f",
  });
  assertEquals(byIds, byUrls);
  assertEquals([byIds.model, byIds.datasets, byIds.runtime], [
    "mnist/version/abc",
    ["d/version/v1", "e/version/v2"],
    "rt/version/r1",
  ]);
  assertThrows(
    () => parseJobRequest({ datasetVersionIds: [], resourcePool: "default", handler: "h:f" }),
    Error,
    "modelVersionId",
  );
});

Deno.test("stepSpecOverWrites keep each resource's request and limit, as the Python client sends them", () => {
  // `Handler._transform_resource({"cpu": {"request": 1, "limit": 2}, "memory": "1GiB"})`.
  const options = parseJobRequest({
    modelVersionUrl: "m/version/v",
    resourcePool: "default",
    stepSpecOverWrites: `- job_name: m:C.evaluate
  name: m:C.predict
  replicas: 2
  resources:
  - limit: 2.0
    request: 1.0
    type: cpu
  - limit: 1073741824.0
    request: 1073741824.0
    type: memory
  show_name: predict
`,
  });
  assertEquals(options.runHandler, "m:C.evaluate");
  assertEquals(options.overwriteSpecs, {
    "m:C.predict": {
      replicas: 2,
      resources: {
        cpu: { request: 1, limit: 2 },
        memory: { request: 1073741824, limit: 1073741824 },
      },
    },
  });
});
