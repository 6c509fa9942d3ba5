/**
 * `swcli server start`: serves the standalone instance's storage root over the Starwhale REST API
 * until interrupted (SIGINT/SIGTERM, or the stop signal of the I/O).
 *
 * @module
 */

import { type Durability, DURABILITY_GUARANTEES, serve } from "../../server/mod.ts";
import { StandaloneInstance } from "../../standalone/mod.ts";
import { UsageError } from "../errors.ts";
import type { Command, Group } from "../command.ts";

const start: Command = {
  name: "start",
  summary: "Serve the storage root over the Starwhale REST API (/api/v1) until interrupted",
  description: "Clients log in with 'swcli instance login http://HOST:PORT --token TOKEN " +
    "--alias NAME' (the line is printed at start); the token is accepted with or without " +
    "'Bearer '. " +
    "Without --token (or SW_SERVER_TOKEN) a random token is made and printed. --durability says " +
    "when a write is acknowledged: " +
    Object.entries(DURABILITY_GUARANTEES).map(([mode, what]) => `${mode}: ${what}`).join("; ") +
    ".",
  positionals: [],
  options: [
    { name: "host", type: "string", value: "HOST", description: "Interface (default 127.0.0.1)" },
    {
      name: "port",
      type: "integer",
      value: "PORT",
      description: "Port; 0 picks one (default 8082)",
    },
    {
      name: "root",
      type: "string",
      value: "DIR",
      description: "Storage root (default: the configured one)",
    },
    {
      name: "token",
      type: "string",
      value: "TOKEN",
      description: "Token clients must send",
    },
    {
      name: "durability",
      type: "string",
      value: "fsync|flush|none",
      description: "When writes are acknowledged (default fsync: once synced to disk)",
    },
  ],
  examples: [
    "swcli server start --port 8082 --token secret",
    "swcli server start --host 0.0.0.0 --port 0 --root /data/starwhale",
  ],
  async run(ctx, { options }) {
    const port = (options.port as number | undefined) ?? 8082;
    if (port < 0 || port > 65535) throw new UsageError(`Invalid --port ${port}`, "server start");
    const root = (options.root as string | undefined) ?? await ctx.root();
    const token = (options.token as string | undefined) ?? ctx.io.env("SW_SERVER_TOKEN") ??
      crypto.randomUUID().replaceAll("-", "");
    const durability = (options.durability as string | undefined) ?? "fsync";
    if (!Object.hasOwn(DURABILITY_GUARANTEES, durability)) {
      throw new UsageError(
        `Invalid --durability ${JSON.stringify(durability)}: expected fsync, flush or none`,
        "server start",
      );
    }
    const instance = new StandaloneInstance(root, { durability: durability as Durability });
    let server;
    try {
      server = await serve({
        host: options.host as string | undefined,
        port,
        root,
        token,
        instance,
        durability: durability as Durability,
      });
    } catch (e) {
      await instance.close();
      throw e;
    }
    const stopped = Promise.withResolvers<void>();
    const stop = () => stopped.resolve();
    const signals: Deno.Signal[] = ctx.io.signal ? [] : ["SIGINT", "SIGTERM"];
    for (const s of signals) Deno.addSignalListener(s, stop);
    ctx.io.signal?.addEventListener("abort", stop, { once: true });
    if (ctx.io.signal?.aborted) stop();
    try {
      if (ctx.json) {
        await ctx.printJsonLine({
          url: server.url,
          api: `${server.url}/api/v1`,
          console: `${server.url}/`,
          root,
          token,
        });
      } else {
        await ctx.print(`Serving ${root} at ${server.url}/api/v1`);
        const fromEnv = !options.token && ctx.io.env("SW_SERVER_TOKEN") !== undefined;
        if (!options.token && !fromEnv) await ctx.print(`Token: ${token}`);
        // The line works for this swcli and for Starwhale's Python swcli (which needs --alias).
        const typed = fromEnv ? '"$SW_SERVER_TOKEN"' : token;
        await ctx.print(
          `Log in with: swcli instance login ${server.url} --token ${typed} --alias server`,
        );
        await ctx.print(`Console: ${server.url}/ (sign in with the token)`);
      }
      await stopped.promise;
    } finally {
      for (const s of signals) Deno.removeSignalListener(s, stop);
      ctx.io.signal?.removeEventListener("abort", stop);
      await server.shutdown();
      await instance.close();
    }
    if (!ctx.json) await ctx.note("server stopped");
    return 0;
  },
};

/** The `server` group. */
export const SERVER_GROUP: Group = {
  name: "server",
  summary: "Run a Starwhale server over the local storage root",
  commands: [start],
};
