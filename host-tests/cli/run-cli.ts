import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

export const repoRoot = join(__dirname, '..', '..');
const bin = join(repoRoot, 'tools', 'bin', 'reflasher.js');

export interface CliResult { status: number | null; stdout: string; stderr: string }

/** Runs `reflasher ...args` as a user would, from a shell, and waits for it. */
export function reflasher(args: string[], cwd = repoRoot): CliResult {
  const r = spawnSync(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts a long-running `reflasher ...args` (serve); resolves with its first stdout line. */
export function reflasherBackground(args: string[]): Promise<{ child: ChildProcess; firstLine: string; stderr: () => string }> {
  const child = spawn(process.execPath, [bin, ...args], { cwd: repoRoot });
  let err = '';
  child.stderr!.on('data', (d) => { err += d; });
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve({ child, firstLine: buf.slice(0, nl), stderr: () => err });
    });
    child.once('exit', (code) => reject(new Error(`exited ${code} before printing: ${err}`)));
  });
}
