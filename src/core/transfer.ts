/**
 * Streaming a ByteSource into flash a sector at a time, hashing as it goes,
 * with the job's fixed buffers (see `buffers.ts`): nothing here allocates per
 * chunk, so the heap does not grow with the image.
 *
 * Two targets:
 * - staging: the image's staging sectors are erased in one call first (so the
 *   driver can use 64 KiB blocks), then every sector is written;
 * - a destination (direct-write.ts): each incoming sector is compared with
 *   what the flash holds; identical sectors are neither erased nor written.
 * Bytes past the image's planned size are never written: the source is
 * refused with SIZE_MISMATCH as soon as it delivers one byte too many.
 */
import { ReflashError, hex } from './errors';
import type { ByteSource, Phase, Sha256 } from './ports';
import { SECTOR_SIZE, alignUp } from './regions';
import { progress } from './context';
import type { Context } from './context';
import type { PlannedImage } from './plan-types';
import { createImageVerifier, type ImageVerifier } from './formats/validate';
import { sectorsErased, toHex } from './verify';
import { writeDataPages } from './program';

/** A source being read into `buffers.sector`; `io[start, end)` holds bytes not yet used. */
interface Stream {
  source: ByteSource;
  image: PlannedImage;
  start: number;
  end: number;
  /** Bytes of the image assembled into sectors so far. */
  position: number;
}

export interface StreamResult {
  /** SHA-256 of the bytes the source delivered, hex. */
  sha256: string;
}

/** What to do with each assembled sector; `n` bytes of `buffers.sector` are the image's. */
type SectorSink = (ctx: Context, offset: number, n: number) => void;

/**
 * Stream the whole source through `sink`, sector by sector.
 * @throws ReflashError `SIZE_MISMATCH` (too few or too many bytes), the source's `SOURCE_*` codes.
 */
export async function streamSectors(ctx: Context, source: ByteSource, image: PlannedImage, phase: Phase, sink: SectorSink): Promise<StreamResult> {
  const stream: Stream = { source, image, start: 0, end: 0, position: 0 };
  const sha = ctx.platform.crypto.sha256();
  const verifier = imageVerifier(ctx, image);
  while (stream.position < image.size) {
    const offset = stream.position;
    const n = await fillSector(ctx, stream);
    hashSector(ctx, sha, n);
    verifier?.update(n === SECTOR_SIZE ? ctx.buffers.sector : ctx.buffers.sector.subarray(0, n));
    if (stream.position === image.size) await expectEnd(ctx, stream);
    sink(ctx, offset, n);
    progress(ctx, phase, image.name, stream.position, image.size);
  }
  verifier?.finish();
  return { sha256: toHex(sha.digest()) };
}

/**
 * The image's own format checked on the same pass as its hash (magic, chip,
 * segments, checksum, table entries, TLVs): every stage, direct and check
 * step runs before the first commit, so a malformed image stops the job
 * before anything in use is touched, signed bundle or not.
 */
function imageVerifier(ctx: Context, image: PlannedImage): ImageVerifier | null {
  if (image.kind === null || image.kind === 'raw') return null;
  const layout = ctx.platform.partitions.layout();
  return createImageVerifier(image.kind, {
    crypto: ctx.platform.crypto, chip: layout.chip, regionSize: image.regionSize,
    flashSize: ctx.plan.flash.size, tableOffset: layout.partitionTableOffset, size: image.size,
  });
}

/** Assemble the next sector of the image in `buffers.sector`; returns its byte count. */
async function fillSector(ctx: Context, s: Stream): Promise<number> {
  const { pair, io } = ctx.buffers;
  const want = Math.min(SECTOR_SIZE, s.image.size - s.position);
  let fill = 0;
  while (fill < want) {
    if (s.start === s.end) {
      s.start = 0;
      s.end = await s.source.read(io);
      if (s.end === 0) throw sizeMismatch(s.image, s.position + fill, 'ended after');
    }
    const k = Math.min(want - fill, s.end - s.start);
    pair.copyWithin(SECTOR_SIZE + fill, s.start, s.start + k);
    s.start += k;
    fill += k;
  }
  s.position += fill;
  return fill;
}

/** After the last byte of the image the source must be at its end. */
async function expectEnd(ctx: Context, s: Stream): Promise<void> {
  const extra = s.end - s.start || (await s.source.read(ctx.buffers.io));
  if (extra > 0) throw sizeMismatch(s.image, s.image.size + extra, 'delivered at least');
}

function hashSector(ctx: Context, sha: Sha256, n: number): void {
  const { sector } = ctx.buffers;
  sha.update(n === SECTOR_SIZE ? sector : sector.subarray(0, n));
}

function sizeMismatch(image: PlannedImage, actual: number, verb: string): ReflashError {
  return new ReflashError('SIZE_MISMATCH',
    `image "${image.name}": the source ${verb} ${actual} bytes, the plan expects ${image.size}; ` +
    'fix the size in the job or the source', { image: image.name, expected: image.size, actual });
}

/** Pad the sector past the image's last byte with 0xFF, which programs nothing on NOR. */
export function padSector(ctx: Context, n: number): void {
  if (n < SECTOR_SIZE) ctx.buffers.sector.fill(0xff, n);
}

/** Erase the image's staging sectors in one call, then write every sector there. */
export async function streamToStaging(ctx: Context, source: ByteSource, image: PlannedImage): Promise<StreamResult> {
  const base = image.stagingAddress;
  if (base === null) throw new ReflashError('PLAN_INVALID', `image "${image.name}" has no staging address`);
  const length = alignUp(image.size, SECTOR_SIZE);
  // Reading is ~10x cheaper than erasing: a fresh staging area is not erased again.
  if (ctx.stagingErased) ctx.platform.report.log('debug', `staging ${hex(base)}+${hex(length)} erased with the staging area`);
  else if (sectorsErased(ctx, base, length)) ctx.platform.report.log('debug', `staging ${hex(base)}+${hex(length)} already erased`);
  else ctx.platform.flash.erase(base, length);
  return streamSectors(ctx, source, image, 'download', (c, offset, n) => {
    padSector(c, n);
    writeDataPages(c.platform.flash, base + offset, c.buffers.sector, c.buffers.sector32);
  });
}

/** Read the whole source only to hash it and check its size. */
export function hashSource(ctx: Context, source: ByteSource, index: number): Promise<StreamResult> {
  return streamSectors(ctx, source, ctx.plan.images[index], 'verify', () => undefined);
}
