import { chooseNetwork, decodeUtf8, parseStoredStation } from '../../src/app/wifi-credentials';

/** sta.ssid as the Wi-Fi library stores it: u32 LE length + 32 bytes. */
function ssidBlob(ssid: string, lengthField?: number, size = 36): Uint8Array {
  const bytes = new TextEncoder().encode(ssid);
  const blob = new Uint8Array(size);
  new DataView(blob.buffer).setUint32(0, lengthField ?? bytes.length, true);
  blob.set(bytes.subarray(0, Math.max(0, size - 4)), 4);
  return blob;
}

function pswdBlob(password: string, size = 65): Uint8Array {
  const blob = new Uint8Array(size);
  blob.set(new TextEncoder().encode(password).subarray(0, size));
  return blob;
}

describe('parseStoredStation', () => {
  test('reads the ssid by its length field and the NUL-padded password', () => {
    const r = parseStoredStation(ssidBlob('Workshop-5G'), pswdBlob('hunter2hunter2'));
    expect(r).toEqual({ credentials: { ssid: 'Workshop-5G', password: 'hunter2hunter2' }, problem: undefined });
  });

  test('a 32-byte ssid and a 64-character passphrase (no NUL inside 64 bytes)', () => {
    const r = parseStoredStation(ssidBlob('s'.repeat(32)), pswdBlob('f'.repeat(64)));
    expect(r.credentials).toEqual({ ssid: 's'.repeat(32), password: 'f'.repeat(64) });
  });

  test('bytes after the length field are ignored (stale tail of a longer old ssid)', () => {
    const blob = ssidBlob('longer-old-name');
    new DataView(blob.buffer).setUint32(0, 6, true);
    expect(parseStoredStation(blob, undefined).credentials?.ssid).toBe('longer');
  });

  test('an empty password or none means an open network', () => {
    expect(parseStoredStation(ssidBlob('cafe'), pswdBlob('')).credentials).toEqual({ ssid: 'cafe', password: undefined });
    expect(parseStoredStation(ssidBlob('cafe'), undefined).credentials).toEqual({ ssid: 'cafe', password: undefined });
  });

  test('UTF-8 ssids decode', () => {
    expect(parseStoredStation(ssidBlob('Büro ☕'), undefined).credentials?.ssid).toBe('Büro ☕');
  });

  test.each([
    ['absent', undefined],
    ['wrong size', ssidBlob('x', undefined, 33)],
    ['length field 0', ssidBlob('', 0)],
    ['length field past 32', ssidBlob('x', 33)],
  ])('ssid %s -> no credentials, with the reason', (_n, blob) => {
    const r = parseStoredStation(blob, pswdBlob('password1'));
    expect(r.credentials).toBeUndefined();
    expect(r.problem).toBeTruthy();
  });

  test('a password blob of an unknown size is refused, not guessed', () => {
    expect(parseStoredStation(ssidBlob('net'), pswdBlob('password1', 40)).credentials).toBeUndefined();
  });
});

describe('chooseNetwork', () => {
  test('configured credentials win, and NVS is not even read', () => {
    const read = jest.fn();
    const c = chooseNetwork({ ssid: 'cfg', password: 'password1' }, read);
    expect(c.source).toBe('config');
    expect(read).not.toHaveBeenCalled();
  });

  test('no config: the stored station, named in the reason, without its password', () => {
    const c = chooseNetwork(undefined, () => parseStoredStation(ssidBlob('fleet-net'), pswdBlob('s3cret-pass')));
    expect(c.source).toBe('nvs');
    expect(c.credentials).toEqual({ ssid: 'fleet-net', password: 's3cret-pass' });
    expect(c.reason).toContain('fleet-net');
    expect(c.reason).not.toContain('s3cret-pass');
  });

  test('neither: none, with why', () => {
    const c = chooseNetwork(undefined, () => parseStoredStation(undefined, undefined));
    expect(c).toMatchObject({ source: 'none', credentials: undefined });
    expect(c.reason).toContain('no sta.ssid');
  });
});

describe('decodeUtf8', () => {
  test('matches TextDecoder on valid input', () => {
    for (const s of ['', 'abc', 'é', '€', '😀', 'a€😀z']) expect(decodeUtf8(new TextEncoder().encode(s))).toBe(s);
  });
  test('invalid sequences become U+FFFD, one per bad lead byte', () => {
    expect(decodeUtf8(Uint8Array.of(0x61, 0xff, 0x62))).toBe('a\ufffdb');
    expect(decodeUtf8(Uint8Array.of(0xe2, 0x82))).toBe('\ufffd\ufffd');       // truncated 3-byte sequence
    expect(decodeUtf8(Uint8Array.of(0xc0, 0xaf))).toBe('\ufffd\ufffd');       // overlong "/"
    expect(decodeUtf8(Uint8Array.of(0xed, 0xa0, 0x80))).toBe('\ufffd\ufffd\ufffd'); // surrogate
  });
});
