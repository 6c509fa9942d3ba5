/**
 * A Worker that GETs `<url>/health` every 25 ms until told to stop, then posts the latencies:
 * on its own thread, so the clients' work in the bench's main thread does not delay it.
 *
 * @module
 */
/// <reference lib="deno.worker" />
let stop = false;
self.onmessage = async (e: MessageEvent<{ url?: string; stop?: boolean }>) => {
  if (e.data.stop) return void (stop = true);
  const latencies: number[] = [];
  while (!stop) {
    const t = performance.now();
    await (await fetch(`${e.data.url}/health`)).text();
    latencies.push(performance.now() - t);
    await new Promise((r) => setTimeout(r, 25));
  }
  self.postMessage(latencies);
  self.close();
};
