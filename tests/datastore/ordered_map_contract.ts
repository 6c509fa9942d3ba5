/**
 * The ordered-map contract: one suite, run over every layer that stores sorted keys (memtable,
 * segment, merged view, whole datastore), checked against a reference `Map` sorted by key.
 *
 * @module
 */
import type { Key } from "../../datastore/mod.ts";
import { assertEquals, compareKey, Rng } from "./_helpers.ts";

/** Range options every implementation understands. */
export interface RangeOptions {
  start?: Key;
  end?: Key;
  startInclusive?: boolean;
  endInclusive?: boolean;
  limit?: number;
  reverse?: boolean;
}

/** The smallest ordered map: string values under integer or string keys. */
export interface OrderedMap {
  put(key: Key, value: string): Promise<void>;
  delete(key: Key): Promise<void>;
  get(key: Key): Promise<string | undefined>;
  scan(options: RangeOptions): Promise<[Key, string][]>;
  /** Called every few operations: a chance to flush, cut a segment, reopen. */
  checkpoint?(): Promise<void>;
  close(): Promise<void>;
}

/** Makes a fresh, empty map for one test. */
export type OrderedMapFactory = (kind: "int" | "string") => Promise<OrderedMap>;

function expectedScan(ref: Map<Key, string>, o: RangeOptions): [Key, string][] {
  const startIncl = o.startInclusive ?? true, endIncl = o.endInclusive ?? false;
  let out = [...ref].filter(([k]) => {
    if (o.start !== undefined) {
      const c = compareKey(k, o.start);
      if (c < 0 || (c === 0 && !startIncl)) return false;
    }
    if (o.end !== undefined) {
      const c = compareKey(k, o.end);
      if (c > 0 || (c === 0 && !endIncl)) return false;
    }
    return true;
  }).sort((a, b) => compareKey(a[0], b[0]));
  if (o.reverse) out = out.reverse();
  return o.limit === undefined ? out : out.slice(0, o.limit);
}

function keyOf(kind: "int" | "string", i: number): Key {
  return kind === "int" ? i * 3 - 300 : `k${String(i).padStart(4, "0")}`;
}

/** Registers the contract tests for one implementation. */
export function orderedMapContract(name: string, factory: OrderedMapFactory): void {
  for (const kind of ["int", "string"] as const) {
    Deno.test(`${name} behaves as an ordered map (${kind} keys)`, async (t) => {
      const map = await factory(kind);
      const ref = new Map<Key, string>();
      const check = async (o: RangeOptions) => {
        assertEquals(await map.scan(o), expectedScan(ref, o), `scan ${JSON.stringify(o)}`);
      };
      try {
        await t.step("empty", async () => {
          assertEquals(await map.get(keyOf(kind, 1)), undefined);
          await check({});
          await check({ reverse: true });
        });
        await t.step("put, overwrite, delete", async () => {
          for (let i = 0; i < 400; i++) {
            const v = `v${i}-${"x".repeat(i % 90)}`;
            await map.put(keyOf(kind, i), v);
            ref.set(keyOf(kind, i), v);
          }
          await map.checkpoint?.();
          for (let i = 0; i < 400; i += 7) {
            await map.put(keyOf(kind, i), `new${i}`);
            ref.set(keyOf(kind, i), `new${i}`);
          }
          for (let i = 3; i < 400; i += 5) {
            await map.delete(keyOf(kind, i));
            ref.delete(keyOf(kind, i));
          }
          await map.delete(keyOf(kind, 10_000)); // absent
          await map.checkpoint?.();
          await map.put(keyOf(kind, 8), "back after delete");
          ref.set(keyOf(kind, 8), "back after delete");
          for (const i of [0, 1, 3, 7, 8, 13, 399, 400, 5000]) {
            assertEquals(await map.get(keyOf(kind, i)), ref.get(keyOf(kind, i)), `get ${i}`);
          }
          await check({});
          await check({ reverse: true });
        });
        await t.step("ranges, inclusive flags, limit, reverse", async () => {
          const rng = new Rng(kind === "int" ? 7 : 11);
          for (let n = 0; n < 120; n++) {
            const o: RangeOptions = {};
            if (rng.chance(0.7)) o.start = keyOf(kind, rng.int(420) - 10);
            if (rng.chance(0.7)) o.end = keyOf(kind, rng.int(420) - 10);
            if (rng.chance(0.5)) o.startInclusive = rng.chance(0.5);
            if (rng.chance(0.5)) o.endInclusive = rng.chance(0.5);
            if (rng.chance(0.3)) o.limit = rng.int(30);
            if (rng.chance(0.5)) o.reverse = true;
            await check(o);
          }
          // Bounds exactly on a present key, on a deleted key, and equal bounds.
          await check({ start: keyOf(kind, 7), end: keyOf(kind, 7), endInclusive: true });
          await check({ start: keyOf(kind, 7), end: keyOf(kind, 7) });
          await check({ start: keyOf(kind, 3), end: keyOf(kind, 23), reverse: true });
          await check({ start: keyOf(kind, 3), startInclusive: false, reverse: true, limit: 4 });
        });
        await t.step("random operations", async () => {
          const rng = new Rng(kind === "int" ? 1234 : 4321);
          for (let n = 0; n < 300; n++) {
            const k = keyOf(kind, rng.int(450));
            if (rng.chance(0.6)) {
              const v = `r${n}`;
              await map.put(k, v);
              ref.set(k, v);
            } else {
              await map.delete(k);
              ref.delete(k);
            }
            if (n % 100 === 99) await map.checkpoint?.();
          }
          await check({});
          await check({ reverse: true, limit: 50 });
          await check({ start: keyOf(kind, 100), end: keyOf(kind, 300) });
        });
      } finally {
        await map.close();
      }
    });
  }
}
