import { createHash } from 'node:crypto';
import { CHIPS } from '../../src/core/formats/chips';
import { buildEspImage } from '../../src/core/formats/esp-image-build';
import { EspImageVerifier, inspectEspImage, verifyEspImage, xorBytes } from '../../src/core/formats/esp-image';
import fc from 'fast-check';
import { arrayReader } from '../../src/core/formats/bytes';
import { nodeCrypto } from './node-crypto';
import { codeOf } from './expect-code';

const crypto = nodeCrypto;
const app = (o: Partial<Parameters<typeof buildEspImage>[0]> = {}) => buildEspImage({ crypto, chip: 'esp32', kind: 'app', size: 40000, ...o });
const dv = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

/** An independent reading of the layout: segment offsets and lengths, and the XOR of their bytes. */
function reference(img: Uint8Array) {
  let o = 24;
  let xor = 0xef;
  for (let i = 0; i < img[1]; i++) {
    const len = dv(img).getUint32(o + 4, true);
    for (let k = 0; k < len; k++) xor ^= img[o + 8 + k];
    o += 8 + len;
  }
  // the checksum is the last byte of the image padded to 16 (one byte at least)
  return { end: o, xor, checksumAt: ((o + 1 + 15) & ~15) - 1 };
}

describe('ESP image: valid images', () => {
  test.each(CHIPS.map((c) => c.name))('an app built for %s verifies for that chip', (chip) => {
    const img = buildEspImage({ crypto, chip, kind: 'app', size: 20000, seed: 3 });
    const info = inspectEspImage(img, { crypto, chip });
    expect(info.kind).toBe('app');
    expect(info.header.chipName).toBe(chip);
    expect(info.length).toBe(img.length);
    expect(info.checks.filter((c) => !c.ok)).toEqual([]);
  });

  test('fields, checksum and hash match an independent computation', () => {
    const img = app({ version: '2.5.1', projectName: 'demo', idfVersion: 'v6.0-dev' });
    const info = inspectEspImage(img, { crypto, chip: 'esp32', kind: 'app' });
    const ref = reference(img);
    expect(info.segments.length).toBe(img[1]);
    expect(info.checksum.computed).toBe(ref.xor);
    expect(img[ref.checksumAt]).toBe(ref.xor);
    expect(info.appendedSha256!.stored).toBe(createHash('sha256').update(img.subarray(0, img.length - 32)).digest('hex'));
    expect(info.appDescriptor).toMatchObject({ version: '2.5.1', projectName: 'demo', idfVersion: 'v6.0-dev' });
    expect(info.header.hashAppended).toBe(true);
  });

  test('the size asked for is the size built (rounded to 16)', () => {
    expect(app({ size: 40000 }).length).toBe(40000);
    expect(app({ size: 40001 }).length).toBe(40016);
    expect(app({ size: 40000, hashAppended: false }).length).toBe(40000);
  });

  test('a bootloader is recognised by its missing app descriptor and carries a bootloader descriptor', () => {
    const bl = buildEspImage({ crypto, chip: 'esp32c3', kind: 'bootloader', version: 7 });
    const info = inspectEspImage(bl, { crypto, chip: 'esp32c3' });
    expect(info.kind).toBe('bootloader');
    expect(info.bootloaderDescriptor).toMatchObject({ version: 7 });
    expect(info.appDescriptor).toBeUndefined();
  });

  test('content is deterministic per seed and differs across seeds', () => {
    expect(app({ seed: 5 })).toEqual(app({ seed: 5 }));
    expect(app({ seed: 5 })).not.toEqual(app({ seed: 6 }));
  });

  test('an image without appended hash verifies and reports no hash', () => {
    const img = app({ hashAppended: false, segments: 16 });
    const info = inspectEspImage(img, { crypto });
    expect(info.appendedSha256).toBeUndefined();
    expect(info.segments.length).toBe(16);
  });

  test('fed in chunks of any size, the verifier reaches the same result', () => {
    const img = app({ size: 9000 });
    const whole = inspectEspImage(img, { crypto });
    for (const step of [1, 3, 7, 24, 31, 4096]) {
      const v = new EspImageVerifier({ crypto });
      for (let o = 0; o < img.length; o += step) v.update(img.subarray(o, o + step));
      expect(v.done).toBe(true);
      const info = v.finish();
      expect(info.checksum).toEqual(whole.checksum);
      expect(info.appendedSha256).toEqual(whole.appendedSha256);
    }
  });

  test('verifyEspImage reads at most 4 KiB at a time and stops at the image end', () => {
    const img = app({ size: 20000 });
    const region = new Uint8Array(0x100000).fill(0xff);
    region.set(img);
    const reads: number[] = [];
    const inner = arrayReader(region);
    const info = verifyEspImage((o, t) => { reads.push(t.length); inner(o, t); }, region.length, { crypto, regionSize: region.length });
    expect(info.length).toBe(20000);
    expect(Math.max(...reads)).toBeLessThanOrEqual(4096);
    expect(reads.reduce((a, b) => a + b, 0)).toBeLessThan(20000 + 4096);
  });

  test('trailing bytes in a file are reported as a warning, not part of the image', () => {
    const img = app();
    const longer = new Uint8Array(img.length + 100);
    longer.set(img);
    const info = inspectEspImage(longer, { crypto });
    expect(info.length).toBe(img.length);
    expect(info.checks.find((c) => c.id === 'trailing')?.level).toBe('warning');
  });
});

