/**
 * The WAL frame layout shared by {@link WalWriter} and {@link readWal}, as LevelDB's
 * `log_format.h` is. See FORMAT.md "WAL".
 *
 * ```
 * u32 length (> 0) | u32 xxh32(payload) | payload (length bytes)      little-endian
 * ```
 *
 * Records are never empty, so a zero length is unwritten space (or damage), not a record.
 *
 * @module
 */

/** Bytes of a frame header. */
export const FRAME_HEADER = 8;
/** Largest payload accepted (guards against reading garbage lengths). */
export const MAX_RECORD = 256 * 1024 * 1024;
