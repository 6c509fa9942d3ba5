/**
 * The console in a real browser, against `serve()` (what `swcli server start` runs) on
 * 127.0.0.1: sign in, the jobs page, the MNIST job with its accuracy and charts, paging a table,
 * comparing two jobs, and canceling a running job while the jobs page follows it live.
 */

import { RemoteInstance } from "../../lib/remote/mod.ts";
import { serve } from "../../lib/server/mod.ts";
import { assert, assertEquals } from "../_assert.ts";
import { tempRoot } from "../sdk/_helpers.ts";
import { launchBrowser, type Page, screenshot, SKIP_BROWSER } from "./_browser.ts";
import { mnistJobs, SLOW_HANDLER, slowModel } from "./_fixture.ts";

const TOKEN = "console-test-token";
/** How long a server job may take to start running. */
const START_MS = 60_000;

/** Form controls and charts with no accessible name, and the count of h1 and main elements. */
const A11Y = `(() => {
  const named = (e) => e.labels?.length || e.getAttribute("aria-label") ||
    e.getAttribute("aria-labelledby") || (e.tagName === "BUTTON" && e.textContent.trim());
  const controls = [...document.querySelectorAll("input:not([type=hidden]), select, button, canvas")];
  return {
    unnamed: controls.filter((e) => !named(e)).map((e) => e.outerHTML.slice(0, 80)),
    h1: document.querySelectorAll("h1").length,
    main: document.querySelectorAll("main").length,
  };
})()`;

async function checkA11y(page: Page): Promise<void> {
  assertEquals(await page.evaluate(A11Y), { unnamed: [], h1: 1, main: 1 });
}

async function text(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).first().textContent())?.trim() ?? "";
}

