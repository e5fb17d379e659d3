/**
 * The host runtime for simulate and demo: build it when needed (make is
 * incremental), say which Debian packages a fresh machine lacks, and run the
 * real firmware in it with progress read from its trace lines.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ReflashError } from '../../../src/core/errors';

/** The checkout: the folder above this code (bundled to build/cli/ or run from tools/cli/lib/) holding package.json. */
function findRoot(): string {
  for (let dir = __dirname; ; dir = resolve(dir, '..')) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'host', 'Makefile'))) return dir;
    if (resolve(dir, '..') === dir) throw new Error(`no xs-reflasher checkout above ${__dirname}`);
  }
}

export const ROOT = findRoot();
export const RUNNER = join(ROOT, 'build', 'host', 'reflasher-host');
export const FIRMWARE = join(ROOT, 'build', 'host', 'firmware.js');

/** What the host build needs from Debian (docs/host-runtime.md). */
export const APT_PACKAGES = ['build-essential', 'libmbedtls-dev', 'libcurl4-openssl-dev'];
const APT_COMMAND = `apt-get update && apt-get install -y ${APT_PACKAGES.join(' ')}`;

/** Parallel CLI runs (jest workers) must not run make in the same tree at once: a directory is the lock. */
function withBuildLock<T>(fn: () => T): T {
  const lock = join(ROOT, 'build', 'host.lock');
  mkdirSync(join(ROOT, 'build'), { recursive: true });
  const deadline = Date.now() + 300_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than 10 minutes was left by a killed run.
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 600_000) { try { rmdirSync(lock); } catch { /* another run took it */ } continue; }
      if (Date.now() > deadline) throw new ReflashError('HOST_RUNTIME', `waited 300 s for ${lock}: remove it if no build is running`, {});
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    return fn();
  } finally {
    rmdirSync(lock);
  }
}

function make(): { ok: boolean; output: string } {
  const r = spawnSync('make', ['-C', join(ROOT, 'host'), '-j2', '--no-print-directory'], { encoding: 'utf8' });
  if (r.error) return { ok: false, output: `make: ${r.error.message}` };
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

/**
 * A build failure that a missing Debian package explains: a header of
 * mbedTLS/PSA or libcurl, one of their libraries at link time, or no make or
 * C compiler at all. Any other failure is the code's, and is shown as is.
 */
export function lacksPackages(output: string): boolean {
  return /(mbedtls|psa|curl)\/[\w.]+\.h: No such file or directory/.test(output)
    || /cannot find -l(curl|mbedtls|mbedx509|mbedcrypto)\b/.test(output)
    || /(^|[\s:])(make|cc|gcc)(: not found|: No such file or directory|: command not found| ENOENT)/m.test(output);
}

/**
 * Builds build/host (runner and firmware bundle) unless up to date. On a
 * machine without the C libraries, runs apt-get when root and apt-get exists
 * (saying so), else fails naming the command.
 * @throws ReflashError `HOST_RUNTIME` when the build fails.
 */
export function ensureHostRuntime(say: (line: string) => void): void {
  if (!existsSync(join(ROOT, 'node_modules', '@agoric', 'xsnap', 'moddable', 'xs', 'sources'))) {
    throw new ReflashError('HOST_RUNTIME', `the XS sources come from the npm package @agoric/xsnap, which is not installed: run npm ci in ${ROOT}`, {});
  }
  withBuildLock(() => {
    let r = make();
    if (!r.ok && lacksPackages(r.output)) {
      const root = typeof process.getuid === 'function' && process.getuid() === 0;
      const apt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
      if (!root || !apt) {
        throw new ReflashError('HOST_RUNTIME', `the host runtime needs a C compiler and the mbedTLS and libcurl headers; run: sudo sh -c '${APT_COMMAND}' then try again`, {});
      }
      say(`the host runtime needs ${APT_PACKAGES.join(', ')}: running as root, so running: ${APT_COMMAND}`);
      const install = spawnSync('sh', ['-c', APT_COMMAND], { stdio: ['ignore', 'inherit', 'inherit'] });
      if (install.status !== 0) throw new ReflashError('HOST_RUNTIME', `"${APT_COMMAND}" failed (exit ${install.status}): fix apt and run it yourself`, {});
      r = make();
    }
    if (!r.ok) {
      const tail = r.output.trim().split('\n').slice(-8).join('\n');
      throw new ReflashError('HOST_RUNTIME', `building the host runtime failed (make -C host):\n${tail}`, {});
    }
  });
  if (!existsSync(RUNNER) || !existsSync(FIRMWARE)) {
    throw new ReflashError('HOST_RUNTIME', `make -C host left no ${existsSync(RUNNER) ? FIRMWARE : RUNNER}: run npm run build:host and read its output`, {});
  }
}

export interface HostRunOptions {
  flash: string;
  chip: string;
  running: string;
  job: string;
  report: string;
  trace?: string;
  powerCut?: number;
  partitionTableOffset?: number;
  /** Each `progress <phase> [image] done/total` line of the firmware. */
  onProgress?(phase: string, image: string | undefined, done: number, total: number): void;
  /** Every other line the firmware traced. */
  onLog?(line: string): void;
  timeoutMs?: number;
}

/** The runner's report file (docs/host-runtime.md). */
export interface HostReport {
  ok: boolean;
  outcome: string;
  exitCode: number;
  error: { code: string; message: string } | null;
  firmware: any;
  ops: { erase4k: number; erase32k: number; erase64k: number; pagePrograms: number; bytesWritten: number; bytesRead: number; ops: number };
  modeledMs: number;
  heap: { idleBytes: number; peakBytes: number; peakAboveIdleBytes: number };
  defects: { count: number; bytes: number };
  powerCut: { afterOps: number; happened: boolean } | null;
}

export interface HostRun {
  exitCode: number;
  report: HostReport | undefined;
  log: string[];
}

/** Runs the firmware once; resolves when the runner exits (it is killed after `timeoutMs`). */
export function runHost(o: HostRunOptions): Promise<HostRun> {
  const args = ['--flash', o.flash, '--chip', o.chip, '--running', o.running, '--job', o.job, '--report', o.report, '--firmware', FIRMWARE];
  if (o.trace) args.push('--trace', o.trace);
  if (o.powerCut !== undefined) args.push('--power-cut', String(o.powerCut));
  if (o.partitionTableOffset !== undefined) args.push('--partition-table-offset', String(o.partitionTableOffset));
  return new Promise((resolvePromise, reject) => {
    const child = spawn(RUNNER, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const log: string[] = [];
    let pending = '';
    const onLine = (line: string) => {
      const m = /^progress (\S+)(?: (\S+))? (\d+)\/(\d+)$/.exec(line);
      if (m) o.onProgress?.(m[1], m[2], Number(m[3]), Number(m[4]));
      else if (line) { log.push(line); o.onLog?.(line); }
    };
    child.stdout.on('data', (d: Buffer) => {
      pending += d.toString();
      const lines = pending.split('\n');
      pending = lines.pop()!;
      lines.forEach(onLine);
    });
    child.stderr.on('data', (d: Buffer) => { for (const l of d.toString().split('\n')) if (l) log.push(l); });
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 300_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (pending) onLine(pending);
      let report: HostReport | undefined;
      try { report = JSON.parse(readFileSync(o.report, 'utf8')) as HostReport; } catch { report = undefined; }
      resolvePromise({ exitCode: code ?? -1, report, log });
    });
  });
}
