/**
 * Starts the REST server on a socket over a storage root: `serve({ host, port, root, token })`,
 * and `deno task serve` (reads `SW_SERVER_HOST`, `SW_SERVER_PORT`, `SW_LOCAL_STORAGE`,
 * `SW_SERVER_TOKEN`). Jobs created through the API run in a Worker each.
 *
 * @module
 */
import { leaseDatastore } from "../standalone/mod.ts";
import type { Instance } from "../sdk/mod.ts";
import { createApp } from "./app.ts";
import type { JobLauncher } from "../jobs/mod.ts";
import { StandaloneInstance } from "../standalone/mod.ts";

/** Options of {@link serve}. */
export interface ServeOptions {
  /** Interface to listen on. @default "127.0.0.1" */
  host?: string;
  /** Port; 0 picks a free one. @default 8082 */
  port?: number;
  /** The storage root whose datastore is served. */
  root: string;
  /** The Bearer token clients must send. */
  token: string;
  /** The instance served by the project and job routes. @default a `StandaloneInstance` over `root` */
  instance?: Instance;
  /** Runs the jobs created through the API. @default a `WorkerLauncher` (a Worker per job) */
  launcher?: JobLauncher;
}

/** A running server. */
export interface RunningServer {
  /** The base URL, `http://host:port`. */
  readonly url: string;
  /** Stops accepting, lets in-flight requests finish, closes the datastore. */
  shutdown(): Promise<void>;
}

/**
 * Serves a storage root over HTTP until `shutdown()`: the datastore routes, and the project and
 * job routes over a standalone instance of the root, with jobs created through the API run in
 * Workers.
 *
 * Requires `--allow-net`, and `--allow-read`/`--allow-write` on the root.
 *
 * @param options Host, port, root, token, optional instance.
 * @returns The running server.
 * @throws {DatastoreLockedError} When another process holds the root's datastore.
 * @example Serve a temporary root on a free port
 * ```ts
 * import assert from "node:assert/strict";
 * import { serve } from "@starwhale/sdk/server";
 * const root = await Deno.makeTempDir();
 * const server = await serve({ port: 0, root, token: "t" });
 * const res = await fetch(`${server.url}/health`);
 * assert((await res.json()).status === "ok");
 * await server.shutdown();
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function serve(options: ServeOptions): Promise<RunningServer> {
  const lease = await leaseDatastore(options.root, { durability: "flush" });
  const owned = options.instance
    ? undefined
    : new StandaloneInstance(options.root, { durability: "flush" });
  const instance = options.instance ?? owned;
  await owned?.open(); // ends the jobs an earlier server left RUNNING (their runner is gone)
  const app = createApp({
    store: lease.ds,
    token: options.token,
    instance,
    launcher: options.launcher,
  });
  let server: Deno.HttpServer<Deno.NetAddr>;
  try {
    server = Deno.serve({
      hostname: options.host ?? "127.0.0.1",
      port: options.port ?? 8082,
      onListen: () => {},
    }, (req, info) => {
      // Abort the request's work only when the client goes away, not when the answer is sent.
      const gone = new AbortController();
      info.completed?.catch(() => gone.abort());
      return app.fetch(new Request(req, { signal: gone.signal }));
    });
  } catch (e) {
    await app.close();
    await owned?.close();
    await lease.release();
    throw e;
  }
  const { hostname, port } = server.addr;
  let stopping: Promise<void> | undefined;
  return {
    url: `http://${hostname}:${port}`,
    shutdown(): Promise<void> {
      stopping ??= (async () => {
        await server.shutdown();
        await app.close();
        await owned?.close();
        await lease.ds.flush();
        await lease.release();
      })();
      return stopping;
    },
  };
}

if (import.meta.main) {
  const env = (k: string) => Deno.env.get(k);
  const root = env("SW_LOCAL_STORAGE") ?? `${env("HOME")}/.starwhale`;
  const token = env("SW_SERVER_TOKEN");
  if (!token) {
    console.error("Set SW_SERVER_TOKEN to the token clients must send");
    Deno.exit(2);
  }
  const server = await serve({
    root,
    token,
    host: env("SW_SERVER_HOST") ?? "127.0.0.1",
    port: Number(env("SW_SERVER_PORT") ?? 8082),
  });
  console.log(`Serving ${root} at ${server.url}/api/v1`);
  const stop = () => server.shutdown().then(() => Deno.exit(0));
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
}
