/**
 * Checks each image of a bundle by kind against its destination, before
 * anything is staged or erased (on the device, against staged bytes read
 * back; in the CLI, against the files):
 *
 *  - size and SHA-256 as the manifest states them (SIZE_MISMATCH, HASH_MISMATCH);
 *  - bootloader: at the chip's bootloader offset, its region ending at or
 *    before the partition table; a valid ESP bootloader image for the chip
 *    that fits before the table;
 *  - partition-table: at the table offset, at most one sector; a valid table
 *    for the flash size;
 *  - app: at the start of an app partition of the NEW table when the bundle
 *    carries one, else of the device's current table; region within that
 *    partition; a valid ESP app for the chip that fits it;
 *  - otadata: at the otadata partition of that table; two valid sectors;
 *  - mcuboot: a valid MCUboot image fitting its region (the slot);
 *  - raw: size and hash only.
 */
import type { CryptoPort, Partition } from '../ports';
import { PartitionType, DataSubtype } from '../ports';
import { ReflashError, hex } from '../errors';
import { type ReadFn, toHex } from '../formats/bytes';
import type { Check } from '../formats/checks';
import { pass, warn } from '../formats/checks';
import { PTABLE_SECTOR, type PartitionTableInfo } from '../formats/partition-table';
import { type ImageReport, validateImage } from '../formats/validate';
import type { BundleImage, BundleManifest } from './manifest';

export interface BundleCheckContext {
  crypto: CryptoPort;
  chip: string;
  bootloaderOffset: number;
  partitionTableOffset: number;
  flashSize: number;
  /** The device's table, used for app and otadata destinations when the bundle has no table. */
  currentPartitions?: Partition[];
}

export interface BundleImageCheck {
  name: string;
  report: ImageReport;
  /** Destination rules that passed, and warnings. */
  checks: Check[];
}

function destinationError(img: BundleImage, why: string, fix: string): never {
  throw new ReflashError('BUNDLE_DESTINATION', `image "${img.name}" (${img.kind}) at ${hex(img.destination)}+${hex(img.regionSize)}: ${why}: ${fix}`, { name: img.name, destination: img.destination });
}

/** SHA-256 and size of `size` bytes, read 4 KiB at a time. */
function checkHash(img: BundleImage, read: ReadFn, size: number, crypto: CryptoPort): void {
  if (size !== img.size) throw new ReflashError('SIZE_MISMATCH', `image "${img.name}" is ${size} bytes, the manifest says ${img.size}: the file or download is not the one the manifest names`, { name: img.name, size, expected: img.size });
  const sha = crypto.sha256();
  const piece = new Uint8Array(4096);
  for (let o = 0; o < size; o += piece.length) {
    const part = size - o >= piece.length ? piece : piece.subarray(0, size - o);
    read(o, part);
    sha.update(part);
  }
  const got = toHex(sha.digest());
  if (got !== img.sha256) throw new ReflashError('HASH_MISMATCH', `image "${img.name}" SHA-256 is ${got}, the manifest says ${img.sha256}: the file or download is corrupt or not the one the manifest names`, { name: img.name, sha256: got, expected: img.sha256 });
}

/**
 * Checks one image. `table` is the partition list app and otadata
 * destinations are judged against (the bundle's new table, else the device's).
 * @throws ReflashError `SIZE_MISMATCH`, `HASH_MISMATCH`, `BUNDLE_DESTINATION`, and the kind's validation codes.
 */
export function checkBundleImage(img: BundleImage, read: ReadFn, size: number, ctx: BundleCheckContext, table: Partition[] | undefined): BundleImageCheck {
  const checks: Check[] = [];
  checkHash(img, read, size, ctx.crypto);
  checks.push(pass('sha256', `${size} bytes, SHA-256 ${img.sha256}`));
  const end = img.destination + img.regionSize;
  let regionSize = img.regionSize;
  switch (img.kind) {
    case 'bootloader':
      if (img.destination !== ctx.bootloaderOffset) destinationError(img, `a ${ctx.chip} bootloader lives at ${hex(ctx.bootloaderOffset)}`, `set destination ${hex(ctx.bootloaderOffset)}`);
      if (end > ctx.partitionTableOffset) destinationError(img, `the region runs into the partition table at ${hex(ctx.partitionTableOffset)}`, `use regionSize ${hex(ctx.partitionTableOffset - ctx.bootloaderOffset)} or less`);
      regionSize = ctx.partitionTableOffset - ctx.bootloaderOffset;
      break;
    case 'partition-table':
      if (img.destination !== ctx.partitionTableOffset) destinationError(img, `the partition table lives at ${hex(ctx.partitionTableOffset)}`, `set destination ${hex(ctx.partitionTableOffset)}`);
      if (img.regionSize > PTABLE_SECTOR) destinationError(img, 'the table owns one 4 KiB sector', 'use regionSize 0x1000');
      break;
    case 'app':
    case 'otadata': {
      if (!table) {
        checks.push(warn('destination', `no partition table known: destination ${hex(img.destination)} not checked against a partition`));
        break;
      }
      const isApp = img.kind === 'app';
      const p = table.find((q) => q.address === img.destination && (isApp ? q.type === PartitionType.app : q.type === PartitionType.data && q.subtype === DataSubtype.ota));
      if (!p) destinationError(img, `no ${isApp ? 'app' : 'otadata'} partition starts there in the ${ctx.currentPartitions === table ? "device's" : "bundle's"} partition table`, `use the address of ${isApp ? 'an app' : 'the otadata'} partition`);
      if (img.regionSize > p.size) destinationError(img, `the region is larger than partition "${p.label}" (${hex(p.size)})`, `use regionSize ${hex(p.size)} or less`);
      checks.push(pass('destination', `partition "${p.label}" ${hex(p.address)}+${hex(p.size)}`));
      break;
    }
    default:
      break;
  }
  const report = validateImage(img.kind, read, size, { crypto: ctx.crypto, chip: ctx.chip, regionSize, flashSize: ctx.flashSize, tableOffset: ctx.partitionTableOffset });
  return { name: img.name, report, checks };
}

/**
 * Checks every image of a manifest, the partition table first so that app
 * and otadata destinations are judged against the table the device will have.
 * @param open gives each image's bytes as a read function and a size
 * @throws ReflashError at the first image that fails, with that image's code.
 */
export function checkBundleImages(manifest: BundleManifest, open: (img: BundleImage) => { read: ReadFn; size: number }, ctx: BundleCheckContext): BundleImageCheck[] {
  const results: BundleImageCheck[] = [];
  let table = ctx.currentPartitions;
  const order = manifest.images.slice().sort((a, b) => (a.kind === 'partition-table' ? -1 : 0) - (b.kind === 'partition-table' ? -1 : 0));
  for (const img of order) {
    const { read, size } = open(img);
    const r = checkBundleImage(img, read, size, ctx, table);
    if (img.kind === 'partition-table') table = (r.report as PartitionTableInfo).entries;
    results.push(r);
  }
  return manifest.images.map((img) => results.find((r) => r.name === img.name)!);
}
