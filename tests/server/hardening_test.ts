import { assert, assertEquals, assertRejects } from "../_assert.ts";
import { JobStateError } from "../../lib/sdk/errors.ts";
import { servedRoot, TOKEN } from "./_fixture.ts";

Deno.test("the token is taken from the Authorization header only, never the query string", async () => {
  await using s = await servedRoot();
  const res = await s.app.fetch(
    new Request(`http://sw.test/api/v1/user/current?Authorization=Bearer%20${TOKEN}`),
  );
  assertEquals(res.status, 401);
  assertEquals(await res.json(), { code: "Unauthorized", message: "Not logged in." });
});

Deno.test("an error answer never names the server's storage root", async (t) => {
  await using s = await servedRoot();
  for (const path of ["/job/u%00", "/job/u%00/cancel", "/model/u%00", "/dataset/u%00"]) {
    await t.step(path, async () => {
      const post = path.endsWith("cancel");
      const res = await s.call(`/api/v1/project/self${path}`, post ? { body: {} } : {});
      assert(res.status >= 400 && res.status < 500, `${res.status}: ${res.json.message}`);
      assert(!res.json.message.includes(s.root), `the answer leaks the root: ${res.json.message}`);
    });
  }
  await t.step("a job id that cannot be one is a 400 naming it", async () => {
    const res = await s.call("/api/v1/project/self/job/u%00");
    assertEquals(res.status, 400);
    assert(res.json.message.includes("invalid job id"), res.json.message);
  });
});

Deno.test("a schema or filter nested too deep is a 400 saying so, not a stack overflow", async (t) => {
  await using s = await servedRoot();
  const depth = 20_000;
  await t.step("updateTable with a 20k-deep LIST schema", async () => {
    const column = `${'{"type":"LIST","elementType":'.repeat(depth)}{"type":"INT64"}${
      "}".repeat(depth)
    }`;
    const body = `{"tableName":"project/self/deep","tableSchemaDesc":{"keyColumn":"id",` +
      `"columnSchemaList":[{"name":"id","type":"INT64"},{"name":"x",${
        column.slice(1, -1)
      }}]},"records":[]}`;
    const res = await s.call("/api/v1/datastore/updateTable", { body });
    assertEquals(res.status, 400, res.json.message);
    assert(res.json.message.includes("deeper than"), res.json.message);
    assert(!res.json.message.includes("call stack"), res.json.message);
  });
  await t.step("queryTable with a 20k-deep NOT filter", async () => {
    await s.local.updateTable("project/self/q", [{ id: 1 }]);
    const eq = '{"operator":"EQUAL","operands":[{"columnName":"id"},{"intValue":1}]}';
    const filter = `${'{"operator":"NOT","operands":[{"filter":'.repeat(depth)}${eq}${
      "}]}".repeat(depth)
    }`;
    const res = await s.call("/api/v1/datastore/queryTable", {
      body: `{"tableName":"project/self/q","filter":${filter}}`,
    });
    assertEquals(res.status, 400, res.json.message);
    assert(res.json.message.includes("deeper than"), res.json.message);
  });
});

Deno.test("recovering a job that is not removed is a 400 (JobStateError), not a 404", async () => {
  await using s = await servedRoot();
  const res = await s.call(`/api/v1/project/self/job/${s.job.id}/recover`, { body: {} });
  assertEquals(res.status, 400, res.json.message);
  assert(res.json.message.includes("not removed"), res.json.message);
  const e = await assertRejects(
    () => s.remote.recoverJob({ project: "self", id: s.job.id }),
    JobStateError,
  );
  assert(e.message.includes("not removed"), e.message);
});

Deno.test("a refused job action through a server reads as on the standalone instance", async (t) => {
  await using s = await servedRoot();
  const ref = { project: "self", id: s.job.id };
  for (const action of ["cancelJob", "pauseJob", "resumeJob"] as const) {
    await t.step(action, async () => {
      const local = await assertRejects(() => s.local[action](ref), JobStateError);
      const remote = await assertRejects(() => s.remote[action](ref), JobStateError);
      assertEquals(remote.message, local.message);
    });
  }
});

Deno.test("a wrong token is refused as a wrong token, not as an expired JWT", async () => {
  await using s = await servedRoot();
  const res = await s.app.fetch(
    new Request("http://sw.test/api/v1/user/current", {
      headers: { authorization: "Bearer not-the-token" },
    }),
  );
  assertEquals(res.status, 401);
  const body = await res.json();
  assertEquals(body.code, "Unauthorized");
  assert(!/JWT/.test(body.message), body.message);
  assert(/token/.test(body.message), body.message);
});

Deno.test("the token is accepted as typed (as Starwhale's Python client sends it) or after Bearer", async () => {
  await using s = await servedRoot();
  const as = async (header: string) =>
    (await s.app.fetch(
      new Request("http://sw.test/api/v1/user/current", { headers: { authorization: header } }),
    )).status;
  assertEquals(await as(TOKEN), 200);
  assertEquals(await as(`Bearer ${TOKEN}`), 200);
  assertEquals(await as("not-the-token"), 401);
  assertEquals(await as(`Bearer ${TOKEN}x`), 401);
  assertEquals(await as(""), 401);
});
