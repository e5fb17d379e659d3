/**
 * The bundle manifest: what a reflash writes, where, and how to check it.
 *
 * On disk (and on the server) a bundle is a directory:
 *   manifest.json   this document, UTF-8
 *   manifest.sig    64 bytes: raw ECDSA P-256 signature r || s (big-endian,
 *                   32 bytes each) over SHA-256 of manifest.json's exact bytes
 *   <images>        the files the manifest's `source` fields name
 *
 *   {
 *     "format": 1,
 *     "chip": "esp32",
 *     "minFlashSize": "0x400000",
 *     "version": 7,
 *     "images": [
 *       { "name": "bootloader", "kind": "bootloader", "source": "bootloader.bin",
 *         "destination": "0x1000", "regionSize": "0x7000", "size": 26640,
 *         "sha256": "<64 lower-case hex digits>" },
 *       { "name": "app", "kind": "app", "source": "resource:app", ... }
 *     ]
 *   }
 *
 * Addresses and sizes are JSON integers or "0x" hex strings. `source` is a
 * relative URL (resolved against the manifest's URL) or `resource:<name>`
 * for an image built into the firmware. `version` is the bundle's own
 * monotonic number, compared with the configured minimum. Every field is
 * required and no other field is allowed.
 */
import type { ImageKind } from '../job';
import type { ImageSource } from '../ports';
import { type ErrorCode, ReflashError, hex } from '../errors';
import { findChip } from '../formats/chips';
import { utf8Decode, utf8Encode } from '../formats/bytes';
import { type Json, parseStrictJson } from './strict-json';

export const BUNDLE_FORMAT = 1;
export const MANIFEST_MAX_BYTES = 64 * 1024;
export const BUNDLE_MAX_IMAGES = 32;
export const SECTOR = 0x1000;
export const IMAGE_KINDS: readonly ImageKind[] = ['bootloader', 'partition-table', 'otadata', 'app', 'mcuboot', 'raw'];

export interface BundleImage {
  name: string;
  kind: ImageKind;
  /** The manifest's text: a relative URL or `resource:<name>`. */
  source: string;
  destination: number;
  regionSize: number;
  size: number;
  /** 64 lower-case hex digits. */
  sha256: string;
}

export interface BundleManifest {
  format: number;
  chip: string;
  minFlashSize: number;
  version: number;
  images: BundleImage[];
}

const TOP_FIELDS = ['format', 'chip', 'minFlashSize', 'version', 'images'];
const IMAGE_FIELDS = ['name', 'kind', 'source', 'destination', 'regionSize', 'size', 'sha256'];

function fail(code: ErrorCode, message: string, details?: Record<string, number | string | boolean>): never {
  throw new ReflashError(code, message, details);
}

