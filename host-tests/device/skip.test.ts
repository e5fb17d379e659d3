// npm run test:device must not fail where ESP-IDF and Espressif's QEMU are
// absent (CI): it prints one line naming what is missing and exits 0.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const runner = resolve(__dirname, '../../device-tests/run.mjs');

function runWith(env: NodeJS.ProcessEnv) {
  return spawnSync(process.execPath, [runner], { env, encoding: 'utf8' });
}

function withoutIdf(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.IDF_PATH;
  return env;
}

describe('npm run test:device where the tools are missing', () => {
  it('skips with one line naming IDF_PATH when it is unset', () => {
    const r = runWith(withoutIdf());
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('test:device skipped: IDF_PATH is not set (ESP-IDF v6.0); see docs/device-tests.md\n');
  });

  it('names the ESP-IDF version when IDF_PATH is another release', () => {
    const idf = mkdtempSync(join(tmpdir(), 'idf-'));
    mkdirSync(join(idf, 'tools/cmake'), { recursive: true });
    writeFileSync(join(idf, 'tools/cmake/version.cmake'),
      'set(IDF_VERSION_MAJOR 5)\nset(IDF_VERSION_MINOR 4)\nset(IDF_VERSION_PATCH 1)\n');
    const r = runWith({ ...withoutIdf(), IDF_PATH: idf });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`test:device skipped: ESP-IDF at ${idf} is v5.4, not v6.0; see docs/device-tests.md\n`);
  });

  it('names a directory that is not ESP-IDF', () => {
    const dir = mkdtempSync(join(tmpdir(), 'not-idf-'));
    const r = runWith({ ...withoutIdf(), IDF_PATH: dir });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`test:device skipped: IDF_PATH=${dir} is not an ESP-IDF tree (no tools/cmake/version.cmake); see docs/device-tests.md\n`);
  });
});
