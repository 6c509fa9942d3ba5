/**
 * The server's model and dataset upload and download routes, driven the way Starwhale's Python
 * client drives them (`core/model/copy.py`, `core/dataset/copy.py`): the requests, statuses,
 * envelopes and field names of the Java controllers, a model package laid out and compressed as
 * the Python client uploads it, and a dataset written through `updateTable` to `_current/meta`.
 */
import { createHash } from "node:crypto";
import { parse, stringify } from "yaml";
import { assert, assertEquals, assertMatch, assertRejects } from "../_assert.ts";
import { servedRoot } from "./_fixture.ts";
import { TOKEN } from "./_fixture.ts";
import { StandaloneInstance } from "../../lib/standalone/instance.ts";
import { Dataset } from "../../lib/sdk/dataset.ts";
import { Model } from "../../lib/sdk/model.ts";
import {
  COMPRESSION,
  decodeMetaBlob,
  encodeMetaBlob,
  FILE_TYPE,
  type PackageFile,
  packageFile,
} from "../../lib/wire/model_package.ts";
import { metaBlobFromJson } from "../../lib/wire/meta_blob_json.ts";
import { lz4DecompressBlock, unpackBlobData } from "../../lib/wire/blob_data.ts";
import type { ServerApp } from "../../lib/server/mod.ts";
import { envelopeModel, type Model as VoModel, violations } from "../wire/_upstream_models.ts";

/** The pydantic models of these answers in Starwhale's Python client (`models.py`). */
const VOS: Record<string, VoModel> = {
  InitUploadBlobResult: { status: "str?", blobId: "str?", signedUrl: "str?" },
  CompleteUploadBlobResult: { blobId: "str?" },
  ListFilesResult: { files: "list:any?" },
  FileNode: {
    name: "str?",
    signature: "str?",
    flag: "str?",
    mime: "str?",
    type: "str?",
    desc: "str?",
    size: "str?",
  },
  UploadResult: { uploadId: "int?" },
};

function assertVo(json: unknown, data: string | VoModel, what: string): void {
  const problems = violations(json, envelopeModel(data));
  assertEquals(problems, [], `${what}: ${problems.join("; ")}`);
}

const md5 = (b: Uint8Array) => new Uint8Array(createHash("md5").update(b).digest());
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const te = new TextEncoder();

async function req(
  app: ServerApp,
  method: string,
  path: string,
  init: { json?: unknown; body?: BodyInit; auth?: boolean } = {},
): Promise<Response> {
  const url = path.startsWith("http") ? path : `http://sw.test${path}`;
  return await app.fetch(
    new Request(url, {
      method,
      headers: {
        ...(init.auth === false ? {} : { authorization: `Bearer ${TOKEN}` }),
        ...(init.json === undefined ? {} : { "content-type": "application/json" }),
      },
      body: init.json === undefined ? init.body : JSON.stringify(init.json),
    }),
  );
}

/** `abc` repeated 100 times, as one LZ4 block: 3 literals, a 292-byte match, 5 literals. */
const LZ4_ABC = Uint8Array.from([0x3f, 97, 98, 99, 3, 0, 255, 18, 0x50, 98, 99, 97, 98, 99]);

Deno.test("MetaBlob protobuf, proto3 JSON and LZ4 data read as Starwhale writes them", () => {
  // File{type: DIRECTORY, name: "a"} inside MetaBlob.files, by hand from the proto's field numbers.
  const bytes = Uint8Array.from([0x0a, 0x05, 0x08, 0x02, 0x12, 0x01, 0x61]);
  const m = decodeMetaBlob(bytes);
  assertEquals([m.files[0].type, m.files[0].name], [FILE_TYPE.DIRECTORY, "a"]);
  assertEquals(encodeMetaBlob(m), bytes);
  const json = metaBlobFromJson(
    '{"files":[{"type":"FILE_TYPE_DIRECTORY","fromFileIndex":1,"toFileIndex":2},' +
      '{"name":"x","size":"3","md5":"kAFQmDzST7DWlj99KOF/cg==","blobIds":[""],' +
      '"compressionAlgorithm":"COMPRESSION_ALGORITHM_LZ4"}],"data":"YWJj"}',
  );
  assertEquals([json.files[1].size, json.files[1].compressionAlgorithm], [3, COMPRESSION.LZ4]);
  assertEquals(hex(json.files[1].md5), hex(md5(te.encode("abc"))));
  assertEquals(new TextDecoder().decode(lz4DecompressBlock(LZ4_ABC)), "abc".repeat(100));
  const chunked = Uint8Array.from([0, LZ4_ABC.length, ...LZ4_ABC, 0, LZ4_ABC.length, ...LZ4_ABC]);
  assertEquals(unpackBlobData(chunked, COMPRESSION.LZ4).length, 600);
});

