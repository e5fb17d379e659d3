import { createHash } from 'node:crypto';
import { buildMcubootImage, inspectMcubootImage, verifyMcubootImage } from '../../src/core/formats/mcuboot';
import { arrayReader } from '../../src/core/formats/bytes';
import { nodeCrypto } from './node-crypto';
import { codeOf } from './expect-code';

const crypto = nodeCrypto;
const dv = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
const img = (o: Partial<Parameters<typeof buildMcubootImage>[0]> = {}) => buildMcubootImage({ crypto, bodySize: 5000, ...o });

describe('MCUboot image', () => {
  test('a built image verifies; the hash covers header and body', () => {
    const b = img({ version: [1, 2, 3, 4] });
    const info = inspectMcubootImage(b, { crypto });
    expect(info.header).toMatchObject({ hdrSize: 32, imgSize: 5000, protectTlvSize: 0, version: '1.2.3+4' });
    expect(info.length).toBe(b.length);
    expect(info.sha256.stored).toBe(createHash('sha256').update(b.subarray(0, 32 + 5000)).digest('hex'));
    expect(info.tlvs).toEqual([{ type: 0x10, length: 32, offset: 32 + 5000 + 8, protected: false }]);
  });

  test('a padded header and a protected TLV area verify (the hash covers the protected TLVs)', () => {
    const b = img({ hdrSize: 0x200, protectedTlvs: true });
    const info = inspectMcubootImage(b, { crypto });
    expect(info.header.protectTlvSize).toBe(12);
    expect(info.tlvs.map((t) => [t.type, t.protected])).toEqual([[0x50, true], [0x10, false]]);
    expect(info.sha256.stored).toBe(createHash('sha256').update(b.subarray(0, 0x200 + 5000 + 12)).digest('hex'));
  });

  test('slot size: exact fits, smaller is refused', () => {
    const b = img();
    expect(verifyMcubootImage(arrayReader(b), b.length, { crypto, slotSize: b.length }).length).toBe(b.length);
    expect(codeOf(() => verifyMcubootImage(arrayReader(b), b.length, { crypto, slotSize: b.length - 1 }))).toBe('IMAGE_TOO_BIG_FOR_REGION');
  });

  const cases: Array<[string, (b: Uint8Array) => Uint8Array, string]> = [
    ['magic', (b) => { b[0] ^= 1; return b; }, 'MCUBOOT_BAD_MAGIC'],
    ['v1 magic', (b) => { dv(b).setUint32(0, 0x96f3b83c, true); return b; }, 'MCUBOOT_BAD_MAGIC'],
    ['header size below 32', (b) => { dv(b).setUint16(8, 16, true); return b; }, 'MCUBOOT_HEADER'],
    ['protected size below its info', (b) => { dv(b).setUint16(10, 2, true); return b; }, 'MCUBOOT_HEADER'],
    ['TLV info magic', (b) => { b[32 + 5000] ^= 1; return b; }, 'MCUBOOT_TLV'],
    ['protected info announced but absent', (b) => { dv(b).setUint16(10, 8, true); return b; }, 'MCUBOOT_TLV'],
    ['TLV longer than its area', (b) => { dv(b).setUint16(32 + 5000 + 6, 33, true); return b; }, 'MCUBOOT_TLV'],
    ['TLV area longer than the image', (b) => { dv(b).setUint16(32 + 5000 + 2, 200, true); return b; }, 'IMAGE_TRUNCATED'],
    ['body byte', (b) => { b[100] ^= 1; return b; }, 'MCUBOOT_HASH'],
    ['no SHA-256 TLV', (b) => { dv(b).setUint16(32 + 5000 + 4, 0x01, true); return b; }, 'MCUBOOT_HASH'],
    ['image size past the end', (b) => { dv(b).setUint32(12, 1 << 20, true); return b; }, 'IMAGE_TRUNCATED'],
    ['shorter than a header', (b) => b.subarray(0, 20), 'IMAGE_TRUNCATED'],
    ['cut in the TLVs', (b) => b.subarray(0, b.length - 3), 'IMAGE_TRUNCATED'],
  ];
  test.each(cases)('%s', (_n, mutate, code) => {
    expect(codeOf(() => inspectMcubootImage(mutate(img()), { crypto }))).toBe(code);
  });
});
