import { spawnSync } from 'node:child_process';
import { repoRoot } from './run-cli';

describe('npm start (reflasher demo)', () => {
  test('reflashes the simulated ESP32 and reports the new app booting from the new table', () => {
    const r = spawnSync('npm', ['start', '--silent'], { cwd: repoRoot, encoding: 'utf8', timeout: 300_000, env: { ...process.env, CI: '1' } });
    expect(r.stderr).not.toMatch(/reflasher: error/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^boots now: app "factory" \(fleet-app 2\.0\.0\) at 0x00120000$/m);
    expect(r.stdout).toMatch(/^nvs and phy_init: untouched$/m);
    expect(r.stdout).toMatch(/bootloader .* staged, committed last/);
    // Not a terminal: plain progress lines, no bar drawing.
    expect(r.stderr).toMatch(/^commit bootloader 100%$/m);
    expect(r.stderr).not.toMatch(/\x1b\[/);
  }, 300_000);

  test('--json gives the figures', () => {
    const r = spawnSync(process.execPath, ['tools/bin/reflasher.js', 'demo', '--json'], { cwd: repoRoot, encoding: 'utf8', timeout: 300_000 });
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.ok).toBe(true);
    expect(j.boot).toMatchObject({ boots: true, address: 0x120000, projectName: 'fleet-app' });
    expect(j.bootBefore).toMatchObject({ boots: true, address: 0x20000, projectName: 'xs-reflasher' });
    expect(j.keptNvsAndPhy).toBe(true);
    expect(j.floorMs).toBeLessThanOrEqual(j.modeledMs);
    expect(r.stderr).toBe('');
  }, 300_000);
});