function isObject(v: Json | undefined): v is { [key: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function exactFields(o: { [key: string]: Json }, allowed: string[], where: string): void {
  for (const k of Object.keys(o)) {
    if (allowed.indexOf(k) < 0) fail('BUNDLE_FIELD', `${where}: unknown field "${k}"; allowed: ${allowed.join(', ')}`, { field: k });
  }
  for (const k of allowed) {
    if (!(k in o)) fail('BUNDLE_FIELD', `${where}: field "${k}" is missing`, { field: k });
  }
}

/** A non-negative integer below 2^32 given as a JSON integer or a "0x" hex string. */
function u32Field(v: Json, where: string, field: string): number {
  let n: number | undefined;
  if (typeof v === 'number' && Number.isInteger(v)) n = v;
  else if (typeof v === 'string' && /^0x[0-9a-fA-F]{1,8}$/.test(v)) n = parseInt(v.slice(2), 16);
  if (n === undefined || n < 0 || n > 0xffffffff) fail('BUNDLE_FIELD', `${where}: "${field}" must be an integer from 0 to 0xffffffff (a number or a "0x" hex string), not ${JSON.stringify(v)}`, { field });
  return n;
}

function stringField(v: Json, where: string, field: string, pattern: RegExp, rule: string): string {
  if (typeof v !== 'string' || !pattern.test(v)) fail('BUNDLE_FIELD', `${where}: "${field}" must be ${rule}, not ${JSON.stringify(v)}`, { field });
  return v;
}

/**
 * What a `source` names: `{ resource }` for `resource:<name>`, else `{ url }`
 * with the relative URL as written.
 * @throws ReflashError `BUNDLE_SOURCE` for an absolute URL, a path that climbs
 * out of the bundle (`..`), a leading `/`, or characters outside URL syntax.
 */
export function parseSource(text: string, where = 'source'): ImageSource {
  if (text.startsWith('resource:')) {
    const name = text.slice('resource:'.length);
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(name)) fail('BUNDLE_SOURCE', `${where}: resource name "${name}" must be 1 to 64 of A-Z a-z 0-9 . _ -`, { source: text });
    return { resource: name };
  }
  if (text.length === 0 || text.length > 256) fail('BUNDLE_SOURCE', `${where}: a source is 1 to 256 characters`, { source: text });
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(text) || text.startsWith('/') || text.startsWith('\\')) {
    fail('BUNDLE_SOURCE', `${where}: "${text}" is absolute; a source is relative to the manifest (e.g. "app.bin") or "resource:<name>"`, { source: text });
  }
  if (!/^[A-Za-z0-9._~!$&'()*+,;=:@/%?-]+$/.test(text)) fail('BUNDLE_SOURCE', `${where}: "${text}" has characters outside a URL path; percent-encode them`, { source: text });
  const path = text.split('?')[0];
  if (path.split('/').some((seg) => seg === '..' || seg === '.' || seg === '')) {
    fail('BUNDLE_SOURCE', `${where}: "${text}" has an empty, "." or ".." path segment; name files inside the bundle directly`, { source: text });
  }
  return { url: text };
}

/**
 * Parses and checks a manifest's bytes: the structure, every field's type and
 * range, and the rules between images (unique names, 4 KiB alignment, image
 * within its region, regions inside minFlashSize and disjoint). It does not
 * check the signature or the device: see `verifyBundle`.
 * @throws ReflashError `BUNDLE_TOO_LARGE`, `BUNDLE_JSON`, `BUNDLE_FIELD`,
 * `BUNDLE_FORMAT_VERSION`, `BUNDLE_SOURCE`, `BUNDLE_ALIGN`,
 * `BUNDLE_IMAGE_TOO_BIG`, `BUNDLE_DUPLICATE`, `BUNDLE_OVERLAP`, `DEST_BOUNDS`.
 */
export function parseManifest(bytes: Uint8Array): BundleManifest {
  if (bytes.length > MANIFEST_MAX_BYTES) fail('BUNDLE_TOO_LARGE', `manifest of ${bytes.length} bytes; at most ${MANIFEST_MAX_BYTES} are read: is this a manifest?`, { length: bytes.length });
  const text = utf8Decode(bytes);
  if (text === undefined) fail('BUNDLE_JSON', 'manifest is not valid UTF-8: write it as UTF-8 JSON', {});
  const doc = parseStrictJson(text);
  if (!isObject(doc)) fail('BUNDLE_FIELD', 'manifest must be a JSON object', {});
  exactFields(doc, TOP_FIELDS, 'manifest');
  if (doc.format !== BUNDLE_FORMAT) fail('BUNDLE_FORMAT_VERSION', `manifest format ${JSON.stringify(doc.format)} is not supported; this firmware reads format ${BUNDLE_FORMAT}: rebuild the bundle with a matching reflasher`, { format: String(doc.format) });
  const chip = stringField(doc.chip, 'manifest', 'chip', /^[a-z0-9]{1,16}$/, 'a chip name such as "esp32"');
  if (!findChip(chip)) fail('BUNDLE_FIELD', `manifest: chip "${chip}" is not a chip this firmware knows`, { chip });
  const minFlashSize = u32Field(doc.minFlashSize, 'manifest', 'minFlashSize');
  if (minFlashSize === 0 || minFlashSize % SECTOR !== 0) fail('BUNDLE_ALIGN', `manifest: minFlashSize ${hex(minFlashSize)} must be a non-zero multiple of 0x1000`, { minFlashSize });
  const version = doc.version;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 0) fail('BUNDLE_FIELD', `manifest: "version" must be a non-negative integer, not ${JSON.stringify(version)}`, { field: 'version' });
  if (!Array.isArray(doc.images) || doc.images.length === 0 || doc.images.length > BUNDLE_MAX_IMAGES) {
    fail('BUNDLE_FIELD', `manifest: "images" must be an array of 1 to ${BUNDLE_MAX_IMAGES} images`, { field: 'images' });
  }
  const images = doc.images.map((v, i) => parseImage(v, i, minFlashSize));
  const seen: Record<string, boolean> = Object.create(null);
  for (const img of images) {
    if (seen[img.name]) fail('BUNDLE_DUPLICATE', `manifest: two images are named "${img.name}": names must be unique`, { name: img.name });
    seen[img.name] = true;
  }
  const sorted = images.slice().sort((a, b) => a.destination - b.destination);
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1];
    const b = sorted[i];
    if (b.destination < a.destination + a.regionSize) {
      fail('BUNDLE_OVERLAP', `manifest: image "${b.name}" at ${hex(b.destination)} overlaps "${a.name}" ${hex(a.destination)}+${hex(a.regionSize)}: give them disjoint regions`, { a: a.name, b: b.name });
    }
  }
  return { format: BUNDLE_FORMAT, chip, minFlashSize, version, images };
}

