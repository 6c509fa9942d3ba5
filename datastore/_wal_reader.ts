/**
 * Reads a write-ahead log file written by {@link WalWriter}, telling a torn tail from corruption.
 *
 * @module
 */

import { checksum } from "./_checksum.ts";
import { CorruptionError } from "./_errors.ts";
import { FRAME_HEADER, MAX_RECORD } from "./_wal_format.ts";

/** What {@link readWal} found. */
export interface WalContents {
  /** The payloads of the valid records, in order. */
  records: Uint8Array[];
  /** The file offset of each record's frame. */
  offsets: number[];
  /** Bytes of valid records; a torn tail starts here. */
  validLength: number;
  /** Whether bytes after `validLength` were a torn tail. */
  torn: boolean;
  /** With `salvage`: the offset of a damaged frame that valid frames follow. */
  damagedAt?: number;
}

/**
 * Reads a WAL file. A damaged frame with no valid frame after it is a torn tail (the last write
 * cut short by a crash); a damaged frame followed by a valid one is corruption, since a torn
 * write can only be the last.
 *
 * @param options `salvage` returns the records before a damaged frame instead of throwing.
 * @throws {CorruptionError} Naming the file and the offset of the bad frame.
 */
export function readWal(
  bytes: Uint8Array,
  file: string,
  options: { salvage?: boolean } = {},
): WalContents {
  const records: Uint8Array[] = [];
  const offsets: number[] = [];
  let pos = 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  while (pos < bytes.length) {
    const length = frameAt(bytes, view, pos);
    if (length < 0) {
      const next = nextFrame(bytes, view, pos + 1);
      if (next < 0) return { records, offsets, validLength: pos, torn: true };
      if (options.salvage) {
        return { records, offsets, validLength: pos, torn: true, damagedAt: pos };
      }
      throw new CorruptionError(
        `WAL frame ${problem(bytes, pos)}, and a valid frame follows at offset ${next}`,
        { file, offset: pos },
      );
    }
    records.push(bytes.subarray(pos + FRAME_HEADER, pos + FRAME_HEADER + length));
    offsets.push(pos);
    pos += FRAME_HEADER + length;
  }
  return { records, offsets, validLength: pos, torn: false };
}

/** The payload length of a whole, valid frame at `pos`, or -1. */
function frameAt(bytes: Uint8Array, view: DataView, pos: number): number {
  if (bytes.length - pos < FRAME_HEADER) return -1;
  const length = view.getUint32(pos, true);
  // Records are never empty: a zero length is unwritten space or damage.
  if (length === 0 || length > MAX_RECORD || length > bytes.length - pos - FRAME_HEADER) return -1;
  const start = pos + FRAME_HEADER;
  return checksum(bytes, start, start + length) === view.getUint32(pos + 4, true) ? length : -1;
}

/** The offset of the first valid frame at or after `from`, or -1. */
function nextFrame(bytes: Uint8Array, view: DataView, from: number): number {
  for (let p = from; p + FRAME_HEADER < bytes.length; p++) {
    if (frameAt(bytes, view, p) >= 0) return p;
  }
  return -1;
}

/** What is wrong with the frame at `pos`. */
function problem(bytes: Uint8Array, pos: number): string {
  if (bytes.length - pos < FRAME_HEADER) return "header cut short";
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(
    pos,
    true,
  );
  if (length === 0) return "with zero length";
  if (length > MAX_RECORD || length > bytes.length - pos - FRAME_HEADER) {
    return `length ${length} runs past the end of the file`;
  }
  return "record checksum mismatch";
}
