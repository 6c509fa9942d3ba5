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
