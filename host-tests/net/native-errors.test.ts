import { ReflashError } from '../../src/core/errors';
import { callNative, fromNative } from '../../src/device/native-errors';

describe('fromNative', () => {
  test('a coded native message becomes a ReflashError with the context in front', () => {
    const e = fromNative(new Error('SOURCE_TIMEOUT: body stalled 800 ms after 8192 bytes'), 'http://h/x');
    expect(e).toBeInstanceOf(ReflashError);
    expect(e).toMatchObject({ code: 'SOURCE_TIMEOUT', message: 'http://h/x: body stalled 800 ms after 8192 bytes' });
  });

  test('the code is found after the function name a debug XS build puts first', () => {
    expect(fromNative(new Error('xs_http_read: SOURCE_IO: connection broke after 5 bytes (errno 104)')))
      .toMatchObject({ code: 'SOURCE_IO', message: 'connection broke after 5 bytes (errno 104)' });
  });

  test('unknown codes and uncoded errors stay as they are (bugs)', () => {
    for (const e of [new Error('NOT_A_CODE: x'), new Error('plain failure'), new TypeError('offset -1 < 0'), 'text']) {
      expect(fromNative(e)).toBe(e);
    }
  });

  test('the code decides, not the error type: a coded RangeError is a ReflashError too', () => {
    expect(fromNative(new RangeError('FLASH_ALIGN: erase 0x00001001+0x1000: not 4 KiB aligned')))
      .toMatchObject({ code: 'FLASH_ALIGN' });
  });

  test('callNative passes results through and converts what it throws', () => {
    expect(callNative(() => 7)).toBe(7);
    expect(() => callNative(() => { throw new Error('SOURCE_TLS: untrusted'); }, 'u'))
      .toThrow(expect.objectContaining({ code: 'SOURCE_TLS', message: 'u: untrusted' }));
  });
});
