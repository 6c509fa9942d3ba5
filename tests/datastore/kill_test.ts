import { Datastore, type Row } from "../../datastore/mod.ts";
import { batchRows, ROWS } from "./crash_batches.ts";
import { assert, assertEquals, collect, tempDir } from "./_helpers.ts";

const WRITER = new URL("./crash_writer.ts", import.meta.url).pathname;

/** Starts the writer, reads its stdout until `acks` more batches are acknowledged, kills it. */
async function runAndKill(dir: string, acks: number, durability: string): Promise<number> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", WRITER, dir, durability],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  let last = -1;
  let seen = 0;
  let buffered = "";
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  try {
    while (seen < acks) {
      const { value, done } = await reader.read();
      if (done) throw new Error("the writer exited before it was killed");
      buffered += value;
      const lines = buffered.split("\n");
      buffered = lines.pop()!;
      for (const line of lines) {
        const m = /^acked (\d+)$/.exec(line);
        if (m) {
          last = Number(m[1]);
          seen++;
        }
      }
    }
    child.kill("SIGKILL");
    // Lines printed between the last read and the kill were acknowledged too.
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      for (const m of (buffered + value).matchAll(/^acked (\d+)$/gm)) last = Number(m[1]);
      buffered = (buffered + value).slice((buffered + value).lastIndexOf("\n") + 1);
    }
  } finally {
    reader.releaseLock();
    await child.stdout.cancel().catch(() => {});
  }
  const status = await child.status;
  assertEquals(status.signal, "SIGKILL");
  return last;
}

async function check(dir: string, lastAcked: number): Promise<number> {
  await using ds = await Datastore.open(dir);
  const counts = new Map<number, number>();
  for (const row of await collect(ds.scan("t"))) {
    const b = row.batch as number;
    assertEquals(row, batchRows(b)[row.j as number] as Row);
    counts.set(b, (counts.get(b) ?? 0) + 1);
  }
  for (let b = 0; b <= lastAcked; b++) {
    assertEquals(counts.get(b), ROWS, `acknowledged batch ${b} is missing rows`);
  }
  for (const [b, n] of counts) assert(n === ROWS, `batch ${b} is half visible: ${n} rows`);
  return Math.max(-1, ...counts.keys());
}

Deno.test("Datastore keeps every acknowledged batch through kill -9 of the writer", async (t) => {
  await using dir = await tempDir();
  // Several kills into one directory, each at a different point of the writer's progress.
  const plan: [number, string][] = [[3, "fsync"], [37, "fsync"], [64, "flush"], [11, "none"]];
  for (const [acks, durability] of plan) {
    await t.step(`killed after ${acks} more batches (${durability})`, async () => {
      const last = await runAndKill(dir.path, acks, durability);
      // "none" acknowledges before the write reaches the OS: only fsync/flush promise survival.
      const newest = await check(dir.path, durability === "none" ? -1 : last);
      if (durability !== "none") assert(newest >= last, "the newest batch survived");
    });
  }
});
