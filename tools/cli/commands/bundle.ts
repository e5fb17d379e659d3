import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Command, Values } from '../command';
import { parseNumber, required } from '../command';
import { UsageError } from '../output';
import { hex } from '../../../src/core/errors';
import { findChip, CHIPS } from '../../../src/core/formats/chips';
import { type InputImage, writeBundle } from '../lib/bundle-writer';

/** `app.bin@0x10000:app` -> file, address, name. */
function parseImageArg(text: string): { file: string; destination: number; name?: string } {
  const at = text.lastIndexOf('@');
  if (at <= 0) throw new UsageError(`--image ${text}: expected <file>@<address>[:<name>], e.g. build/app.bin@0x10000:app`, 'bundle');
  const [address, name, extra] = text.slice(at + 1).split(':');
  if (extra !== undefined || name === '') throw new UsageError(`--image ${text}: expected <file>@<address>[:<name>]`, 'bundle');
  return { file: text.slice(0, at), destination: parseNumber(address, `--image ${text}`, 'bundle'), name };
}

function list(values: Values, key: string): string[] {
  const v = values[key];
  return v === undefined ? [] : Array.isArray(v) ? v : [String(v)];
}

export const bundle: Command = {
  name: 'bundle',
  summary: 'check images for a chip and write a (signed) bundle directory',
  help: `Usage: reflasher bundle --chip <chip> --image <file>@<address>[:<name>] ... [--region <address>:<size>]...
                        [--key <pem>] [--version <n>] [--flash-size <n>] [--partition-table-offset <n>] --out <dir> [--json]

Detects each image's kind (ESP bootloader or app, partition table, otadata,
MCUboot, else raw), checks it for the chip and its destination as the firmware
will (chip id, checksum, SHA-256, app descriptor, the app at an app partition
of the bundle's table, the bootloader before the table...), then writes
<dir>/manifest.json, <dir>/manifest.sig (with --key) and the images.
Nothing is written when an image is refused.

Options:
  --chip <chip>                 ${CHIPS.map((c) => c.name).join(', ')}
  --image <file>@<addr>[:name]  an image and its destination (repeat); name defaults to the kind or partition label
  --region <addr>:<size>        the room at that destination (default: the partition, or the bootloader's room)
  --key <pem>                   sign with this P-256 private key (reflasher keygen)
  --version <n>                 the bundle's version (default 1)
  --flash-size <n>              minFlashSize (default: the smallest power of two holding every region)
  --partition-table-offset <n>  default 0x8000
  --out <dir>                   the bundle directory (created)

Examples:
  reflasher bundle --chip esp32 --image bootloader.bin@0x1000 --image partitions.bin@0x8000 \\
      --image app.bin@0x10000:app --key keys/fleet.pem --version 7 --out out/bundle
  reflasher bundle --chip esp32c3 --image app.bin@0x110000 --region 0x110000:0x100000 --out out/app-only`,
  options: {
    chip: { type: 'string' }, image: { type: 'string', multiple: true }, region: { type: 'string', multiple: true },
    key: { type: 'string' }, version: { type: 'string' }, 'flash-size': { type: 'string' },
    'partition-table-offset': { type: 'string' }, out: { type: 'string' },
  },
  async run(values, _positionals, out) {
    const chip = required(values, 'chip', 'bundle');
    if (!findChip(chip)) throw new UsageError(`--chip ${chip}: not one of ${CHIPS.map((c) => c.name).join(', ')}`, 'bundle');
    const outDir = required(values, 'out', 'bundle');
    const imageArgs = list(values, 'image').map(parseImageArg);
    if (imageArgs.length === 0) throw new UsageError('at least one --image <file>@<address> is required', 'bundle');
    const regions = new Map<number, number>();
    for (const r of list(values, 'region')) {
      const [a, s, extra] = r.split(':');
      if (s === undefined || extra !== undefined) throw new UsageError(`--region ${r}: expected <address>:<size>, e.g. 0x10000:0x100000`, 'bundle');
      regions.set(parseNumber(a, `--region ${r}`, 'bundle'), parseNumber(s, `--region ${r}`, 'bundle'));
    }
    for (const a of regions.keys()) {
      if (!imageArgs.some((i) => i.destination === a)) throw new UsageError(`--region ${hex(a)}: no --image goes to that address`, 'bundle');
    }
    const images: InputImage[] = imageArgs.map((i) => {
      let bytes: Uint8Array;
      try { bytes = new Uint8Array(readFileSync(i.file)); } catch (e) { throw new UsageError(`--image ${i.file}: ${(e as Error).message}`, 'bundle'); }
      return { bytes, destination: i.destination, name: i.name, regionSize: regions.get(i.destination) };
    });
    const keyPath = values.key as string | undefined;
    let keyPem: string | undefined;
    if (keyPath) {
      try { keyPem = readFileSync(keyPath, 'utf8'); } catch (e) { throw new UsageError(`--key ${keyPath}: ${(e as Error).message}`, 'bundle'); }
    }
    const version = values.version ? parseNumber(values.version as string, '--version', 'bundle') : 1;
    const written = writeBundle({
      chip, images, version, keyPem, outDir,
      minFlashSize: values['flash-size'] ? parseNumber(values['flash-size'] as string, '--flash-size', 'bundle') : undefined,
      tableOffset: values['partition-table-offset'] ? parseNumber(values['partition-table-offset'] as string, '--partition-table-offset', 'bundle') : undefined,
    });
    const m = written.manifest;
    const lines = [
      `bundle for ${m.chip}, version ${m.version}, minFlashSize ${hex(m.minFlashSize)}, ${written.signed ? `signed with ${basename(keyPath!)}` : 'UNSIGNED (no --key)'}`,
      ...m.images.map((img, i) => `  ${img.name.padEnd(16)} ${img.kind.padEnd(15)} ${hex(img.destination)} +${hex(img.regionSize)}  ${img.size} bytes  sha256 ${img.sha256.slice(0, 16)}…  (${imageArgs[i].file})`),
      ...written.checks.flatMap((c) => c.checks.filter((k) => !k.ok).map((k) => `  warning ${c.name}: ${k.message}`)),
      ...written.notes.map((n) => `  note: ${n}`),
      `wrote ${outDir}/manifest.json${written.signed ? ', manifest.sig' : ''} and ${m.images.length} image(s)`,
    ];
    out.result({ ok: true, out: outDir, signed: written.signed, manifest: m, checks: written.checks, notes: written.notes }, lines.join('\n'));
    return 0;
  },
};
