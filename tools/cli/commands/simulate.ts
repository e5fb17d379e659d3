import { availableParallelism } from 'node:os';
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Command } from '../command';
import { parseNumber, required } from '../command';
import { UsageError, type Output } from '../output';
import { ExitCode } from '../exit-codes';
import { hex } from '../../../src/core/errors';
import { CHIPS, DEFAULT_PARTITION_TABLE_OFFSET, findChip } from '../../../src/core/formats/chips';
import { loadDump, bootOf, runningLabel } from '../lib/flash-dump';
import { ensureHostRuntime } from '../lib/host-runtime';
import { openBundle } from '../lib/bundle-source';
import { makeProgress, type Progress } from '../lib/progress';
import { publicKeyHex } from './keygen';
import {
  type RunOutcome, type SimulationSetup, bootAfter, bootReport, floorOf, runFirmware, tempWorkDir, windowOf,
} from '../lib/simulation';

/** Runner exit codes (host/runner/main.c) -> the CLI's. */
function exitFor(runner: number): number {
  if (runner === 0) return ExitCode.ok;
  if (runner === 1) return ExitCode.failed;
  if (runner === 3) return ExitCode.powerCut;
  return ExitCode.internal;
}

function errorOf(run: RunOutcome): { code: string; message: string } | null {
  if (run.exitCode === 0) return null;
  // The firmware's own error first: the runner's copy stops at the message's first quote.
  const own = run.report?.firmware?.error as { code?: string; message?: string } | undefined;
  if (own?.code && own.message) return { code: own.code, message: own.message };
  if (run.report?.error) return run.report.error;
  return { code: 'HOST_RUNTIME', message: `the host runtime exited ${run.exitCode} without a report: ${run.log.slice(-3).join(' | ')}` };
}

function progressSink(progress: Progress) {
  return (phase: string, image: string | undefined, done: number, total: number) => progress.update(`${phase}${image ? ' ' + image : ''}`, done, total);
}

type CutClass = 'completed' | 'boots-incomplete' | 'bricked';

/** Every image of the bundle sits at its destination. */
function holdsBundle(setup: SimulationSetup, flash: Uint8Array): boolean {
  return setup.bundle.manifest.images.every((img) => {
    const bytes = setup.bundle.images.get(img.name)!;
    return Buffer.compare(flash.subarray(img.destination, img.destination + bytes.length), bytes) === 0;
  });
}

/**
 * Power cut after op n (n = 0..last-1: each op torn once), then the device
 * resets: if nothing boots it is bricked; if the transitional firmware boots
 * it runs again (resume is the engine's business); the result is completed
 * when every image of the bundle is in place and it boots what the uncut run
 * boots, else it boots but the job cannot complete (e.g. the new table boots
 * the new app before the bootloader was rewritten: the firmware never runs again).
 */
async function sweep(setup: SimulationSetup, totalOps: number, expected: ReturnType<typeof bootReport>, step: number, progress: Progress) {
  type Cut = { afterOps: number; class: CutClass; bootAfterCut: string; rerun: string | null; bootFinal: string };
  const firmwareAt = bootReport(bootOf(setup.dump));
  const one = async (n: number): Promise<Cut> => {
    const cut = await runFirmware(setup, setup.dump.bytes, setup.running, { powerCut: n });
    rmSync(cut.tracePath, { force: true });
    const afterCut = bootReport(bootAfter(setup, cut.after));
    let final = afterCut;
    let finalBytes = cut.after;
    let rerun: string | null = null;
    if (cut.exitCode === 3 && afterCut.boots && afterCut.address === firmwareAt.address && afterCut.projectName === firmwareAt.projectName && afterCut.label) {
      const again = await runFirmware(setup, cut.after, afterCut.label, {});
      rmSync(again.tracePath, { force: true });
      rerun = again.exitCode === 0 ? 'done' : `${errorOf(again)?.code ?? again.exitCode}`;
      final = bootReport(bootAfter(setup, again.after));
      finalBytes = again.after;
    } else if (cut.exitCode !== 3) {
      rerun = `no cut (runner exit ${cut.exitCode})`;
    }
    const same = final.boots && final.address === expected.address && final.projectName === expected.projectName && final.version === expected.version;
    const klass: CutClass = !afterCut.boots ? 'bricked' : same && holdsBundle(setup, finalBytes) ? 'completed' : 'boots-incomplete';
    return { afterOps: n, class: klass, bootAfterCut: afterCut.summary, rerun, bootFinal: final.summary };
  };
  const points: number[] = [];
  for (let n = 0; n < totalOps; n += step) points.push(n);
  // Each run is its own process on its own copy: run a few at once.
  const cuts: Cut[] = new Array(points.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < points.length) {
      const i = next++;
      cuts[i] = await one(points[i]);
      progress.update('power-cut sweep', ++done, points.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(4, availableParallelism())) }, worker));
  progress.stop();
  const counts: Record<CutClass, number> = { completed: 0, 'boots-incomplete': 0, bricked: 0 };
  // Runs of consecutive cuts of one class: "bricked after ops 1146-1147 and 1164-1265".
  const ranges: Array<{ class: CutClass; fromOps: number; toOps: number }> = [];
  for (const c of cuts) {
    counts[c.class]++;
    const last = ranges[ranges.length - 1];
    if (last && last.class === c.class) last.toOps = c.afterOps;
    else ranges.push({ class: c.class, fromOps: c.afterOps, toOps: c.afterOps });
  }
  return { cutsTried: cuts.length, step, counts, ranges, cuts };
}

