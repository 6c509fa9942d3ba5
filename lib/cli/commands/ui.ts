/**
 * `swcli ui`: a read-only web console for the local standalone root on 127.0.0.1, until
 * interrupted (SIGINT/SIGTERM, or the stop signal of the I/O). No token: it answers only to this
 * machine's loopback address.
 *
 * @module
 */

import { serveConsole } from "../../server/mod.ts";
import { UsageError } from "../errors.ts";
import type { Command, Group } from "../command.ts";

const start: Command = {
  name: "start",
  summary: "Serve a read-only web console for the local storage root on 127.0.0.1",
  description: "Open the printed URL in a browser: jobs, their summaries, charts and tables, " +
    "comparisons, models and datasets. Nothing is served to other hosts; to share jobs, " +
    "run 'swcli server start' (the console there signs in with the server's token).",
  positionals: [],
  options: [
    {
      name: "port",
      type: "integer",
      value: "PORT",
      description: "Port; 0 picks one (default 8083)",
    },
    {
      name: "root",
      type: "string",
      value: "DIR",
      description: "Storage root (default: the configured one)",
    },
    { name: "project", short: "p", type: "string", value: "NAME", description: "Project / opens" },
  ],
  examples: ["swcli ui start", "swcli ui start --port 9000", "swcli -o json ui start --port 0"],
  async run(ctx, { options }) {
    const port = (options.port as number | undefined) ?? 8083;
    if (port < 0 || port > 65535) {
      throw new UsageError(`Invalid --port ${port}: expected 0..65535`, "ui start");
    }
    const root = (options.root as string | undefined) ?? await ctx.root();
    const ui = await serveConsole({ root, port, project: options.project as string | undefined });
    const stopped = Promise.withResolvers<void>();
    const stop = () => stopped.resolve();
    const signals: Deno.Signal[] = ctx.io.signal ? [] : ["SIGINT", "SIGTERM"];
    for (const s of signals) Deno.addSignalListener(s, stop);
    ctx.io.signal?.addEventListener("abort", stop, { once: true });
    if (ctx.io.signal?.aborted) stop();
    try {
      if (ctx.json) await ctx.printJsonLine({ url: ui.url, root });
      else await ctx.print(`Console for ${root} at ${ui.url}/ (read-only; Ctrl-C stops it)`);
      await stopped.promise;
    } finally {
      for (const s of signals) Deno.removeSignalListener(s, stop);
      ctx.io.signal?.removeEventListener("abort", stop);
      await ui.shutdown();
    }
    if (!ctx.json) await ctx.note("console stopped");
    return 0;
  },
};

/** The `ui` group: `swcli ui [start] [--port P]`. */
export const UI_GROUP: Group = {
  name: "ui",
  default: "start",
  summary: "Browse the local storage root's jobs in a web console (read-only, 127.0.0.1)",
  commands: [start],
};
