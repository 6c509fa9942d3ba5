import { assertEquals, assertMatch, assertRejects } from "../_assert.ts";
import { UnsupportedError } from "../../lib/sdk/errors.ts";
import { Dataset } from "../../lib/sdk/dataset.ts";
import { Model } from "../../lib/sdk/model.ts";
import { RemoteInstance } from "../../lib/remote/mod.ts";
import { servedRoot, TOKEN } from "../server/_fixture.ts";

/** A server without the routes of `paths`: they answer 404 as for any unknown route. */
function olderServer(fetch: (r: Request) => Promise<Response>, paths: RegExp) {
  return (r: Request) =>
    paths.test(new URL(r.url).pathname)
      ? Promise.resolve(
        Response.json({ code: "NOT FOUND: 001", message: "Resource is not found", data: null }, {
          status: 404,
        }),
      )
      : fetch(r);
}

Deno.test("Model.list, Dataset.list and Dataset.head read a server", async () => {
  await using s = await servedRoot();
  const [model] = await Model.list("self", { instance: s.remote });
  assertEquals([model.name, model.handlers], ["noop", ["noop:noop"]]);
  const datasets = await Dataset.list("self", { instance: s.remote, name: "d" });
  assertEquals(datasets.map((d) => [d.name, d.rows]), [["d", 1]]);
  const d = await Dataset.get("d/version/v0", { instance: s.remote });
  assertEquals(await d.head(5), [{ id: 0, features: { x: 1 } }]);
});

Deno.test("a server without the model and dataset routes is refused by operation, not method", async () => {
  await using s = await servedRoot();
  const remote = new RemoteInstance({
    url: "http://sw.test",
    token: TOKEN,
    fetch: olderServer(
      s.app.fetch,
      /\/(model|dataset)$|\/version(\/[^/]+)?$|\/blob$|completeUpload$/,
    ),
  });
  const models = await assertRejects(() => remote.listModels("self"), UnsupportedError);
  assertMatch(models.message, /^Listing models is not supported on the server http:\/\/sw\.test/);
  const datasets = await assertRejects(() => remote.listDatasets("self"), UnsupportedError);
  assertMatch(datasets.message, /^Listing datasets is not supported/);
  const copy = await assertRejects(
    () => Model.copy("noop", "self", { source: s.local, target: remote }),
    UnsupportedError,
  );
  assertMatch(copy.message, /^Uploading a model is not supported on the server/);
  // A missing model is still a NotFoundError, not a missing route.
  await assertRejects(
    () => remote.getModel({ project: "self", name: "nope" }),
    Error,
    "Cannot find",
  );
});
