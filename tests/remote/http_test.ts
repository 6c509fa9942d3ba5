import { assert, assertEquals, assertRejects } from "../_assert.ts";
import { ApiClient } from "../../lib/remote/mod.ts";
import { RemoteError } from "../../lib/sdk/errors.ts";

type Answer = Response | Error;

/** A fetch that answers from a script, one entry per call, and records the requests. */
function scripted(answers: Answer[]) {
  const requests: Request[] = [];
  const fetch = (request: Request): Promise<Response> => {
    requests.push(request);
    const next = answers.shift();
    if (next === undefined) throw new Error("the test sent more requests than scripted");
    return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  };
  return { fetch, requests };
}

function envelope(data: unknown, status = 200, code = "success"): Response {
  return new Response(JSON.stringify({ code, message: code, data }), {
    status,
    headers: { "content-type": "application/json" },
  });
}

/** A client whose backoff waits are recorded instead of slept. */
function client(answers: Answer[], options: { attempts?: number; backoffMs?: number } = {}) {
  const { fetch, requests } = scripted(answers);
  const waits: number[] = [];
  const api = new ApiClient({
    url: "http://sw.test",
    token: "t",
    fetch,
    sleep: (ms) => {
      waits.push(ms);
      return Promise.resolve();
    },
    ...options,
  });
  return { api, requests, waits };
}

function assertBackoff(waits: number[], first: number): void {
  waits.forEach((ms, i) => {
    const base = Math.min(5000, first * 2 ** i);
    assert(
      ms >= base / 2 && ms <= base,
      `wait ${i + 1} was ${ms} ms, expected ${base / 2}-${base}`,
    );
  });
}

Deno.test("ApiClient retries network errors and 503s with doubling backoff, then succeeds", async () => {
  const { api, requests, waits } = client([
    new TypeError("connection refused"),
    envelope(null, 503, "Service is Unavailable: 001"),
    new TypeError("connection reset"),
    envelope({ name: "starwhale" }),
  ]);
  assertEquals(await api.request("/user/current"), { name: "starwhale" });
  assertEquals(requests.length, 4);
  assertEquals(waits.length, 3);
  assertBackoff(waits, 200);
  for (const r of requests) assertEquals(r.headers.get("authorization"), "Bearer t");
});

Deno.test("ApiClient caps the backoff at 5 s", async () => {
  const answers = Array.from({ length: 7 }, () => envelope(null, 502, "bad gateway"));
  const { api, waits } = client([...answers, envelope(1)], { attempts: 8, backoffMs: 1000 });
  assertEquals(await api.request("/x"), 1);
  assertEquals(waits.length, 7);
  assertBackoff(waits, 1000);
  assert(waits.slice(3).every((ms) => ms >= 2500 && ms <= 5000), String(waits));
});

Deno.test("ApiClient gives up after the last attempt with the last error", async (t) => {
  await t.step("network errors: RemoteError with status 0", async () => {
    const { api, requests, waits } = client(
      [new TypeError("down"), new TypeError("down"), new TypeError("still down")],
      { attempts: 3 },
    );
    const e = await assertRejects(() => api.request("/x"), RemoteError, "still down");
    assertEquals([(e as RemoteError).status, requests.length, waits.length], [0, 3, 2]);
  });
  await t.step("503s: RemoteError with status 503 and the envelope's code", async () => {
    const busy = () => envelope(null, 503, "Service is Unavailable: 001");
    const { api, requests } = client([busy(), busy()], { attempts: 2 });
    const e = await assertRejects(() => api.request("/x"), RemoteError) as RemoteError;
    assertEquals([e.status, e.code, requests.length], [503, "Service is Unavailable: 001", 2]);
  });
});

Deno.test("ApiClient retries a 500 only for idempotent requests", async (t) => {
  await t.step("GET is retried", async () => {
    const { api, requests } = client([envelope(null, 500, "internalServerError"), envelope(2)]);
    assertEquals(await api.request("/x"), 2);
    assertEquals(requests.length, 2);
  });
  await t.step("POST is not, unless marked idempotent", async () => {
    const once = client([envelope(null, 500, "internalServerError")]);
    const e = await assertRejects(
      () => once.api.request("/x", { method: "POST", body: {} }),
      RemoteError,
    ) as RemoteError;
    assertEquals([e.status, once.requests.length, once.waits.length], [500, 1, 0]);
    const twice = client([envelope(null, 500, "internalServerError"), envelope(3)]);
    assertEquals(await twice.api.request("/x", { method: "POST", idempotent: true }), 3);
    assertEquals(twice.requests.length, 2);
  });
});

Deno.test("ApiClient does not retry a 4xx and reports the server's message and code", async () => {
  const { api, requests } = client([
    new Response(
      JSON.stringify({ code: "INVALID REQUEST: JOB", message: "bad job", data: null }),
      { status: 400 },
    ),
  ]);
  const e = await assertRejects(() => api.request("/x"), RemoteError, "bad job") as RemoteError;
  assertEquals([e.status, e.code, requests.length], [400, "INVALID REQUEST: JOB", 1]);
});

Deno.test("ApiClient turns a 200 without a success envelope into a RemoteError", async () => {
  const { api } = client([new Response("<html>proxy login</html>", { status: 200 })]);
  const e = await assertRejects(() => api.request("/x"), RemoteError, "proxy login");
  assertEquals((e as RemoteError).status, 500);
});

Deno.test("ApiClient stops retrying when the request's signal aborts", async (t) => {
  await t.step("during a request: RemoteError with status 0, no retry", async () => {
    const ctl = new AbortController();
    const { fetch, requests } = scripted([new TypeError("down"), envelope(1)]);
    const api = new ApiClient({
      url: "http://sw.test",
      token: "t",
      fetch: (r) => {
        ctl.abort();
        return fetch(r);
      },
    });
    const e = await assertRejects(() => api.request("/x", { signal: ctl.signal }), RemoteError);
    assertEquals([(e as RemoteError).status, requests.length], [0, 1]);
  });
  await t.step("during the backoff: the signal's reason, the timer cleared", async () => {
    const ctl = new AbortController();
    const { fetch, requests } = scripted([new TypeError("down"), envelope(1)]);
    const api = new ApiClient({
      url: "http://sw.test",
      token: "t",
      fetch: (r) => {
        // Fires once the client has started its (minute-long) backoff.
        setTimeout(() => ctl.abort(new DOMException("stopped by the caller", "AbortError")), 0);
        return fetch(r);
      },
      backoffMs: 60_000,
    });
    const e = await assertRejects(() => api.request("/x", { signal: ctl.signal }), DOMException);
    assertEquals([e.message, requests.length], ["stopped by the caller", 1]);
  });
});

Deno.test("ApiClient: a missing net permission fails at once with the flag to add", async () => {
  const denied = new Deno.errors.NotCapable(
    'Requires net access to "sw.test:80", run again with the --allow-net flag',
  );
  const { api, requests, waits } = client([denied, denied, denied], { attempts: 3 });
  const e = await assertRejects(() => api.request("/user/current"), RemoteError);
  assertEquals(requests.length, 1);
  assertEquals(waits, []);
  assert(e.message.includes("--allow-net=sw.test"), e.message);
  assertEquals(e.message.includes("\n"), false);
});
