/**
 * Runs firmware in the host runtime (build/host/reflasher-host) for the
 * network tests: builds the runtime when needed, bundles a firmware entry
 * with esbuild, and runs it against a flash file.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';

export const ROOT = resolve(__dirname, '../..');
export const RUNTIME = process.env.XSR_HOST_RUNTIME ?? join(ROOT, 'build/host/reflasher-host');

/**
 * Builds the host runtime (incremental) unless a prebuilt one is named by
 * XSR_HOST_RUNTIME. Jest runs test files in parallel: the lock keeps two
 * makes from writing the same objects at once on a fresh checkout.
 */
export function ensureRuntime(): void {
  if (!process.env.XSR_HOST_RUNTIME) {
    mkdirSync(join(ROOT, 'build'), { recursive: true });
    execFileSync('flock', [join(ROOT, 'build/.host-build.lock'), 'make', '-C', join(ROOT, 'host'), '-j2'], { stdio: 'pipe' });
  }
  if (!existsSync(RUNTIME)) throw new Error(`no host runtime at ${RUNTIME}: run npm run build:host`);
}

/** Bundles a firmware entry (TypeScript run by XS) into one script. */
export function bundleFirmware(entry: string, outDir: string): string {
  const outfile = join(outDir, 'firmware.js');
  buildSync({ entryPoints: [entry], bundle: true, format: 'iife', target: 'es2022', outfile, logLevel: 'warning' });
  return outfile;
}

export function scratchDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** The report file the runner wrote (--report), parsed. */
  report: Record<string, unknown> | undefined;
}

export interface RunOptions {
  flash: string;
  firmware?: string;
  job: unknown;
  dir: string;
  running?: string;
  extra?: string[];
}

/** Runs the runtime asynchronously: the test's servers keep serving meanwhile. */
export function runFirmware(options: RunOptions): Promise<RunResult> {
  const jobPath = join(options.dir, `job-${Date.now()}-${Math.random().toString(16).slice(2)}.json`);
  const reportPath = jobPath.replace(/\.json$/, '.report.json');
  writeFileSync(jobPath, JSON.stringify(options.job));
  const args = ['--flash', options.flash, '--chip', 'esp32', '--running', options.running ?? 'factory',
    '--job', jobPath, '--report', reportPath, ...(options.firmware ? ['--firmware', options.firmware] : []), ...(options.extra ?? [])];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(RUNTIME, args, { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => {
      let report: Record<string, unknown> | undefined;
      try {
        report = JSON.parse(readFileSync(reportPath, 'utf8')) as Record<string, unknown>;
      } catch {
        report = undefined;
      }
      resolvePromise({ exitCode: code ?? -1, stdout, stderr, report });
    });
  });
}

/** The JSON lines a probe firmware printed with trace(). */
export function traceLines(stdout: string): Array<Record<string, unknown>> {
  return stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
}
