/**
 * Writes a bundle directory (docs/bundle-format.md) from images in hand:
 * detects each image's kind, gives it its region, checks every image for the
 * chip and its destination with the core's bundle checks (the ones the
 * firmware applies), then writes manifest.json, manifest.sig and the images.
 * Nothing is written when a check fails.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ImageKind } from '../../../src/core/job';
import type { Partition } from '../../../src/core/ports';
import { PartitionType, DataSubtype } from '../../../src/core/ports';
import { ReflashError, hex } from '../../../src/core/errors';
import { chipInfo, DEFAULT_PARTITION_TABLE_OFFSET } from '../../../src/core/formats/chips';
import { alignUp, arrayReader } from '../../../src/core/formats/bytes';
import { detectImageKind } from '../../../src/core/formats/validate';
import { OTADATA_SIZE, PTABLE_MAX_LENGTH, PTABLE_SECTOR, parsePartitionTable } from '../../../src/core/formats/partition-table';
import { type BundleImage, type BundleManifest, BUNDLE_FORMAT, parseManifest, serializeManifest } from '../../../src/core/bundle/manifest';
import { describeImage } from '../../../src/core/bundle/build';
import { type BundleImageCheck, checkBundleImages } from '../../../src/core/bundle/check-images';
import { nodeCrypto, signManifest } from './node-crypto';

export interface InputImage {
  bytes: Uint8Array;
  destination: number;
  name?: string;
  /** Forces the kind instead of detecting it. */
  kind?: ImageKind;
  regionSize?: number;
}

export interface BundleRequest {
  chip: string;
  images: InputImage[];
  version: number;
  /** PEM of the P-256 private key; unsigned without it. */
  keyPem?: string;
  /** Default: the smallest power of two holding every region and partition, at least 1 MiB. */
  minFlashSize?: number;
  tableOffset?: number;
  outDir: string;
}

export interface WrittenBundle {
  manifest: BundleManifest;
  manifestBytes: Uint8Array;
  signed: boolean;
  checks: BundleImageCheck[];
  /** Kinds that were guessed raw because nothing was recognised. */
  notes: string[];
}

const DEFAULT_NAMES: Partial<Record<ImageKind, string>> = { bootloader: 'bootloader', 'partition-table': 'partition-table', otadata: 'otadata' };

function newTable(images: InputImage[], kinds: ImageKind[], tableOffset: number): Partition[] | undefined {
  const i = kinds.indexOf('partition-table');
  if (i < 0) return undefined;
  const bytes = images[i].bytes.subarray(0, Math.min(images[i].bytes.length, PTABLE_MAX_LENGTH));
  return parsePartitionTable(bytes, { crypto: nodeCrypto, tableOffset }).entries;
}

/** bootloader: up to the table; table: its sector; app and otadata: their partition in the new table; else the image rounded up to 4 KiB. */
function defaultRegion(kind: ImageKind, img: InputImage, chip: string, tableOffset: number, table: Partition[] | undefined): number {
  switch (kind) {
    case 'bootloader': return tableOffset - chipInfo(chip).bootloaderOffset;
    case 'partition-table': return PTABLE_SECTOR;
    case 'otadata': return OTADATA_SIZE;
    case 'app': case 'mcuboot': {
      const p = table?.find((q) => q.address === img.destination && (q.type === PartitionType.app || kind === 'mcuboot'));
      return p ? p.size : alignUp(img.bytes.length, 0x1000);
    }
    default: {
      const p = table?.find((q) => q.address === img.destination && q.type === PartitionType.data && q.subtype !== DataSubtype.ota);
      return p ? p.size : alignUp(img.bytes.length, 0x1000);
    }
  }
}

function powerOfTwoAtLeast(n: number): number {
  let size = 0x100000;
  while (size < n) size *= 2;
  return size;
}

/**
 * @throws ReflashError the bundle codes (`BUNDLE_*`, `DEST_BOUNDS`) and each image's validation code.
 */
export function writeBundle(req: BundleRequest): WrittenBundle {
  const tableOffset = req.tableOffset ?? DEFAULT_PARTITION_TABLE_OFFSET;
  const notes: string[] = [];
  const kinds = req.images.map((img, i) => {
    const kind = img.kind ?? detectImageKind(img.bytes);
    if (kind) return kind;
    notes.push(`image ${i + 1} (${img.name ?? hex(img.destination)}): not an ESP image, partition table, MCUboot image or otadata: bundled as raw (size and SHA-256 checked only)`);
    return 'raw' as ImageKind;
  });
  const table = newTable(req.images, kinds, tableOffset);
  const described: BundleImage[] = req.images.map((img, i) => {
    const kind = kinds[i];
    const name = img.name ?? DEFAULT_NAMES[kind] ?? (table?.find((p) => p.address === img.destination)?.label) ?? `${kind}-${img.destination.toString(16)}`;
    return describeImage({
      name, kind, source: `${name}.bin`, destination: img.destination,
      regionSize: img.regionSize ?? defaultRegion(kind, img, req.chip, tableOffset, table),
      bytes: img.bytes, crypto: nodeCrypto,
    });
  });
  const ends = described.map((d) => d.destination + d.regionSize).concat((table ?? []).map((p) => p.address + p.size));
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT, chip: req.chip, minFlashSize: req.minFlashSize ?? powerOfTwoAtLeast(Math.max(...ends)),
    version: req.version, images: described,
  };
  const manifestBytes = serializeManifest(manifest);
  parseManifest(manifestBytes); // the firmware's own structural rules: overlaps, alignment, bounds
  const byName = new Map(described.map((d, i) => [d.name, req.images[i].bytes]));
  const checks = checkBundleImages(manifest, (img) => {
    const bytes = byName.get(img.name)!;
    return { read: arrayReader(bytes), size: bytes.length };
  }, {
    crypto: nodeCrypto, chip: req.chip, bootloaderOffset: chipInfo(req.chip).bootloaderOffset,
    partitionTableOffset: tableOffset, flashSize: manifest.minFlashSize,
  });
  const names = new Set<string>();
  for (const d of described) {
    if (names.has(d.source)) throw new ReflashError('BUNDLE_DUPLICATE', `two images would be written as ${d.source}: name them apart (file@address:name)`, { name: d.name });
    names.add(d.source);
  }
  mkdirSync(req.outDir, { recursive: true });
  for (const d of described) writeFileSync(join(req.outDir, d.source), byName.get(d.name)!);
  writeFileSync(join(req.outDir, 'manifest.json'), manifestBytes);
  // A stale signature beside a new manifest would only fail on the device.
  if (req.keyPem) writeFileSync(join(req.outDir, 'manifest.sig'), signManifest(req.keyPem, manifestBytes));
  else rmSync(join(req.outDir, 'manifest.sig'), { force: true });
  return { manifest, manifestBytes, signed: !!req.keyPem, checks, notes };
}
