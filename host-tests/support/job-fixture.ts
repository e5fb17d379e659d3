/** A memory platform plus helpers to add images to a job in one line. */
import type { ImageSpec, JobSpec } from '../../src/core/job';
import { bytesOf, makeTestPlatform, sha256Hex } from './test-platform';
import type { SourceSpec, TestPlatform, TestPlatformOptions } from './test-platform';

export interface Fixture extends TestPlatform {
  job: JobSpec;
  /** Add an image from a URL source; returns its bytes. */
  url(name: string, destination: number, bytes: Uint8Array, spec?: Partial<ImageSpec>, source?: Partial<SourceSpec>): Uint8Array;
  /** Add an embedded image whose bytes are loaded into flash at `at`. */
  resource(name: string, destination: number, bytes: Uint8Array, at: number, spec?: Partial<ImageSpec>): Uint8Array;
}

export function fixture(options: TestPlatformOptions = {}): Fixture {
  const tp = makeTestPlatform(options);
  const job: JobSpec = { images: [] };
  return {
    ...tp,
    job,
    url(name, destination, bytes, spec = {}, source = {}) {
      tp.sources.add(`http://127.0.0.1/${name}`, { bytes, ...source });
      job.images.push({ name, source: { url: `http://127.0.0.1/${name}` }, destination, size: bytes.length, sha256: sha256Hex(bytes), ...spec });
      return bytes;
    },
    resource(name, destination, bytes, at, spec = {}) {
      tp.flash.load(at, bytes);
      tp.sources.add(name, { bytes, flashRange: { address: at, size: bytes.length } });
      job.images.push({ name, source: { resource: name }, destination, sha256: sha256Hex(bytes), ...spec });
      return bytes;
    },
  };
}

/** Fill `size` bytes at `address` with old content, as a device in the field has. */
export function preload(f: TestPlatform, address: number, size: number, seed = 99): Uint8Array {
  const old = bytesOf(size, seed);
  f.flash.load(address, old);
  return old;
}

/** Every flash op (erase or write) that touched `[address, address + size)`. */
export function opsIn(f: TestPlatform, address: number, size: number) {
  return f.flash.ops.filter((o) => o.address < address + size && address < o.address + o.length);
}