test('word-wise XOR equals the byte loop at every alignment and length', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), fc.nat(7), fc.nat(255), (bytes, shift, seed) => {
    const buf = new Uint8Array(bytes.length + 8);
    buf.set(bytes, shift);
    const view = buf.subarray(shift, shift + bytes.length);
    let x = seed;
    for (const b of bytes) x ^= b;
    return xorBytes(seed, view) === x;
  }));
});

describe('ESP image: every check fails with its code', () => {
  test('magic', () => {
    const img = app();
    img[0] = 0xff;
    expect(codeOf(() => inspectEspImage(img, { crypto }))).toBe('IMAGE_BAD_MAGIC');
  });

  test('chip id against the target chip', () => {
    expect(codeOf(() => inspectEspImage(app(), { crypto, chip: 'esp32c3' }))).toBe('IMAGE_CHIP_MISMATCH');
    const c6 = buildEspImage({ crypto, chip: 'esp32c6', kind: 'bootloader' });
    expect(codeOf(() => inspectEspImage(c6, { crypto, chip: 'esp32' }))).toBe('IMAGE_CHIP_MISMATCH');
  });

  test.each([0, 17, 255])('segment count %i', (n) => {
    const img = app();
    img[1] = n;
    expect(codeOf(() => inspectEspImage(img, { crypto }))).toBe('IMAGE_SEGMENTS');
  });

  test('segment length not a multiple of 4, or 16 MiB and more', () => {
    for (const len of [0x101, 0x1000000, 0xfffffffc]) {
      const img = app();
      dv(img).setUint32(24 + 4, len, true);
      expect(codeOf(() => inspectEspImage(img, { crypto }))).toBe('IMAGE_SEGMENTS');
    }
  });

  test('a segment running past the end of the bytes is truncation', () => {
    const img = app();
    dv(img).setUint32(24 + 4, 0x200000, true);
    expect(codeOf(() => inspectEspImage(img, { crypto }))).toBe('IMAGE_TRUNCATED');
  });

  test.each([10, 24, 30, 300, -40, -32, -1])('cut at %i bytes', (cut) => {
    const img = app();
    expect(codeOf(() => inspectEspImage(img.subarray(0, cut < 0 ? img.length + cut : cut), { crypto }))).toBe('IMAGE_TRUNCATED');
  });

  test('checksum: one flipped data byte', () => {
    const img = app({ hashAppended: false });
    img[24 + 8 + 300] ^= 0x10;
    expect(codeOf(() => inspectEspImage(img, { crypto }))).toBe('IMAGE_CHECKSUM');
    const stored = app({ hashAppended: false });
    stored[stored.length - 1] ^= 1;
    expect(codeOf(() => inspectEspImage(stored, { crypto }))).toBe('IMAGE_CHECKSUM');
  });

  test('appended hash: two flips that cancel in the XOR still fail the SHA-256', () => {
    const img = app();
    img[24 + 8 + 300] ^= 0x10;
    img[24 + 8 + 301] ^= 0x10;
    expect(codeOf(() => inspectEspImage(img, { crypto }))).toBe('IMAGE_HASH');
    const h = app();
    h[h.length - 5] ^= 0x80;
    expect(codeOf(() => inspectEspImage(h, { crypto }))).toBe('IMAGE_HASH');
  });

  test('region size: exact fits, one byte less does not', () => {
    const img = app();
    expect(verifyEspImage(arrayReader(img), img.length, { crypto, regionSize: img.length }).length).toBe(img.length);
    expect(codeOf(() => verifyEspImage(arrayReader(img), img.length, { crypto, regionSize: img.length - 1 }))).toBe('IMAGE_TOO_BIG_FOR_REGION');
    expect(codeOf(() => verifyEspImage(arrayReader(img), img.length, { crypto, regionSize: 4096 }))).toBe('IMAGE_TOO_BIG_FOR_REGION');
  });

  test('an app must carry the app descriptor', () => {
    const bl = buildEspImage({ crypto, chip: 'esp32', kind: 'bootloader' });
    expect(codeOf(() => inspectEspImage(bl, { crypto, kind: 'app' }))).toBe('IMAGE_APP_DESC');
    const short = app();
    dv(short).setUint32(24 + 4, 128, true);
    expect(codeOf(() => inspectEspImage(short, { crypto, kind: 'app' }))).toBe('IMAGE_APP_DESC');
    const autoShort = app();
    dv(autoShort).setUint32(24 + 4, 32, true);
    expect(codeOf(() => inspectEspImage(autoShort, { crypto }))).toBe('IMAGE_APP_DESC');
    const wrong = app();
    wrong[32] ^= 1;
    expect(codeOf(() => inspectEspImage(wrong, { crypto, kind: 'app' }))).toBe('IMAGE_APP_DESC');
  });

  test('an app declared a bootloader is refused', () => {
    expect(codeOf(() => inspectEspImage(app(), { crypto, kind: 'bootloader' }))).toBe('IMAGE_KIND_MISMATCH');
  });

  test('finish before the end is truncation', () => {
    const v = new EspImageVerifier({ crypto });
    v.update(app().subarray(0, 100));
    expect(v.done).toBe(false);
    expect(codeOf(() => v.finish())).toBe('IMAGE_TRUNCATED');
  });
});
