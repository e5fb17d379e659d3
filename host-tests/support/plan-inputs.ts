/** Planning inputs for pure planner tests, on the standard ESP32 table unless told otherwise. */
import type { PlanInputs } from '../../src/core/plan';
import type { SourceFacts } from '../../src/core/destination-checks';
import type { ImageSpec, JobSpec } from '../../src/core/job';
import type { Partition } from '../../src/core/ports';
import { ESP32_LAYOUT, MiB, standardTable } from './test-platform';

export function inputsFor(job: JobSpec, over: Partial<PlanInputs> & { facts?: Partial<SourceFacts>[] } = {}): PlanInputs {
  const partitions: Partition[] = (over.partitions as Partition[]) ?? standardTable();
  return {
    layout: over.layout ?? ESP32_LAYOUT,
    partitions,
    running: over.running ?? partitions.find((p) => p.label === 'ota_0')!,
    flash: over.flash ?? { size: 4 * MiB, sectorSize: 4096 },
    sources: job.images.map((_, i) => ({ length: undefined, flashRange: undefined, ...(over.facts?.[i] ?? {}) })),
  };
}

let n = 0;
/** An image from a URL with a size, at `destination`. */
export function img(destination: number, size: number, extra: Partial<ImageSpec> = {}): ImageSpec {
  n++;
  return { name: `image${n}`, source: { url: `http://127.0.0.1/${n}.bin` }, destination, size, ...extra };
}

export function codeOf(f: () => unknown): string | undefined {
  try { f(); } catch (e) { return (e as { code?: string }).code ?? `not a ReflashError: ${String(e)}`; }
  return undefined;
}

export async function asyncCodeOf(f: () => Promise<unknown>): Promise<string | undefined> {
  try { await f(); } catch (e) { return (e as { code?: string }).code ?? `not a ReflashError: ${String(e)}`; }
  return undefined;
}
