import { assert, assertEquals, assertMatch, assertRejects } from "../_assert.ts";
import { UnsupportedError } from "../../lib/sdk/errors.ts";
import { Dataset } from "../../lib/sdk/dataset.ts";
import { Model } from "../../lib/sdk/model.ts";
import { RemoteInstance } from "../../lib/remote/mod.ts";
import { serve } from "../../lib/server/mod.ts";
import { servedRoot, TOKEN } from "../server/_fixture.ts";
import { StandaloneInstance } from "../../lib/standalone/instance.ts";

/** Writes a model package with one handler, `steps:hi`, into a new folder. */
async function writeHiPackage(dir: string): Promise<void> {
  await Deno.mkdir(dir);
  const sdk = new URL("../../mod.ts", import.meta.url).href;
  await Deno.writeTextFile(
    `${dir}/steps.ts`,
    `import { handler } from "${sdk}";\nexport const hi = handler(() => {});\n`,
  );
}

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

/** A fetch that fails every request after the first `n` (a dropped connection). */
/** A fetch whose connection drops at the first request for a dataset's rows. */
function dropsAtRows(fetch: (r: Request) => Promise<Response>) {
  return (r: Request) =>
    r.url.endsWith("/datastore/scanTable")
      ? Promise.reject(new TypeError("connection reset by the test"))
      : fetch(r);
}

function dropsAfter(fetch: (r: Request) => Promise<Response>, n: number) {
  let count = 0;
  return (r: Request) =>
    ++count > n ? Promise.reject(new TypeError("connection reset by the test")) : fetch(r);
}

