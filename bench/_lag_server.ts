/**
 * A server for the benches that also watches its own event loop: `deno run -A
 * bench/_lag_server.ts <checkout>` serves `SW_LOCAL_STORAGE` with that checkout's `serve()`,
 * prints `Serving at <url>/api/v1`, and on SIGTERM prints `lag <json>` before it shuts down: every
 * stall of the event loop over 20 ms (from a 5 ms timer) as `[wall ms, cpu ms]`, the CPU time the
 * process used meanwhile telling work that held the loop (cpu close to wall) from a machine that
 * did not run the process (cpu far below wall).
 *
 * @module
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import process from "node:process";

const code = Deno.args[0];
const { serve } = await import(pathToFileURL(join(code, "lib/server/mod.ts")).href);
const stalls: [number, number][] = [];
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
let last = performance.now(), lastCpu = cpuMs();
const timer = setInterval(() => {
  const now = performance.now(), cpu = cpuMs();
  if (now - last - 5 > 20) stalls.push([Math.round(now - last - 5), Math.round(cpu - lastCpu)]);
  [last, lastCpu] = [now, cpu];
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
