/**
 * The runner itself: exit codes, the report's outcome, the XS platform's
 * promise jobs and timers, resources, and the globals the firmware relies on.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildHost, makeFlash, runHost, script, tempDir } from './helpers';

beforeAll(buildHost, 180000);

function run(body: string, extra: Partial<Parameters<typeof runHost>[1]> = {}) {
  const dir = tempDir();
  const flash = makeFlash(dir);
  return runHost(dir, { flash, firmware: script(dir, body), ...extra });
}

test('exit 0 and outcome done when the firmware reports success', () => {
  const r = run('finish({ images: 1 });');
  expect(r.status).toBe(0);
  expect(r.report).toMatchObject({ ok: true, outcome: 'done', exitCode: 0, error: null, firmware: { images: 1 } });
});

test('exit 1 with the ReflashError code when the firmware reports a refusal', () => {
  const r = run('native("xs_runner_finish")(false, false, JSON.stringify({ ok: false, error: { code: "DEST_OVERLAP", message: "images a and b share 0x1000 bytes" } }));');
  expect(r.status).toBe(1);
  expect(r.report).toMatchObject({ ok: false, outcome: 'refused', error: { code: 'DEST_OVERLAP', message: 'images a and b share 0x1000 bytes' } });
});

test('exit 4 on an uncaught exception, an unhandled rejection, or no outcome at all', () => {
  const thrown = run('throw new TypeError("boom");');
  expect(thrown.status).toBe(4);
  expect(thrown.report).toMatchObject({ outcome: 'crashed', error: { code: 'BUG' } });
  expect(thrown.report.error.message).toMatch(/boom/);
  const rejected = run('Promise.reject(new Error("late"));');
  expect(rejected.status).toBe(4);
  expect(run('trace("nothing\\n");').report).toMatchObject({ outcome: 'crashed', error: { code: 'NO_OUTCOME' } });
  expect(run('native("xs_runner_finish")(false, true, "{}");').status).toBe(4);
});

test('exit 2 on usage errors, before any firmware runs', () => {
  const dir = tempDir();
  const flash = makeFlash(dir);
  const fw = script(dir, 'finish(1);');
  expect(runHost(dir, { flash, firmware: fw, chip: 'esp8266' }).status).toBe(2);
  expect(runHost(dir, { flash, firmware: join(dir, 'missing.js') }).status).toBe(2);
  expect(runHost(dir, { flash, firmware: fw, extra: ['--power-cut', 'many'] }).status).toBe(2);
  expect(runHost(dir, { flash, firmware: fw, extra: ['--bogus', 'x'] }).status).toBe(2);
  writeFileSync(join(dir, 'odd.bin'), Buffer.alloc(1000));
  expect(runHost(dir, { flash: join(dir, 'odd.bin'), firmware: fw }).status).toBe(2);
});

test('esp_restart ends the run: restarted before an outcome is exit 5', () => {
  const r = run('native("xs_system_restart")(); finish("after restart");');
  expect(r.status).toBe(5);
  expect(r.report).toMatchObject({ outcome: 'restarted', firmware: null });
  const after = run('finish("done first"); native("xs_system_restart")();');
  expect(after.status).toBe(0);
});

test('promise jobs run before timers; timers fire in due order; clearTimeout cancels', () => {
  const r = run(`
    const order = [];
    setTimeout(() => order.push("t30"), 30);
    setTimeout((x) => order.push(x), 5, "t5");
    const cancelled = setTimeout(() => order.push("cancelled"), 10);
    clearTimeout(cancelled);
    clearTimeout(undefined);
    Promise.resolve().then(() => order.push("promise"));
    order.push("sync");
    setTimeout(() => finish(order), 60);`);
  expect(r.report.firmware).toEqual(['sync', 'promise', 't5', 't30']);
});

test('the job file reaches the firmware as text, and system natives answer', () => {
  const r = run('finish([JSON.parse(native("xs_runner_job")()).images.length, native("xs_system_free_heap")() > 0, typeof native("xs_system_ticks")()]);', {
    job: { images: [{ name: 'a' }, { name: 'b' }] },
  });
  expect(r.report.firmware).toEqual([2, true, 'number']);
});

test('ticks() include the modelled flash time: four 64 KiB erases advance the clock by 600 ms or more', () => {
  const r = run(`
    const flash = new RawFlash();
    const t0 = native("xs_system_ticks")();
    native("xs_rawflash_erase").call(flash, 0x300000, 0x40000);
    finish(native("xs_system_ticks")() - t0);`);
  expect(r.report.firmware).toBeGreaterThanOrEqual(600);
  expect(r.report.firmware).toBeLessThan(5000);
});

test('resources are read-only buffers with the file bytes; an unknown one is SOURCE_NOT_FOUND', () => {
  const dir = tempDir();
  const image = join(dir, 'image.bin');
  writeFileSync(image, Buffer.from([1, 2, 3, 250]));
  writeFileSync(join(dir, 'empty.bin'), Buffer.alloc(0));
  const fw = script(dir, `
    class Resource extends Native("xs_resource_destructor") {
      constructor(p) { super(); native("xs_resource_constructor").call(this, p); }
    }
    const view = new Uint8Array(new Resource("image"));
    const slice = new Uint8Array(native("xs_resource_slice").call(new Resource("image"), 1, 3));
    finish([Array.from(view), Array.from(slice), codeOf(() => { view[0] = 9; }), view[0],
      new Uint8Array(new Resource("empty")).length, native("xs_resource_exists")("image"), native("xs_resource_exists")("nope"),
      codeOf(() => new Resource("nope"))]);`);
  const r = runHost(dir, { flash: makeFlash(dir), firmware: fw, resources: { image, empty: join(dir, 'empty.bin') } });
  expect(r.report.firmware).toEqual([[1, 2, 3, 250], [2, 3], 'TypeError: read-only buffer', 1, 0, true, false, 'SOURCE_NOT_FOUND']);
});

test('the report carries the heap figures of the XS machine', () => {
  const r = run(`
    native("xs_runner_heap_mark")();
    const keep = []; for (let i = 0; i < 2000; i++) keep.push({ i });
    finish(keep.length);`);
  const heap = r.report.heap;
  expect(heap.marked).toBe(true);
  expect(heap.idleBytes).toBeGreaterThan(0);
  // 2000 small objects are at least 2000 slots above the idle heap.
  expect(heap.peakAboveIdleBytes).toBeGreaterThan(2000 * heap.slotSize);
  expect(heap.reservedBytes).toBeGreaterThanOrEqual(heap.peakBytes);
});
