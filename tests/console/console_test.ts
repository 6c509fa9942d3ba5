/**
 * The console app without a browser: sign-in and sessions, the API staying Bearer-only,
 * read-only consoles, job actions, errors shown as pages, table paging by key range, the
 * compare limits, and the same pages over a remote instance of our server.
 */

import { RemoteInstance } from "../../lib/remote/mod.ts";
import { createApp } from "../../lib/server/mod.ts";
import { createConsole } from "../../lib/server/console/mod.ts";
import { Job } from "../../lib/sdk/mod.ts";
import { assert, assertEquals } from "../_assert.ts";
import { tempPackage, tempRoot } from "../sdk/_helpers.ts";
import { mnistJobs, SLOW_HANDLER, slowModel } from "./_fixture.ts";

const TOKEN = "t0ken";

function cookieOf(res: Response): string {
  const set = res.headers.get("set-cookie") ?? "";
  return set.split(";")[0];
}

async function signIn(
  app: { request: (p: string, i?: RequestInit) => Response | Promise<Response> },
) {
  const res = await app.request("/signin", {
    method: "POST",
    body: new URLSearchParams({ token: TOKEN, next: "/projects/self/jobs" }),
  });
  assertEquals(res.status, 303);
  return cookieOf(res);
}

function csrfOf(html: string): string {
  const m = /name="csrf" value="([0-9a-f]+)"/.exec(html);
  assert(m, "the page has a CSRF field");
  return m[1];
}

Deno.test("the console on a server signs in with the token; the API still wants a Bearer token", async (t) => {
  await using root = await tempRoot();
  const [full] = await mnistJobs(root.instance);
  const server = createApp({ instance: root.instance, token: TOKEN });
  const app = server.hono;
  try {
    let cookie = "";
    await t.step("pages redirect to sign-in, which names where to come back to", async () => {
      const res = await app.request(`/projects/self/jobs/${full}`);
      assertEquals(res.status, 303);
      assertEquals(
        res.headers.get("location"),
        `/signin?next=${encodeURIComponent(`/projects/self/jobs/${full}`)}`,
      );
      const live = await app.request(`/projects/self/jobs/${full}/live`, {
        headers: { accept: "application/json" },
      });
      assertEquals(live.status, 401);
    });
    await t.step(
      "a wrong token is refused; the right one gives an HttpOnly, SameSite cookie",
      async () => {
        const bad = await app.request("/signin", {
          method: "POST",
          body: new URLSearchParams({ token: "nope" }),
        });
        assertEquals(bad.status, 401);
        assertEquals(bad.headers.get("set-cookie"), null);
        const res = await app.request("/signin", {
          method: "POST",
          body: new URLSearchParams({ token: TOKEN, next: "//evil.example/" }),
        });
        assertEquals(res.headers.get("location"), "/");
        const set = res.headers.get("set-cookie") ?? "";
        assert(/HttpOnly/.test(set) && /SameSite=Strict/.test(set), set);
        cookie = cookieOf(res);
      },
    );
    await t.step("the session opens pages but not the API", async () => {
      const page = await app.request(`/projects/self/jobs/${full}`, { headers: { cookie } });
      assertEquals(page.status, 200);
      assert((await page.text()).includes('data-key="accuracy"'));
      const api = await app.request("/api/v1/project/self/job", { headers: { cookie } });
      assertEquals(api.status, 401);
    });
    await t.step(
      "an action needs the session's CSRF token; a JobStateError comes back as a notice",
      async () => {
        const html =
          await (await app.request(`/projects/self/jobs/${full}`, { headers: { cookie } })).text();
        const forged = await app.request(`/projects/self/jobs/${full}/cancel`, {
          method: "POST",
          headers: { cookie },
          body: new URLSearchParams({ csrf: "0".repeat(32) }),
        });
        assertEquals(forged.status, 403);
        const refused = await app.request(`/projects/self/jobs/${full}/cancel`, {
          method: "POST",
          headers: { cookie },
          body: new URLSearchParams({ csrf: csrfOf(html) }),
        });
        assertEquals(refused.status, 303);
        const back = refused.headers.get("location") ?? "";
        assert(back.includes("flash="), back);
        const shown = await (await app.request(back, { headers: { cookie } })).text();
        assert(/role="alert"[^>]*>[^<]*cancel/i.test(shown), "the refusal is shown");
      },
    );
    await t.step("signing out ends the session", async () => {
      const html = await (await app.request("/projects/self/jobs", { headers: { cookie } })).text();
      await app.request("/signout", {
        method: "POST",
        headers: { cookie },
        body: new URLSearchParams({ csrf: csrfOf(html) }),
      });
      assertEquals((await app.request("/projects/self/jobs", { headers: { cookie } })).status, 303);
    });
    await t.step("removing a finished job goes through the API and back to the list", async () => {
      cookie = await signIn(app);
      const html = await (await app.request(`/projects/self/jobs/${full}`, { headers: { cookie } }))
        .text();
      const res = await app.request(`/projects/self/jobs/${full}/remove`, {
        method: "POST",
        headers: { cookie },
        body: new URLSearchParams({ csrf: csrfOf(html) }),
      });
      assertEquals(res.headers.get("location"), "/projects/self/jobs");
      const [jobs] = await root.instance.listJobs("self");
      assert(!jobs.some((j) => j.id === full), "the job is removed");
    });
  } finally {
    await server.close();
  }
});