function parseImage(v: Json, index: number, flashSize: number): BundleImage {
  if (!isObject(v)) fail('BUNDLE_FIELD', `manifest image ${index} must be a JSON object`, { index });
  const where = `manifest image ${index}`;
  exactFields(v, IMAGE_FIELDS, where);
  const name = stringField(v.name, where, 'name', /^[A-Za-z0-9._-]{1,32}$/, '1 to 32 of A-Z a-z 0-9 . _ -');
  const w = `image "${name}"`;
  const kind = v.kind as ImageKind;
  if (typeof kind !== 'string' || IMAGE_KINDS.indexOf(kind) < 0) fail('BUNDLE_FIELD', `${w}: "kind" must be one of ${IMAGE_KINDS.join(', ')}, not ${JSON.stringify(v.kind)}`, { field: 'kind' });
  if (typeof v.source !== 'string') fail('BUNDLE_FIELD', `${w}: "source" must be a string`, { field: 'source' });
  parseSource(v.source, w);
  const destination = u32Field(v.destination, w, 'destination');
  const regionSize = u32Field(v.regionSize, w, 'regionSize');
  const size = u32Field(v.size, w, 'size');
  const sha256 = stringField(v.sha256, w, 'sha256', /^[0-9a-f]{64}$/, '64 lower-case hex digits');
  if (destination % SECTOR !== 0) fail('BUNDLE_ALIGN', `${w}: destination ${hex(destination)} is not a multiple of 0x1000 (flash erases 4 KiB sectors)`, { destination });
  if (regionSize === 0 || regionSize % SECTOR !== 0) fail('BUNDLE_ALIGN', `${w}: regionSize ${hex(regionSize)} must be a non-zero multiple of 0x1000`, { regionSize });
  if (size === 0) fail('BUNDLE_FIELD', `${w}: size 0; an image has at least one byte`, { size });
  if (size > regionSize) fail('BUNDLE_IMAGE_TOO_BIG', `${w}: ${size} bytes do not fit its ${hex(regionSize)}-byte region: shrink the image or enlarge the region`, { size, regionSize });
  if (destination > flashSize || regionSize > flashSize - destination) {
    fail('DEST_BOUNDS', `${w}: region ${hex(destination)}+${hex(regionSize)} ends past minFlashSize ${hex(flashSize)}`, { destination, regionSize, flashSize });
  }
  return { name, kind, source: v.source, destination, regionSize, size, sha256 };
}

/**
 * The manifest as the CLI writes it: fixed key order, addresses in hex, two
 * spaces of indent, a final newline. Sign exactly these bytes.
 */
export function serializeManifest(m: BundleManifest): Uint8Array {
  const h = (n: number) => JSON.stringify('0x' + n.toString(16));
  const lines = [
    '{',
    `  "format": ${m.format},`,
    `  "chip": ${JSON.stringify(m.chip)},`,
    `  "minFlashSize": ${h(m.minFlashSize)},`,
    `  "version": ${m.version},`,
    '  "images": [',
    m.images.map((i) => `    { "name": ${JSON.stringify(i.name)}, "kind": ${JSON.stringify(i.kind)}, "source": ${JSON.stringify(i.source)}, "destination": ${h(i.destination)}, "regionSize": ${h(i.regionSize)}, "size": ${i.size}, "sha256": ${JSON.stringify(i.sha256)} }`).join(',\n'),
    '  ]',
    '}',
  ];
  return utf8Encode(lines.join('\n') + '\n');
}
