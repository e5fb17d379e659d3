/**
 * Bad input: random and mutated bytes into every parser end in a ReflashError
 * or a valid result, never another exception (no TypeError, RangeError from
 * a read past the end, stack overflow...).
 */
import fc from 'fast-check';
import { ReflashError } from '../../src/core/errors';
import { buildEspImage } from '../../src/core/formats/esp-image-build';
import { EspImageVerifier } from '../../src/core/formats/esp-image';
import { buildMcubootImage } from '../../src/core/formats/mcuboot';
import { buildOtadata } from '../../src/core/formats/otadata';
import { buildPartitionTable, parsePartitionTable } from '../../src/core/formats/partition-table';
import { parsePartitionCsv } from '../../src/core/formats/partition-csv';
import { createImageVerifier, inspectImage, validateImage } from '../../src/core/formats/validate';
import { arrayReader, utf8Encode } from '../../src/core/formats/bytes';
import { modelBoot } from '../../src/core/boot-chain/model';
import { checkBundleImages, parseManifest, serializeManifest, verifyBundle, describeImage } from '../../src/core/bundle';
import type { ImageKind } from '../../src/core/job';
import { nodeCrypto, p256KeyPair, signP256 } from './node-crypto';
import { MB, TWO_OTA, makeFlash } from './fixtures';

const crypto = nodeCrypto;
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

/** Runs `fn`; a ReflashError counts as a clean refusal, anything else fails the property. */
function clean(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch (e) {
    if (e instanceof ReflashError) return true;
    throw e;
  }
}

/** Byte edits of a valid input: flips, overwrites with boundary values, cuts, insertions. */
function mutated(seed: Uint8Array) {
  const edit = fc.oneof(
    fc.record({ op: fc.constant('set' as const), at: fc.nat(seed.length - 1), v: fc.constantFrom(0, 1, 0x7f, 0x80, 0xff, 0xe9, 0xaa, 0x50) }),
    fc.record({ op: fc.constant('flip' as const), at: fc.nat(seed.length - 1), v: fc.integer({ min: 0, max: 7 }) }),
    fc.record({ op: fc.constant('word' as const), at: fc.nat(seed.length - 1), v: fc.constantFrom(0, 0xffffffff, 0x7fffffff, 0x1000000, 3, 0x20) }),
    fc.record({ op: fc.constant('cut' as const), at: fc.nat(seed.length), v: fc.constant(0) }),
  );
  return fc.array(edit, { minLength: 1, maxLength: 6 }).map((edits) => {
    let b = seed.slice();
    for (const e of edits) {
      if (e.op === 'set') b[Math.min(e.at, b.length - 1)] = e.v;
      else if (e.op === 'flip') b[Math.min(e.at, b.length - 1)] ^= 1 << e.v;
      else if (e.op === 'word' && e.at + 4 <= b.length) new DataView(b.buffer).setUint32(e.at, e.v >>> 0, true);
      else if (e.op === 'cut') b = b.slice(0, e.at);
    }
    return b;
  });
}

/** Edits concentrated in the first bytes, where the headers are. */
function mutatedHead(seed: Uint8Array, head: number) {
  return mutated(seed.subarray(0, Math.min(head, seed.length))).map((h) => {
    const b = seed.slice();
    b.set(h.subarray(0, Math.min(h.length, b.length)));
    // a cut inside the head truncates the whole image there
    return h.length < Math.min(head, seed.length) ? h : b;
  });
}

const app = buildEspImage({ crypto, chip: 'esp32', kind: 'app', size: 2048, segments: 5 });
const bootloader = buildEspImage({ crypto, chip: 'esp32', kind: 'bootloader', size: 1024 });
const table = buildPartitionTable(TWO_OTA, { crypto });
const mcuboot = buildMcubootImage({ crypto, bodySize: 600, protectedTlvs: true });
const otadata = buildOtadata({ slot: 1 });
const KINDS: ImageKind[] = ['bootloader', 'app', 'partition-table', 'otadata', 'mcuboot', 'raw'];