/** A model package as the Python client uploads it: `_manifest.yaml` and `src/`. */
function pythonPackage(version: string) {
  const files: Record<string, Uint8Array> = {
    "_manifest.yaml": te.encode(stringify({
      version,
      name: "pymodel",
      created_at: "2024-05-06 07:08:09 UTC",
      build: { os: "Linux", sw_version: "0.6.10" },
      size: 5000,
      packaged_runtime: {
        name: "pytorch",
        manifest: { version: "rtabcdefg1234" },
        path: "src/.starwhale/runtime/packaged.swrt",
      },
    })),
    "src/.starwhale/jobs.yaml": te.encode(stringify({
      "evaluator:Eval.predict": [{ name: "evaluator:Eval.predict", replicas: 1, needs: [] }],
    })),
    "src/README.md": te.encode("# a Python model\n"),
    "src/util.py": te.encode("abc".repeat(100)),
    "src/evaluator.py": te.encode("abc".repeat(2000)),
  };
  return files;
}

Deno.test("a model uploaded as Starwhale's Python client does is stored, listed, served back, and never run", async (t) => {
  await using s = await servedRoot();
  const version = "pyversion0000000000000000000000000000001";
  const files = pythonPackage(version);
  const blob = async (data: Uint8Array) => {
    const init = await req(s.app, "POST", "/api/v1/blob", {
      json: { contentMd5: hex(md5(data)), contentLength: data.length },
    });
    assertEquals(init.status, 200);
    const body = await init.json();
    assertVo(body, VOS.InitUploadBlobResult, "InitUploadBlobResult");
    assertEquals(body.code, "success");
    if (body.data.status === "EXISTED") return body.data.blobId as string;
    assertEquals(body.data.status, "OK");
    const put = await req(s.app, "PUT", body.data.signedUrl, {
      body: data as Uint8Array<ArrayBuffer>,
      auth: false,
    });
    assertEquals(put.status, 200);
    await put.body?.cancel();
    const done = await req(s.app, "POST", `/api/v1/blob/${body.data.blobId}`, { json: {} });
    assertEquals(done.status, 200);
    const completed = await done.json();
    assertVo(completed, VOS.CompleteUploadBlobResult, "CompleteUploadBlobResult");
    return completed.data.blobId as string;
  };

  await t.step("HEAD of a version not uploaded yet is a 404", async () => {
    const r = await req(s.app, "HEAD", `/api/v1/project/self/model/pymodel/version/${version}`);
    assertEquals(r.status, 404);
    await r.body?.cancel();
  });

  await t.step("a signed URL with a wrong signature is refused", async () => {
    const data = te.encode("some blob bytes");
    const init = await (await req(s.app, "POST", "/api/v1/blob", {
      json: { contentMd5: hex(md5(data)), contentLength: data.length },
    })).json();
    const url = String(init.data.signedUrl).replace(/signature=[0-9a-f]/, "signature=z");
    const put = await req(s.app, "PUT", url, { body: data, auth: false });
    assertEquals(put.status, 403);
    await put.body?.cancel();
    const bad = await req(s.app, "POST", "/api/v1/blob", { json: { contentMd5: "xyz" } });
    assertEquals(bad.status, 400);
    assertMatch((await bad.json()).code, /^INVALID REQUEST/);
  });

  await t.step("completing with a blob never uploaded is refused and lists nothing", async () => {
    const list: PackageFile[] = [
      packageFile({ type: FILE_TYPE.DIRECTORY, fromFileIndex: 1, toFileIndex: 2 }),
      packageFile({ name: "_manifest.yaml", size: 5000, blobIds: ["f".repeat(32)] }),
    ];
    const meta = await blob(
      encodeMetaBlob({ files: list, metaBlobIndexes: [], data: new Uint8Array() }),
    );
    const r = await req(
      s.app,
      "POST",
      `/api/v1/project/self/model/pymodel/version/${version}/completeUpload`,
      {
        json: { metaBlobId: meta, force: false },
      },
    );
    assertEquals(r.status, 404);
    await r.body?.cancel();
    assertEquals((await s.local.listModels("self", {})).map((m) => m.name), ["noop"]);
  });

  await t.step(
    "the Python layout uploads: LZ4 data blobs, small files inline, one meta blob",
    async () => {
      // evaluator.py: one data blob of LZ4 chunks (a 2-byte length, then the block).
      const big = files["src/evaluator.py"];
      const chunk = Uint8Array.from([0, LZ4_ABC.length, ...LZ4_ABC]);
      const bigBlob = new Uint8Array(Array.from({ length: 20 }, () => [...chunk]).flat());
      assertEquals(unpackBlobData(bigBlob, COMPRESSION.LZ4), big);
      const bigId = await blob(bigBlob);
      assertEquals(await blob(bigBlob), bigId, "a blob uploaded twice is EXISTED, same id");
      // Small files merged into the meta blob's data: util.py compressed, the others as they are.
      const parts: [string, Uint8Array, number][] = [
        ["src/.starwhale/jobs.yaml", files["src/.starwhale/jobs.yaml"], COMPRESSION.NONE],
        ["src/README.md", files["src/README.md"], COMPRESSION.NONE],
        ["src/util.py", Uint8Array.from([0, LZ4_ABC.length, ...LZ4_ABC]), COMPRESSION.LZ4],
        ["_manifest.yaml", files["_manifest.yaml"], COMPRESSION.NONE],
      ];
      const inline: number[] = [];
      const small = new Map<string, PackageFile>();
      for (const [path, stored, compression] of parts) {
        small.set(
          path,
          packageFile({
            name: path.split("/").at(-1),
            size: files[path].length,
            permission: 0o100644,
            md5: md5(files[path]),
            blobIds: [""],
            blobOffset: inline.length,
            blobSize: stored.length,
            compressionAlgorithm: compression,
          }),
        );
        inline.push(...stored);
      }
      // Breadth first: root, its folders then files; src's; .starwhale's.
      const list: PackageFile[] = [
        packageFile({ type: FILE_TYPE.DIRECTORY, fromFileIndex: 1, toFileIndex: 3 }),
        packageFile({ type: FILE_TYPE.DIRECTORY, name: "src", fromFileIndex: 3, toFileIndex: 7 }),
        small.get("_manifest.yaml")!,
        packageFile({
          type: FILE_TYPE.DIRECTORY,
          name: ".starwhale",
          fromFileIndex: 7,
          toFileIndex: 8,
        }),
        small.get("src/README.md")!,
        packageFile({
          name: "evaluator.py",
          size: big.length,
          permission: 0o100644,
          md5: md5(big),
          blobIds: [bigId],
          compressionAlgorithm: COMPRESSION.LZ4,
        }),
        small.get("src/util.py")!,
        small.get("src/.starwhale/jobs.yaml")!,
      ];
      const meta = await blob(
        encodeMetaBlob({ files: list, metaBlobIndexes: [], data: Uint8Array.from(inline) }),
      );
      const r = await req(
        s.app,
        "POST",
        `/api/v1/project/self/model/pymodel/version/${version}/completeUpload`,
        {
          json: { metaBlobId: meta, builtInRuntime: null, force: false },
        },
      );
      assertEquals(r.status, 200);
      assertEquals((await r.json()).code, "success");
      const head = await req(
        s.app,
        "HEAD",
        `/api/v1/project/self/model/pymodel/version/${version}`,
      );
      assertEquals(head.status, 200);
      await head.body?.cancel();
      // The same package with its file list split over two meta blobs, as the Python client
      // splits a list over 64 KiB: the first one indexes the second.
      const second = await blob(
        encodeMetaBlob({ files: list.slice(4), metaBlobIndexes: [], data: new Uint8Array() }),
      );
      const split = await blob(encodeMetaBlob({
        files: list.slice(0, 4),
        metaBlobIndexes: [{ blobId: second, lastFileIndex: list.length - 1 }],
        data: Uint8Array.from(inline),
      }));
      const v2 = "pyversion0000000000000000000000000000002";
      const done = await req(
        s.app,
        "POST",
        `/api/v1/project/self/model/pymodel2/version/${v2}/completeUpload`,
        { json: { metaBlobId: split, force: false } },
      );
      assertEquals(done.status, 200);
      await done.body?.cancel();
      const exported = await s.local.exportModel({ project: "self", name: "pymodel2" });
      for (const f of exported.files) assertEquals(await f.read(), files[f.path], f.path);
    },
  );

  await t.step(
    "listed and read like any model, through the routes and the remote adapter",
    async () => {
      const page =
        await (await req(s.app, "GET", "/api/v1/project/self/model?pageNum=1&pageSize=10")).json();
      assertEquals(page.data.list.map((m: { name: string }) => m.name).sort(), [
        "noop",
        "pymodel",
        "pymodel2",
      ]);
      const [m] = await s.remote.listModels("self", { name: "pymodel" });
      assertEquals([m.version, m.handlers, m.tags], [version, ["evaluator:Eval.predict"], [
        "latest",
        "v0",
      ]]);
      const info =
        await (await req(s.app, "GET", `/api/v1/project/self/model/pymodel?versionUrl=v0`)).json();
      assertEquals(info.data.versionName, version);
      // Its steps come from its own jobs.yaml, with what StepSpec requires filled in.
      assertEquals(info.data.versionInfo.stepSpecs, [{
        job_name: "evaluator:Eval.predict",
        name: "evaluator:Eval.predict",
        show_name: "evaluator:Eval.predict",
        replicas: 1,
        needs: [],
      }]);
      assertEquals(violations(info, envelopeModel("@ModelInfoVo")), []);
      assertEquals(info.data.versionInfo.builtInRuntime, "rtabcdefg1234", "its packaged runtime");
    },
  );

  await t.step("meta, listFiles and getFileData serve the package back", async () => {
    const res =
      await (await req(s.app, "GET", `/api/v1/project/self/model/pymodel/version/${version}/meta`))
        .json();
    assertEquals(res.code, "success");
    assertEquals(typeof res.data, "string");
    const meta = metaBlobFromJson(res.data);
    assertEquals(JSON.parse(res.data).files[0].type, "FILE_TYPE_DIRECTORY");
    const evaluator = meta.files.find((f) => f.name === "evaluator.py")!;
    assertEquals(evaluator.signedUrls.length, 1);
    const data = new Uint8Array(
      await (await req(s.app, "GET", evaluator.signedUrls[0], { auth: false })).arrayBuffer(),
    );
    assertEquals(data, files["src/evaluator.py"]);
    const listed = await (await req(
      s.app,
      "GET",
      `/api/v1/project/self/model/pymodel/listFiles?version=${version}&path=src`,
    )).json();
    assertVo(listed, VOS.ListFilesResult, "ListFilesResult");
    for (const f of listed.data.files) {
      assertEquals(violations(f, VOS.FileNode), [], `FileNode ${JSON.stringify(f)}`);
    }
    assertEquals(
      listed.data.files.map((f: { name: string; type: string }) => [f.name, f.type]).sort(),
      [[".starwhale", "directory"], ["README.md", "file"], ["evaluator.py", "file"], [
        "util.py",
        "file",
      ]],
    );
    const file = listed.data.files.find((f: { name: string }) => f.name === "util.py");
    assertEquals([file.size, file.signature], [String(300), hex(md5(files["src/util.py"]))]);
    const bytes = await req(
      s.app,
      "GET",
      `/api/v1/project/self/model/pymodel/getFileData?version=${version}&path=src/util.py`,
    );
    assertEquals(new Uint8Array(await bytes.arrayBuffer()), files["src/util.py"]);
  });

  await t.step(
    "tags: GET lists the version's own tags, POST adds one, a held tag is a 400",
    async () => {
      const path = `/api/v1/project/self/model/pymodel/version/${version}/tag`;
      const listedTags = await (await req(s.app, "GET", path)).json();
      assertVo(listedTags, "list:str", "ResponseMessageListString");
      assertEquals(listedTags.data, []);
      const add = await req(s.app, "POST", path, { json: { tag: "py", force: false } });
      assertEquals([add.status, (await add.json()).code], [200, "success"]);
      assertEquals((await (await req(s.app, "GET", path)).json()).data, ["py"]);
      await s.local.buildModel("self", { dir: `${s.root}/.pkg`, name: "noop" });
      const v0 = "/api/v1/project/self/model/noop/version/v0/tag";
      assertEquals((await req(s.app, "POST", v0, { json: { tag: "held" } })).status, 200);
      const v1 = "/api/v1/project/self/model/noop/version/v1/tag";
      const held = await req(s.app, "POST", v1, { json: { tag: "held", force: false } });
      assertEquals(held.status, 400);
      assertMatch((await held.json()).message, /the tag is on version/);
    },
  );

  await t.step("copied back out, every file is the same", async () => {
    const out = await Deno.makeTempDir();
    try {
      await using local = new StandaloneInstance(out, { durability: "none" });
      const m = await Model.copy("pymodel", "self", { source: s.remote, target: local });
      assertEquals([m.version, m.tags], [version, ["latest", "py", "v0"]]);
      const exported = await local.exportModel({ project: "self", name: "pymodel" });
      for (const f of exported.files) assertEquals(await f.read(), files[f.path], f.path);
      assertEquals(exported.files.map((f) => f.path).sort(), Object.keys(files).sort());
    } finally {
      await Deno.remove(out, { recursive: true });
    }
  });

  await t.step("a job on it fails at once with a clear error, on the server and here", async () => {
    const options = { model: "pymodel", runHandler: "evaluator:Eval.predict", datasets: [] };
    const remote = await assertRejects(() => s.remote.createJob("self", options), Error);
    assertMatch(String(remote), /this server runs TypeScript\/JavaScript model packages/);
    const local = await assertRejects(() => s.local.createJob("self", options), Error);
    assertMatch(String(local), /Python model package/);
  });
});

