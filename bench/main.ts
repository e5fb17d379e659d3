/**
 * `npm run bench [-- --json] [--trace <dir>] [--only <n,...>]`: the four
 * scenarios of issue 8 through the host runtime (the real firmware in XS over
 * the simulated NOR flash), one table: modelled device ms, floor, their ratio,
 * esp-self-reflasher's modelled ms for the same job, the speed-up, host wall
 * time and XS heap peak. Not a test: it measures and prints.
 */
import { spawn, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { nodeCrypto } from '../tools/cli/lib/node-crypto';
import { computeFloor, floorInputFromPlan, type Floor } from '../tools/sim/floor';
import { makePlan } from '../src/core/plan';
import { Journal } from '../src/core/journal/journal';
import { chipInfo } from '../src/core/formats/chips';
import { totals } from './model/timing';
import { allScenarios, scenario4, TABLE_OFFSET, type Scenario } from './scenarios';

const ROOT = resolve(__dirname, '..', '..');
const RUNNER = join(ROOT, 'build/host/reflasher-host');

interface Row {
  id: number;
  title: string;
  modeledMs: number;
  floorMs: number;
  ratio: number;
  baselineMs: number;
  speedup: number;
  wallMs: number;
  heapPeakBytes: number;
  heapPeakAboveIdleBytes: number;
  ops: Record<string, number>;
  floor: Floor;
  baseline: ReturnType<typeof totals>;
  result: unknown;
}

function args(): { json: boolean; trace: string | undefined; only: number[] | undefined } {
  const a = process.argv.slice(2);
  const at = (flag: string): string | undefined => (a.includes(flag) ? a[a.indexOf(flag) + 1] : undefined);
  const only = at('--only');
  return { json: a.includes('--json'), trace: at('--trace'), only: only ? only.split(',').map(Number) : undefined };
}

function serve(files: Map<string, Uint8Array>): Promise<Server> {
  const server = createServer((req, res) => {
    const body = files.get((req.url ?? '').slice(1));
    if (!body) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-length': body.length });
    res.end(body);
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r(server)));
}

function runRunner(argv: string[]): Promise<{ status: number | null; stderr: string }> {
  return new Promise((r) => {
    const child = spawn(RUNNER, argv, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => { stderr += String(d); });
    child.on('exit', (status) => r({ status, stderr }));
  });
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** The floor from the flash before the job and the engine's own plan (which images it stages, where). */
function floorOf(s: Scenario): Floor {
  const running = s.partitions.find((p) => p.label === s.running)!;
  const plan = makePlan({ images: s.images.map((im) => ({ name: im.name, source: im.embedded ? { resource: im.name } : { url: `http://x/${im.name}` }, destination: im.destination, regionSize: im.regionSize, size: im.bytes.length, kind: im.kind })) }, {
    layout: { chip: s.chip, bootloaderOffset: chipInfo(s.chip).bootloaderOffset, partitionTableOffset: TABLE_OFFSET },
    partitions: s.partitions,
    running,
    flash: { size: s.flash.length, sectorSize: 0x1000 },
    sources: s.images.map((im) => ({ length: im.bytes.length, flashRange: undefined })),
    journalBytes: Journal.size,
  });
  return computeFloor(floorInputFromPlan(s.flash, plan, new Map(s.images.map((im) => [im.name, im.bytes]))));
}

async function runScenario(s: Scenario, traceDir: string | undefined): Promise<Row> {
  const dir = mkdtempSync(join(tmpdir(), 'reflasher-bench-'));
  try {
    const flashPath = join(dir, 'flash.bin');
    writeFileSync(flashPath, s.flash);
    const server = await serve(new Map(s.images.map((im) => [im.name, im.bytes])));
    const port = (server.address() as { port: number }).port;
    const job = {
      images: s.images.map((im) => ({
        name: im.name,
        source: im.embedded ? { resource: im.name } : { url: `http://127.0.0.1:${port}/${im.name}` },
        destination: im.destination, regionSize: im.regionSize, size: im.bytes.length, sha256: sha256(im.bytes), kind: im.kind,
      })),
    };
    writeFileSync(join(dir, 'job.json'), JSON.stringify(job));
    const argv = ['--flash', flashPath, '--chip', s.chip, '--running', s.running, '--job', join(dir, 'job.json'), '--report', join(dir, 'report.json')];
    for (const im of s.images.filter((i) => i.embedded)) {
      writeFileSync(join(dir, `${im.name}.bin`), im.bytes);
      argv.push('--resource', `${im.name}=${join(dir, `${im.name}.bin`)}`);
    }
    if (traceDir) argv.push('--trace', join(traceDir, `scenario-${s.id}.jsonl`));
    const t0 = process.hrtime.bigint();
    const run = await runRunner(argv);
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    server.close();
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    if (run.status !== 0 || !report.ok) throw new Error(`scenario ${s.id}: runner exit ${run.status}: ${JSON.stringify(report.error)}\n${run.stderr.slice(-2000)}`);
    const after = readFileSync(flashPath);
    for (const im of s.images) {
      if (sha256(after.subarray(im.destination, im.destination + im.bytes.length)) !== sha256(im.bytes)) throw new Error(`scenario ${s.id}: "${im.name}" is not at ${im.destination.toString(16)} after the run`);
    }
    const floor = floorOf(s);
    const baseline = totals(s.baseline());
    return {
      id: s.id, title: s.title,
      modeledMs: report.modeledMs, floorMs: floor.ms, ratio: report.modeledMs / floor.ms,
      baselineMs: baseline.modeledMs, speedup: baseline.modeledMs / report.modeledMs,
      wallMs, heapPeakBytes: report.heap.peakBytes, heapPeakAboveIdleBytes: report.heap.peakAboveIdleBytes,
      ops: report.ops, floor, baseline, result: report.firmware?.result,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Targets of issue 8, per scenario: modelled/floor, speed-up over esp-self-reflasher. */
const TARGET_SPEEDUP: Record<number, number> = { 1: 2.5, 2: 4, 3: 10, 4: 2.5 };
const TARGET_RATIO = 1.05;
const TARGET_WALL_MS_1 = 2000;

function table(rows: Row[], heap: { small: number; large: number }): string {
  const lines: string[] = [];
  const pad = (v: string, n: number): string => v.padStart(n);
  lines.push('| # | scenario | modelled ms | floor ms | modelled/floor | esp-self-reflasher ms | speed-up | host wall ms | XS heap peak B (above idle) |');
  lines.push('|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const ratioOk = r.ratio <= TARGET_RATIO ? '' : ' ✗';
    const speedOk = r.speedup >= TARGET_SPEEDUP[r.id] ? '' : ' ✗';
    lines.push(`| ${r.id} | ${r.title} | ${pad(r.modeledMs.toFixed(1), 8)} | ${pad(r.floorMs.toFixed(1), 8)} | ${r.ratio.toFixed(3)}${ratioOk} | ${pad(r.baselineMs.toFixed(1), 8)} | ${r.speedup.toFixed(2)}x (>= ${TARGET_SPEEDUP[r.id]}x)${speedOk} | ${r.wallMs.toFixed(0)} | ${r.heapPeakBytes} (${r.heapPeakAboveIdleBytes}) |`);
  }
  lines.push('');
  lines.push(`XS heap peak above idle, scenario 4 with a 256 KiB image: ${heap.small} B; with 1 MiB: ${heap.large} B.`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  const opts = args();
  execFileSync('make', ['-C', 'host', '-j2', '--no-print-directory'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (opts.trace) mkdirSync(opts.trace, { recursive: true });
  const scenarios = allScenarios(nodeCrypto).filter((s) => !opts.only || opts.only.includes(s.id));
  const rows: Row[] = [];
  for (const s of scenarios) rows.push(await runScenario(s, opts.trace));
  const small = await runScenario({ ...scenario4(nodeCrypto, 0.25 * 1024 * 1024), id: 5 }, undefined);
  const large = rows.find((r) => r.id === 4) ?? (await runScenario(scenario4(nodeCrypto), undefined));
  const heap = { small: small.heapPeakAboveIdleBytes, large: large.heapPeakAboveIdleBytes };
  const machine = {
    date: new Date().toISOString(),
    nproc: cpus().length,
    cpu: (readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) ?? [])[1] ?? 'unknown',
    node: process.version,
  };
  const wall1 = rows.find((r) => r.id === 1)?.wallMs;
  const targets = {
    ratio: rows.every((r) => r.ratio <= TARGET_RATIO),
    speedup: rows.every((r) => r.speedup >= TARGET_SPEEDUP[r.id]),
    wallScenario1: wall1 === undefined ? null : wall1 < TARGET_WALL_MS_1,
    heapIndependentOfSize: heap.large <= heap.small * 1.1,
  };
  if (opts.json) {
    console.log(JSON.stringify({ machine, rows, heap, targets }, null, 2));
    return;
  }
  console.log(`${machine.date}  ${machine.nproc} x ${machine.cpu}  Node ${machine.node}\n`);
  console.log(table(rows, heap));
  console.log(`\ntargets: modelled/floor <= ${TARGET_RATIO} everywhere: ${targets.ratio}; speed-ups: ${targets.speedup}; ` +
    `scenario 1 wall < ${TARGET_WALL_MS_1} ms: ${targets.wallScenario1}; heap independent of image size (within 10%): ${targets.heapIndependentOfSize}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
