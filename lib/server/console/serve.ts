/**
 * `serveConsole`: the console alone, for a local standalone root, on the loopback interface —
 * read-only, no token, and deaf to requests whose `Host` is not this machine's loopback name
 * (so a web page elsewhere cannot reach it through a DNS name that points here).
 *
 * @module
 */

import type { Instance } from "../../sdk/mod.ts";
import { StandaloneInstance } from "../../standalone/mod.ts";
import { createConsole } from "./console.tsx";

/** Options of {@link serveConsole}. */
export interface ServeConsoleOptions {
  /** The storage root to show (opened read-side as a standalone instance). */
  root?: string;
  /** Or the instance to show (then `root` is ignored; the caller closes it). */
  instance?: Instance;
  /** Port; 0 picks a free one. @default 8083 */
  port?: number;
  /** The project `/` opens. @default "self" */
  project?: string;
}

/** A running local console. */
export interface ConsoleServer {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** Stops serving and closes what it opened. */
  shutdown(): Promise<void>;
}

const LOOPBACK_NAMES = ["127.0.0.1", "localhost", "[::1]"];

/** Whether a `Host` header names this machine's loopback interface on `port`. */
export function isLoopbackHost(host: string | null, port: number): boolean {
  return host !== null && LOOPBACK_NAMES.some((n) => host === `${n}:${port}`);
}

/**
 * Serves a read-only console for a standalone root on 127.0.0.1 until `shutdown()`.
 *
 * Needs `--allow-net=127.0.0.1`, `--allow-read` on the root and Deno's npm cache (the chart
 * library), `--allow-write` on the root (its datastore lock), `--allow-env`.
 *
 * @param options Root or instance, port, project.
 * @returns The running console.
 * @throws {TypeError} With neither `root` nor `instance`. {Deno.errors.AddrInUse} A busy port.
 * @example Serve a temporary root on a free port
 * ```ts
 * import assert from "node:assert/strict";
 * import { serveConsole } from "./serve.ts";
 * const root = await Deno.makeTempDir();
 * const ui = await serveConsole({ root, port: 0 });
 * const res = await fetch(`${ui.url}/projects/self/jobs`);
 * assert.equal(res.status, 200);
 * assert.match(await res.text(), /No jobs/);
 * await ui.shutdown();
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function serveConsole(options: ServeConsoleOptions): Promise<ConsoleServer> {
  if (!options.instance && !options.root) {
    throw new TypeError("Cannot serve the console: give 'root' or 'instance'");
  }
  const owned = options.instance ? undefined : new StandaloneInstance(options.root!, {
    keepOpen: false,
  });
  const app = createConsole({ instance: options.instance ?? owned, project: options.project });
  let port = options.port ?? 8083;
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({ hostname: "127.0.0.1", port, onListen: () => {} }, (req) => {
      if (!isLoopbackHost(req.headers.get("host"), port)) {
        return new Response("This console answers only to 127.0.0.1 and localhost", {
          status: 421,
        });
      }
      return app.fetch(req);
    });
  } catch (e) {
    await owned?.close();
    throw e;
  }
  port = server.addr.port;
  let stopping: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    shutdown(): Promise<void> {
      stopping ??= (async () => {
        await server.shutdown();
        await owned?.close();
      })();
      return stopping;
    },
  };
}
