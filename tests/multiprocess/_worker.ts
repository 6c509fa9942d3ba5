/**
 * One process of the multi-process contract: seeded random updates, deletions, mixed batches,
 * gets and scans on one datastore directory, checked against its own model, plus checks of what
 * other processes acknowledged before each read began (their `ack-<name>` files).
 *
 * Prints one line per step: `I <json>` (a write about to be sent: key to value, `null` for a
 * deletion), `A` (that write acknowledged), then `done`. Usage:
 * `deno run -A _worker.ts <dir> <name> <seed> <ops> <peer,peer...>`
 *
 * @module
 */

import { Datastore, type Row } from "../../datastore/mod.ts";

const [dir, name, seedText, opsText, peersText] = Deno.args;
const peers = peersText === "" ? [] : peersText.split(",");
let seed = Number(seedText) >>> 0;
function random(): number {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = (n: number): number => Math.floor(random() * n);

function fail(what: string): never {
  console.error(`worker ${name} (seed ${seedText}): ${what}`);
  Deno.exit(3);
}

const ds = await Datastore.open(dir, { durability: "flush" });
console.log("ready");
const model = new Map<string, Row>();
const key = (k: number): string => `${name}-${String(k).padStart(3, "0")}`;
let acked = 0;

/** Sends a write, logging its intent first and its acknowledgement after. */
async function commit(changes: Record<string, Row | null>, send: () => Promise<number>) {
  console.log(`I ${JSON.stringify(changes)}`);
  await send();
  for (const [k, v] of Object.entries(changes)) {
    if (v === null) model.delete(k);
    else model.set(k, { ...(model.get(k) ?? {}), ...v });
  }
  acked++;
  // What the others must see from now on: the counter row reached `acked`.
  await Deno.writeTextFile(`${dir}/../ack-${name}.tmp`, String(acked));
  await Deno.rename(`${dir}/../ack-${name}.tmp`, `${dir}/../ack-${name}`);
  console.log("A");
}

async function checkPeers(): Promise<void> {
  for (const peer of peers) {
    let seen: number;
    try {
      seen = Number(await Deno.readTextFile(`${dir}/../ack-${peer}`));
    } catch {
      continue;
    }
    const row = await ds.get("counters", peer);
    if (row === undefined || (row.n as number) < seen) {
      fail(`${peer} acknowledged ${seen} writes, a later get saw ${JSON.stringify(row)}`);
    }
  }
}

const ops = Number(opsText);
for (let i = 0; i < ops; i++) {
  const k = key(pick(40));
  const counter = { id: name, n: acked + 1 };
  switch (pick(6)) {
    case 0:
    case 1: {
      const row = { id: k, v: pick(1000), s: `${i}` };
      await commit(
        { [k]: row, [`#${name}`]: counter },
        () => ds.write([{ table: "rows", rows: [row] }, { table: "counters", rows: [counter] }]),
      );
      break;
    }
    case 2: {
      await commit(
        { [k]: null, [`#${name}`]: counter },
        () => ds.write([{ table: "rows", deletes: [k] }, { table: "counters", rows: [counter] }]),
      );
      break;
    }
    case 3: {
      // A batch the readers must see whole: both halves carry the same stamp.
      const pair = [{ id: `${name}-x`, stamp: i }, { id: `${name}-y`, stamp: i }];
      const gone = key(pick(40));
      await commit(
        { [`${name}-x`]: pair[0], [`${name}-y`]: pair[1], [gone]: null, [`#${name}`]: counter },
        () =>
          ds.write([
            { table: "rows", rows: pair, deletes: [gone] },
            { table: "counters", rows: [counter] },
          ]),
      );
      break;
    }
    case 4: {
      await checkPeers();
      const got = await ds.get("rows", k);
      const want = model.get(k);
      if (JSON.stringify(got) !== JSON.stringify(want)) {
        fail(`get ${k}: ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
      }
      break;
    }
    case 5: {
      await checkPeers();
      const stamps = new Map<string, number>();
      for await (const row of ds.scan("rows")) {
        const id = row.id as string;
        if (id.endsWith("-x") || id.endsWith("-y")) stamps.set(id, row.stamp as number);
        if (!id.startsWith(`${name}-`) || id.endsWith("-x") || id.endsWith("-y")) continue;
        if (JSON.stringify(row) !== JSON.stringify(model.get(id))) {
          fail(`scan ${id}: ${JSON.stringify(row)}, expected ${JSON.stringify(model.get(id))}`);
        }
      }
      for (const p of [name, ...peers]) {
        if (stamps.get(`${p}-x`) !== stamps.get(`${p}-y`)) {
          fail(
            `a scan saw half a batch of ${p}: ${stamps.get(`${p}-x`)} / ${stamps.get(`${p}-y`)}`,
          );
        }
      }
      const mine = [...model.keys()].filter((id) => !id.startsWith("#") && !/-[xy]$/.test(id));
      let n = 0;
      for await (const _ of ds.scan("rows", { start: `${name}-0`, end: `${name}-9` })) n++;
      if (n !== mine.length) fail(`range scan counted ${n} rows, expected ${mine.length}`);
      break;
    }
  }
}
await ds.close();
console.log("done");
