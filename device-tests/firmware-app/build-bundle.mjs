#!/usr/bin/env node
// Bundles the device tier's firmware (js/entry.ts and what it imports: the
// engine, src/app, src/device, the module faces) for XS on the chip.
//
// XS's parser needs about 40 bytes of heap per byte of source while it parses
// (2.3 MB for this 54 KB bundle, measured on the host), far beyond the
// ESP32-C3's ~300 KiB. So the bundle is a plain script (esbuild's esm output
// of an entry without exports: top-level declarations only), cut at
// top-level statements into pieces of a few KiB, each parsed and run in
// turn in the global scope, where later pieces see earlier declarations.
// Pieces are separated by NUL bytes; the file ends with one (ESP-IDF's
// EMBED_TXTFILES adds the second).
// Usage: node device-tests/firmware-app/build-bundle.mjs <out.js>
import { build } from 'esbuild';
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const outfile = resolve(process.argv[2] ?? resolve(root, 'build/device/firmware.js'));
const PIECE_BYTES = 1536;

const result = await build({
  entryPoints: [resolve(here, 'js/entry.ts')],
  bundle: true,
  write: false,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  minify: true,
  alias: {
    Resource: resolve(here, 'js/resource.ts'),
    rawflash: resolve(root, 'modules/rawflash/rawflash.ts'),
    partitions: resolve(root, 'modules/partitions/partitions.ts'),
    system: resolve(root, 'modules/system/system.ts'),
  },
  logLevel: 'warning',
  legalComments: 'none',
});
const text = result.outputFiles[0].text;
const file = ts.createSourceFile('firmware.js', text, ts.ScriptTarget.ES2022, false, ts.ScriptKind.JS);
for (const statement of file.statements) {
  if (ts.isExportDeclaration(statement) || ts.isImportDeclaration(statement)) {
    throw new Error(`firmware bundle: unexpected ${ts.SyntaxKind[statement.kind]} at ${statement.pos}`);
  }
}
// Function declarations first: within one script they are hoisted, and a
// piece may call a function a later piece declares.
const ordered = [
  ...file.statements.filter((s) => ts.isFunctionDeclaration(s)),
  ...file.statements.filter((s) => !ts.isFunctionDeclaration(s)),
].map((s) => text.slice(s.pos, s.end));
const pieces = [];
let piece = '';
for (const statement of ordered) {
  if (piece && piece.length + statement.length > PIECE_BYTES) {
    pieces.push(piece);
    piece = '';
  }
  piece += statement.endsWith(';') || statement.endsWith('}') ? statement : statement + ';';
}
if (piece) pieces.push(piece);
writeFileSync(outfile, pieces.join('\0') + '\0');
console.log(`firmware bundle: ${text.length} bytes in ${pieces.length} pieces, the largest ${Math.max(...pieces.map((p) => p.length))}`);
