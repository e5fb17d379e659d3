import { readFileSync } from 'node:fs';
import type { Command } from '../command';
import { parseNumber } from '../command';
import { UsageError } from '../output';
import type { ImageKind } from '../../../src/core/job';
import { hex } from '../../../src/core/errors';
import { CHIPS, DEFAULT_PARTITION_TABLE_OFFSET, chipById, findChip } from '../../../src/core/formats/chips';
import { arrayReader, u16 } from '../../../src/core/formats/bytes';
import type { Check } from '../../../src/core/formats/checks';
import { detectImageKind, inspectImage } from '../../../src/core/formats/validate';
import { subtypeName, typeName } from '../../../src/core/formats/partition-table';
import { IMAGE_KINDS } from '../../../src/core/bundle/manifest';
import { surveyFlash } from '../../../src/core/boot-chain/survey';
import { nodeCrypto } from '../lib/node-crypto';
import { bootSummary, detectChip, looksLikeDump } from '../lib/flash-dump';

/** JSON-safe copy: byte arrays as hex. */
function plain(v: unknown): unknown {
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex');
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  return v;
}

/** `key: value` lines for the scalar fields, nested objects indented. */
function fieldLines(o: Record<string, unknown>, indent = '  '): string[] {
  const lines: string[] = [];
  for (const [k, v] of Object.entries(o)) {
    if (k === 'checks' || k === 'entries' || v === undefined) continue;
    if (v && typeof v === 'object' && !Array.isArray(v)) lines.push(`${indent}${k}:`, ...fieldLines(v as Record<string, unknown>, indent + '  '));
    else if (Array.isArray(v)) lines.push(`${indent}${k}: ${v.length > 8 ? `${v.length} items` : JSON.stringify(v)}`);
    else lines.push(`${indent}${k}: ${typeof v === 'number' && /address|offset|entry|addr|size|length|magic|chipId/i.test(k) && v > 9 ? `${v} (${hex(v)})` : String(v)}`);
  }
  return lines;
}

function checkLines(checks: Check[]): string[] {
  return checks.map((c) => `  ${c.ok ? 'ok  ' : c.level === 'warning' ? 'warn' : 'FAIL'} ${c.id}: ${c.message}`);
}

export const inspect: Command = {
  name: 'inspect',
  summary: 'show and check an image (ESP bootloader/app, partition table, MCUboot, otadata) or a whole flash dump',
  help: `Usage: reflasher inspect <file> [--chip <chip>] [--kind <kind>] [--partition-table-offset <n>] [--json]

For a single image: its kind (detected, or --kind), every field and every
check; a refused image exits 1 with its error code. For a whole flash dump
(a power-of-two size with a partition table at the table offset): the
partition table, what each partition holds, and what would boot, following
ESP-IDF's boot path (the list of what is and is not modelled is in --json).

Options:
  --chip <chip>       check ESP images against this chip (default: the chip the image names)
  --kind <kind>       ${IMAGE_KINDS.join(', ')}, or dump
  --partition-table-offset <n>   default 0x8000

Examples:
  reflasher inspect build/app.bin
  reflasher inspect bootloader.bin --chip esp32s3
  reflasher inspect flash-dump.bin --json`,
  options: { chip: { type: 'string' }, kind: { type: 'string' }, 'partition-table-offset': { type: 'string' } },
  positionals: { min: 1, max: 1 },
  async run(values, [file], out) {
    let bytes: Uint8Array;
    try { bytes = new Uint8Array(readFileSync(file)); } catch (e) { throw new UsageError(`${file}: ${(e as Error).message}`, 'inspect'); }
    const chipArg = values.chip as string | undefined;
    if (chipArg && !findChip(chipArg)) throw new UsageError(`--chip ${chipArg}: not one of ${CHIPS.map((c) => c.name).join(', ')}`, 'inspect');
    const kindArg = values.kind as string | undefined;
    if (kindArg && kindArg !== 'dump' && !IMAGE_KINDS.includes(kindArg as ImageKind)) throw new UsageError(`--kind ${kindArg}: not one of ${IMAGE_KINDS.join(', ')}, dump`, 'inspect');
    const tableOffset = values['partition-table-offset'] ? parseNumber(values['partition-table-offset'] as string, '--partition-table-offset', 'inspect') : DEFAULT_PARTITION_TABLE_OFFSET;

    if (kindArg === 'dump' || (!kindArg && looksLikeDump(bytes, tableOffset))) {
      const chip = chipArg ?? detectChip(bytes);
      if (!chip) throw new UsageError(`${file}: a flash dump whose chip cannot be read from a bootloader header: pass --chip`, 'inspect');
      const survey = surveyFlash({ read: arrayReader(bytes), flashSize: bytes.length, chip, crypto: nodeCrypto, partitionTableOffset: tableOffset });
      const lines = [
        `${file}: ${chip} flash dump, ${bytes.length} bytes (${hex(bytes.length)})`,
        `boots: ${bootSummary(survey.boot)}`,
        'boot path:',
        ...survey.boot.steps.map((s) => `  ${s.ok ? 'ok  ' : 'FAIL'} ${s.stage.padEnd(15)} ${hex(s.address)}  ${s.code ? s.code + ': ' : ''}${s.message}`),
      ];
      if (survey.partitions.length) {
        lines.push('partitions:');
        for (const c of survey.partitions) {
          const p = c.partition;
          lines.push(`  ${p.label.padEnd(16)} ${typeName(p.type).padEnd(5)} ${subtypeName(p.type, p.subtype).padEnd(8)} ${hex(p.address)} +${hex(p.size)}  ${!c.ok && c.code ? c.code + ' ' : ''}${c.summary}`);
        }
      }
      out.result({ ok: true, file, type: 'flash-dump', chip, size: bytes.length, boot: plain(survey.boot), partitions: plain(survey.partitions) }, lines.join('\n'));
      return 0;
    }

    const kind = (kindArg as ImageKind | undefined) ?? detectImageKind(bytes);
    // ESP images name their chip; check against it unless told otherwise.
    const chip = chipArg ?? (bytes[0] === 0xe9 && bytes.length >= 24 ? chipById(u16(bytes, 12))?.name : undefined);
    const report = inspectImage(bytes, { crypto: nodeCrypto, chip, kind, tableOffset }) as unknown as Record<string, unknown>;
    const detected = kind ?? detectImageKind(bytes);
    const lines = [`${file}: ${detected}, ${bytes.length} bytes${chip ? `, checked for ${chip}` : ''}`, ...fieldLines(report)];
    const entries = report.entries as Array<{ label: string; type: number; subtype: number; address: number; size: number }> | undefined;
    if (entries) lines.push('  partitions:', ...entries.map((p) => `    ${p.label.padEnd(16)} ${typeName(p.type).padEnd(5)} ${subtypeName(p.type, p.subtype).padEnd(8)} ${hex(p.address)} +${hex(p.size)}`));
    lines.push('checks:', ...checkLines((report.checks as Check[]) ?? []));
    out.result({ ok: true, file, type: 'image', kind: detected, chip: chip ?? null, size: bytes.length, report: plain(report) }, lines.join('\n'));
    return 0;
  },
};
