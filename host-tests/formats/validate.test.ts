import { buildEspImage } from '../../src/core/formats/esp-image-build';
import { buildMcubootImage } from '../../src/core/formats/mcuboot';
import { buildOtadata } from '../../src/core/formats/otadata';
import { buildPartitionTable } from '../../src/core/formats/partition-table';
import { createImageVerifier, detectImageKind, inspectImage, validateImage } from '../../src/core/formats/validate';
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

describe('streaming verifiers', () => {
  test.each(Object.keys(samples) as Array<keyof typeof samples>)('%s fed 1000 bytes at a time gives the same report as the read function', (kind) => {
    const bytes = samples[kind];
    const ctx = { crypto, chip: 'esp32', flashSize: 4 << 20 };
    const v = createImageVerifier(kind, ctx);
    for (let o = 0; o < bytes.length; o += 1000) v.update(bytes.subarray(o, o + 1000));
    expect(v.finish()).toEqual(validateImage(kind, arrayReader(bytes), bytes.length, ctx));
  });

  test('raw counts bytes; more bytes than the region stop the stream as they arrive', () => {
    const raw = createImageVerifier('raw', { crypto });
    raw.update(new Uint8Array(10));
    raw.update(new Uint8Array(5));
    expect(raw.finish()).toEqual({ format: 'raw', length: 15, checks: [] });
    const bigger = {
      raw: new Uint8Array(0x1001), otadata: new Uint8Array(0x1001), 'partition-table': new Uint8Array(0x1001),
      app: samples.app, mcuboot: buildMcubootImage({ crypto, bodySize: 0x2000 }),
    };
    for (const kind of Object.keys(bigger) as Array<keyof typeof bigger>) {
      const v = createImageVerifier(kind, { crypto, regionSize: 0x1000 });
      const big = bigger[kind];
      expect([kind, codeOf(() => { for (let o = 0; o < big.length; o += 0x800) v.update(big.subarray(o, o + 0x800)); })]).toEqual([kind, 'IMAGE_TOO_BIG_FOR_REGION']);
    }
  });

  test('stopping early is truncation; otadata must be exactly two sectors', () => {
    const v = createImageVerifier('mcuboot', { crypto });
    v.update(samples.mcuboot.subarray(0, 500));
    expect(codeOf(() => v.finish())).toBe('IMAGE_TRUNCATED');
    const o = createImageVerifier('otadata', { crypto });
    o.update(samples.otadata.subarray(0, 0x1000));
    expect(codeOf(() => o.finish())).toBe('OTADATA_SIZE');
    expect(codeOf(() => createImageVerifier('zip' as never, { crypto }))).toBe('IMAGE_KIND_UNKNOWN');
  });
});
