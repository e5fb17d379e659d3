import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { reflasher, reflasherBackground } from './run-cli';

describe('reflasher serve', () => {
  const dir = mkdtempSync(join(tmpdir(), 'serve-'));
  const image = randomBytes(20_000);
  writeFileSync(join(dir, 'app.bin'), image);

  test('serves whole files and byte ranges, logging one line per request', async () => {
    const { child, firstLine, stderr } = await reflasherBackground(['serve', dir]);
    try {
      const url = /^serving .* at (\S+) /.exec(firstLine)![1];
      const whole = await fetch(new URL('app.bin', url));
      expect(whole.status).toBe(200);
      expect(Buffer.from(await whole.arrayBuffer()).equals(image)).toBe(true);
      const part = await fetch(new URL('app.bin', url), { headers: { Range: 'bytes=4096-' } });
      expect(part.status).toBe(206);
      expect(part.headers.get('content-range')).toBe(`bytes 4096-19999/20000`);
      expect(Buffer.from(await part.arrayBuffer()).equals(image.subarray(4096))).toBe(true);
      const missing = await fetch(new URL('nope.bin', url));
      expect(missing.status).toBe(404);
      await new Promise((r) => setTimeout(r, 50));
      const lines = stderr().trim().split('\n');
      expect(lines).toHaveLength(3);
      expect(lines[1]).toMatch(/^GET \/app\.bin 206 range=bytes=4096- 15904 B/);
    } finally {
      child.kill('SIGTERM');
    }
  });

  test('refuses a missing directory and half a TLS pair', () => {
    expect(reflasher(['serve', join(dir, 'absent')]).status).toBe(2);
    expect(reflasher(['serve', dir, '--tls-cert', 'x.pem']).status).toBe(2);
  });
});
