import { createReport, formatError, formatProgress } from '../../src/app/report';
import { ReflashError } from '../../src/core/errors';

describe('createReport', () => {
  test('one line per 10 percent of an image, and one per phase change', () => {
    const lines: string[] = [];
    const r = createReport((l) => lines.push(l));
    for (let done = 0; done <= 1000; done += 10) r.progress({ phase: 'download', image: 'app', done, total: 1000 });
    r.progress({ phase: 'verify', image: 'app', done: 0, total: 1000 });
    expect(lines.filter((l) => l.startsWith('download app'))).toHaveLength(11);
    expect(lines.at(-1)).toBe('verify app 0% (0/1000)');
  });

  test('committing turns true at the first commit event and stays true across runs', () => {
    const r = createReport(() => {});
    r.progress({ phase: 'download', image: 'bl', done: 1, total: 2 });
    expect(r.committing).toBe(false);
    r.progress({ phase: 'commit', image: 'bl', done: 0, total: 2 });
    r.newRun();
    expect(r.committing).toBe(true);
  });

  test('log drops levels below the minimum', () => {
    const lines: string[] = [];
    const r = createReport((l) => lines.push(l), 'info');
    r.log('debug', 'noise');
    r.log('warn', 'unsigned bundle');
    expect(lines).toEqual(['warn: unsigned bundle']);
  });
});

test('formatProgress and formatError', () => {
  expect(formatProgress({ phase: 'commit', image: 'bootloader', done: 4096, total: 16384 })).toBe('commit bootloader 25% (4096/16384)');
  expect(formatProgress({ phase: 'done', done: 0, total: 0 })).toBe('done 100% (0/0)');
  expect(formatError(new ReflashError('DEST_ALIGN', 'destination 0x00001001 ...'))).toBe('error DEST_ALIGN: destination 0x00001001 ...');
  expect(formatError(new TypeError('x'))).toBe('bug: TypeError: x');
});
