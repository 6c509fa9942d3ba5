import { assertEquals, assertRejects } from "../_assert.ts";
import { Job, type JobStatus, Model, NotFoundError } from "../../mod.ts";
import { createProject } from "../../lib/standalone/projects.ts";
import { tempPackage, tempRoot } from "./_helpers.ts";

const PACKAGE = {
  "jobs.ts": `
import { handler } from "@starwhale/sdk";
export const ok = handler((ctx) => ctx.logSummary({ done: 1 }));
export const bad = handler(() => { throw new Error("nope"); });
`,
};

Deno.test("Job.list() pages newest first with status and model filters over hundreds of jobs", async (t) => {
  await using root = await tempRoot();
  await using pkg = await tempPackage(PACKAGE);
  const instance = root.instance;
  await Model.build(pkg.dir, { name: "alpha", instance });
  await Model.build(pkg.dir, { name: "beta", instance });
  const created: { id: string; status: JobStatus; model: string }[] = [];
  for (let i = 0; i < 300; i++) {
    const model = i % 3 === 0 ? "beta" : "alpha";
    const handler = i % 4 === 0 ? "jobs:bad" : "jobs:ok";
    const j = await Job.create({ project: "self", model, runHandler: handler, instance });
    created.push({ id: j.id, status: i % 4 === 0 ? "FAIL" : "SUCCESS", model });
  }
  const newest = created.map((c) => c.id).reverse();

  await t.step("default page: 20 newest, the Python SDK's pagination fields", async () => {
    const [jobs, page] = await Job.list("self", { instance });
    assertEquals(jobs.map((j) => j.id), newest.slice(0, 20));
    assertEquals(page, {
      total: 300,
      current: 20,
      remain: 280,
      page: {
        pageNum: 1,
        pageSize: 20,
        pages: 15,
        prePage: 0,
        nextPage: 2,
        hasPreviousPage: false,
        hasNextPage: true,
      },
    });
  });

  await t.step("walking every page of 7 gives every job once, in order", async () => {
    const seen: string[] = [];
    for (let p = 1;; p++) {
      const [jobs, page] = await Job.list("local/project/self", {
        pageIndex: p,
        pageSize: 7,
        instance,
      });
      seen.push(...jobs.map((j) => j.id));
      assertEquals(page.page.pages, 43);
      if (!page.page.hasNextPage) {
        assertEquals(page.page.nextPage, 0);
        assertEquals(jobs.length, 300 - 42 * 7);
        break;
      }
    }
    assertEquals(seen, newest);
  });

  await t.step("past the last page: empty", async () => {
    const [jobs, page] = await Job.list("self", { pageIndex: 16, instance });
    assertEquals(jobs.length, 0);
    assertEquals(page.total, 300);
    assertEquals(page.page.hasNextPage, false);
  });

  await t.step("status and model filters, combined with paging", async () => {
    const want = (f: (c: typeof created[0]) => boolean) =>
      created.filter(f).map((c) => c.id).reverse();
    const [failed, fp] = await Job.list("self", { status: "FAIL", pageSize: 100, instance });
    assertEquals(fp.total, 75);
    assertEquals(failed.map((j) => j.id), want((c) => c.status === "FAIL"));
    const [beta, bp] = await Job.list("self", {
      model: "beta",
      pageIndex: 2,
      pageSize: 50,
      instance,
    });
    assertEquals(bp.total, 100);
    assertEquals(beta.map((j) => j.id), want((c) => c.model === "beta").slice(50, 100));
    const [both, p] = await Job.list("self", {
      model: "beta",
      status: "SUCCESS",
      pageSize: 500,
      instance,
    });
    assertEquals(
      both.map((j) => j.id),
      want((c) => c.model === "beta" && c.status === "SUCCESS"),
    );
    assertEquals(p.total, 75);
    assertEquals((await Job.list("self", { model: "nosuch", instance }))[1].total, 0);
  });

  await t.step(
    "jobs of another project are separate; an unknown project is not found",
    async () => {
      await assertRejects(() => Job.list("other", { instance }), NotFoundError, "project 'other'");
      await createProject(root.root, "other");
      assertEquals((await Job.list("other", { instance }))[1].total, 0);
    },
  );

  await t.step("bad paging and filters are errors naming the value", async () => {
    await assertRejects(() => Job.list("self", { pageIndex: 0, instance }), Error, "pageIndex 0");
    await assertRejects(() => Job.list("self", { pageSize: 1.5, instance }), RangeError);
    await assertRejects(
      () => Job.list("self", { status: "DONE" as JobStatus, instance }),
      Error,
      'status filter "DONE"',
    );
    await assertRejects(
      () => Job.list("bad project!", { instance }),
      Error,
      'project name "bad project!"',
    );
  });
});
