/**
 * `swcli ui start`: a read-only console for the local root on 127.0.0.1, deaf to other host
 * names, stopped by the stop signal; and the console's small pure parts (metrics, formatting,
 * sessions).
 */

import { main } from "../../cli.ts";
import { isLoopbackHost } from "../../lib/server/console/serve.ts";
import {
  classMetricsOfRows,
  classMetricsOfSummary,
  confusionOfRows,
} from "../../lib/server/console/_metrics.ts";
import { cellText, scriptJson } from "../../lib/server/console/_format.ts";
import { cookieValue, safeNext, Sessions } from "../../lib/server/console/_session.ts";
import { assert, assertEquals } from "../_assert.ts";
import { cliHome } from "../cli/_helpers.ts";

async function rawGet(url: string, host: string): Promise<string> {
  const { hostname, port } = new URL(url);
  const conn = await Deno.connect({ hostname, port: Number(port) });
  try {
    await conn.write(
      new TextEncoder().encode(
        `GET /projects/self/jobs HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`,
      ),
    );
    const decoder = new TextDecoder();
    const buf = new Uint8Array(4096);
    let text = "";
    for (let i = 0; i < 1000 && !text.includes("\r\n"); i++) {
      const n = await conn.read(buf);
      if (n === null) break;
      text += decoder.decode(buf.subarray(0, n), { stream: true });
    }
    return text.split("\r\n")[0];
  } finally {
    conn.close();
  }
}

Deno.test("swcli ui start serves a read-only console on 127.0.0.1 until stopped", async () => {
  await using home = await cliHome();
  const stop = new AbortController();
  const ready = Promise.withResolvers<string>();
  let out = "", err = "";
  const done = main(["-o", "json", "ui", "start", "--port", "0"], {
    stdout: {
      write: (t) => {
        out += t;
        const m = /"url":"([^"]+)"/.exec(out);
        if (m) ready.resolve(m[1]);
      },
    },
    stderr: { write: (t) => void (err += t) },
    env: home.env,
    signal: stop.signal,
    isTerminal: false,
  });
  done.then((code) => ready.reject(new Error(`swcli ui exited ${code}: ${err}`)));
  const url = await ready.promise;
  try {
    assert(url.startsWith("http://127.0.0.1:"), url);
    const res = await fetch(`${url}/`);
    assertEquals(res.status, 200);
    const html = await res.text();
    assert(html.includes("No jobs") && html.includes("read-only") && !html.includes("Sign out"));
    assertEquals(await rawGet(url, "attacker.example"), "HTTP/1.1 421 Misdirected Request");
    assertEquals(await rawGet(url, `localhost:${new URL(url).port}`), "HTTP/1.1 200 OK");
  } finally {
    stop.abort();
  }
  assertEquals(await done, 0);
});

Deno.test("swcli ui start refuses a port out of range", async () => {
  await using home = await cliHome();
  const r = await home.run(["ui", "start", "--port", "70000"]);
  assertEquals(r.code, 2);
  assert(r.stderr.includes("Invalid --port 70000"), r.stderr);
});

Deno.test("swcli ui with options and no command runs ui start; --help shows the group", async () => {
  await using home = await cliHome();
  const r = await home.run(["ui", "--port", "70000"]);
  assertEquals(r.code, 2);
  assert(r.stderr.includes("Invalid --port 70000"), r.stderr);
  const help = await home.run(["ui", "--help"]);
  assertEquals(help.code, 0);
  assert(help.stdout.includes("start"), help.stdout);
});

Deno.test("isLoopbackHost() accepts only loopback names on the console's port", () => {
  assert(isLoopbackHost("127.0.0.1:8083", 8083) && isLoopbackHost("localhost:8083", 8083));
  assert(isLoopbackHost("[::1]:8083", 8083));
  assert(!isLoopbackHost("127.0.0.1:9999", 8083) && !isLoopbackHost("evil.example:8083", 8083));
  assert(!isLoopbackHost(null, 8083));
});

Deno.test("per-class metrics come from labels/* summary columns or a labels table", () => {
  const summary = {
    accuracy: 0.9,
    "labels/10/precision": 0.5,
    "labels/2/precision": 1,
    "labels/2/recall": 0.75,
    "labels/2/f1-score": 0.8571,
    "labels/2/support": 4,
    "labels/x/unknown": 3,
  };
  assertEquals(classMetricsOfSummary(summary), [
    { label: "2", precision: 1, recall: 0.75, f1: 0.8571, support: 4 },
    { label: "10", precision: 0.5 },
  ]);
  assertEquals(classMetricsOfRows([{ id: "b", recall: 1 }, { id: "a", note: "x" }]), [
    { label: "b", recall: 1 },
  ]);
});

Deno.test("a confusion matrix is read from one row per true class", () => {
  const rows = [{ id: 1, "0": 0, "1": 5 }, { id: 0, "0": 3, "1": 1 }];
  assertEquals(confusionOfRows("confusion_matrix/binarylabel", rows), {
    table: "confusion_matrix/binarylabel",
    labels: ["0", "1"],
    counts: [[3, 1], [0, 5]],
  });
  assertEquals(confusionOfRows("confusion_matrix", [{ id: "a", score: 1 }]), undefined);
  assertEquals(confusionOfRows("confusion_matrix", []), undefined);
});

Deno.test("cells, script JSON and redirects are written safely", () => {
  assertEquals(cellText(0.123456), "0.1235");
  assertEquals(cellText(new Uint8Array(784)), "<784 bytes>");
  assertEquals(cellText(12n ** 30n), (12n ** 30n).toString());
  assertEquals(cellText(null), "");
  assertEquals(scriptJson({ s: "</script><b>" }), '{"s":"\\u003c/script>\\u003cb>"}');
  assertEquals(safeNext("/projects/self/jobs?page=2"), "/projects/self/jobs?page=2");
  for (const bad of ["//evil.example", "https://evil.example", "/\\evil", "", null]) {
    assertEquals(safeNext(bad), "/");
  }
});

Deno.test("sessions: only the token signs in, a session expires, and the oldest go first", () => {
  const sessions = new Sessions("secret", { ttlMs: 1000, max: 2 });
  assertEquals(sessions.signIn("secreT"), undefined);
  const a = sessions.signIn("secret", 0)!;
  const b = sessions.signIn("secret", 0)!;
  assertEquals(sessions.find(`x=1; sw_console=${a.id}`, 10)?.csrf, a.csrf);
  sessions.signIn("secret", 0);
  assertEquals(sessions.find(`sw_console=${a.id}`, 10), undefined);
  assertEquals(sessions.find(`sw_console=${b.id}`, 2000), undefined);
  assertEquals(cookieValue("a=1; b = 2", "b"), "2");
});
