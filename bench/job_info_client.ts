/**
 * The load generator of `server_job_info_bench.ts`: fires `total` GET requests for one job's info
 * at a server, `concurrency` at a time, and prints `{ requests, failures, ms }` as JSON.
 *
 * Run: `deno run --allow-net bench/job_info_client.ts <url> <token> <total> <concurrency>`.
 *
 * @module
 */

const [url, token, totalText, concurrencyText] = Deno.args;
const total = Number(totalText), concurrency = Number(concurrencyText);
if (!url || !token || !(total > 0) || !(concurrency > 0)) {
  console.error("usage: job_info_client.ts <url> <token> <total> <concurrency>");
  Deno.exit(2);
}
const headers = { authorization: `Bearer ${token}` };
let next = 0, failures = 0;
const lane = async () => {
  while (next < total) {
    next++;
    const res = await fetch(url, { headers });
    const body = await res.json();
    if (res.status !== 200 || body.code !== "success") failures++;
  }
};
// One warm-up request opens the connection pool before the clock starts.
await (await fetch(url, { headers })).body?.cancel();
const t = performance.now();
await Promise.all(Array.from({ length: concurrency }, lane));
console.log(JSON.stringify({ requests: total, failures, ms: performance.now() - t }));