Deno.test("a console without a token is read-only: no sign-in, no action buttons, actions refused", async () => {
  await using root = await tempRoot();
  const [full, small] = await mnistJobs(root.instance);
  const app = createConsole({ instance: root.instance });
  const page = await app.request(`/projects/self/jobs/${full}`);
  assertEquals(page.status, 200);
  const html = await page.text();
  assert(!html.includes("data-action="), "no action buttons");
  assert(html.includes("read-only"));
  const post = await app.request(`/projects/self/jobs/${full}/cancel`, { method: "POST" });
  assertEquals(post.status, 403);
  const cmp = await app.request(`/projects/self/compare?jobs=${full}&jobs=${small}`);
  assertEquals(cmp.status, 200);
  assert((await cmp.text()).includes('tr class="differs" data-key="rows"'));
});

Deno.test("console pages answer bad input with a page naming the value", async (t) => {
  await using root = await tempRoot();
  const [full] = await mnistJobs(root.instance);
  const app = createConsole({ instance: root.instance });
  const cases: [string, number, string][] = [
    ["/projects/self/jobs?status=DONE", 400, "Invalid status &quot;DONE&quot;"],
    ["/projects/self/jobs?page=0", 400, "Invalid page &quot;0&quot;"],
    ["/projects/self/jobs/zzzz", 404, "Cannot find job &#39;zzzz&#39;"],
    [`/projects/self/compare?jobs=${full}`, 400, "Cannot compare 1 job(s): choose 2 to 5 jobs"],
    [
      `/projects/self/jobs/${full}/table?table=results&start=abc`,
      400,
      "this table&#39;s keys are integers",
    ],
    [`/projects/self/jobs/${full}/table?table=results&limit=5000`, 400, "Invalid limit"],
    ["/projects/self/datasets/nosuch", 404, "nosuch"],
  ];
  for (const [path, status, text] of cases) {
    await t.step(path, async () => {
      const res = await app.request(path);
      const body = await res.text();
      assertEquals(res.status, status, body.slice(0, 200));
      assert(body.includes(text), `expected ${text} in ${body.replace(/\s+/g, " ").slice(-600)}`);
    });
  }
});

