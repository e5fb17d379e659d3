/**
 * One simulated reflash: the real firmware (build/host/firmware.js) in the
 * host runtime, configured as a device would be (bundle URL, public key),
 * against a copy of a dump; then the figures `simulate` and `demo` report.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Partition } from '../../../src/core/ports';
import type { BootResult } from '../../../src/core/boot-chain/model';
import { isReflashError } from '../../../src/core/errors';
import { type Dump, bootOf, bootSummary } from './flash-dump';
import { type HostReport, runHost } from './host-runtime';
import type { BundleSource } from './bundle-source';
import type { BundleManifest } from '../../../src/core/bundle/manifest';
import { bundleToJobSpec } from '../../../src/core/bundle/to-job';
import { makePlan } from '../../../src/core/plan';
import type { Plan } from '../../../src/core/plan-types';
import { chipInfo } from '../../../src/core/formats/chips';
import { type Floor, computeFloor, floorInputFromPlan } from '../../sim/floor';
import { type BrickWindow, brickWindow, readTrace } from './brick-window';

export interface SimulationSetup {
  dump: Dump;
  bundle: BundleSource;
  running: string;
  publicKeyHex?: string;
  caPem?: string;
  workDir: string;
}

export interface RunOutcome {
  exitCode: number;
  report: HostReport | undefined;
  after: Uint8Array;
  tracePath: string;
  log: string[];
}

let runCounter = 0;

/** Runs the firmware once on `flash` (a copy is made); the input bytes are never written. */
export async function runFirmware(setup: SimulationSetup, flash: Uint8Array, running: string, opts: {
  powerCut?: number;
  onProgress?: (phase: string, image: string | undefined, done: number, total: number) => void;
  onLog?: (line: string) => void;
}): Promise<RunOutcome> {
  const id = ++runCounter;
  const flashPath = join(setup.workDir, `flash-${id}.bin`);
  const jobPath = join(setup.workDir, `job-${id}.json`);
  const reportPath = join(setup.workDir, `report-${id}.json`);
  const tracePath = join(setup.workDir, `trace-${id}.jsonl`);
  writeFileSync(flashPath, flash);
  // The device's config keys (src/app/config.ts), as strings the way mcconfig sets them.
  const config: Record<string, unknown> = {
    bundle: setup.bundle.url, restart: 'false',
    // A refusal stops at once; a network failure is retried quickly, not after the device's 5 s.
    retryAttempts: '2', retryDelay: '200', retryMaxDelay: '1000',
  };
  if (setup.publicKeyHex) config.publicKey = setup.publicKeyHex;
  if (setup.caPem) config.caCert = setup.caPem;
  writeFileSync(jobPath, JSON.stringify(config));
  const r = await runHost({
    flash: flashPath, chip: setup.dump.chip, running, job: jobPath, report: reportPath, trace: tracePath,
    powerCut: opts.powerCut, partitionTableOffset: setup.dump.tableOffset, onProgress: opts.onProgress, onLog: opts.onLog,
  });
  const after = new Uint8Array(readFileSync(flashPath));
  rmSync(flashPath);
  return { exitCode: r.exitCode, report: r.report, after, tracePath, log: r.log };
}

export function tempWorkDir(): string {
  return mkdtempSync(join(tmpdir(), 'reflasher-sim-'));
}

export interface BootReport {
  boots: boolean;
  summary: string;
  label: string | null;
  address: number | null;
  projectName: string | null;
  version: string | null;
  steps: BootResult['steps'];
}

export function bootReport(boot: BootResult): BootReport {
  return {
    boots: boot.boots, summary: bootSummary(boot), label: boot.image?.label ?? null, address: boot.image?.address ?? null,
    projectName: boot.image?.projectName ?? null, version: boot.image?.version ?? null, steps: boot.steps,
  };
}

/** The engine's own plan for this dump and bundle: which images it stages, and where. */
export function planFor(input: { dump: Uint8Array; chip: string; tableOffset: number; partitions: Partition[]; running: Partition; manifest: BundleManifest }): Plan {
  const job = bundleToJobSpec(input.manifest, {});
  return makePlan(job, {
    layout: { chip: input.chip, bootloaderOffset: chipInfo(input.chip).bootloaderOffset, partitionTableOffset: input.tableOffset },
    partitions: input.partitions, running: input.running,
    flash: { size: input.dump.length, sectorSize: 0x1000 },
    sources: job.images.map((i) => ({ length: i.size, flashRange: undefined })),
  });
}

/** The floor (tools/sim/floor.ts, shared with the bench), or why there is none (the plan refuses the job: then the firmware refuses it too). */
export function floorOf(setup: SimulationSetup, partitions: Partition[]): { floor: Floor | null; planError: string | null } {
  const running = partitions.find((p) => p.label === setup.running);
  if (!running) return { floor: null, planError: `no partition "${setup.running}"` };
  const input = {
    dump: setup.dump.bytes, chip: setup.dump.chip, tableOffset: setup.dump.tableOffset, partitions, running,
    manifest: setup.bundle.manifest,
  };
  try {
    return { floor: computeFloor(floorInputFromPlan(setup.dump.bytes, planFor(input), setup.bundle.images)), planError: null };
  } catch (e) {
    if (isReflashError(e)) return { floor: null, planError: `${e.code}: ${e.message}` };
    throw e;
  }
}

export function windowOf(setup: SimulationSetup, run: RunOutcome): BrickWindow {
  return brickWindow({ before: setup.dump.bytes, after: run.after, trace: readTrace(run.tracePath), chip: setup.dump.chip, tableOffset: setup.dump.tableOffset });
}

export function bootAfter(setup: SimulationSetup, bytes: Uint8Array): BootResult {
  return bootOf({ bytes, chip: setup.dump.chip, tableOffset: setup.dump.tableOffset });
}
