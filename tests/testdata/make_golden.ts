/**
 * Writes the golden datastore files: a WAL, a segment and a MANIFEST in the current format.
 * Run once per format version: `deno run -A tests/testdata/make_golden.ts`. The golden test
 * replays the same workload and compares bytes, so a format change without a version bump fails.
 *
 * @module
 */
import { Datastore } from "../../datastore/mod.ts";

/** The files the workload leaves, by golden name. */
export const GOLDEN_FILES = {
  "golden.wal": "wal-000001.log",
  "golden.seg": "000002.seg",
  "golden.MANIFEST": "MANIFEST",
} as const;

/**
 * The workload: two writes and a delete into table `t`, then a flush. Calls `beforeFlush` with
 * the WAL's path while it still exists.
 */
export async function goldenWorkload(
  dir: string,
  beforeFlush: (walPath: string) => Promise<void>,
): Promise<void> {
  await using ds = await Datastore.open(dir);
  await ds.update("t", [
    { id: 1, s: "a", f: 0.5, b: new Uint8Array([0xca, 0xfe]) },
    { id: 2, s: "bc", n: null, l: [1, 2] },
  ], { schema: [{ name: "i8", type: "INT8" }] });
  await ds.update("t", [{ id: 1, s: "z", i8: -3 }, { id: 3, m: new Map([[7, true]]) }], {
    schema: [{ name: "i8", type: "INT8" }],
  });
  await ds.delete("t", [2]);
  await beforeFlush(`${dir}/${GOLDEN_FILES["golden.wal"]}`);
  await ds.flush();
}

if (import.meta.main) {
  const out = new URL(".", import.meta.url).pathname;
  const dir = await Deno.makeTempDir();
  try {
    await goldenWorkload(dir, (wal) => Deno.copyFile(wal, `${out}golden.wal`));
    for (const [golden, name] of Object.entries(GOLDEN_FILES)) {
      if (golden !== "golden.wal") await Deno.copyFile(`${dir}/${name}`, `${out}${golden}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
