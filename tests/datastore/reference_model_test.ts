import { Datastore, type Row, type Value } from "../../datastore/mod.ts";
import { assertEquals, assertRejects, collect, Rng, tempDir } from "./_helpers.ts";

type State = Map<string, Map<number, Row>>;

const TABLES = ["a", "b"];
const COLUMNS = ["c0", "c1", "c2", "c3"];

function clone(s: State): State {
  return new Map([...s].map(([t, rows]) => [t, new Map([...rows].map(([k, r]) => [k, { ...r }]))]));
}

function randomValue(rng: Rng): Value {
  switch (rng.int(6)) {
    case 0:
      return null;
    case 1:
      return rng.int(1000) - 500;
    case 2:
      return `s${rng.int(100)}`;
    case 3:
      return rng.int(1000) / 8 + 0.25;
    case 4:
      return [rng.int(5), `x${rng.int(5)}`];
    default:
      return rng.chance(0.5);
  }
}

/** What a scan of the model returns, mirroring the engine's options. */
function expectedScan(
  rows: Map<number, Row> | undefined,
  o: {
    start?: number;
    end?: number;
    startInclusive?: boolean;
    endInclusive?: boolean;
    keepNone?: boolean;
    columns?: string[];
    reverse?: boolean;
    limit?: number;
  },
): Row[] {
  let keys = [...rows?.keys() ?? []].sort((x, y) => x - y);
  keys = keys.filter((k) =>
    (o.start === undefined || k > o.start || (k === o.start && o.startInclusive !== false)) &&
    (o.end === undefined || k < o.end || (k === o.end && o.endInclusive === true))
  );
  if (o.reverse) keys.reverse();
  if (o.limit !== undefined) keys = keys.slice(0, o.limit);
  return keys.map((k) => {
    const out: Row = {};
    for (const [c, v] of Object.entries(rows!.get(k)!)) {
      if (o.columns !== undefined && !o.columns.includes(c)) continue;
      if (v === null && !o.keepNone) continue;
      out[c] = v;
    }
    return out;
  });
}

async function runModel(seed: number, ops: number): Promise<void> {
  const rng = new Rng(seed);
  await using dir = await tempDir();
  const options = { durability: "flush" as const, compactionTrigger: 3, memtableBytes: 8 << 10 };
  let ds = await Datastore.open(dir.path, options);
  const model: State = new Map();
  const history = new Map<number, State>([[0, new Map()]]);
  const revisions = [0];
  const at = (rev: number): State => {
    let best = 0;
    for (const r of revisions) if (r <= rev && r > best) best = r;
    return history.get(best)!;
  };
  try {
    for (let step = 0; step < ops; step++) {
      const table = rng.pick(TABLES);
      const roll = rng.next();
      const what = `seed ${seed} step ${step}`;
      if (roll < 0.35) {
        const rows: Row[] = [];
        for (let n = rng.int(3) + 1; n > 0; n--) {
          const row: Row = { id: rng.int(30) };
          for (const c of COLUMNS) if (rng.chance(0.4)) row[c] = randomValue(rng);
          rows.push(row);
        }
        const rev = await ds.update(table, rows);
        const t = model.get(table) ?? new Map<number, Row>();
        model.set(table, t);
        for (const row of rows) {
          const key = row.id as number;
          t.set(key, { ...t.get(key) ?? { id: key }, ...row });
        }
        history.set(rev, clone(model));
        revisions.push(rev);
      } else if (roll < 0.5 && model.has(table)) {
        const keys = Array.from({ length: rng.int(3) + 1 }, () => rng.int(30));
        const rev = await ds.delete(table, keys);
        for (const k of keys) model.get(table)!.delete(k);
        history.set(rev, clone(model));
        revisions.push(rev);
      } else if (roll < 0.8) {
        const o: Parameters<typeof expectedScan>[1] & { revision?: number } = {};
        if (rng.chance(0.5)) o.start = rng.int(32) - 1;
        if (rng.chance(0.5)) o.end = rng.int(32) - 1;
        if (rng.chance(0.3)) o.startInclusive = rng.chance(0.5);
        if (rng.chance(0.3)) o.endInclusive = rng.chance(0.5);
        if (rng.chance(0.3)) o.keepNone = true;
        if (rng.chance(0.2)) o.columns = ["id", rng.pick(COLUMNS), rng.pick(COLUMNS)];
        if (rng.chance(0.3)) o.reverse = true;
        if (rng.chance(0.2)) o.limit = rng.int(8);
        if (rng.chance(0.3)) o.revision = rng.pick(revisions);
        const horizon = ds.stats(table)[0]?.horizon ?? 0;
        if (o.columns !== undefined) o.columns = [...new Set(o.columns)];
        if (o.revision !== undefined && o.revision < horizon && o.limit !== 0) {
          await assertRejects(() => ds.scan(table, o).next(), RangeError, "compaction");
          continue;
        }
        const state = o.revision === undefined || o.limit === 0 ? model : at(o.revision);
        assertEquals(
          await collect(ds.scan(table, o)),
          expectedScan(state.get(table), o),
          `${what}: scan ${table} ${JSON.stringify(o)}`,
        );
      } else if (roll < 0.92) {
        const key = rng.int(32);
        const keepNone = rng.chance(0.5);
        const expected = expectedScan(model.get(table), {
          start: key,
          end: key,
          endInclusive: true,
          keepNone,
        });
        assertEquals(await ds.get(table, key, { keepNone }), expected[0], `${what}: get ${key}`);
      } else if (roll < 0.96) {
        await ds.flush();
      } else if (roll < 0.98) {
        await ds.compact(rng.chance(0.5) ? table : undefined);
      } else {
        await ds.close();
        ds = await Datastore.open(dir.path, options);
      }
    }
    for (const table of TABLES) {
      assertEquals(
        await collect(ds.scan(table, { keepNone: true })),
        expectedScan(model.get(table), { keepNone: true }),
      );
    }
  } finally {
    await ds.close();
  }
}

Deno.test("Datastore matches a reference model over seeded random operations", async (t) => {
  for (const seed of [1, 2, 3, 20261121, 77]) {
    await t.step(`seed ${seed}`, async () => {
      try {
        await runModel(seed, 400);
      } catch (e) {
        console.error(`model test failed with seed ${seed}; rerun runModel(${seed}, 400)`);
        throw e;
      }
    });
  }
});
