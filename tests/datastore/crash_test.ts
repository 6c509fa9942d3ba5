import { Datastore, type Row } from "../../datastore/mod.ts";
import { type FaultMode, FaultyStorage } from "./faulty_storage.ts";
import { MemoryDisk } from "./memory_storage.ts";
import { assert, assertEquals, collect, Rng } from "./_helpers.ts";

const DIR = "/ds";
const BATCHES = 10;
const ROWS = 6;

function batchRows(b: number): Row[] {
  return Array.from(
    { length: ROWS },
    (_, j) => ({ id: b * 100 + j, batch: b, j, pad: "p".repeat(40) }),
  );
}

/** What the workload saw acknowledged. */
interface Acks {
  batches: Set<number>;
  deleted: boolean;
}

/**
 * Updates, a delete, flushes, a compaction and a close. A crash (`fail`, `truncate`) stops it;
 * after a transient fault (`enospc`, `eio`) the fault clears and it goes on, so the store must
 * be usable again. Batch 1 is deleted after batch 6; table `u` gets every third batch.
 */
async function workload(storage: FaultyStorage): Promise<Acks> {
  const acks: Acks = { batches: new Set(), deleted: false };
  let ds: Datastore | undefined;
  const step = async (work: () => Promise<unknown>): Promise<boolean> => {
    try {
      await work();
      return true;
    } catch (e) {
      if (storage.crashed) throw e;
      storage.heal();
      return false;
    }
  };
  try {
    while (ds === undefined) {
      try {
        ds = await Datastore.open(DIR, { storage, compactionTrigger: 2 });
      } catch (e) {
        if (storage.crashed) throw e;
        storage.heal();
      }
    }
    for (let b = 0; b < BATCHES; b++) {
      if (await step(() => ds!.update(b % 3 === 2 ? "u" : "t", batchRows(b)))) acks.batches.add(b);
      if (b === 3 || b === 7) await step(() => ds!.flush());
      if (b === 5) await step(() => ds!.compact());
      if (b === 6) {
        acks.deleted = await step(() => ds!.delete("t", batchRows(1).map((r) => r.id as number)));
      }
    }
    if (!storage.crashed) {
      assert(await step(() => ds!.update("t", batchRows(BATCHES))), "usable after the fault");
      acks.batches.add(BATCHES);
      assertEquals(ds.writeFailure, undefined);
    }
    await step(() => ds!.close());
  } catch {
    await ds?.close().catch(() => {});
  }
  return acks;
}

async function checkRecovered(disk: MemoryDisk, acks: Acks, what: string): Promise<void> {
  await using ds = await Datastore.open(DIR, { storage: disk });
  const rows = [...await collect(ds.scan("t")), ...await collect(ds.scan("u"))];
  const byBatch = new Map<number, Row[]>();
  for (const r of rows) {
    assertEquals(r, batchRows(r.batch as number)[r.j as number], `${what}: row intact`);
    byBatch.set(r.batch as number, [...byBatch.get(r.batch as number) ?? [], r]);
  }
  for (let b = 0; b <= BATCHES; b++) {
    const n = byBatch.get(b)?.length ?? 0;
    assert(n === 0 || n === ROWS, `${what}: batch ${b} is half visible (${n} of ${ROWS} rows)`);
    if (b === 1) {
      if (acks.deleted) assertEquals(n, 0, `${what}: the acknowledged delete of batch 1 is lost`);
      continue;
    }
    if (acks.batches.has(b)) assertEquals(n, ROWS, `${what}: acknowledged batch ${b} is lost`);
  }
  // A recovered store accepts writes and survives another reopen.
  await ds.update("t", [{ id: 99_999, batch: -1 }]);
}

Deno.test("Datastore recovers every acknowledged batch after a fault at any write, sync, rename, create, remove or truncate, and after a power loss", async (t) => {
  const counter = new FaultyStorage({ base: new MemoryDisk() });
  const clean = await workload(counter);
  assertEquals(clean.batches.size, BATCHES + 1);
  const points = counter.count;
  assert(points > 20, `the workload has ${points} fault points`);
  const rng = new Rng(20261201);
  for (const mode of ["fail", "truncate", "enospc", "eio"] as FaultMode[]) {
    // A torn sync or rename is the same as a failed one: tear only the writes.
    const at = [...counter.ops.keys()].filter((n) =>
      mode !== "truncate" || counter.ops[n].startsWith("write")
    );
    await t.step(`${mode} at each of ${at.length} points, then a power loss`, async () => {
      for (const n of at) {
        for (const powerLoss of [false, true]) {
          const disk = new MemoryDisk();
          const storage = new FaultyStorage({ base: disk, failAt: n, mode });
          const acks = await workload(storage);
          assert(storage.faults > 0 || mode === "enospc", `fault ${n} happened`);
          storage.crash();
          if (powerLoss) disk.powerLoss(rng);
          const what = `${mode} at ${n} (${storage.failedOp})${powerLoss ? " + power loss" : ""}`;
          await checkRecovered(disk, acks, what);
        }
      }
    });
  }
});