describe('fuzz: image validators', () => {
  test('random bytes, every kind and auto-detect', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 4096 }), fc.constantFrom<ImageKind | undefined>(...KINDS, undefined), (b, kind) =>
      clean(() => inspectImage(b, { crypto, chip: 'esp32', flashSize: 4 * MB, kind }))), { numRuns: RUNS });
  });

  test.each([['app', app], ['bootloader', bootloader], ['mcuboot', mcuboot]] as const)('mutated %s', (_n, seed) => {
    fc.assert(fc.property(fc.oneof(mutated(seed), mutatedHead(seed, 96)), fc.constantFrom<ImageKind | undefined>(...KINDS, undefined), (b, kind) =>
      clean(() => inspectImage(b, { crypto, chip: 'esp32', flashSize: 4 * MB, regionSize: 0x10000, kind }))), { numRuns: RUNS });
  });

  test('a mutated ESP image fed in random chunks gives the same verdict as whole', () => {
    fc.assert(fc.property(mutatedHead(app, 64), fc.integer({ min: 1, max: 300 }), (b, step) => {
      const verdict = (feed: (v: EspImageVerifier) => void) => {
        try {
          const v = new EspImageVerifier({ crypto, chip: 'esp32' });
          feed(v);
          return v.finish().length;
        } catch (e) {
          if (e instanceof ReflashError) return e.code;
          throw e;
        }
      };
      const whole = verdict((v) => v.update(b));
      const chunked = verdict((v) => { for (let o = 0; o < b.length; o += step) v.update(b.subarray(o, o + step)); });
      return whole === chunked;
    }), { numRuns: RUNS });
  });

  test.each([['app', app], ['bootloader', bootloader], ['mcuboot', mcuboot], ['partition-table', table], ['otadata', otadata]] as const)('%s: streamed in random chunks, the verdict equals the read-function verdict', (kind, seed) => {
    const verdict = (fn: () => object) => {
      try {
        const r = fn();
        return 'ok ' + ('length' in r ? String(r.length) : '');
      } catch (e) {
        if (e instanceof ReflashError) return e.code;
        throw e;
      }
    };
    fc.assert(fc.property(fc.oneof(mutated(seed), mutatedHead(seed, 64)), fc.integer({ min: 1, max: 700 }), (b, step) => {
      const ctx = { crypto, chip: 'esp32', flashSize: 4 * MB };
      const pulled = verdict(() => validateImage(kind, arrayReader(b), b.length, ctx));
      const pushed = verdict(() => {
        const v = createImageVerifier(kind, { ...ctx, size: b.length });
        for (let o = 0; o < b.length; o += step) v.update(b.subarray(o, o + step));
        return v.finish();
      });
      return pulled === pushed;
    }), { numRuns: RUNS });
  });

  test('mutated otadata', () => {
    fc.assert(fc.property(mutated(otadata), (b) => clean(() => inspectImage(b, { crypto, kind: 'otadata' }))), { numRuns: RUNS });
  });
});

describe('fuzz: partition tables', () => {
  test('random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 0xc00 }), fc.boolean(), (b, rules) =>
      clean(() => parsePartitionTable(b, { crypto, flashSize: 4 * MB, bootloaderRules: rules }))), { numRuns: RUNS });
  });

  test('mutated valid table', () => {
    fc.assert(fc.property(mutated(table.subarray(0, 8 * 32)), fc.boolean(), (b, rules) =>
      clean(() => parsePartitionTable(b, { crypto, flashSize: 4 * MB, bootloaderRules: rules }))), { numRuns: RUNS });
  });

  test('random CSV lines', () => {
    const field = fc.oneof(fc.constantFrom('', 'app', 'data', 'nvs', 'ota_0', 'factory', '0x10', '1M', '4K', '-1M', 'readonly', 'encrypted:readonly', '0x9000', 'bootloader', 'partition_table', 'primary', '$X', '0x'), fc.string({ maxLength: 8 }));
    const line = fc.array(field, { maxLength: 7 }).map((f) => f.join(','));
    fc.assert(fc.property(fc.array(line, { maxLength: 8 }), (lines) =>
      clean(() => parsePartitionCsv(lines.join('\n'), { bootloaderOffset: 0x1000 }))), { numRuns: RUNS });
  });
});

