import { crc32 } from 'node:zlib';
import { OtaState, buildOtadata, espCrc32Le, otaSelectCrc, otadataSlot, parseOtadata } from '../../src/core/formats/otadata';
import { codeOf } from './expect-code';

const le32 = (n: number) => new Uint8Array(new Uint32Array([n]).buffer);

describe('otadata', () => {
  test('crc is esp_rom_crc32_le(UINT32_MAX, seq): zlib crc32 continued from 0xFFFFFFFF', () => {
    for (const seq of [0, 1, 2, 3, 0x12345678, 0xfffffffe]) {
      expect(otaSelectCrc(seq)).toBe(crc32(le32(seq), 0xffffffff));
    }
    // the value ESP-IDF's otatool writes for seq 1
    expect(otaSelectCrc(1)).toBe(0x4743989a);
    // and with seed 0 it is the plain CRC-32
    expect(espCrc32Le(0, new Uint8Array([0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39]))).toBe(0xcbf43926);
  });

  test.each([0, 1, 2, 5])('built for slot %i, it selects slot %i', (slot) => {
    const info = parseOtadata(buildOtadata({ slot }));
    expect(info.active).toBe(0);
    expect(otadataSlot(info, 16)).toBe(slot);
    expect(info.blank).toBe(false);
  });

  test('the slot wraps by the number of OTA partitions', () => {
    expect(otadataSlot(parseOtadata(buildOtadata({ seq: 5 })), 2)).toBe(0);
    expect(otadataSlot(parseOtadata(buildOtadata({ seq: 6 })), 2)).toBe(1);
    expect(otadataSlot(parseOtadata(buildOtadata({ seq: 6 })), 0)).toBeUndefined();
  });

  const both = (a: Uint8Array, b: Uint8Array) => {
    const out = new Uint8Array(0x2000);
    out.set(a.subarray(0, 0x1000));
    out.set(b.subarray(0x1000), 0x1000);
    return out;
  };

  test('of two valid copies the higher seq wins, whichever sector holds it', () => {
    expect(parseOtadata(both(buildOtadata({ seq: 3 }), buildOtadata({ seq: 4, copy: 1 }))).active).toBe(1);
    expect(parseOtadata(both(buildOtadata({ seq: 7 }), buildOtadata({ seq: 4, copy: 1 }))).active).toBe(0);
  });

  test('a copy with a wrong crc or an invalid/aborted state is skipped', () => {
    const bad = buildOtadata({ seq: 9 });
    bad[28] ^= 1;
    const info = parseOtadata(both(bad, buildOtadata({ seq: 2, copy: 1 })));
    expect(info.entries[0].crcOk).toBe(false);
    expect(info.active).toBe(1);
    for (const state of [OtaState.invalid, OtaState.aborted]) {
      const i = parseOtadata(both(buildOtadata({ seq: 9, state }), buildOtadata({ seq: 2, copy: 1 })));
      expect(i.active).toBe(1);
    }
    expect(parseOtadata(buildOtadata({ seq: 9, state: OtaState.valid })).entries[0].stateName).toBe('valid');
  });

  test('erased otadata is blank: no active copy', () => {
    const info = parseOtadata(new Uint8Array(0x2000).fill(0xff));
    expect(info.active).toBe(-1);
    expect(info.blank).toBe(true);
  });

  test('too short is OTADATA_SIZE', () => {
    expect(codeOf(() => parseOtadata(new Uint8Array(0x1000)))).toBe('OTADATA_SIZE');
  });
});