Deno.test({
  name:
    "the console signs in, shows jobs, a job's charts and tables, compares jobs, pauses, resumes and cancels a running job",
  ignore: SKIP_BROWSER,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    await using root = await tempRoot();
    const [full, small] = await mnistJobs(root.instance);
    await slowModel(root.instance);
    const server = await serve({ port: 0, root: root.root, token: TOKEN, instance: root.instance });
    try {
      await using browser = await launchBrowser();
      const page = await browser.page();
      const errors: string[] = [];
      page.on("pageerror", (e) => errors.push(e.message));

      await t.step(
        "a visitor without a session is sent to sign in; a wrong token is refused",
        async () => {
          await page.goto(`${server.url}/`);
          await page.waitForSelector("input[name=token]");
          await screenshot(page, "signin");
          await page.fill("input[name=token]", "not-the-token");
          await page.click("button[type=submit]");
          await page.waitForSelector("[role=alert]");
          assert((await text(page, "[role=alert]")).includes("not this server's token"));
          await page.fill("input[name=token]", TOKEN);
          await page.click("button[type=submit]");
          await page.waitForSelector("h1:text('Jobs')");
          assertEquals(new URL(page.url()).pathname, "/projects/self/jobs");
        },
      );

      await t.step("the jobs page lists the jobs newest first", async () => {
        const ids = await page.locator("#jobs tbody tr").evaluateAll((rows) =>
          rows.map((r) => r.getAttribute("data-job"))
        );
        assertEquals(ids, [small, full]);
        assertEquals(await text(page, `tr[data-job='${full}'] [data-field=status]`), "SUCCESS");
        await checkA11y(page);
        await page.keyboard.press("Tab");
        assertEquals(await page.evaluate("document.activeElement.textContent"), "Skip to content");
        await page.keyboard.press("Enter");
        assertEquals(new URL(page.url()).hash, "#main");
        await screenshot(page, "jobs");
      });

      await t.step("the MNIST job shows its accuracy and draws its charts", async () => {
        await page.click(`tr[data-job='${full}'] a`);
        await page.waitForSelector("#summary tr[data-key=accuracy]");
        const accuracy = Number(await text(page, "#summary tr[data-key=accuracy] td"));
        assert(accuracy > 0.3 && accuracy <= 1, `accuracy ${accuracy}`);
        await page.waitForSelector("canvas[data-chart='per-class-data'][data-drawn]");
        await page.waitForSelector("canvas[data-chart='confusion-data'][data-drawn]");
        await checkA11y(page);
        await screenshot(page, "job");
      });

      await t.step(
        "a table pages by key range, forth and back, without reloading the page",
        async () => {
          await page.evaluate(() => ((globalThis as Record<string, unknown>).stayed = true));
          assertEquals(await text(page, "#table-view tbody tr th"), "0");
          await page.click("#table-view a[rel=next]");
          await page.waitForURL(/after=1/);
          await page.waitForSelector("#table-view tbody tr:first-child th:text-is('50')");
          assert(
            await page.evaluate(() => (globalThis as Record<string, unknown>).stayed === true),
          );
          await page.locator("#table-view").scrollIntoViewIfNeeded();
          await screenshot(page, "table");
          await page.click("#table-view a[rel=prev]");
          await page.waitForSelector("#table-view tbody tr:first-child th:text-is('0')");
          assert(
            await page.evaluate(() => (globalThis as Record<string, unknown>).stayed === true),
          );
        },
      );

      await t.step("two jobs compare side by side with their differences marked", async () => {
        await page.goto(`${server.url}/projects/self/jobs`);
        await page.check(`input[value='${full}']`);
        await page.check(`input[value='${small}']`);
        await page.click("#compare-form button");
        await page.waitForSelector("h1:text('Compare 2 jobs')");
        assert(
          await page.locator("#compare tr.differs[data-key=accuracy]").count() === 1 ||
            await page.locator("#compare tr.differs[data-key=rows]").count() === 1,
        );
        await page.waitForSelector("canvas[data-chart='overlay-f1-data'][data-drawn]");
        await checkA11y(page);
        await screenshot(page, "compare");
      });

      await t.step(
        "the models and datasets pages list versions and a dataset's first rows",
        async () => {
          await page.goto(`${server.url}/projects/self/models`);
          await page.waitForSelector("th a:text-is('mnist')");
          await screenshot(page, "models");
          await page.goto(`${server.url}/projects/self/datasets`);
          await page.waitForSelector("a:text('mnist')");
          await screenshot(page, "datasets");
          await page.click("a:text('mnist')");
          await page.waitForSelector("#dataset-rows tbody tr");
          assertEquals(await page.locator("#dataset-rows tbody tr").count(), 20);
          assertEquals(await page.locator("#dataset-rows canvas.pixels").count(), 20);
          await checkA11y(page);
          await screenshot(page, "dataset");
        },
      );

      await t.step(
        "canceling a running job; the jobs page follows it without a reload",
        async () => {
          await using remote = new RemoteInstance({ url: server.url, token: TOKEN });
          const running = await remote.createJob("self", {
            model: "slow",
            runHandler: SLOW_HANDLER,
            datasets: ["slow"],
          });
          const list = await browser.page();
          await list.goto(`${server.url}/projects/self/jobs`);
          const uuid = running.id;
          const cell = `tr[data-job='${uuid}'] [data-field=status]`;
          await list.waitForSelector(cell);
          await page.goto(`${server.url}/projects/self/jobs/${uuid}`);
          // The run's first job Worker may type-check its module first: a longer, bounded wait.
          await page.waitForSelector("[data-field=status]:text('RUNNING')", { timeout: START_MS });
          await page.waitForSelector(
            "[data-field=progress-text]:text-matches('of 4000 rows predicted')",
          );
          await screenshot(page, "job-running");
          await page.click("button[data-action=pause]");
          await page.waitForSelector("[data-field=status]:text('PAUSED')");
          await list.waitForSelector(`${cell}:text('PAUSED')`);
          await page.click("button[data-action=resume]");
          await page.waitForSelector("[data-field=status]:text('RUNNING')");
          await page.click("button[data-action=cancel]");
          await page.waitForSelector("[data-field=status]:text('CANCELED')");
          await list.waitForSelector(`${cell}:text('CANCELED')`);
          assertEquals(await text(list, cell), "CANCELED");
          await list.close();
        },
      );

      assertEquals(errors, []);
    } finally {
      await server.shutdown();
    }
  },
});
