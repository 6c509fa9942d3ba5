import { assert } from "../_assert.ts";
import { jobContract, makeFixture } from "./_job_contract.ts";
import { artifactContract } from "./_artifact_contract.ts";
import { StandaloneInstance } from "../../lib/standalone/instance.ts";
import { RemoteInstance } from "../../lib/remote/mod.ts";
import { createApp, serve } from "../../lib/server/mod.ts";

const TOKEN = "contract";

async function withRoot(fn: (root: string) => Promise<void>): Promise<void> {
  await using fixture = await makeFixture();
  await fn(fixture.root);
}

Deno.test("job API contract: standalone instance", (t) =>
  withRoot(async (root) => {
    await using sw = new StandaloneInstance(root, { durability: "none" });
    await jobContract(t, { instance: sw, server: false });
    await artifactContract(t, { instance: sw, server: false });
  }));

Deno.test("job API contract: remote over app.fetch, the app built from the instance alone", (t) =>
  withRoot(async (root) => {
    await using sw = new StandaloneInstance(root, { durability: "none" });
    const app = createApp({ instance: sw, token: TOKEN });
    try {
      await using remote = new RemoteInstance({
        url: "http://sw.test",
        token: TOKEN,
        fetch: (r) => app.fetch(r),
      });
      await jobContract(t, { instance: remote, server: true });
      await artifactContract(t, { instance: remote, server: true });
    } finally {
      await app.close();
    }
  }));

Deno.test("job API contract: remote over a socket, serve() on 127.0.0.1", (t) =>
  withRoot(async (root) => {
    const server = await serve({ host: "127.0.0.1", port: 0, root, token: TOKEN });
    try {
      await using remote = new RemoteInstance({ url: server.url, token: TOKEN });
      await jobContract(t, { instance: remote, server: true });
      await artifactContract(t, { instance: remote, server: true });
    } finally {
      await server.shutdown();
    }
  }));

Deno.test("job API contract: remote over a socket, the serve entry in a subprocess", (t) =>
  withRoot(async (root) => {
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("../../lib/server/serve.ts", import.meta.url).pathname],
      env: {
        SW_LOCAL_STORAGE: root,
        SW_SERVER_TOKEN: TOKEN,
        SW_SERVER_PORT: "0",
        SW_SERVER_HOST: "127.0.0.1",
      },
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const reader = child.stdout.getReader();
    try {
      let text = "";
      while (!text.includes("\n")) {
        const { done, value } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      const url = /(http:\/\/\S+?)\/api\/v1/.exec(text)?.[1];
      assert(url, `the server printed no URL: ${JSON.stringify(text)}`);
      await using remote = new RemoteInstance({ url, token: TOKEN });
      await jobContract(t, { instance: remote, server: true });
      await artifactContract(t, { instance: remote, server: true });
    } finally {
      child.kill("SIGTERM");
      const status = await child.status;
      await reader.cancel();
      assert(status.success, `the server exited with ${status.code}`);
    }
  }));