Deno.test("a dataset uploaded as Starwhale's Python client does is listed only at END and reads as of its revision", async (t) => {
  await using s = await servedRoot();
  const version = "pydataset00000000000000000000000000000001";
  const base = `/api/v1/project/self/dataset/pyds/version/${version}`;
  const query = `swds=pyds:${version}&project=self&force=1`;
  const manifest = (revision: number) =>
    stringify({
      version,
      created_at: "2024-05-06 07:08:09 UTC",
      dataset_summary: { rows: 3 },
      data_datastore_revision: String(revision),
      info_datastore_revision: "",
    });
  const open = async (revision: number) => {
    const form = new FormData();
    form.set("file", new Blob([manifest(revision)]), "_manifest.yaml");
    const r = await req(s.app, "POST", `${base}/file?phase=MANIFEST&desc=MANIFEST&${query}`, {
      body: form,
    });
    assertEquals(r.status, 200);
    const body = await r.json();
    assertVo(body, VOS.UploadResult, "UploadResult");
    assertEquals(body.code, "success");
    return String(body.data.uploadId);
  };
  const phase = (p: string, uploadId: string) =>
    req(s.app, "POST", `${base}/file`, {
      body: new URLSearchParams({ phase: p, uploadId, swds: `pyds:${version}` }),
    });

  let revision = 0;
  await t.step("rows arrive through updateTable to _current/meta", async () => {
    const head = await req(s.app, "HEAD", base);
    assertEquals(head.status, 404);
    await head.body?.cancel();
    revision = await s.remote.updateTable("project/self/dataset/pyds/_current/meta", [
      { id: 0, "features/x": 10 },
      { id: 1, "features/x": 11 },
      { id: 2, "features/x": 12 },
    ]);
  });

  await t.step(
    "MANIFEST then CANCEL lists nothing; END of a cancelled upload is a 400",
    async () => {
      const id = await open(revision);
      assertEquals(
        (await s.remote.listDatasets("self", { name: "pyds" }).catch(() => [])).length,
        0,
      );
      assertEquals((await phase("CANCEL", id)).status, 200);
      const end = await phase("END", id);
      assertEquals(end.status, 400);
      assertMatch((await end.json()).code, /^INVALID REQUEST: DATASET/);
      const head = await req(s.app, "HEAD", base);
      assertEquals(head.status, 404);
      await head.body?.cancel();
    },
  );

  await t.step("MANIFEST then END lists the version", async () => {
    const id = await open(revision);
    assertEquals((await s.local.listDatasets("self", { name: "pyds" }).catch(() => [])).length, 0);
    const end = await phase("END", id);
    assertEquals(end.status, 200);
    assertEquals(String((await end.json()).data.uploadId), id);
    const again = await phase("END", id);
    assertEquals(again.status, 200, "an END sent again succeeds again");
    await again.body?.cancel();
    const head = await req(s.app, "HEAD", base);
    assertEquals(head.status, 200);
    await head.body?.cancel();
    const exists = await req(s.app, "HEAD", "/api/v1/project/self/dataset/pyds");
    assertEquals(exists.status, 200);
    await exists.body?.cancel();
  });

  await t.step("our SDK reads it, pinned at its revision, here and remotely", async () => {
    await s.remote.updateTable("project/self/dataset/pyds/_current/meta", [{
      id: 3,
      "features/x": 13,
    }]);
    for (const instance of [s.local, s.remote]) {
      const d = await Dataset.get("pyds", { instance });
      assertEquals([d.version, d.rows], [version, 3]);
      const rows = await d.head(10);
      assertEquals(rows.map((r) => [r.id, r.features.x]), [[0, 10], [1, 11], [2, 12]]);
    }
    const info = await (await req(s.app, "GET", "/api/v1/project/self/dataset/pyds?versionUrl=v0"))
      .json();
    assertMatch(info.data.versionMeta, /data_datastore_revision/);
  });

  await t.step(
    "hashed blobs: POST answers the URI, HEAD gives it in a header, GET the bytes",
    async () => {
      const hash = "ab".repeat(32);
      const missing = await req(
        s.app,
        "HEAD",
        `/api/v1/project/self/dataset/pyds/hashedBlob/${hash}`,
      );
      assertEquals(missing.status, 404);
      await missing.body?.cancel();
      const form = new FormData();
      form.set("file", new Blob([te.encode("blob bytes")]), hash);
      const posted =
        await (await req(s.app, "POST", `/api/v1/project/self/dataset/pyds/hashedBlob/${hash}`, {
          body: form,
        })).json();
      assertEquals([posted.code, posted.data], ["success", hash]);
      const head = await req(s.app, "HEAD", `/api/v1/project/self/dataset/pyds/hashedBlob/${hash}`);
      assertEquals([head.status, head.headers.get("x-sw-local-storage-uri")], [200, hash]);
      await head.body?.cancel();
      const got = await req(s.app, "GET", `/api/v1/project/self/dataset/pyds/hashedBlob/${hash}`);
      assertEquals(await got.text(), "blob bytes");
    },
  );

  await t.step("a manifest naming a table of another dataset is refused", async () => {
    const form = new FormData();
    form.set("file", new Blob([stringify({ table: "project/self/dataset/other/x/meta" })]), "m");
    const v = "pydataset00000000000000000000000000000002";
    const url = `/api/v1/project/self/dataset/pyds/version/${v}/file?phase=MANIFEST`;
    const id = (await (await req(s.app, "POST", url, { body: form })).json()).data.uploadId;
    const end = await req(s.app, "POST", `/api/v1/project/self/dataset/pyds/version/${v}/file`, {
      body: new URLSearchParams({ phase: "END", uploadId: String(id) }),
    });
    assertEquals(end.status, 400);
    assert(!(await s.local.listDatasets("self", { name: "pyds" })).some((d) => d.version === v));
  });
});

