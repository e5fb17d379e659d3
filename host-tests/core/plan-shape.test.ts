import { makePlan } from '../../src/core/plan';
import type { JobSpec } from '../../src/core/job';
import { img, inputsFor } from '../support/plan-inputs';

const plan = (job: JobSpec, over: Parameters<typeof inputsFor>[1] = {}) => makePlan(job, inputsFor(job, over));

/** Only numbers, strings, booleans, null, plain arrays and plain objects. */
function assertPlainData(v: unknown, path = 'plan'): void {
  if (v === null || ['number', 'string', 'boolean'].includes(typeof v)) return;
  if (Array.isArray(v)) { v.forEach((x, i) => assertPlainData(x, `${path}[${i}]`)); return; }
  if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    for (const [k, x] of Object.entries(v as object)) {
      if (x === undefined) throw new Error(`${path}.${k} is undefined`);
      assertPlainData(x, `${path}.${k}`);
    }
    return;
  }
  throw new Error(`${path} is not plain data: ${typeof v}`);
}

describe('the plan is plain data', () => {
  test('survives a JSON round trip unchanged and holds nothing else', () => {
    const job: JobSpec = {
      images: [img(0x1000, 0x5000, { sha256: 'AB'.repeat(32) }), img(0x220000, 0x3000), img(0x8000, 0xc00)],
    };
    const p = plan(job);
    assertPlainData(p);
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
    expect(p.images[0].sha256).toBe('ab'.repeat(32));
  });

  test('does not share objects with the job', () => {
    const job: JobSpec = { images: [img(0x1000, 0x5000)] };
    const p = plan(job);
    expect(p.images[0].source).toEqual(job.images[0].source);
    expect(p.images[0].source).not.toBe(job.images[0].source);
  });

  test('the same inputs give the same plan', () => {
    const job: JobSpec = { images: [img(0x1000, 0x5000), img(0x220000, 0x3000)] };
    expect(plan(job)).toEqual(plan(job));
  });
});

describe('steps', () => {
  test('every download and check comes before the first commit', () => {
    const job: JobSpec = {
      images: [img(0x1000, 0x5000), img(0x220000, 0x3000), img(0xf000, 0x2000), img(0x320000, 0x1000)],
    };
    const kinds = plan(job).steps.map((s) => s.kind);
    const firstCommit = kinds.indexOf('commit');
    expect(kinds.slice(firstCommit).every((k) => k === 'commit')).toBe(true);
    expect(kinds.slice(0, firstCommit)).toEqual(['stage', 'direct', 'stage', 'direct']);
  });

  test('commit order: nvs/phy first, then the bootloader, then otadata, the partition table last', () => {
    const job: JobSpec = {
      images: [
        { ...img(0x1000, 0x5000), name: 'boot' },
        { ...img(0x8000, 0xc00), name: 'table' },
        { ...img(0xf000, 0x2000), name: 'otadata' },
        { ...img(0x9000, 0x6000), name: 'nvs' },
        { ...img(0x11000, 0x1000), name: 'phy' },
      ],
    };
    const p = plan(job);
    const commits = p.steps.filter((s) => s.kind === 'commit').map((s) => p.images[s.image].name);
    expect(commits).toEqual(['nvs', 'phy', 'boot', 'otadata', 'table']);
  });

  test('forceStaging stages free destinations too', () => {
    const job: JobSpec = { images: [img(0x220000, 0x3000), img(0x320000, 0x1000)], forceStaging: true };
    const p = plan(job);
    expect(p.steps.map((s) => s.kind)).toEqual(['stage', 'stage', 'commit', 'commit']);
    expect(p.staging?.label).toBe('ota_1');
    expect(p.images.every((im) => im.stagingAddress !== null)).toBe(true);
  });

  test('an embedded source bound for an in-use destination is checked, then committed without staging', () => {
    const job: JobSpec = { images: [{ name: 'boot', source: { resource: 'boot.bin' }, destination: 0x1000, size: 0x5000 }] };
    const p = plan(job, { facts: [{ length: 0x5000, flashRange: { address: 0x30000, size: 0x5000 } }] });
    expect(p.steps).toEqual([{ kind: 'check', image: 0 }, { kind: 'commit', image: 0 }]);
    expect(p.staging).toBeNull();
    expect(p.images[0].embedded).toBe(true);
  });
});
