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
  /** Bytes of valid records; a torn tail starts here. */
  validLength: number;
  /** Whether bytes after `validLength` were a torn tail. */
  torn: boolean;
}

/**
 * Reads a WAL file. A damaged last record (a torn write) ends the log; a damaged record
 * followed by more data is corruption.
 *
 * @throws {CorruptionError} Naming the file and the offset of the bad record.
 */
export function readWal(bytes: Uint8Array, file: string): WalContents {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: Uint8Array[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    const remaining = bytes.length - pos;
    // A frame cut short by a crash can only be the last one: its header is short or claims
    // more bytes than the file holds.
    if (remaining < FRAME_HEADER) return { records, validLength: pos, torn: true };
    const length = view.getUint32(pos, true);
    const crc = view.getUint32(pos + 4, true);
    if (length > MAX_RECORD || length > remaining - FRAME_HEADER) {
      return { records, validLength: pos, torn: true };
    }
    if (length === 0) {
      // Records are never empty: zeros are unwritten space after a torn write.
      if (allZero(bytes, pos)) return { records, validLength: pos, torn: true };
      throw new CorruptionError("WAL frame with zero length", { file, offset: pos });
    }
    const start = pos + FRAME_HEADER;
    if (checksum(bytes, start, start + length) !== crc) {
      if (start + length < bytes.length && !allZero(bytes, start + length)) {
        throw new CorruptionError("WAL record checksum mismatch", { file, offset: pos });
      }
      return { records, validLength: pos, torn: true };
    }
    records.push(bytes.subarray(start, start + length));
    pos = start + length;
  }
  return { records, validLength: pos, torn: false };
}

function allZero(bytes: Uint8Array, from: number): boolean {
  for (let i = from; i < bytes.length; i++) if (bytes[i] !== 0) return false;
  return true;
}
