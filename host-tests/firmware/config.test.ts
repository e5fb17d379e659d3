import { parseConfig, unknownKeys, DEFAULT_RETRY, DEFAULT_EMBEDDED_BUNDLE } from '../../src/app/config';
import { ReflashError } from '../../src/core/errors';

const KEY = '04' + 'ab'.repeat(64);

function codeOf(f: () => unknown): string | undefined {
  try { f(); } catch (e) { return e instanceof ReflashError ? e.code : `not a ReflashError: ${String(e)}`; }
  return undefined;
}

describe('parseConfig', () => {
  test('download mode with every default', () => {
    const c = parseConfig({ bundle: 'https://fleet.example/b/manifest.json' });
    expect(c.mode).toBe('download');
    expect(c.bundle).toBe('https://fleet.example/b/manifest.json');
    expect(c.publicKey).toBeUndefined();
    expect(c.staging).toBeUndefined();
    expect(c.forceStaging).toBe(false);
    expect(c.retry).toEqual(DEFAULT_RETRY);
    expect(c.restart).toBe(true);
    expect(c.wifi).toBeUndefined();
    expect(c.tls).toEqual({ caCert: undefined, certBundle: true });
  });

  test('values given as strings on the mcconfig command line', () => {
    const c = parseConfig({
      mode: 'download', bundle: 'http://10.0.0.2:8080/m.json', staging: 'ota_1', forceStaging: 'true',
      retryAttempts: '0', retryDelay: '1000', retryMaxDelay: '60000', restart: 'false',
      ssid: 'shop floor', password: 'correct horse',
    });
    expect(c.staging).toBe('ota_1');
    expect(c.forceStaging).toBe(true);
    expect(c.retry).toEqual({ attempts: 0, delayMs: 1000, maxDelayMs: 60000 });
    expect(c.restart).toBe(false);
    expect(c.wifi).toEqual({ ssid: 'shop floor', password: 'correct horse' });
  });

  test('the public key in keygen form becomes 65 bytes', () => {
    const c = parseConfig({ bundle: 'https://h/m', publicKey: KEY });
    expect(c.publicKey).toHaveLength(65);
    expect(c.publicKey![0]).toBe(0x04);
    expect(c.publicKey![64]).toBe(0xab);
  });

  test('embedded mode defaults to the bundle resource and needs no URL', () => {
    expect(parseConfig({ mode: 'embedded' }).bundle).toBe(DEFAULT_EMBEDDED_BUNDLE);
    expect(parseConfig({ mode: 'embedded', bundle: 'fleet-2026.bundle' }).bundle).toBe('fleet-2026.bundle');
  });

  test('an open network: ssid without password', () => {
    expect(parseConfig({ bundle: 'https://h/m', ssid: 'guest' }).wifi).toEqual({ ssid: 'guest', password: undefined });
  });

  test.each([
    ['unknown mode', { mode: 'ota', bundle: 'https://h/m' }],
    ['download mode without bundle', {}],
    ['bundle not a URL', { bundle: 'bundle.json' }],
    ['bundle with a scheme other than http(s)', { bundle: 'ftp://h/m' }],
    ['bundle URL with no host', { bundle: 'https://' }],
    ['bundle URL with a space', { bundle: 'https://h/a b' }],
    ['embedded bundle given as a URL', { mode: 'embedded', bundle: 'https://h/m' }],
    ['embedded bundle named .json (mcconfig leaves it out of the resources)', { mode: 'embedded', bundle: 'bundle.json' }],
    ['public key too short', { bundle: 'https://h/m', publicKey: '04abcd' }],
    ['public key compressed form', { bundle: 'https://h/m', publicKey: '02' + 'ab'.repeat(32) }],
    ['public key not hex', { bundle: 'https://h/m', publicKey: '04' + 'zz'.repeat(64) }],
    ['retryAttempts negative', { bundle: 'https://h/m', retryAttempts: -1 }],
    ['retryAttempts fractional', { bundle: 'https://h/m', retryAttempts: '1.5' }],
    ['retryDelay not a number', { bundle: 'https://h/m', retryDelay: 'soon' }],
    ['retryMaxDelay below retryDelay', { bundle: 'https://h/m', retryDelay: 10_000, retryMaxDelay: 5_000 }],
    ['restart not boolean', { bundle: 'https://h/m', restart: 'yes' }],
    ['forceStaging not boolean', { bundle: 'https://h/m', forceStaging: 2 }],
    ['staging not a string', { bundle: 'https://h/m', staging: 7 }],
    ['password without ssid', { bundle: 'https://h/m', password: 'secret123' }],
    ['ssid longer than 32 bytes', { bundle: 'https://h/m', ssid: 'x'.repeat(33) }],
    ['ssid of 11 three-byte characters (33 bytes)', { bundle: 'https://h/m', ssid: '\u20ac'.repeat(11) }],
    ['password shorter than WPA allows', { bundle: 'https://h/m', ssid: 'a', password: 'short' }],
    ['password longer than WPA allows', { bundle: 'https://h/m', ssid: 'a', password: 'p'.repeat(65) }],
  ])('%s -> CONFIG_INVALID', (_name, raw) => {
    expect(codeOf(() => parseConfig(raw))).toBe('CONFIG_INVALID');
  });

  test('an ssid of exactly 32 bytes is accepted', () => {
    expect(parseConfig({ bundle: 'https://h/m', ssid: 'x'.repeat(32) }).wifi?.ssid).toHaveLength(32);
  });

  test('https trust: the certificate bundle by default, a given CA alone, never both', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    expect(parseConfig({ bundle: 'https://h/m', caCert: pem }).tls).toEqual({ caCert: pem, certBundle: false });
    // As mcconfig caCert=... gives it: the line breaks written as \n.
    const oneLine = pem.replace(/\n/g, '\\n');
    expect(parseConfig({ bundle: 'https://h/m', caCert: oneLine }).tls.caCert).toBe(pem);
    expect(parseConfig({ bundle: 'https://h/m', certBundle: 'false' }).tls).toEqual({ caCert: undefined, certBundle: false });
    // ESP-TLS would verify with the bundle and silently ignore caCert.
    expect(codeOf(() => parseConfig({ bundle: 'https://h/m', caCert: pem, certBundle: 'true' }))).toBe('CONFIG_INVALID');
    expect(codeOf(() => parseConfig({ bundle: 'https://h/m', caCert: 'MIIB' }))).toBe('CONFIG_INVALID');
    expect(() => parseConfig({ bundle: 'https://h/m', caCert: 'MIIB' })).toThrow(/config\.caCert is "\(4 characters, no PEM certificate\)"/);
    expect(codeOf(() => parseConfig({ bundle: 'https://h/m', caCert: 42 }))).toBe('CONFIG_INVALID');
  });

  test('unknownKeys names typos but not the keys other modules own', () => {
    expect(unknownKeys({ bundle: 'x', retryAttempt: 3, sntp: 'pool' }, ['sntp'])).toEqual(['retryAttempt']);
  });
});
