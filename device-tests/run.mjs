#!/usr/bin/env node
// npm run test:device: builds the device tier with ESP-IDF v6.0 and runs it in
// Espressif's QEMU (esp32c3). Where ESP-IDF or that QEMU is missing it prints
// one line saying what is missing and exits 0, so CI without them passes.
//
//   node device-tests/run.mjs [--check]
//     --check  only report whether the tier can run here (exit 0 either way)
//
// Environment: IDF_PATH (ESP-IDF v6.0, with export.sh sourced so idf.py is on
// the PATH), QEMU_RISCV32 (default qemu-system-riscv32),
// DEVICE_TESTS_TIMEOUT_S (default 600).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestServer } from './test-server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const args = new Set(process.argv.slice(2));
const qemu = process.env.QEMU_RISCV32 || 'qemu-system-riscv32';
const timeoutMs = Number(process.env.DEVICE_TESTS_TIMEOUT_S || 600) * 1000;

/** What keeps the tier from running here, or null when it can run. */
export function missingPrerequisite(env = process.env) {
  const idfPath = env.IDF_PATH;
  if (!idfPath) return 'IDF_PATH is not set (ESP-IDF v6.0)';
  const version = join(idfPath, 'tools/cmake/version.cmake');
  if (!existsSync(version)) return `IDF_PATH=${idfPath} is not an ESP-IDF tree (no tools/cmake/version.cmake)`;
  const text = readFileSync(version, 'utf8');
  const major = /IDF_VERSION_MAJOR\s+(\d+)/.exec(text)?.[1];
  const minor = /IDF_VERSION_MINOR\s+(\d+)/.exec(text)?.[1];
  if (major !== '6' || minor !== '0') return `ESP-IDF at ${idfPath} is v${major}.${minor}, not v6.0`;
  if (spawnSync('idf.py', ['--version'], { env, encoding: 'utf8' }).status !== 0) {
    return 'idf.py is not on the PATH (source $IDF_PATH/export.sh)';
  }
  const machines = spawnSync(env.QEMU_RISCV32 || 'qemu-system-riscv32', ['-machine', 'help'], { env, encoding: 'utf8' });
  if (machines.error || machines.status !== 0) {
    return `${env.QEMU_RISCV32 || 'qemu-system-riscv32'} is not installed (Espressif's QEMU, esp32c3 machine)`;
  }
  if (!/^esp32c3\b/m.test(machines.stdout)) {
    return `${env.QEMU_RISCV32 || 'qemu-system-riscv32'} has no esp32c3 machine (install Espressif's QEMU)`;
  }
  return null;
}

/** Lays out the images of `flash_args` (idf.py's file) in a 4 MiB erased flash. */
function mergeFlash(buildDir, size) {
  const flash = Buffer.alloc(size, 0xff);
  const lines = readFileSync(join(buildDir, 'flash_args'), 'utf8').split('\n');
  for (const line of lines) {
    const m = /^(0x[0-9a-fA-F]+)\s+(\S+)$/.exec(line.trim());
    if (!m) continue; // the first line holds esptool options
    const image = readFileSync(join(buildDir, m[2]));
    image.copy(flash, Number(m[1]));
  }
  return flash;
}

/** ESP-IDF's default eFuse image for the esp32c3 in QEMU (what `idf.py qemu`
 *  writes): 1024 bytes, all zero but the wafer version, chip revision v0.3,
 *  which ESP-IDF v6.0 requires by default. */
function efuseImage() {
  const efuse = Buffer.alloc(1024, 0);
  efuse[38] = 0x0c;
  return efuse;
}

function run(command, argv, options) {
  const r = spawnSync(command, argv, { stdio: 'inherit', ...options });
  if (r.status !== 0) {
    throw new Error(`${command} ${argv.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`})`);
  }
}

function build(project, buildDir) {
  run('idf.py', ['-C', project, '-B', buildDir, `-DSDKCONFIG=${join(buildDir, 'sdkconfig')}`,
    '-DIDF_TARGET=esp32c3', 'build'], { cwd: root });
}

/** Runs the flash image in QEMU until `done(output)` says so or time runs out. */
function emulate(flashPath, efusePath, done) {
  return new Promise((resolvePromise) => {
    const argv = ['-nographic', '-M', 'esp32c3',
      '-drive', `file=${flashPath},if=mtd,format=raw`,
      '-drive', `file=${efusePath},if=none,format=raw,id=efuse`,
      '-global', 'driver=nvram.esp32c3.efuse,property=drive,value=efuse',
      '-global', 'driver=timer.esp32c3.timg,property=wdt_disable,value=true',
      '-nic', 'user,model=open_eth'];
    const child = spawn(qemu, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let finished = false;
    const finish = (why) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      child.kill('SIGTERM');
      resolvePromise({ output, why });
    };
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    const take = (chunk) => {
      const text = chunk.toString('latin1');
      process.stdout.write(text);
      output += text;
      const why = done(output);
      if (why) finish(why);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('exit', (code) => finish(`qemu exited (${code})`));
  });
}

async function modulesTier() {
  const project = join(here, 'modules-app');
  const buildDir = join(root, 'build/device/modules-app');
  build(project, buildDir);

  const server = await startTestServer();
  try {
    const flash = mergeFlash(buildDir, 4 * 1024 * 1024);
    flash.write(`port=${server.port}\n`, 0x11000, 'latin1'); // testcfg (partitions.csv)
    const flashPath = join(buildDir, 'qemu_flash.bin');
    const efusePath = join(buildDir, 'qemu_efuse.bin');
    writeFileSync(flashPath, flash);
    writeFileSync(efusePath, efuseImage());
    const { output, why } = await emulate(flashPath, efusePath, (out) =>
      /DEVICE-TESTS: (done|XS abort)/.test(out) || /Guru Meditation|abort\(\) was called|rst:0x[0-9a-f]+ \((?!POWERON)/i.test(out.split('DEVICE-TESTS: start')[1] ?? '')
        ? 'ended' : null);
    const summary = /(\d+) Tests (\d+) Failures (\d+) Ignored/.exec(output);
    if (!summary) {
      console.error(`\ntest:device: the modules tier did not finish (${why})`);
      return false;
    }
    const failed = Number(summary[2]);
    console.log(`\ntest:device: modules tier: ${summary[1]} tests, ${failed} failures, ${summary[3]} ignored`);
    return failed === 0 && /DEVICE-TESTS: done, 0 failure/.test(output);
  } finally {
    await server.close();
  }
}

async function main() {
  const missing = missingPrerequisite();
  if (missing) {
    console.log(`test:device skipped: ${missing}; see docs/device-tests.md`);
    return 0;
  }
  if (args.has('--check')) {
    console.log('test:device: ESP-IDF v6.0 and QEMU esp32c3 found');
    return 0;
  }
  mkdirSync(join(root, 'build/device'), { recursive: true });
  const ok = await modulesTier();
  return ok ? 0 : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then((code) => process.exit(code), (error) => {
    console.error(`test:device: ${error.message}`);
    process.exit(1);
  });
}
