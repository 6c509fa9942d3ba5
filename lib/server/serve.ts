/**
 * Starts the REST server on a socket over a storage root: `serve({ host, port, root, token })`,
 * and `deno task serve` (reads `SW_SERVER_HOST`, `SW_SERVER_PORT`, `SW_LOCAL_STORAGE`,
 * `SW_SERVER_TOKEN`, `SW_SERVER_DURABILITY`). Jobs created through the API run in a Worker each.
 *
 * @module
 */
import type { Durability } from "../../datastore/mod.ts";
import { leaseDatastore } from "../standalone/mod.ts";
import type { Instance } from "../sdk/mod.ts";
import { createApp } from "./app.ts";
import type { JobLauncher } from "../jobs/mod.ts";
import { StandaloneInstance } from "../standalone/mod.ts";

/**
 * What each durability mode of the server guarantees for an acknowledged write (a 200 answer to
 * `updateTable`, a job's rows and summary).
 */
export const DURABILITY_GUARANTEES: Readonly<Record<Durability, string>> = {
  fsync: "acknowledged once synced to disk: survives a crash of the process and a power loss",
  flush: "acknowledged once handed to the OS: survives a crash of the process, " +
    "a power loss may lose the last writes",
  none: "acknowledged at once, written in the background: a crash of the process " +
    "may lose the last writes",
};

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
  /**
   * When a write is acknowledged (see {@link DURABILITY_GUARANTEES}), if this server opens the
   * root's datastore. @default "fsync"
   */
  durability?: Durability;
}

/** A running server. */
export interface RunningServer {
  /** The base URL, `http://host:port`. */
  readonly url: string;
  /** When the server acknowledges writes. */
  readonly durability: Durability;
  /**
   * Stops accepting, lets in-flight requests finish, makes every write durable and closes the
   * datastore; rejects (after releasing the datastore) when the last writes cannot be made durable.
   */
  shutdown(): Promise<void>;
}

/**
 * Serves a storage root over HTTP until `shutdown()`: the datastore routes, and the project and
 * job routes over a standalone instance of the root, with jobs created through the API run in
 * Workers. Writes are acknowledged once synced to disk unless `durability` says otherwise.
 *
 * Requires `--allow-net`, and `--allow-read`/`--allow-write` on the root.
 *
 * @param options Host, port, root, token, optional instance, launcher and durability.
 * @returns The running server.
 * @throws {TypeError} On an unknown durability.
 * @throws {DatastoreLockedError} When another process holds the root's datastore.
 * @example Serve a temporary root on a free port
 * ```ts
 * import assert from "node:assert/strict";
 * import { serve } from "@starwhale/sdk/server";
 * const root = await Deno.makeTempDir();
 * const server = await serve({ port: 0, root, token: "t" });
 * const res = await fetch(`${server.url}/health`);
 * assert.equal((await res.json()).status, "ok");
 * assert.equal(server.durability, "fsync");
 * await server.shutdown();
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export async function serve(options: ServeOptions): Promise<RunningServer> {
  const durability = options.durability ?? "fsync";
  if (!Object.hasOwn(DURABILITY_GUARANTEES, durability)) {
    throw new TypeError(
      `Cannot serve with durability ${JSON.stringify(durability)}: expected fsync, flush or none`,
    );
  }
  const lease = await leaseDatastore(options.root, { durability });
  const owned = options.instance ? undefined : new StandaloneInstance(options.root, { durability });
  const instance = options.instance ?? owned;
  try {
    await owned?.open(); // ends the jobs an earlier server left RUNNING: their runner is gone
  } catch (e) {
    await owned?.close();
    await lease.release();
    throw e;
  }
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
      // Abort the request's work only when the client goes away, not when the answer is sent
      // (built from its parts: reading `req.signal` would print Deno's legacy-abort warning).
      // A WebSocket upgrade (`/api/v1/log/online/…`) needs the request as it came.
      if (req.headers.get("upgrade")?.toLowerCase() === "websocket") return app.fetch(req);
      const gone = new AbortController();
      info.completed?.catch(() => gone.abort());
      const { method, headers, body } = req;
      return app.fetch(new Request(req.url, { method, headers, body, signal: gone.signal }));
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
    durability,
    shutdown(): Promise<void> {
      stopping ??= (async () => {
        try {
          await server.shutdown();
          await app.close();
          await owned?.close();
          await lease.ds.flush();
        } finally {
          await lease.release();
        }
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
    durability: (env("SW_SERVER_DURABILITY") ?? "fsync") as Durability,
  });
  console.log(`Serving ${root} at ${server.url}/api/v1`);
  const stop = () =>
    server.shutdown().then(() => Deno.exit(0), (e) => {
      console.error(
        `The server stopped, but its last writes may not be durable: ${e?.message ?? e}`,
      );
      Deno.exit(1);
    });
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
}
