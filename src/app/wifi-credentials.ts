/**
 * Which Wi-Fi credentials the firmware uses.
 *
 * A fleet owner cannot compile every device's password into one image, so
 * when the config names no network the firmware reuses the station
 * credentials that the device's previous firmware left in ESP-IDF's Wi-Fi
 * storage: NVS namespace "nvs.net80211", written by esp_wifi_set_config() when
 * that firmware ran with the default WIFI_STORAGE_FLASH.
 *
 * Layout of those blobs (written by Espressif's closed Wi-Fi library; the
 * sizes are the ones ESP-IDF's own NVS tests use for these keys, the field
 * order is what the library writes on v4.x-v5.x devices seen in the field):
 *   sta.ssid  36 bytes: u32 LE length, then 32 bytes of SSID
 *   sta.pswd  65 bytes: the passphrase, NUL-padded
 * Anything else is refused rather than guessed at.
 */
import type { WifiCredentials } from './config';

export const WIFI_NVS_NAMESPACE = 'nvs.net80211';
export const WIFI_NVS_SSID_KEY = 'sta.ssid';
export const WIFI_NVS_PASSWORD_KEY = 'sta.pswd';

export type CredentialSource = 'config' | 'nvs' | 'none';

export interface NetworkChoice {
  source: CredentialSource;
  credentials: WifiCredentials | undefined;
  /** Why this choice, for the log: says which credentials were used, never the password. */
  reason: string;
}

/**
 * Decode the `sta.ssid` and `sta.pswd` blobs; undefined when absent or not in
 * the layout above (with the reason in `problem`).
 */
export function parseStoredStation(
  ssidBlob: Uint8Array | undefined,
  passwordBlob: Uint8Array | undefined,
): { credentials: WifiCredentials | undefined; problem: string | undefined } {
  if (!ssidBlob) return { credentials: undefined, problem: 'no sta.ssid in NVS' };
  if (ssidBlob.length !== 36) return { credentials: undefined, problem: `sta.ssid is ${ssidBlob.length} bytes, expected 36` };
  const length = new DataView(ssidBlob.buffer, ssidBlob.byteOffset, 4).getUint32(0, true);
  if (length === 0) return { credentials: undefined, problem: 'sta.ssid is empty (the previous firmware never set a station)' };
  if (length > 32) return { credentials: undefined, problem: `sta.ssid length field is ${length}, expected 1 to 32` };
  const ssid = decodeUtf8(ssidBlob.subarray(4, 4 + length));
  let password: string | undefined;
  if (passwordBlob) {
    if (passwordBlob.length !== 65 && passwordBlob.length !== 64) {
      return { credentials: undefined, problem: `sta.pswd is ${passwordBlob.length} bytes, expected 65` };
    }
    let end = passwordBlob.indexOf(0);
    if (end < 0) end = Math.min(passwordBlob.length, 64);
    password = end === 0 ? undefined : decodeUtf8(passwordBlob.subarray(0, end));
  }
  return { credentials: { ssid, password }, problem: undefined };
}

/**
 * Match order: configured ssid -> stored station -> none.
 * `stored` is only read when the config has no network (so a device never
 * leaks which network its previous firmware used when told another one).
 */
export function chooseNetwork(
  configured: WifiCredentials | undefined,
  readStored: () => { credentials: WifiCredentials | undefined; problem: string | undefined },
): NetworkChoice {
  if (configured) {
    return { source: 'config', credentials: configured, reason: `Wi-Fi "${configured.ssid}" from the build's config` };
  }
  const stored = readStored();
  if (stored.credentials) {
    const secured = stored.credentials.password ? 'with the stored password' : 'open network';
    return {
      source: 'nvs', credentials: stored.credentials,
      reason: `Wi-Fi "${stored.credentials.ssid}" left in NVS (${WIFI_NVS_NAMESPACE}) by the previous firmware, ${secured}`,
    };
  }
  return {
    source: 'none', credentials: undefined,
    reason: `no Wi-Fi configured (ssid) and none usable in NVS: ${stored.problem ?? 'unknown'}`,
  };
}

/** UTF-8 to string; bytes that are not valid UTF-8 become U+FFFD (no TextDecoder in XS). */
export function decodeUtf8(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i];
    const need = b < 0x80 ? 0 : (b & 0xe0) === 0xc0 ? 1 : (b & 0xf0) === 0xe0 ? 2 : (b & 0xf8) === 0xf0 ? 3 : -1;
    if (need === 0) { out += String.fromCharCode(b); i += 1; continue; }
    if (need < 0 || i + need >= bytes.length) { out += '\ufffd'; i += 1; continue; }
    let cp = b & (0x3f >> need);
    let ok = true;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if ((c & 0xc0) !== 0x80) { ok = false; break; }
      cp = (cp << 6) | (c & 0x3f);
    }
    const min = need === 1 ? 0x80 : need === 2 ? 0x800 : 0x10000;
    if (!ok || cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) { out += '\ufffd'; i += 1; continue; }
    out += String.fromCodePoint(cp);
    i += need + 1;
  }
  return out;
}