Deno.test("a job table pages by key range, with column choice and keepNone", async (t) => {
  await using root = await tempRoot();
  const [full] = await mnistJobs(root.instance);
  const app = createConsole({ instance: root.instance });
  const rowKeys = (html: string) =>
    [...html.matchAll(/<tr><th scope="row">([^<]*)<\/th>/g)].map((m) => m[1]);
  const view = (html: string) => html.slice(html.indexOf('id="table-view"'));
  await t.step("integer keys: a range, the page after its last key, and back", async () => {
    const html = view(
      await (await app.request(`/projects/self/jobs/${full}/table?table=results&start=10&end=15`))
        .text(),
    );
    assertEquals(rowKeys(html), ["10", "11", "12", "13", "14"]);
    const inclusive = view(
      await (await app.request(
        `/projects/self/jobs/${full}/table?table=results&start=10&end=12&endInclusive=1`,
      )).text(),
    );
    assertEquals(rowKeys(inclusive), ["10", "11", "12"]);
    const first = view(
      await (await app.request(`/projects/self/jobs/${full}/table?table=results&limit=20`)).text(),
    );
    const next = /href="([^"]+)" data-swap="table-view" rel="next"/.exec(first)?.[1].replaceAll(
      "&amp;",
      "&",
    );
    assert(next?.includes("start=19") && next.includes("after=1"), next);
    const second = view(await (await app.request(next!)).text());
    assertEquals(rowKeys(second).slice(0, 2), ["20", "21"]);
    const third = /href="([^"]+)" data-swap="table-view" rel="next"/.exec(second)?.[1]
      .replaceAll("&amp;", "&");
    const page3 = view(await (await app.request(third!)).text());
    assertEquals(rowKeys(page3).slice(0, 1), ["40"]);
    const prev = /href="([^"]+)" data-swap="table-view" rel="prev"/.exec(page3)?.[1]
      .replaceAll("&amp;", "&");
    assertEquals(rowKeys(view(await (await app.request(prev!)).text())).slice(0, 1), ["20"]);
    const prev2 = /href="([^"]+)" data-swap="table-view" rel="prev"/.exec(second)?.[1]
      .replaceAll("&amp;", "&");
    assertEquals(rowKeys(view(await (await app.request(prev2!)).text())).slice(0, 1), ["0"]);
  });
  await t.step("string keys and a column choice", async () => {
    const html = view(
      await (await app.request(
        `/projects/self/jobs/${full}/table?table=labels&start=3&end=5&columns=precision`,
      )).text(),
    );
    assertEquals(rowKeys(html), ["3", "4"]);
    const head = /<thead><tr>(.*?)<\/tr><\/thead>/.exec(html)?.[1] ?? "";
    assertEquals([...head.matchAll(/>([^<]+)<\/th>/g)].map((m) => m[1]), ["id", "precision"]);
  });
  await t.step("keepNone shows columns whose value is null", async () => {
    await root.instance.updateTable(`project/self/eval/${full.slice(0, 2)}/${full}/notes`, [{
      id: 1,
      a: 1,
      b: null,
    }]);
    const without = view(
      await (await app.request(`/projects/self/jobs/${full}/table?table=notes`)).text(),
    );
    const withNone = view(
      await (await app.request(`/projects/self/jobs/${full}/table?table=notes&keepNone=1`)).text(),
    );
    assert(!/<th scope="col">b<\/th>/.test(without) && /<th scope="col">b<\/th>/.test(withNone));
  });
});

Deno.test("the console reads our server through a remote instance with the same calls", async () => {
  await using root = await tempRoot();
  const [full] = await mnistJobs(root.instance);
  const server = createApp({ instance: root.instance, token: TOKEN });
  try {
    await using remote = new RemoteInstance({
      url: "http://server.test",
      token: TOKEN,
      fetch: server.fetch,
    });
    const app = createConsole({ instance: remote });
    const jobs = await (await app.request("/projects/self/jobs")).text();
    assert(jobs.includes(`data-job="${full}"`), "the job is listed");
    const page = await app.request(`/projects/self/jobs/${full}`);
    const html = await page.text();
    assertEquals(page.status, 200);
    const local = await Job.get(full, { instance: root.instance }).summary;
    assert(html.includes(`<td class="num">${local.accuracy}</td>`), "the accuracy is shown");
    assert(html.includes('data-chart="confusion-data"'), "the confusion matrix is drawn");
    // A server lists its models and datasets to the remote adapter as the local root does.
    const models = await (await app.request("/projects/self/models")).text();
    assert(!models.includes("cannot list its models") && models.includes("mnist"), models);
  } finally {
    await server.close();
  }
});

Deno.test("a failed job's page shows its error and its captured log", async () => {
  await using root = await tempRoot();
  await using pkg = await tempPackage({
    "model.yaml": "name: bad\nrun:\n  modules: [steps]\n",
    "steps.ts":
      `import { handler } from "@starwhale/sdk";\nexport const boom = handler(() => { console.log("about to fail"); throw new Error("boom <b>!"); });\n`,
  });
  const { Model } = await import("../../lib/sdk/mod.ts");
  await Model.build(pkg.dir, { name: "bad", instance: root.instance });
  const job = await Job.create({
    project: "self",
    model: "bad",
    runHandler: "steps:boom",
    instance: root.instance,
  });
  const app = createConsole({ instance: root.instance });
  const html = await (await app.request(`/projects/self/jobs/${job.id}`)).text();
  assert(html.includes('<span class="status status-FAIL" data-field="status">'));
  assert(/<pre role="alert">[^<]*boom &lt;b&gt;!/.test(html), "the error is escaped and shown");
  assert(
    /<pre[^>]*aria-label="Job log"[^>]*>[^<]*stdout: about to fail/.test(html),
    "the log is shown",
  );
});

