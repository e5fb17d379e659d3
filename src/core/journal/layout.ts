/**
 * The journal's on-flash layout. See docs/journal.md for the diagram.
 *
 * Two sectors. Sector 0: a 48-byte header then the plan as ASCII JSON, written
 * once. Sector 1: 16-byte records appended one write each; an erased slot
 * (all 0xFF) is "not written yet", so advancing the journal never needs an
 * erase and a torn record is told apart by its CRC.
 */
export const JOURNAL_MAGIC = 0x4a525358; // "XSRJ" read little-endian. on flash: never renumber
export const JOURNAL_VERSION = 1; // on flash: never renumber
export const JOURNAL_SECTORS = 2;
export const HEADER_SIZE = 48;
export const RECORD_SIZE = 16;
/** Second byte of every record: a record whose type byte alone was programmed is torn, not valid. */
export const RECORD_MARK = 0xa5; // on flash: never renumber

/** on flash: never renumber */
export const RecordType = Object.freeze({
  stepBegin: 0x01,
  stepDone: 0x02,
  jobDone: 0x03,
} as const);
export type RecordTypeValue = (typeof RecordType)[keyof typeof RecordType];

/*
 * Header (sector 0, offset 0), little-endian:
 *   0  u32 magic          JOURNAL_MAGIC
 *   4  u16 version        JOURNAL_VERSION
 *   6  u16 headerSize     HEADER_SIZE
 *   8  u32 planLength     bytes of plan JSON that follow the header
 *  12  u8[32] planSha256  SHA-256 of those bytes
 *  44  u32 crc            CRC-32 of bytes 0..43
 *
 * Record (sector 1, slot n at offset n * 16):
 *   0  u8  type           RecordType
 *   1  u8  mark           RECORD_MARK
 *   2  u16 step           plan step index
 *   4  u32 slot           n: a record found at another slot is inconsistent
 *   8  u32 value          reserved, 0
 *  12  u32 crc            CRC-32 of bytes 0..11
 */
export const HeaderField = Object.freeze({ magic: 0, version: 4, headerSize: 6, planLength: 8, planSha256: 12, crc: 44 } as const);
export const RecordField = Object.freeze({ type: 0, mark: 1, step: 2, slot: 4, value: 8, crc: 12 } as const);