Deno.test("Starwhale's client reads this server's datasets from _current/meta as of a version's revision", async () => {
  await using s = await servedRoot();
  const v0 = await s.local.getDataset({ project: "self", name: "d" });
  const v1 = await s.local.buildDataset("self", { name: "d", rows: [{ x: 7 }, { x: 8 }] });
  const info = async (v: string) =>
    (await (await req(s.app, "GET", `/api/v1/project/self/dataset/d?versionUrl=${v}`)).json()).data;
  const revisionOf = async (v: string) =>
    String((parse((await info(v)).versionMeta) as Record<string, unknown>).data_datastore_revision);
  const scan = async (revision?: string) => {
    const body = {
      tables: [{
        tableName: "project/self/dataset/d/_current/meta",
        ...(revision ? { revision } : {}),
      }],
      limit: 1000,
      rawResult: false,
    };
    const res = await (await req(s.app, "POST", "/api/v1/datastore/scanTable", { json: body }))
      .json();
    assertEquals(res.code, "success");
    return (res.data.records ?? []).map((r: Record<string, { value: string }>) =>
      r["features/x"].value
    );
  };
  assertEquals(await scan(await revisionOf(v0.version)), ["0000000000000001"]);
  assertEquals(await scan(await revisionOf(v1.version)), ["0000000000000007", "0000000000000008"]);
  assertEquals(await scan(), ["0000000000000007", "0000000000000008"], "no revision: the newest");
  const query = await (await req(s.app, "POST", "/api/v1/datastore/queryTable", {
    json: {
      tableName: "project/self/dataset/d/_current/meta",
      revision: await revisionOf(v0.version),
    },
  })).json();
  assertEquals(query.data.records.length, 1);
});
