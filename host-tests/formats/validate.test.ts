import { buildEspImage } from '../../src/core/formats/esp-image-build';
import { buildMcubootImage } from '../../src/core/formats/mcuboot';
import { buildOtadata } from '../../src/core/formats/otadata';
import { buildPartitionTable } from '../../src/core/formats/partition-table';
import { detectImageKind, inspectImage, validateImage } from '../../src/core/formats/validate';
import { arrayReader, pseudoRandomBytes } from '../../src/core/formats/bytes';
import { nodeCrypto } from './node-crypto';
import { codeOf } from './expect-code';

const crypto = nodeCrypto;
const samples = {
  app: buildEspImage({ crypto, chip: 'esp32', kind: 'app', size: 8192 }),
  bootloader: buildEspImage({ crypto, chip: 'esp32', kind: 'bootloader' }),
  'partition-table': buildPartitionTable([{ label: 'nvs', type: 1, subtype: 2, address: 0x9000, size: 0x6000, encrypted: false, readonly: false }], { crypto }),
  otadata: buildOtadata({ slot: 1 }),
  mcuboot: buildMcubootImage({ crypto, bodySize: 1000 }),
} as const;

describe('kind detection and the per-kind entry point', () => {
  test.each(Object.keys(samples) as Array<keyof typeof samples>)('%s is detected and validates', (kind) => {
    const bytes = samples[kind];
    expect(detectImageKind(bytes)).toBe(kind);
    const report = inspectImage(bytes, { crypto, chip: 'esp32', flashSize: 4 << 20 });
    expect(report.checks.filter((c) => c.level === 'error')).toEqual([]);
  });

  test('random bytes and erased flash are no kind', () => {
    expect(detectImageKind(pseudoRandomBytes(4096, 1).map((x) => (x === 0xe9 || x === 0xaa || x === 0x3d ? 0 : x)))).toBeUndefined();
    expect(detectImageKind(new Uint8Array(0x2000).fill(0xff))).toBeUndefined();
    expect(codeOf(() => inspectImage(new Uint8Array(100), { crypto }))).toBe('IMAGE_KIND_UNKNOWN');
  });

  test('raw data is size only; a size over the region is refused for every kind', () => {
    expect(validateImage('raw', arrayReader(new Uint8Array(10)), 10, { crypto })).toEqual({ format: 'raw', length: 10, checks: [] });
    for (const kind of ['raw', 'app', 'mcuboot', 'otadata'] as const) {
      expect(codeOf(() => validateImage(kind, arrayReader(new Uint8Array(0x3000)), 0x3000, { crypto, regionSize: 0x2000 }))).toBe('IMAGE_TOO_BIG_FOR_REGION');
    }
  });

  test('otadata must be exactly two sectors; an unknown kind is refused', () => {
    expect(codeOf(() => validateImage('otadata', arrayReader(new Uint8Array(0x1000)), 0x1000, { crypto }))).toBe('OTADATA_SIZE');
    expect(codeOf(() => validateImage('zip' as never, arrayReader(new Uint8Array(1)), 1, { crypto }))).toBe('IMAGE_KIND_UNKNOWN');
  });

  test('the app validator checks the chip and the region', () => {
    const app = samples.app;
    expect(codeOf(() => validateImage('app', arrayReader(app), app.length, { crypto, chip: 'esp32s3' }))).toBe('IMAGE_CHIP_MISMATCH');
    expect(codeOf(() => validateImage('bootloader', arrayReader(app), app.length, { crypto, regionSize: 4096 }))).toBe('IMAGE_TOO_BIG_FOR_REGION');
  });
});