export const simulate: Command = {
  name: 'simulate',
  summary: 'run the real firmware in the host runtime against a copy of a flash dump, and report',
  help: `Usage: reflasher simulate --flash <dump.bin> --bundle <dir|url> [--chip <chip>] [--running <label>]
                          [--public-key <pem|hex>] [--ca <pem>] [--out <file>] [--trace <file>]
                          [--power-cut <n> | --power-cut-sweep [--sweep-step <k>]] [--json]

Builds the host runtime when needed, copies the dump (the input is never
modified), serves a bundle directory on 127.0.0.1 (a URL is used as is), and
runs the transitional firmware as a device would run it: load the manifest and
its signature, verify, plan, stage, commit. Then reports the modelled time,
the floor (the least any firmware could spend), the brick window (modelled
time during which a reset would not boot), the flash operations, the heap
peak, and what boots afterwards.

Options:
  --flash <dump.bin>       a whole-flash dump (esptool.py read_flash 0 ALL)
  --bundle <dir|url>       a bundle directory (reflasher bundle) or its manifest URL
  --chip <chip>            default: read from the dump's bootloader
  --running <label>        the app the firmware runs from; default: what the dump boots
  --public-key <pem|hex>   configure the firmware with this key: only a bundle signed with it passes
  --ca <pem>               the CA of an https bundle server
  --out <file>             keep the flash after the run
  --trace <file>           keep the trace: one JSON line per erase, write and read
  --power-cut <n>          cut the power after n flash operations (exit 3)
  --power-cut-sweep        cut after every operation in turn, re-run the firmware, classify each
  --sweep-step <k>         with --power-cut-sweep: every k-th operation only (default 1)
  --partition-table-offset <n>  default 0x8000

Exit codes: 0 the job completed, 1 refused or failed (code printed), 2 usage, 3 power cut.

Examples:
  reflasher simulate --flash dump.bin --bundle out/bundle --public-key keys/fleet.pub.pem --json
  reflasher simulate --flash dump.bin --bundle https://fleet.example/b/manifest.json --ca ca.pem --out after.bin
  reflasher simulate --flash dump.bin --bundle out/bundle --power-cut 120
  reflasher simulate --flash dump.bin --bundle out/bundle --power-cut-sweep --sweep-step 10 --json`,
  options: {
    flash: { type: 'string' }, bundle: { type: 'string' }, chip: { type: 'string' }, running: { type: 'string' },
    'public-key': { type: 'string' }, ca: { type: 'string' }, out: { type: 'string' }, trace: { type: 'string' },
    'power-cut': { type: 'string' }, 'power-cut-sweep': { type: 'boolean' }, 'sweep-step': { type: 'string' },
    'partition-table-offset': { type: 'string' },
  },
  async run(values, _positionals, out) {
    const flashPath = required(values, 'flash', 'simulate');
    const bundleArg = required(values, 'bundle', 'simulate');
    const chipArg = values.chip as string | undefined;
    if (chipArg && !findChip(chipArg)) throw new UsageError(`--chip ${chipArg}: not one of ${CHIPS.map((c) => c.name).join(', ')}`, 'simulate');
    if (values['power-cut'] !== undefined && values['power-cut-sweep']) throw new UsageError('--power-cut and --power-cut-sweep exclude each other', 'simulate');
    const powerCut = values['power-cut'] !== undefined ? parseNumber(values['power-cut'] as string, '--power-cut', 'simulate') : undefined;
    const step = values['sweep-step'] ? parseNumber(values['sweep-step'] as string, '--sweep-step', 'simulate') : 1;
    if (step < 1) throw new UsageError('--sweep-step must be 1 or more', 'simulate');
    const tableOffset = values['partition-table-offset'] ? parseNumber(values['partition-table-offset'] as string, '--partition-table-offset', 'simulate') : DEFAULT_PARTITION_TABLE_OFFSET;
    if (!existsSync(flashPath)) throw new UsageError(`--flash ${flashPath}: no such file`, 'simulate');
    const dump = loadDump(flashPath, chipArg, tableOffset);
    const bootBefore = bootOf(dump);
    const running = runningLabel(bootBefore, values.running as string | undefined);
    const keyArg = values['public-key'] as string | undefined;
    let publicKey: string | undefined;
    if (keyArg) {
      publicKey = /^04[0-9a-fA-F]{128}$/.test(keyArg) ? keyArg : (() => {
        try { return publicKeyHex(readFileSync(keyArg, 'utf8')); } catch (e) { throw new UsageError(`--public-key ${keyArg}: neither 130 hex digits nor a readable P-256 public key PEM (${(e as Error).message})`, 'simulate'); }
      })();
    }
    const caPem = values.ca ? readFileSync(values.ca as string, 'utf8') : undefined;

    const progress = makeProgress(!out.json);
    ensureHostRuntime((line) => out.info(line));
    const serverLog: string[] = [];
    const bundle = await openBundle(bundleArg, caPem, (line) => serverLog.push(line));
    const workDir = tempWorkDir();
    const setup: SimulationSetup = { dump, bundle, running, publicKeyHex: publicKey, caPem, workDir };
    try {
      const { floor, planError } = floorOf(setup, bootBefore.partitions ?? []);
      const run = await runFirmware(setup, dump.bytes, running, { powerCut, onProgress: progressSink(progress) });
      progress.stop();
      const boot = bootReport(bootAfter(setup, run.after));
      const window = windowOf(setup, run);
      if (values.trace) copyFileSync(run.tracePath, values.trace as string);
      if (values.out) writeFileSync(values.out as string, run.after);
      const r = run.report;
      const error = errorOf(run);
      const result: Record<string, unknown> = {
        ok: run.exitCode === 0,
        ...(error ? { error } : {}),
        outcome: r?.outcome ?? null,
        chip: dump.chip, running, bundle: bundle.url, signedCheck: !!publicKey,
        modeledMs: r?.modeledMs ?? null,
        floorMs: floor?.ms ?? null,
        floor, planError,
        brickWindowMs: window.ms,
        brickWindow: window,
        ops: r ? { erase4k: r.ops.erase4k, erase32k: r.ops.erase32k, erase64k: r.ops.erase64k, pagePrograms: r.ops.pagePrograms, bytesWritten: r.ops.bytesWritten, bytesRead: r.ops.bytesRead, total: r.ops.ops } : null,
        heapPeakBytes: r?.heap?.peakBytes ?? null,
        heap: r?.heap ?? null,
        defects: r?.defects ?? null,
        powerCut: r?.powerCut ?? null,
        bootBefore: bootReport(bootBefore),
        boot,
        images: r?.firmware?.result?.images ?? null,
        out: (values.out as string | undefined) ?? null,
        trace: (values.trace as string | undefined) ?? null,
      };
      if (values['power-cut-sweep'] && run.exitCode === 0 && r) {
        result.sweep = await sweep(setup, r.ops.ops, boot, step, progress);
      }
      print(out, result, run);
      if (error) process.stderr.write(`reflasher: error ${error.code}: ${error.message}\n`);
      return exitFor(run.exitCode);
    } finally {
      await bundle.close();
      rmSync(workDir, { recursive: true, force: true });
    }
  },
};

