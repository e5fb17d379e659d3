import { lacksPackages } from '../../tools/cli/lib/host-runtime';

// What gcc, ld, make and Node print on a machine without the C libraries or
// tools, against build failures that are the code's own (no apt advice then).
describe('the host build failures that Debian packages explain', () => {
  test.each([
    ['../modules/crypto/esp32/crypto.c:13:10: fatal error: mbedtls/md5.h: No such file or directory', true],
    ['../host/idf/esp_http_client.c:18:10: fatal error: curl/curl.h: No such file or directory', true],
    ['fatal error: psa/crypto.h: No such file or directory', true],
    ['/usr/bin/ld: cannot find -lcurl: No such file or directory', true],
    ['/usr/bin/ld: cannot find -lmbedcrypto', true],
    ['make: cc: No such file or directory', true],
    ['make: spawnSync make ENOENT', true],
    ['sh: 1: make: not found', true],
    ['cc1: fatal error: ../node_modules/@agoric/xsnap/moddable/xs/sources/xsAll.c: No such file or directory', false],
    ['../host/runner/main.c:42:5: error: expected \';\' before \'}\' token', false],
    ['/usr/bin/ld: main.o: undefined reference to `xs_runner_finish\'', false],
  ])('%s -> %s', (output, expected) => {
    expect(lacksPackages(output)).toBe(expected);
  });
});
