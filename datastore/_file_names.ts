/**
 * Names of the files in a datastore directory: WAL and segment files share one counter
 * (`nextFile` in the manifest), zero padded to six digits. See FORMAT.md "Files".
 *
 * @module
 */

/** `wal-NNNNNN.log`. */
export const WAL_RE = /^wal-(\d{6,})\.log$/;
/** `NNNNNN.seg`. */
export const SEGMENT_RE = /^(\d{6,})\.seg$/;
/** The manifest being written, renamed over `MANIFEST` once synced. */
export const MANIFEST_TMP = "MANIFEST.tmp";

function numbered(n: number, ext: string): string {
  return `${String(n).padStart(6, "0")}.${ext}`;
}

/** The name of WAL file number `n`. */
export function walName(n: number): string {
  return `wal-${numbered(n, "log")}`;
}

/** The name of segment file number `n`. */
export function segmentName(n: number): string {
  return numbered(n, "seg");
}

/** The numbers of the WAL files among `names`, ascending. */
export function walNumbers(names: readonly string[]): number[] {
  const out: number[] = [];
  for (const n of names) {
    const m = WAL_RE.exec(n);
    if (m !== null) out.push(Number(m[1]));
  }
  return out.sort((a, b) => a - b);
}

/** The number of segment file `name`, or `undefined` if it is not one. */
export function segmentNumber(name: string): number | undefined {
  const m = SEGMENT_RE.exec(name);
  return m === null ? undefined : Number(m[1]);
}
