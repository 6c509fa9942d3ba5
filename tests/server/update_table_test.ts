import { assertEquals } from "../_assert.ts";
import { Datastore, type Row } from "../../datastore/mod.ts";
import { createApp, type ServerStore } from "../../lib/server/mod.ts";

const TOKEN = "t0ken";
const T = "project/self/mixed";

function hex64(n: number): string {
  return n.toString(16).padStart(16, "0");
}

function put(id: number, v: string): unknown {
  return { values: [{ key: "id", value: hex64(id) }, { key: "v", value: v }] };
}

function del(id: number): unknown {
  return { values: [{ key: "id", value: hex64(id) }, { key: "-", value: "1" }] };
}

/**
 * A datastore whose mutating calls each take a snapshot of the table afterwards (what a reader
 * could see between them), and whose `failAt`-th mutating call throws as a full disk would.
 */
function observed(ds: Datastore, options: { failAt?: number } = {}) {
  const snapshots: Row[][] = [];
  let calls = 0;
  const mutating =
    <A extends unknown[]>(fn: (...a: A) => Promise<number>) =>
    async (...args: A): Promise<number> => {
      if (++calls === options.failAt) throw new Error("No space left on device (os error 28)");
      const rev = await fn(...args);
      snapshots.push(await Array.fromAsync(ds.scan(T)));
      return rev;
    };
  const store: ServerStore = {
    update: mutating(ds.update.bind(ds)),
    delete: mutating(ds.delete.bind(ds)),
    write: mutating(ds.write.bind(ds)),
    scan: ds.scan.bind(ds),
    schema: ds.schema.bind(ds),
    tables: ds.tables.bind(ds),
    flush: ds.flush.bind(ds),
  };
  return { store, snapshots };
}

async function withStore(fn: (ds: Datastore) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "sw-server-mixed-" });
  try {
    await using ds = await Datastore.open(dir, { durability: "none" });
    await fn(ds);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const SCHEMA = {
  keyColumn: "id",
  columnSchemaList: [
    { name: "id", type: "INT64" },
    { name: "v", type: "STRING" },
    { name: "-", type: "BOOL" },
  ],
};

/** 100 rows, then one request: 50 new rows, 50 deletions, 10 changed rows, in that order. */
async function mixedRequest(store: ServerStore, ds: Datastore): Promise<Response> {
  await ds.update(T, Array.from({ length: 100 }, (_, id) => ({ id, v: "old" })));
  const records = [
    ...Array.from({ length: 50 }, (_, i) => put(100 + i, "new")),
    ...Array.from({ length: 50 }, (_, i) => del(i)),
    ...Array.from({ length: 10 }, (_, i) => put(50 + i, "changed")),
  ];
  const app = createApp({ store, token: TOKEN });
  try {
    return await app.fetch(
      new Request("http://sw/api/v1/datastore/updateTable", {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}` },
        body: JSON.stringify({ tableName: T, tableSchemaDesc: SCHEMA, records }),
      }),
    );
  } finally {
    await app.close();
  }
}

const BEFORE = Array.from({ length: 100 }, (_, id) => ({ id, v: "old" }));
const AFTER = Array.from({ length: 100 }, (_, i) => {
  const id = 50 + i;
  return { id, v: id < 60 ? "changed" : id < 100 ? "old" : "new" };
});

Deno.test("a mixed updateTable (upserts and '-' deletions) is one atomic batch", async (t) => {
  await t.step("no reader sees a state between its parts", () =>
    withStore(async (ds) => {
      const { store, snapshots } = observed(ds);
      const res = await mixedRequest(store, ds);
      assertEquals(res.status, 200);
      assertEquals(await Array.fromAsync(ds.scan(T)), AFTER);
      for (const [i, seen] of snapshots.entries()) {
        assertEquals(seen, AFTER, `snapshot ${i + 1} of ${snapshots.length} is a partial state`);
      }
    }));
  for (const failAt of [1, 2, 3]) {
    await t.step(
      `a failing datastore call (number ${failAt}) leaves all or nothing`,
      () =>
        withStore(async (ds) => {
          const { store } = observed(ds, { failAt });
          const res = await mixedRequest(store, ds);
          const rows = JSON.stringify(await Array.fromAsync(ds.scan(T)));
          const state = rows === JSON.stringify(AFTER)
            ? "after"
            : rows === JSON.stringify(BEFORE)
            ? "before"
            : "partial";
          assertEquals(state === "partial", false, `the table is partial after ${res.status}`);
          assertEquals(
            res.status === 200,
            state === "after",
            `${res.status} with the table ${state}`,
          );
        }),
    );
  }
});

Deno.test("updateTable applies its records in order: a deleted then re-put key is a fresh row", () =>
  withStore(async (ds) => {
    await ds.update(T, [{ id: 5, v: "old", w: "kept?" }]);
    const app = createApp({ store: ds, token: TOKEN });
    try {
      const res = await app.fetch(
        new Request("http://sw/api/v1/datastore/updateTable", {
          method: "POST",
          headers: { authorization: `Bearer ${TOKEN}` },
          body: JSON.stringify({
            tableName: T,
            tableSchemaDesc: SCHEMA,
            records: [put(6, "a"), del(5), put(5, "fresh"), del(6)],
          }),
        }),
      );
      assertEquals(res.status, 200);
      assertEquals(await Array.fromAsync(ds.scan(T)), [{ id: 5, v: "fresh" }]);
    } finally {
      await app.close();
    }
  }));
