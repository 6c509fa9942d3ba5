/**
 * A server for the benches that also watches its own event loop: `deno run -A
 * bench/_lag_server.ts <checkout>` serves `SW_LOCAL_STORAGE` with that checkout's `serve()`,
 * prints `Serving at <url>/api/v1`, and on SIGTERM prints `lag <json>` (every stall of the event
 * loop over 20 ms, from a 5 ms timer) before it shuts down.
 *
 * @module
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const code = Deno.args[0];
const { serve } = await import(pathToFileURL(join(code, "lib/server/mod.ts")).href);
const stalls: number[] = [];
let last = performance.now();
const timer = setInterval(() => {
  const now = performance.now();
  if (now - last - 5 > 20) stalls.push(Math.round(now - last - 5));
  last = now;
}, 5);
const server = await serve({
  root: Deno.env.get("SW_LOCAL_STORAGE")!,
  token: Deno.env.get("SW_SERVER_TOKEN")!,
  port: 0,
  durability: Deno.env.get("SW_SERVER_DURABILITY") ?? "fsync",
});
console.log(`Serving at ${server.url}/api/v1`);
Deno.addSignalListener("SIGTERM", async () => {
  clearInterval(timer);
  console.log(`lag ${JSON.stringify(stalls)}`);
  await server.shutdown();
  Deno.exit(0);
});
