import { buildHost, makeFlash, runHost, script, tempDir } from './helpers';

beforeAll(buildHost, 180000);

test('the report keeps an error message whole: quotes, backslashes and newlines included', () => {
  const dir = tempDir();
  const message = 'image "app" at 0x10000: expected "\\xE9", saw \'0x00\'\nfix the bundle';
  const firmware = script(dir, `native("xs_runner_finish")(false, false, JSON.stringify({ ok: false, error: { code: "IMAGE_BAD_MAGIC", message: ${JSON.stringify(message)} } }));`);
  const r = runHost(dir, { flash: makeFlash(dir), firmware });
  expect(r.status).toBe(1);
  expect(r.report.error).toEqual({ code: 'IMAGE_BAD_MAGIC', message });
});