function print(out: Output, r: Record<string, any>, run: RunOutcome): void {
  const f = r.floor;
  const lines = [
    `${r.ok ? 'completed' : r.error.code === 'POWER_CUT' ? 'POWER CUT' : 'FAILED'}: ${r.chip}, running "${r.running}", bundle ${r.bundle}`,
    ...(r.images ?? []).map((i: any) => `  ${i.name.padEnd(16)} ${hex(i.destination)} ${String(i.size).padStart(8)} bytes  ${i.staged ? 'staged' : 'direct'}, ${i.sectorsWritten} sectors written, ${i.sectorsSkipped} already right`),
    `modelled time  ${r.modeledMs ?? '?'} ms (floor ${f ? `${f.ms} ms: ${f.sectorsChanged} sectors to change, ${f.stagingSectors} staging sectors` : `n/a (${r.planError})`})`,
    `brick window   ${r.brickWindowMs} ms${r.brickWindow.exact ? '' : ' (approximate: bytes written twice)'}${r.brickWindow.bootsBefore ? '' : ' (the dump did not boot to begin with)'}`,
    r.ops ? `flash ops      ${r.ops.erase4k} x 4K + ${r.ops.erase32k} x 32K + ${r.ops.erase64k} x 64K erases, ${r.ops.bytesWritten} bytes written, ${r.ops.bytesRead} read` : 'flash ops      (no report)',
    `heap peak      ${r.heapPeakBytes ?? '?'} bytes`,
    `boots before   ${r.bootBefore.summary}`,
    `boots after    ${r.boot.summary}`,
  ];
  if (r.sweep) {
    const s = r.sweep;
    lines.push(`power-cut sweep: ${s.cutsTried} cuts (every ${s.step} op): ${s.counts.completed} completed, ${s.counts['boots-incomplete']} boot but the job cannot complete, ${s.counts.bricked} bricked`);
    for (const g of s.ranges.filter((x: any) => x.class !== 'completed')) {
      const c = s.cuts.find((x: any) => x.afterOps === g.fromOps);
      lines.push(`  cut after op ${g.fromOps === g.toOps ? g.fromOps : `${g.fromOps}-${g.toOps}`}: ${g.class}: ${c.bootAfterCut}`);
    }
  }
  if (r.out) lines.push(`wrote ${r.out}`);
  if (!r.ok && !out.json) lines.push(...run.log.slice(-5).map((l) => `  | ${l}`));
  out.result(r, lines.join('\n'));
}
