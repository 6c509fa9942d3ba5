/**
 * Seeded random fault test: random updates, deletes, mixed batches, flushes and compactions
 * against a reference model, with one random fault (crash, torn write, ENOSPC or EIO) at a
 * random fault point and often a power loss at the end; then recovery, checked key by key.
 *
 * A write that failed may or may not survive, so each key keeps the set of values the model
 * allows: an acknowledged write applies to every candidate, a failed one may apply or not.
 */
import { Datastore, type Key, type Row, type TableWrite } from "../../datastore/mod.ts";
import { type FaultMode, FaultyStorage } from "./faulty_storage.ts";
import { MemoryDisk } from "./memory_storage.ts";
import { assert, assertEquals, collect, Rng } from "./_helpers.ts";

const SEED = 20261201;
const CASES = 500;
const OPS = 24;
const TABLES = ["a", "b"];
const DIR = "/ds";

/** Possible rows of one key (`undefined`: no row), as JSON strings. */
type Candidates = Set<string>;

class Model {
  /** table -> key -> candidates */
  #keys = new Map<string, Map<Key, Candidates>>();

  #of(table: string, key: Key): Candidates {
    let t = this.#keys.get(table);
    if (t === undefined) this.#keys.set(table, t = new Map());
    let c = t.get(key);
    if (c === undefined) t.set(key, c = new Set(["none"]));
    return c;
  }

  /** Applies one write's effect; `certain` when it was acknowledged. */
  apply(parts: TableWrite[], certain: boolean): void {
    // Within one batch the parts apply in order; a failed batch applies all or nothing.
    const touched = new Map<string, { table: string; key: Key; before: string[] }>();
    for (const p of parts) {
      for (const r of p.rows ?? []) {
        const id = `${p.table}\0${r.id}`;
        if (!touched.has(id)) {
          touched.set(id, {
            table: p.table,
            key: r.id as Key,
            before: [...this.#of(p.table, r.id as Key)],
          });
        }
      }
      for (const k of p.deletes ?? []) {
        const id = `${p.table}\0${k}`;
        if (!touched.has(id)) {
          touched.set(id, { table: p.table, key: k, before: [...this.#of(p.table, k)] });
        }
      }
    }
    for (const { table, key, before } of touched.values()) {
      const after = before.map((json) => {
        let row = parse(json);
        for (const p of parts) {
          if (p.table !== table) continue;
          for (const r of p.rows ?? []) if (r.id === key) row = { ...(row ?? {}), ...r };
          for (const k of p.deletes ?? []) if (k === key) row = undefined;
        }
        return canonical(row);
      });
      const c = this.#of(table, key);
      if (certain) c.clear();
      for (const a of after) c.add(a);
    }
  }

  /** Every key the model knows, with its candidates. */
  *entries(): Generator<[string, Key, Candidates]> {
    for (const [t, keys] of this.#keys) for (const [k, c] of keys) yield [t, k, c];
  }
}

/** Canonical JSON of a row (columns sorted). */
function canonical(row: Row | undefined): string {
  if (row === undefined) return "none";
  return JSON.stringify(Object.keys(row).sort().map((k) => [k, row[k]]));
}

function parse(json: string): Row | undefined {
  return json === "none" ? undefined : Object.fromEntries(JSON.parse(json));
}

function randomRows(rng: Rng): Row[] {
  return Array.from({ length: 1 + rng.int(4) }, () => {
    const row: Row = { id: rng.int(12) };
    for (const col of ["x", "y", "z"]) if (rng.chance(0.6)) row[col] = rng.int(100);
    if (rng.chance(0.2)) row.s = "s".repeat(rng.int(200));
    return row;
  });
}

interface Figures {
  cases: number;
  faults: number;
  powerLosses: number;
  acknowledged: number;
  lost: number;
  wrong: number;
}

async function runCase(seed: number, points: number, figures: Figures): Promise<void> {
  const rng = new Rng(seed);
  const disk = new MemoryDisk();
  const mode = rng.pick<FaultMode>(["fail", "truncate", "enospc", "eio"]);
  const storage = new FaultyStorage({ base: disk, failAt: rng.int(points), mode });
  const model = new Model();
  let ds: Datastore | undefined;
  try {
    ds = await Datastore.open(DIR, { storage, compactionTrigger: 2, memtableBytes: 4096 });
  } catch {
    // A fault during the first open: nothing was acknowledged.
  }
  for (let i = 0; i < OPS && ds !== undefined && !storage.crashed; i++) {
    const op = rng.int(10);
    let parts: TableWrite[] | undefined;
    let work: Promise<unknown>;
    if (op < 4) {
      parts = [{ table: rng.pick(TABLES), rows: randomRows(rng) }];
      work = ds.update(parts[0].table, parts[0].rows!);
    } else if (op < 6) {
      parts = [{ table: rng.pick(TABLES), deletes: [rng.int(12), rng.int(12)] }];
      work = ds.delete(parts[0].table, parts[0].deletes!);
    } else if (op < 8) {
      parts = TABLES.map((table) => ({
        table,
        rows: randomRows(rng),
        deletes: rng.chance(0.5) ? [rng.int(12)] : undefined,
      }));
      work = ds.write(parts);
    } else if (op < 9) work = ds.flush();
    else work = ds.compact();
    const ok = await work.then(() => true, () => false);
    if (parts !== undefined) {
      model.apply(parts, ok);
      if (ok) figures.acknowledged++;
    }
    if (!ok && !storage.crashed) storage.heal();
  }
  if (rng.chance(0.6) || storage.crashed) {
    storage.crash();
    if (rng.chance(0.7)) {
      disk.powerLoss(rng);
      figures.powerLosses++;
    }
    await ds?.close().catch(() => {});
  } else {
    await ds?.close().catch(() => {});
    storage.crash();
  }
  figures.faults += storage.faults + (mode === "enospc" && storage.full ? 1 : 0);
  await using again = await Datastore.open(DIR, { storage: disk });
  const seen = new Map<string, Row>();
  for (const t of TABLES) {
    for (const row of await collect(again.scan(t))) seen.set(`${t}\0${row.id}`, row);
  }
  for (const [t, k, c] of model.entries()) {
    const got = canonical(seen.get(`${t}\0${k}`));
    seen.delete(`${t}\0${k}`);
    if (c.has(got)) continue;
    if (got === "none") figures.lost++;
    else figures.wrong++;
    assert(
      false,
      `seed ${seed} (${mode}): ${t}/${k} is ${got}, expected one of ${[...c].join(" | ")}`,
    );
  }
  assertEquals([...seen.keys()], [], `seed ${seed}: rows no write made`);
}

Deno.test(`Datastore loses no acknowledged write over ${CASES} seeded random fault cases`, async () => {
  // The fault points of a case without faults bound where a fault can land.
  const probe = new FaultyStorage({ base: new MemoryDisk() });
  const ds = await Datastore.open(DIR, {
    storage: probe,
    compactionTrigger: 2,
    memtableBytes: 4096,
  });
  const rng = new Rng(SEED);
  for (let i = 0; i < OPS; i++) await ds.update(rng.pick(TABLES), randomRows(rng));
  await ds.flush();
  await ds.compact();
  await ds.close();
  const points = probe.count + 20;
  const figures: Figures = {
    cases: 0,
    faults: 0,
    powerLosses: 0,
    acknowledged: 0,
    lost: 0,
    wrong: 0,
  };
  for (let c = 0; c < CASES; c++) {
    await runCase(SEED + c, points, figures);
    figures.cases++;
  }
  console.log(
    `random fault test: ${figures.cases} cases, ${figures.faults} faults injected, ` +
      `${figures.powerLosses} power losses, ${figures.acknowledged} acknowledged writes, ` +
      `lost: ${figures.lost}, wrong: ${figures.wrong} (seed ${SEED})`,
  );
  assertEquals([figures.lost, figures.wrong], [0, 0]);
  assert(figures.faults > CASES / 2, `only ${figures.faults} faults were injected`);
});
