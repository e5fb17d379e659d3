/**
 * Which parts of the flash the device needs to boot or to keep running the
 * job. A destination that overlaps any of them is "in use" and is staged and
 * committed last; every other destination is free and written like an OTA
 * update writes an inactive slot.
 */
import { AppSubtype, DataSubtype, PartitionType } from './ports';
import type { FlashLayout, Partition } from './ports';
import { SECTOR_SIZE } from './regions';
import type { Range } from './regions';

/** Why a region is in use; also the commit rank (see `commit-order.ts`). */
export type InUseReason = 'bootloader' | 'partition-table' | 'otadata' | 'running-app' | 'nvs' | 'phy';

export interface InUseRegion extends Range {
  reason: InUseReason;
  /** The partition's label, or the reason for the fixed regions. */
  label: string;
}

/**
 * The bootloader region `[bootloaderOffset, partitionTableOffset)`, the
 * partition table's sector (at most 0xC00 bytes, erased as one 4 KiB sector),
 * otadata, the running app, and the nvs and phy data the network stack reads.
 */
export function inUseRegions(layout: FlashLayout, partitions: readonly Partition[], running: Partition): InUseRegion[] {
  const regions: InUseRegion[] = [
    {
      address: layout.bootloaderOffset,
      size: layout.partitionTableOffset - layout.bootloaderOffset,
      reason: 'bootloader',
      label: 'bootloader',
    },
    { address: layout.partitionTableOffset, size: SECTOR_SIZE, reason: 'partition-table', label: 'partition-table' },
  ];
  for (const p of partitions) {
    const reason = partitionReason(p, running);
    if (reason) regions.push({ address: p.address, size: p.size, reason, label: p.label });
  }
  return regions;
}

function partitionReason(p: Partition, running: Partition): InUseReason | undefined {
  if (p.address === running.address && p.type === PartitionType.app) return 'running-app';
  if (p.type !== PartitionType.data) return undefined;
  if (p.subtype === DataSubtype.ota) return 'otadata';
  if (p.subtype === DataSubtype.nvs) return 'nvs';
  if (p.subtype === DataSubtype.phy) return 'phy';
  return undefined;
}

/** OTA app slots (ota_0..ota_15): where staging goes by default. */
export function isOtaSlot(p: Partition): boolean {
  return p.type === PartitionType.app && p.subtype >= AppSubtype.ota0 && p.subtype <= AppSubtype.ota15;
}
