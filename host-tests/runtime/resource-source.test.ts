/**
 * The embedded-resource byte source of src/device, in XS over the host
 * Resource: lengths, resumed opens, reads after close, close twice.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, buildHost, bundle, makeFlash, runHost, tempDir } from './helpers';

beforeAll(buildHost, 180000);

test('reads the resource in order from the offset, ends with 0, refuses reads after close, closes twice', () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'image.bin'), Buffer.from(Array.from({ length: 10 }, (_, i) => i)));
  const firmware = bundle(dir, `
    import { openResource } from '${ROOT}/src/device/resource-source';
    import { ReflashError } from '${ROOT}/src/core/errors';
    const code = (e: unknown) => (e instanceof ReflashError ? e.code : String(e));
    async function main() {
      const out: unknown[] = [];
      const source = openResource('image', 3);
      const buffer = new Uint8Array(4);
      out.push(source.length, source.flashRange ?? null);
      for (let n = await source.read(buffer); n > 0; n = await source.read(buffer)) out.push(Array.from(buffer.subarray(0, n)));
      out.push(await source.read(buffer));
      source.close();
      source.close();
      out.push(await source.read(buffer).then(() => 'read after close', code));
      for (const [name, offset] of [['image', 11], ['missing', 0]] as const) {
        try { openResource(name, offset); out.push('opened'); } catch (e) { out.push(code(e)); }
      }
      out.push(openResource('image', 10).length);
      native('xs_runner_finish')(true, false, JSON.stringify(out));
    }
    main();
  `);
  const r = runHost(dir, { flash: makeFlash(dir), firmware, resources: { image: join(dir, 'image.bin') } });
  expect(r.report.firmware).toEqual([10, null, [3, 4, 5, 6], [7, 8, 9], 0, 'SOURCE_IO', 'SOURCE_TRUNCATED', 'SOURCE_NOT_FOUND', 10]);
});
