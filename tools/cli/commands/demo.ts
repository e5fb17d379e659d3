import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from '../command';
import { ExitCode } from '../exit-codes';
import { hex, ReflashError } from '../../../src/core/errors';
import { subtypeName, typeName } from '../../../src/core/formats/partition-table';
import type { Partition } from '../../../src/core/ports';
import { DEMO_CHIP, DEMO_RUNNING, NEW_LAYOUT, OLD_LAYOUT, demoImages } from '../lib/demo-fixture';
import { writeBundle } from '../lib/bundle-writer';
import { RUNNER, ensureHostRuntime } from '../lib/host-runtime';
import { openBundle } from '../lib/bundle-source';
import { makeProgress } from '../lib/progress';
import { bootOf } from '../lib/flash-dump';
import { type SimulationSetup, bootAfter, bootReport, floorOf, runFirmware, tempWorkDir, windowOf } from '../lib/simulation';
import { publicKeyHex } from './keygen';

function layoutLines(parts: Partition[]): string[] {
  return parts.map((p) => `    ${p.label.padEnd(9)} ${typeName(p.type).padEnd(4)} ${subtypeName(p.type, p.subtype).padEnd(8)} ${hex(p.address, 6)} ${(p.size / 1024).toString().padStart(5)} KiB`);
}