Deno.test("a copy whose connection drops mid-way leaves nothing listed; the next one completes", async (t) => {
  await using s = await servedRoot();
  const dir = await Deno.makeTempDir({ prefix: "sw-drop-" });
  try {
    await using local = new StandaloneInstance(dir, { durability: "none" });
    const pkg = `${dir}/.pkg`;
    await writeHiPackage(pkg);
    for (let i = 0; i < 4; i++) {
      await Deno.writeTextFile(`${pkg}/f${i}.txt`, String(i).repeat(5000));
    }
    await local.buildModel("self", { dir: pkg, name: "up" });
    await local.buildDataset("self", {
      name: "up",
      rows: Array.from({ length: 2100 }, (_, x) => ({ x })),
    });
    for (const kind of ["model", "dataset"] as const) {
      await t.step(`${kind}: upload`, async () => {
        const copy = kind === "model" ? Model.copy : Dataset.copy;
        const flaky = new RemoteInstance({
          url: "http://sw.test",
          token: TOKEN,
          attempts: 1,
          fetch: dropsAfter(s.app.fetch, 6),
        });
        await assertRejects(() => copy("up", "self", { source: local, target: flaky }), Error);
        const listed = kind === "model"
          ? await s.local.listModels("self", { name: "up" }).catch(() => [])
          : await s.local.listDatasets("self", { name: "up" }).catch(() => []);
        assertEquals(listed, []);
        const done = await copy("up", "self", { source: local, target: s.remote });
        assertEquals(done.name, "up");
      });
      await t.step(`${kind}: download`, async () => {
        const copy = kind === "model" ? Model.copy : Dataset.copy;
        const dest = await Deno.makeTempDir({ prefix: "sw-drop-back-" });
        try {
          await using back = new StandaloneInstance(dest, { durability: "none" });
          const flaky = new RemoteInstance({
            url: "http://sw.test",
            token: TOKEN,
            attempts: 1,
            // The rows may come in one streamed answer: drop that one for a dataset.
            fetch: kind === "model" ? dropsAfter(s.app.fetch, 4) : dropsAtRows(s.app.fetch),
          });
          await assertRejects(() => copy("up", "self", { source: flaky, target: back }), Error);
          const listed = kind === "model"
            ? await back.listModels("self").catch(() => [])
            : await back.listDatasets("self").catch(() => []);
          assertEquals(listed, []);
          const done = await copy("up", "self", { source: s.remote, target: back });
          assertEquals(done.name, "up");
        } finally {
          await Deno.remove(dest, { recursive: true });
        }
      });
    }
    await t.step("a copy may rename: a dataset URI without a version names it", async () => {
      const d = await Dataset.copy("up", "local/project/self/dataset/renamed", {
        source: local,
        target: s.remote,
      });
      assertEquals([d.name, d.rows], ["renamed", 2100]);
      await assertRejects(
        () =>
          Dataset.copy("up", "local/project/self/dataset/renamed/version/v0", {
            source: local,
            target: s.remote,
          }),
        TypeError,
        "a copy keeps the source's version",
      );
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a server without the dataset-version-table extension gets rows in _current/meta, the version pinned by revision", async () => {
  await using s = await servedRoot();
  const features = await s.remote.listTables("project/self/dataset/");
  assertEquals(features.some((t) => t.includes("_current")), false);
  // Answers /system/features as a Starwhale Server does: no extension list.
  const javaLike = (r: Request) =>
    new URL(r.url).pathname === "/api/v1/system/features"
      ? Promise.resolve(
        Response.json({ code: "success", message: "Success", data: { disabled: [] } }),
      )
      : s.app.fetch(r);
  const remote = new RemoteInstance({ url: "http://sw.test", token: TOKEN, fetch: javaLike });
  const dir = await Deno.makeTempDir({ prefix: "sw-java-like-" });
  try {
    await using local = new StandaloneInstance(dir, { durability: "none" });
    await local.buildDataset("self", { name: "cur", rows: [{ x: 1 }, { x: 2 }] });
    await local.buildDataset("self", { name: "cur", rows: [{ x: 3 }] });
    const first = await Dataset.copy("cur/version/v0", "self", { source: local, target: remote });
    const second = await Dataset.copy("cur/version/v1", "self", { source: local, target: remote });
    assertEquals(await s.remote.listTables("project/self/dataset/cur/"), [
      "project/self/dataset/cur/_current/meta",
    ]);
    // Each version reads as of its own revision (Starwhale's semantics: rows merge by id).
    const v0 = await Dataset.get(`cur/version/${first.version}`, { instance: s.remote });
    assertEquals((await v0.head(5)).map((r) => r.features.x), [1, 2]);
    const v1 = await Dataset.get(`cur/version/${second.version}`, { instance: s.local });
    assertEquals((await v1.head(5)).map((r) => r.features.x), [3, 2]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("Model.copy with one instance given finds the other through swcli's config", async () => {
  const dir = await Deno.makeTempDir({ prefix: "sw-copy-config-" });
  const server = await serve({ host: "127.0.0.1", port: 0, root: `${dir}/server`, token: "tk" });
  const saved = ["SW_CLI_CONFIG", "SW_LOCAL_STORAGE"].map((k) => [k, Deno.env.get(k)] as const);
  try {
    await using local = new StandaloneInstance(`${dir}/local`, { durability: "none" });
    await writeHiPackage(`${dir}/pkg`);
    const built = await local.buildModel("self", { dir: `${dir}/pkg`, name: "cfg" });
    await Deno.writeTextFile(
      `${dir}/config.yaml`,
      JSON.stringify({
        version: "2.0",
        current_instance: "local",
        instances: {
          local: { uri: "local", type: "standalone", current_project: "self" },
          dev: { uri: server.url, type: "cloud", sw_token: "tk", current_project: "self" },
        },
      }),
    );
    Deno.env.set("SW_CLI_CONFIG", `${dir}/config.yaml`);
    Deno.env.set("SW_LOCAL_STORAGE", `${dir}/local`);
    const m = await Model.copy("cfg", "cloud://dev/project/self", { source: local });
    assertEquals([m.version, m.instance.kind], [built.version, "cloud"]);
    const back = await Model.copy("cloud://dev/project/self/model/cfg", "local/project/self", {
      target: local,
    });
    assertEquals(back.version, built.version);
    await m.instance.close();
  } finally {
    for (const [k, v] of saved) v === undefined ? Deno.env.delete(k) : Deno.env.set(k, v);
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a model upload takes the empty 200 a Starwhale Server answers completeUpload with", async () => {
  await using s = await servedRoot();
  const javaLike = async (r: Request) => {
    const res = await s.app.fetch(r);
    if (!new URL(r.url).pathname.endsWith("/completeUpload") || !res.ok) return res;
    await res.body?.cancel();
    return new Response(null, { status: 200 });
  };
  const remote = new RemoteInstance({ url: "http://sw.test", token: TOKEN, fetch: javaLike });
  const dir = await Deno.makeTempDir({ prefix: "sw-void-" });
  try {
    await using local = new StandaloneInstance(dir, { durability: "none" });
    await writeHiPackage(`${dir}/pkg`);
    const built = await local.buildModel("self", { dir: `${dir}/pkg`, name: "voided" });
    const m = await Model.copy("voided", "self", { source: local, target: remote });
    assertEquals(m.version, built.version);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a model file larger than one blob goes up and comes back in pieces, byte for byte", async () => {
  await using s = await servedRoot();
  const dir = await Deno.makeTempDir({ prefix: "sw-big-" });
  try {
    await using local = new StandaloneInstance(`${dir}/a`, { durability: "none" });
    await using back = new StandaloneInstance(`${dir}/b`, { durability: "none" });
    await writeHiPackage(`${dir}/pkg`);
    const big = new Uint8Array(9 * 1024 * 1024 + 123);
    for (let i = 0; i < big.length; i++) big[i] = (i * 2654435761) >>> 24;
    await Deno.writeFile(`${dir}/pkg/weights.bin`, big);
    await local.buildModel("self", { dir: `${dir}/pkg`, name: "big" });
    await Model.copy("big", "self", { source: local, target: s.remote });
    await Model.copy("big", "self", { source: s.remote, target: back });
    const { files } = await back.exportModel({ project: "self", name: "big" });
    const weights = files.find((f) => f.path === "src/weights.bin")!;
    assertEquals(weights.size, big.length);
    assertEquals((await weights.read()).every((b, i) => b === big[i]), true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** A fetch that lets each blob transfer take 5 ms and records how many were in flight at most. */
function countsBlobs(fetch: (r: Request) => Promise<Response>) {
  const most = { PUT: 0, GET: 0 };
  const now = { PUT: 0, GET: 0 };
  const wrapped = async (r: Request) => {
    const method = r.method as "PUT" | "GET";
    // Blobs go up to /signed/blob/{md5}; a file comes down from /signed/model/…/file.
    if (!new URL(r.url).pathname.startsWith("/signed/") || !(method in now)) return fetch(r);
    most[method] = Math.max(most[method], ++now[method]);
    try {
      await new Promise((resolve) => setTimeout(resolve, 5));
      const res = await fetch(r);
      return new Response(await res.arrayBuffer(), res);
    } finally {
      now[method]--;
    }
  };
  return { fetch: wrapped, most };
}

Deno.test("a model of many files goes up and comes back several blobs at a time, at most 8", async () => {
  await using s = await servedRoot();
  const dir = await Deno.makeTempDir({ prefix: "sw-many-" });
  try {
    await using local = new StandaloneInstance(`${dir}/a`, { durability: "none" });
    await using back = new StandaloneInstance(`${dir}/b`, { durability: "none" });
    await writeHiPackage(`${dir}/pkg`);
    for (let i = 0; i < 24; i++) {
      await Deno.writeTextFile(`${dir}/pkg/f${i}.txt`, `${i} `.repeat(3000));
    }
    await local.buildModel("self", { dir: `${dir}/pkg`, name: "many" });
    const counted = countsBlobs(s.app.fetch);
    const remote = new RemoteInstance({
      url: "http://sw.test",
      token: TOKEN,
      fetch: counted.fetch,
    });
    await Model.copy("many", "self", { source: local, target: remote });
    await Model.copy("many", "self", { source: remote, target: back });
    assert(counted.most.PUT > 1 && counted.most.PUT <= 8, `uploads at once: ${counted.most.PUT}`);
    assert(counted.most.GET > 1 && counted.most.GET <= 8, `downloads at once: ${counted.most.GET}`);
    const { files } = await back.exportModel({ project: "self", name: "many" });
    for (let i = 0; i < 24; i++) {
      const file = files.find((f) => f.path === `src/f${i}.txt`)!;
      assertEquals(new TextDecoder().decode(await file.read()), `${i} `.repeat(3000));
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
