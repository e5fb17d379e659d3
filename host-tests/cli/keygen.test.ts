import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSign, createVerify, createPublicKey } from 'node:crypto';
import { reflasher } from './run-cli';

describe('reflasher keygen', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keygen-'));

  test('writes a working P-256 pair and prints the config form of the public key', () => {
    const prefix = join(dir, 'fleet');
    const r = reflasher(['keygen', '--out', prefix, '--json']);
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.ok).toBe(true);
    expect(statSync(`${prefix}.pem`).mode & 0o777).toBe(0o600);
    // The pair signs and verifies, and the hex is the same point as the PEM.
    const sig = createSign('sha256').update('manifest').sign(readFileSync(`${prefix}.pem`));
    expect(createVerify('sha256').update('manifest').verify(readFileSync(`${prefix}.pub.pem`), sig)).toBe(true);
    const jwk = createPublicKey(readFileSync(`${prefix}.pub.pem`)).export({ format: 'jwk' });
    const expected = '04' + Buffer.from(jwk.x!, 'base64url').toString('hex') + Buffer.from(jwk.y!, 'base64url').toString('hex');
    expect(report.configPublicKey).toBe(expected);
    expect(report.configPublicKey).toHaveLength(130);
  });

  test('refuses to overwrite a key without --force, and overwrites with it', () => {
    const prefix = join(dir, 'once');
    expect(reflasher(['keygen', '--out', prefix]).status).toBe(0);
    const first = readFileSync(`${prefix}.pem`, 'utf8');
    const again = reflasher(['keygen', '--out', prefix]);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/^reflasher: error USAGE: /);
    expect(readFileSync(`${prefix}.pem`, 'utf8')).toBe(first);
    expect(reflasher(['keygen', '--out', prefix, '--force']).status).toBe(0);
    expect(readFileSync(`${prefix}.pem`, 'utf8')).not.toBe(first);
  });

  test('usage errors exit 2 with one line, or JSON with --json', () => {
    const missing = reflasher(['keygen']);
    expect(missing.status).toBe(2);
    expect(missing.stderr.split('\n')[0]).toBe('reflasher: error USAGE: --out is required');
    const bogus = reflasher(['keygen', '--bogus', '--json']);
    expect(bogus.status).toBe(2);
    expect(JSON.parse(bogus.stdout).error.code).toBe('USAGE');
  });

  test('--help prints examples and exits 0', () => {
    const r = reflasher(['keygen', '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Examples:/);
  });
});