export const demo: Command = {
  name: 'demo',
  summary: 'reflash a simulated 4 MiB ESP32 with a new bootloader, partition table and app (what npm start runs)',
  help: `Usage: reflasher demo [--keep <dir>] [--json]

A simulated 4 MiB ESP32 runs the transitional firmware from its factory
partition (bootloader, partition table with nvs, otadata, phy_init, factory,
ota_0, ota_1). A bundle with a new bootloader, a new partition table and a new
app (valid images the project generates, signed with a key made on the fly) is
served on 127.0.0.1, and the real firmware, in the host runtime, fetches,
verifies and writes it: the app straight to its free slot, the bootloader and
the table staged and committed last. Then it reports what boots.

Builds the host runtime first when needed (make -C host); on a machine without
the C libraries it says which apt-get command to run (and runs it as root).

Options:
  --keep <dir>   keep the flash before and after, the bundle and the key there

Examples:
  npm start
  reflasher demo --keep /tmp/demo && reflasher inspect /tmp/demo/flash-after.bin`,
  options: { keep: { type: 'string' } },
  async run(values, _positionals, out) {
    const say = (line: string) => out.info(line);
    say('xs-reflasher demo: a simulated 4 MiB ESP32 moves to a new bootloader, partition table and app');
    say(existsSync(RUNNER) ? 'checking the host runtime is up to date (make -C host)...' : 'building the host runtime (make -C host; about 30 s on 2 cores the first time)...');
    ensureHostRuntime(say);
    const keep = values.keep as string | undefined;
    const dir = keep ?? mkdtempSync(join(tmpdir(), 'reflasher-demo-'));
    mkdirSync(dir, { recursive: true });
    const workDir = tempWorkDir();
    const d = demoImages();
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    writeFileSync(join(dir, 'flash-before.bin'), d.flash);
    writeFileSync(join(dir, 'key.pem'), privatePem, { mode: 0o600 });
    writeFileSync(join(dir, 'key.pub.pem'), publicPem);
    const bundleDir = join(dir, 'bundle');
    const written = writeBundle({
      chip: DEMO_CHIP, version: 2, keyPem: privatePem, outDir: bundleDir,
      images: [
        { bytes: d.bootloader, destination: d.addresses.bootloader },
        { bytes: d.table, destination: d.addresses.table },
        { bytes: d.app, destination: d.addresses.app, name: 'app' },
      ],
    });
    const dump = { path: join(dir, 'flash-before.bin'), bytes: d.flash, chip: DEMO_CHIP, tableOffset: 0x8000 };
    const before = bootReport(bootOf(dump));
    say('');
    say(`device: ${DEMO_CHIP}, 4 MiB flash, the transitional firmware running from "${DEMO_RUNNING}"; boots ${before.summary}`);
    say('  partition table now:');
    layoutLines(OLD_LAYOUT).forEach((l) => say(l));
    say(`bundle (signed, P-256): ${written.manifest.images.map((i) => `${i.name} ${i.size} B -> ${hex(i.destination)}`).join(', ')}`);
    say('  new partition table:');
    layoutLines(NEW_LAYOUT).forEach((l) => say(l));

    const serverLog: string[] = [];
    const bundle = await openBundle(bundleDir, undefined, (line) => serverLog.push(line));
    say(`serving the bundle at ${bundle.url}`);
    say('');
    const setup: SimulationSetup = { dump, bundle, running: DEMO_RUNNING, publicKeyHex: publicKeyHex(publicPem), workDir };
    const progress = makeProgress(!out.json);
    try {
      const { floor } = floorOf(setup, OLD_LAYOUT);
      const run = await runFirmware(setup, d.flash, DEMO_RUNNING, {
        onProgress: (phase, image, done, total) => progress.update(`${phase}${image ? ' ' + image : ''}`, done, total),
        onLog: (line) => { if (/^(warn|error|app):/.test(line)) progress.line(`  firmware: ${line}`); },
      });
      progress.stop();
      writeFileSync(join(dir, 'flash-after.bin'), run.after);
      const boot = bootReport(bootAfter(setup, run.after));
      const window = windowOf(setup, run);
      const r = run.report;
      const fwError = (r?.firmware?.error ?? r?.error ?? undefined) as { code: string; message: string } | undefined;
      // What the network stack keeps must come through untouched.
      const kept = ['nvs', 'phy_init'].every((label) => {
        const p = OLD_LAYOUT.find((q) => q.label === label)!;
        return Buffer.compare(d.flash.subarray(p.address, p.address + p.size), run.after.subarray(p.address, p.address + p.size)) === 0;
      });
      const newAppBoots = boot.boots && boot.address === d.addresses.app && boot.projectName === 'fleet-app';
      const ok = run.exitCode === 0 && newAppBoots && kept;
      const images = (r?.firmware?.result?.images ?? []) as Array<{ name: string; destination: number; size: number; staged: boolean; sectorsWritten: number }>;
      const lines = [
        '',
        run.exitCode === 0 ? 'reflash done: the firmware fetched the bundle over HTTP, checked its signature and every image, and wrote:' : `reflash FAILED (${fwError?.code ?? `runner exit ${run.exitCode}`}: ${fwError?.message ?? run.log.slice(-2).join(' ')})`,
        ...images.map((i) => `  ${i.name.padEnd(16)} ${String(i.size).padStart(7)} bytes at ${hex(i.destination)}  ${i.staged ? 'staged, committed last' : 'written directly'} (${i.sectorsWritten} sectors)`),
        `modelled flash time ${r ? (r.modeledMs / 1000).toFixed(2) : '?'} s (floor ${floor ? (floor.ms / 1000).toFixed(2) : '?'} s); a reset would not boot during ${window.ms} ms of it (the bootloader and table commits)`,
        r ? `flash ops: ${r.ops.erase4k} x 4 KiB + ${r.ops.erase64k} x 64 KiB erases, ${r.ops.bytesWritten} bytes written; firmware heap peak ${r.heap.peakBytes} bytes` : '',
        `nvs and phy_init: ${kept ? 'untouched' : 'CHANGED'}`,
        `boots now: ${boot.summary}`,
        ok ? 'the device boots the new app from the new partition table.' : 'the device does NOT boot the new app: see above.',
        keep ? `files kept in ${dir}: flash-before.bin, flash-after.bin, bundle/, key.pem` : '',
      ].filter((l) => l !== '');
      out.result({
        ok, chip: DEMO_CHIP, running: DEMO_RUNNING, bundle: written.manifest, modeledMs: r?.modeledMs ?? null, floorMs: floor?.ms ?? null,
        brickWindowMs: window.ms, ops: r?.ops ?? null, heapPeakBytes: r?.heap?.peakBytes ?? null, keptNvsAndPhy: kept,
        bootBefore: before, boot, images, dir: keep ?? null,
      }, lines.join('\n'));
      if (!ok) {
        const code = fwError?.code ?? 'HOST_RUNTIME';
        if (run.exitCode !== 0) process.stderr.write(`reflasher: error ${code}: ${fwError?.message ?? 'the firmware did not finish'}\n`);
        else process.stderr.write('reflasher: error DEMO: the reflash finished but the new app is not what boots\n');
        return run.exitCode === 0 || run.exitCode === 1 ? ExitCode.failed : ExitCode.internal;
      }
      return ExitCode.ok;
    } catch (e) {
      progress.stop();
      if (e instanceof ReflashError) throw e;
      throw e;
    } finally {
      await bundle.close();
      rmSync(workDir, { recursive: true, force: true });
      if (!keep) rmSync(dir, { recursive: true, force: true });
    }
  },
};