describe('fuzz: bundles', () => {
  const app2 = buildEspImage({ crypto, chip: 'esp32', kind: 'app', size: 4096 });
  const images = [
    describeImage({ name: 'table', kind: 'partition-table', source: 't.bin', destination: 0x8000, regionSize: 0x1000, bytes: table, crypto }),
    describeImage({ name: 'app', kind: 'app', source: 'resource:app', destination: 0x110000, regionSize: 0x100000, bytes: app2, crypto }),
  ];
  const manifest = serializeManifest({ format: 1, chip: 'esp32', minFlashSize: 4 * MB, version: 3, images });
  const { privateKey, publicKey } = p256KeyPair();

  test('random bytes and random JSON into the manifest parser', () => {
    fc.assert(fc.property(fc.oneof(fc.uint8Array({ maxLength: 512 }), fc.json({ maxDepth: 20 }).map(utf8Encode)), (b) => clean(() => parseManifest(b))), { numRuns: RUNS });
  });

  test('mutated manifests into parsing, verification (with and without key) and image checks', () => {
    fc.assert(fc.property(mutated(manifest), fc.boolean(), (b, keyed) => clean(() => {
      const sig = signP256(privateKey, b);
      const v = verifyBundle(b, sig, { chip: 'esp32', flashSize: 4 * MB, publicKey: keyed ? publicKey : undefined }, crypto);
      checkBundleImages(v.manifest, (img) => {
        const bytes = img.kind === 'partition-table' ? table : app2;
        return { read: arrayReader(bytes), size: bytes.length };
      }, { crypto, chip: 'esp32', bootloaderOffset: 0x1000, partitionTableOffset: 0x8000, flashSize: 4 * MB });
    })), { numRuns: Math.ceil(RUNS / 3) });
  });

  test('manifests built from random field values', () => {
    const value = fc.oneof(fc.integer(), fc.double(), fc.string({ maxLength: 12 }), fc.constantFrom('0x1000', '0x8000', '0xffffffff', 'app', 'raw', 'esp32', 'resource:x', '../a'), fc.constant(null), fc.boolean());
    const image = fc.dictionary(fc.constantFrom('name', 'kind', 'source', 'destination', 'regionSize', 'size', 'sha256', 'x'), value);
    const doc = fc.record({ format: fc.oneof(fc.constant(1), value), chip: fc.oneof(fc.constant('esp32'), value), minFlashSize: value, version: value, images: fc.array(image, { maxLength: 4 }) }, { requiredKeys: [] });
    fc.assert(fc.property(doc, (d) => clean(() => parseManifest(utf8Encode(JSON.stringify(d))))), { numRuns: RUNS });
  });
});

describe('fuzz: boot-chain model', () => {
  const flash = makeFlash({ apps: ['factory', 'ota_0'], otadataSlot: 0 });
  test('mutations in the boot-critical first 64 KiB never throw', () => {
    fc.assert(fc.property(fc.array(fc.record({ at: fc.integer({ min: 0x1000, max: 0xffff }), v: fc.nat(255) }), { minLength: 1, maxLength: 8 }), (edits) => {
      const f = flash.slice(0, 2 * MB);
      for (const e of edits) f[e.at] = e.v;
      return clean(() => modelBoot({ read: arrayReader(f), flashSize: f.length, chip: 'esp32', crypto }));
    }), { numRuns: Math.ceil(RUNS / 3) });
  });
});
