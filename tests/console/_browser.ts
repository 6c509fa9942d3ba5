/**
 * Headless Chromium for the console tests: Debian's `/usr/bin/chromium` driven by
 * playwright-core, with a fresh profile that `await using` removes. `SW_SKIP_BROWSER=1` skips the
 * browser tests; otherwise a browser that cannot start fails them with a message saying how to
 * install it.
 */

// deno-lint-ignore no-import-prefix -- a test-only dependency, pinned here
import { chromium } from "npm:playwright-core@1.65.1";
// deno-lint-ignore no-import-prefix -- a test-only dependency, pinned here
import type { BrowserContext, Page } from "npm:playwright-core@1.65.1";

export type { Page };

/** Where the browser is. */
export const CHROMIUM = "/usr/bin/chromium";

/** Whether the browser tests are skipped (`SW_SKIP_BROWSER=1`). */
export const SKIP_BROWSER: boolean = Deno.env.get("SW_SKIP_BROWSER") === "1";

/** Waits of the browser tests, in milliseconds: bounded, never sleeps. */
export const WAIT_MS = 30_000;

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** A running browser with one profile; `await using` closes it and removes the profile. */
export interface Browser extends AsyncDisposable {
  context: BrowserContext;
  /** Opens a page of 1280x800 CSS pixels. */
  page(): Promise<Page>;
}

/**
 * Starts Chromium.
 *
 * @throws {Error} With the cause and the fix when it cannot be started.
 */
export async function launchBrowser(): Promise<Browser> {
  const profile = await Deno.makeTempDir({ prefix: "sw-chromium-" });
  let context: BrowserContext;
  try {
    await Deno.stat(CHROMIUM);
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      timeout: WAIT_MS,
      viewport: { width: 1280, height: 800 },
    });
  } catch (cause) {
    await Deno.remove(profile, { recursive: true });
    throw new Error(
      `Cannot launch Chromium at ${CHROMIUM}: ${
        cause instanceof Error ? cause.message.split("\n")[0] : cause
      }. Install Debian's chromium (apt-get install -y chromium), or set SW_SKIP_BROWSER=1 ` +
        "to skip the browser tests.",
      { cause },
    );
  }
  context.setDefaultTimeout(WAIT_MS);
  return {
    context,
    page: () => context.newPage(),
    async [Symbol.asyncDispose]() {
      await context.close();
      await Deno.remove(profile, { recursive: true });
    },
  };
}

/** Saves a screenshot as `<dir>/<name>.png` when `SW_CONSOLE_SCREENSHOTS=<dir>` is set. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = Deno.env.get("SW_CONSOLE_SCREENSHOTS");
  if (!dir) return;
  await Deno.mkdir(dir, { recursive: true });
  await page.screenshot({ path: `${dir}/${name}.png`, fullPage: false });
}
