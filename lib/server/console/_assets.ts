/**
 * The console's static files: its style sheet and script (ours, in `_style.ts` and
 * `_client_script.ts`), and the chart library's browser bundles, read at run time from the npm
 * packages Deno installed (nothing of the library is copied into this repository, and no CDN is
 * asked: the console works offline).
 *
 * The library is Chart.js (`npm:chart.js`) with its matrix chart type
 * (`npm:chartjs-chart-matrix`, from a Chart.js maintainer) for the confusion-matrix heatmap.
 *
 * How a bundle is found: the dynamic `import()`s below are never called, but being literal they
 * put the packages into the module graph, so Deno installs them (and `deno compile` embeds
 * them); `import.meta.resolve` then gives the file URL of each package's entry module, and the
 * UMD bundle sits in the same `dist/` folder. Reading it needs read access to Deno's npm cache.
 *
 * @module
 */

import { CLIENT_SCRIPT } from "./_client_script.ts";
import { STYLE } from "./_style.ts";

/** A file the console serves under `/assets/`. */
export interface Asset {
  /** `Content-Type`. */
  type: string;
  /** The bytes. */
  body: Uint8Array | string;
}

interface Bundle {
  /** The package's entry module, resolved in the module graph. */
  entry: () => string;
  /** The browser bundle, relative to the entry module. */
  file: string;
  /** Never called: keeps the package in the module graph. */
  graph: () => Promise<unknown>;
}

const BUNDLES: Record<string, Bundle> = {
  "chart.umd.min.js": {
    entry: () => import.meta.resolve("npm:chart.js@4.6.1"),
    file: "./chart.umd.min.js",
    // deno-lint-ignore no-import-prefix -- the one place the chart library is named
    graph: () => import("npm:chart.js@4.6.1"),
  },
  "chartjs-chart-matrix.min.js": {
    entry: () => import.meta.resolve("npm:chartjs-chart-matrix@3.1.0"),
    file: "./chartjs-chart-matrix.min.js",
    // deno-lint-ignore no-import-prefix -- the one place the chart library is named
    graph: () => import("npm:chartjs-chart-matrix@3.1.0"),
  },
};

/** Asset paths of the chart library, in load order. */
export const CHART_ASSETS: readonly string[] = Object.keys(BUNDLES);

/** Raised when a library bundle cannot be read from its npm package. */
export class AssetUnavailableError extends Error {
  /** The error class name. */
  override name = "AssetUnavailableError";
}

const JS = "text/javascript; charset=utf-8";
const loaded = new Map<string, Promise<Asset>>();

async function readBundle(name: string, bundle: Bundle): Promise<Asset> {
  const entry = bundle.entry();
  if (!entry.startsWith("file:")) {
    throw new AssetUnavailableError(
      `Cannot serve ${name}: its npm package resolved to ${entry}, not to a file`,
    );
  }
  const url = new URL(bundle.file, entry);
  try {
    return { type: JS, body: await Deno.readFile(url) };
  } catch (cause) {
    throw new AssetUnavailableError(
      `Cannot serve ${name}: reading ${url.pathname} failed (${
        cause instanceof Error ? cause.message : cause
      }); the console needs read access to Deno's npm cache`,
      { cause },
    );
  }
}

/**
 * One asset by its name under `/assets/`, or `undefined` for an unknown name.
 *
 * @throws {AssetUnavailableError} When a library bundle cannot be read.
 */
export function asset(name: string): Promise<Asset> | undefined {
  if (name === "console.css") {
    return Promise.resolve({ type: "text/css; charset=utf-8", body: STYLE });
  }
  if (name === "console.js") return Promise.resolve({ type: JS, body: CLIENT_SCRIPT });
  const bundle = Object.hasOwn(BUNDLES, name) ? BUNDLES[name] : undefined;
  if (!bundle) return undefined;
  let found = loaded.get(name);
  if (!found) {
    found = readBundle(name, bundle);
    found.catch(() => loaded.delete(name));
    loaded.set(name, found);
  }
  return found;
}
