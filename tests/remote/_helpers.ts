/**
 * Helpers for the remote adapter's tests: a datastore served in-process by the server's app and
 * read through a `RemoteInstance` whose requests a test can watch or change on their way.
 */

import { Datastore } from "../../datastore/mod.ts";
import { createApp, type ServerApp } from "../../lib/server/mod.ts";
import { RemoteInstance } from "../../lib/remote/mod.ts";

/** The token the served app takes. */
export const TOKEN = "t0ken";

/** A datastore, the app serving it and a remote instance over it; `await using` closes all. */
export interface ServedStore extends AsyncDisposable {
  ds: Datastore;
  app: ServerApp;
  remote: RemoteInstance;
}

/**
 * Serves a new datastore (in a temporary folder) in-process.
 *
 * @param around Each request of the remote instance goes through it; `next` is the app. By
 *   default a request goes straight to the app.
 * @returns The datastore, the app and the remote instance.
 */
export async function servedStore(
  around: (request: Request, next: (request: Request) => Promise<Response>) => Promise<Response> = (
    request,
    next,
  ) => next(request),
): Promise<ServedStore> {
  const dir = await Deno.makeTempDir({ prefix: "sw-remote-" });
  const ds = await Datastore.open(dir, { durability: "none" });
  const app = createApp({ store: ds, token: TOKEN });
  const remote = new RemoteInstance({
    url: "http://sw",
    token: TOKEN,
    fetch: (request) => around(request, async (r) => await app.fetch(r)),
  });
  return {
    ds,
    app,
    remote,
    async [Symbol.asyncDispose]() {
      await remote.close();
      await app.close();
      await ds.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}
