import { assertEquals, assertMatch, assertRejects, assertThrows } from "../_assert.ts";
import { join } from "node:path";
import { Config, NotFoundError } from "../../mod.ts";
import { tempDir } from "./_helpers.ts";
import {
  formatResourceUri,
  parseProjectUri,
  parseResourceUri,
  type ResourceType,
} from "../../lib/sdk/uri.ts";

const config = Config.from({
  current_instance: "local",
  instances: {
    local: { uri: "local", type: "standalone", current_project: "self" },
    server: { uri: "http://server:8082", sw_token: "t", current_project: "1" },
    "cloud-cn": { uri: "https://cloud.starwhale.cn", sw_token: "t2" },
  },
}, { root: "/data/sw" });

Deno.test("parseResourceUri() reads every job and bundle form", () => {
  const table: [
    string,
    ResourceType,
    string,
    Partial<{ project: string; name: string; version: string }>,
  ][] = [
    ["xm5wnup", "job", "local/project/self/job/xm5wnup", { name: "xm5wnup" }],
    ["local/project/self/job/xm5wnup", "job", "local/project/self/job/xm5wnup", {}],
    ["project/self/job/xm5wnup", "job", "local/project/self/job/xm5wnup", {}],
    ["project/demo/job/ab", "job", "local/project/demo/job/ab", { project: "demo" }],
    ["local/demo/job/ab", "job", "local/project/demo/job/ab", { project: "demo" }],
    ["local/project/self/evaluation/ab", "job", "local/project/self/job/ab", {}],
    ["http://server:8082/project/1/job/1", "job", "http://server:8082/project/1/job/1", {}],
    ["cloud://server/project/1/job/7", "job", "http://server:8082/project/1/job/7", {}],
    [
      "server/project/starwhale:public/job/e0fa",
      "job",
      "http://server:8082/project/starwhale:public/job/e0fa",
      {},
    ],
    [
      "https://cloud.starwhale.cn/projects/257/jobs/123",
      "job",
      "https://cloud.starwhale.cn/project/257/job/123",
      {},
    ],
    ["mnist", "model", "local/project/self/model/mnist/version/latest", {
      name: "mnist",
      version: "",
    }],
    ["mnist/version/v0", "model", "local/project/self/model/mnist/version/v0", { version: "v0" }],
    ["mnist/abcdef", "model", "local/project/self/model/mnist/version/abcdef", {
      version: "abcdef",
    }],
    ["model/mnist", "model", "local/project/self/model/mnist/version/latest", {}],
    [
      "local/project/self/dataset/mnist/version/v1",
      "dataset",
      "local/project/self/dataset/mnist/version/v1",
      {},
    ],
    [
      "https://cloud.starwhale.cn/project/starwhale:public/runtime/pytorch",
      "runtime",
      "https://cloud.starwhale.cn/project/starwhale:public/runtime/pytorch/version/latest",
      {},
    ],
  ];
  for (const [uri, type, full, fields] of table) {
    const r = parseResourceUri(uri, { type, config });
    assertEquals(formatResourceUri(r), full, uri);
    for (const [k, v] of Object.entries(fields)) {
      assertEquals(r[k as keyof typeof r], v, `${uri} ${k}`);
    }
  }
});

Deno.test("parseResourceUri() rejects malformed URIs naming the input", () => {
  const bad: [string, ResourceType, RegExp | typeof NotFoundError][] = [
    ["", "job", /empty/],
    ["local/project/self/job", "job", /names no job/],
    ["local/project/self/job/a/b", "job", /too many parts/],
    ["local/project/self/model/mnist", "job", /it names a model/],
    ["self/dataset/mnist", "dataset", /unexpected parts|Invalid/],
    ["cloud://nosuch/project/1/job/1", "job", NotFoundError],
    ["ftp://host/project/1/job/1", "job", /unknown scheme/],
    ["local/project/self//job/1", "job", /empty part/],
    ["local/project/bad name/job/1", "job", /project name "bad name"/],
    ["mnist/version/bad version", "model", /Invalid/],
    ["https://server/job/1", "job", /Cannot tell the project.*swcli project select/],
  ];
  for (const [uri, type, expected] of bad) {
    const parse = () => parseResourceUri(uri, { type, config });
    if (expected instanceof RegExp) assertMatch(assertThrows(parse, Error).message, expected, uri);
    else assertThrows(parse, expected);
  }
});

Deno.test("parseProjectUri() resolves names, aliases and URLs", () => {
  const table: [string, string, string][] = [
    ["", "local", "self"],
    ["self", "local", "self"],
    ["local/project/self", "local", "self"],
    ["local/self", "local", "self"],
    ["http://server:8082/project/1", "http://server:8082", "1"],
    ["cloud://server/project/1", "http://server:8082", "1"],
    ["server/1", "http://server:8082", "1"],
    [
      "https://cloud.starwhale.cn/project/starwhale:public",
      "https://cloud.starwhale.cn",
      "starwhale:public",
    ],
    ["cloud-cn/starwhale:public", "https://cloud.starwhale.cn", "starwhale:public"],
  ];
  for (const [uri, url, project] of table) {
    const p = parseProjectUri(uri, { config });
    assertEquals([p.instance.url, p.project], [url, project], uri);
  }
  assertEquals(parseProjectUri("server/1", { config }).instance.token, "t");
  assertThrows(() => parseProjectUri("a/b/c", { config }), Error, 'Invalid project URI "a/b/c"');
});

Deno.test("Config.load() reads swcli's file, defaults when missing, never rewrites", async () => {
  await using tmp = await tempDir();
  const dir = tmp.dir;
  const path = join(dir, "config.yaml");
  const missing = await Config.load({ path, root: join(dir, "r") });
  assertEquals(missing.current.alias, "local");
  assertEquals(missing.currentProject(), "self");
  await assertRejects(() => Deno.stat(path), Deno.errors.NotFound);
  const text =
    "version: '2.0'\ncurrent_instance: srv\ninstances:\n  srv: {uri: srv.example:80, type: cloud, sw_token: abc, current_project: p}\n  local: {uri: local, type: standalone, current_project: self}\nstorage: {root: /x/y}\n";
  await Deno.writeTextFile(path, text);
  const loaded = await Config.load({ path });
  assertEquals(loaded.current.uri, "http://srv.example:80");
  assertEquals(loaded.current.token, "abc");
  assertEquals(loaded.root, "/x/y");
  assertEquals(parseProjectUri("", { config: loaded }).project, "p");
  await Deno.writeTextFile(path, "version: '1.0'\ninstances: {}\n");
  await assertRejects(() => Config.load({ path }), Error, "version is '1.0', expected \"2.0\"");
  assertEquals(await Deno.readTextFile(path), "version: '1.0'\ninstances: {}\n");
  await Deno.writeTextFile(path, "version: [\n");
  await assertRejects(() => Config.load({ path }), SyntaxError);
});