Deno.test("the Jobs page pages 20 jobs at a time, newest first, and filters by status and model", async (t) => {
  await using root = await tempRoot();
  await using pkg = await tempPackage({
    "model.yaml": "name: tiny\nrun:\n  modules: [steps]\n",
    "steps.ts":
      `import { handler } from "@starwhale/sdk";\nexport const ok = handler(() => {});\nexport const bad = handler(() => { throw new Error("no"); });\n`,
  });
  const { Model } = await import("../../lib/sdk/mod.ts");
  await Model.build(pkg.dir, { name: "tiny", instance: root.instance });
  const ids: string[] = [];
  for (let i = 0; i < 22; i++) {
    const handler = i % 11 === 0 ? "steps:bad" : "steps:ok";
    ids.push(
      (await Job.create({
        project: "self",
        model: "tiny",
        runHandler: handler,
        instance: root.instance,
      })).id,
    );
  }
  const app = createConsole({ instance: root.instance });
  const listed = (html: string) => [...html.matchAll(/<tr data-job="([^"]+)"/g)].map((m) => m[1]);
  await t.step("page 1 holds the 20 newest, page 2 the rest, with links both ways", async () => {
    const first = await (await app.request("/projects/self/jobs")).text();
    assertEquals(listed(first), ids.slice(2).reverse());
    assert(first.includes('href="/projects/self/jobs?page=2" rel="next"'));
    const second = await (await app.request("/projects/self/jobs?page=2")).text();
    assertEquals(listed(second), ids.slice(0, 2).reverse());
    assert(second.includes('href="/projects/self/jobs" rel="prev"'));
  });
  await t.step("filters keep to their status and model, and paging keeps the filters", async () => {
    const failed = await (await app.request("/projects/self/jobs?status=FAIL")).text();
    assertEquals(listed(failed), [ids[11], ids[0]]);
    assert(failed.includes('<option value="FAIL" selected="">FAIL</option>'));
    const none = await (await app.request("/projects/self/jobs?model=other")).text();
    assert(none.includes("No jobs match the filters"));
    const tiny = await (await app.request("/projects/self/jobs?model=tiny&page=2")).text();
    assertEquals(listed(tiny).length, 2);
    assert(tiny.includes('href="/projects/self/jobs?model=tiny" rel="prev"'));
  });
  await t.step("the live status answer covers the asked jobs", async () => {
    const res = await app.request(`/projects/self/jobs-status?ids=${ids[0]},nosuchjob,${ids[1]}`);
    const { jobs } = await res.json();
    assertEquals([jobs[ids[0]].status, jobs[ids[1]].status, jobs[ids[1]].final], [
      "FAIL",
      "SUCCESS",
      true,
    ]);
    assertEquals(Object.keys(jobs).length, 2, "a job that is gone is left out");
  });
});

Deno.test("the console refuses a form body over its limit and says why", async () => {
  await using root = await tempRoot();
  const server = createApp({ instance: root.instance, token: TOKEN });
  try {
    const res = await server.hono.request("/signin", {
      method: "POST",
      body: new URLSearchParams({ token: "x".repeat(20_000) }),
    });
    assertEquals(res.status, 413);
    assert((await res.text()).includes("more than the 16384 a console form may have"));
  } finally {
    await server.close();
  }
});

Deno.test("a server that serves only the datastore says so on its console pages", async () => {
  await using root = await tempRoot();
  const store = await root.instance.open();
  const server = createApp({ store, token: TOKEN });
  try {
    const cookie = await signIn(server.hono);
    const res = await server.hono.request("/projects/self/jobs", { headers: { cookie } });
    assertEquals(res.status, 503);
    assert((await res.text()).includes("This server serves only the datastore"));
  } finally {
    await server.close();
  }
});

Deno.test("a running job's live progress is its task list's: the rows it will handle, datasetHead applied", async () => {
  await using root = await tempRoot();
  await slowModel(root.instance);
  const server = createApp({ instance: root.instance, token: TOKEN });
  const stop = new AbortController();
  // Standalone jobs run where they are created: this one runs in this process until stopped.
  const run = root.instance.createJob("self", {
    model: "slow",
    runHandler: SLOW_HANDLER,
    datasets: ["slow"],
    datasetHead: 40,
    signal: stop.signal,
  });
  try {
    const cookie = await signIn(server.hono);
    let live: { status: string; progress?: { done: number; total?: number; text: string } } = {
      status: "",
    };
    for (let i = 0; i < 200 && !live.progress?.done; i++) {
      await new Promise((r) => setTimeout(r, 50));
      const [job] = (await root.instance.listJobs("self"))[0];
      if (!job) continue;
      const res = await server.hono.request(`/projects/self/jobs/${job.id}/live`, {
        headers: { cookie },
      });
      live = await res.json();
    }
    assertEquals(live.status, "RUNNING");
    assertEquals(live.progress?.total, 40);
    assert(/^\d+ of 40 rows predicted \(\d+%\)$/.test(live.progress!.text), live.progress!.text);
  } finally {
    stop.abort();
    await run;
    await server.close();
  }
});
