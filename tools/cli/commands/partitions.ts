import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from '../command';
import { parseNumber } from '../command';
import { UsageError } from '../output';
import { hex } from '../../../src/core/errors';
import { PTABLE_MAGIC, PTABLE_MAX_LENGTH, buildPartitionTable, parsePartitionTable, validatePartitions } from '../../../src/core/formats/partition-table';
import { formatPartitionCsv, parsePartitionCsv } from '../../../src/core/formats/partition-csv';
import { u16 } from '../../../src/core/formats/bytes';
import { nodeCrypto } from '../lib/node-crypto';

export const partitions: Command = {
  name: 'partitions',
  summary: 'convert a partition table between the CSV of gen_esp32part and the binary, both ways, validated',
  help: `Usage: reflasher partitions <in.csv|in.bin> [--out <file>] [--flash-size <n>] [--partition-table-offset <n>] [--no-md5] [--json]

A binary table (it starts with AA 50) becomes gen_esp32part CSV; anything
else is read as CSV and becomes the binary table (0xC00 bytes, with the MD5
entry ESP-IDF checks by default). Both ways apply the same rules: alignment,
overlaps, sizes, labels, the flash size when given. Without --out, CSV goes
to stdout; a binary needs --out.

Options:
  --out <file>                  where to write the result
  --flash-size <n>              check that every partition fits, e.g. 4M
  --partition-table-offset <n>  default 0x8000 (where CSV offsets start)
  --no-md5                      leave out the MD5 entry (CONFIG_PARTITION_TABLE_MD5=n)

Examples:
  reflasher partitions partitions.csv --out partitions.bin --flash-size 4M
  reflasher partitions partitions.bin
  reflasher partitions dump-table.bin --out table.csv`,
  options: { out: { type: 'string' }, 'flash-size': { type: 'string' }, 'partition-table-offset': { type: 'string' }, 'no-md5': { type: 'boolean' } },
  positionals: { min: 1, max: 1 },
  async run(values, [file], out) {
    let bytes: Uint8Array;
    try { bytes = new Uint8Array(readFileSync(file)); } catch (e) { throw new UsageError(`${file}: ${(e as Error).message}`, 'partitions'); }
    const flashSize = values['flash-size'] ? parseNumber(values['flash-size'] as string, '--flash-size', 'partitions') : undefined;
    const tableOffset = values['partition-table-offset'] ? parseNumber(values['partition-table-offset'] as string, '--partition-table-offset', 'partitions') : undefined;
    const outPath = values.out as string | undefined;
    const isBinary = bytes.length >= 2 && u16(bytes, 0) === PTABLE_MAGIC;
    if (isBinary) {
      const info = parsePartitionTable(bytes.subarray(0, Math.min(bytes.length, PTABLE_MAX_LENGTH)), { crypto: nodeCrypto, flashSize, tableOffset });
      const csv = formatPartitionCsv(info.entries);
      if (outPath) writeFileSync(outPath, csv);
      const summary = `${info.entries.length} partitions, ${info.md5Index >= 0 ? 'MD5 ok' : 'no MD5 entry'}${outPath ? `; wrote ${outPath}` : ''}`;
      if (out.json) out.result({ ok: true, from: 'binary', to: 'csv', out: outPath ?? null, entries: info.entries, checks: info.checks, csv }, '');
      else if (outPath) out.result({}, summary);
      else { process.stdout.write(csv); out.info(summary); }
      return 0;
    }
    const entries = parsePartitionCsv(Buffer.from(bytes).toString('utf8'), { tableOffset });
    const checks = validatePartitions(entries, { flashSize, tableOffset });
    const binary = buildPartitionTable(entries, { crypto: nodeCrypto, md5: !values['no-md5'] });
    // The bytes written are the bytes the firmware and bootloader will parse: read them back with the same rules.
    parsePartitionTable(binary, { crypto: nodeCrypto, flashSize, tableOffset });
    if (!outPath) throw new UsageError('converting CSV to a binary table needs --out <file.bin>', 'partitions');
    writeFileSync(outPath, binary);
    const end = Math.max(...entries.map((p) => p.address + p.size));
    out.result({ ok: true, from: 'csv', to: 'binary', out: outPath, entries, checks },
      `${entries.length} partitions, ending at ${hex(end)}; wrote ${outPath} (${binary.length} bytes${values['no-md5'] ? '' : ', with MD5'})`);
    return 0;
  },
};
