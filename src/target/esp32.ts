/**
 * What differs on the ESP32 family (the manifest maps `target` here): the
 * network is Moddable's `wifi` module, joined with the credentials the app
 * chose (config, or those the previous firmware left in NVS); and a firmware
 * that will not run the job again stays up and says why, once a minute.
 */
import WiFi from 'wifi';
import Net from 'net';
import Timer from 'timer';
import Preference from 'preference';
import { ReflashError } from '../core/errors';
import type { WifiCredentials } from '../app/config';
import {
  parseStoredStation, WIFI_NVS_NAMESPACE, WIFI_NVS_PASSWORD_KEY, WIFI_NVS_SSID_KEY,
} from '../app/wifi-credentials';

export const hasNetwork = true;

/** The `sta.*` blobs the Wi-Fi library of the previous firmware stored; read only, never written. */
export function readStoredStation(): ReturnType<typeof parseStoredStation> {
  try {
    return parseStoredStation(blob(WIFI_NVS_SSID_KEY), blob(WIFI_NVS_PASSWORD_KEY));
  } catch (e) {
    return { credentials: undefined, problem: `reading NVS ${WIFI_NVS_NAMESPACE} failed: ${String(e)}` };
  }
}

function blob(key: string): Uint8Array | undefined {
  const value = Preference.get(WIFI_NVS_NAMESPACE, key);
  return value instanceof ArrayBuffer ? new Uint8Array(value) : undefined;
}

let connected = false;

/**
 * Connect and wait for an address.
 * @throws ReflashError `SOURCE_CONNECT` when no address came within `timeoutMs`
 *   (wrong password, network out of range): the retry policy tries again.
 */
export function connect(credentials: WifiCredentials, timeoutMs = 30_000): Promise<string> {
  if (connected) return Promise.resolve(String(Net.get('IP')));
  return new Promise((resolve, reject) => {
    let wifi: WiFi | undefined;
    const timer = Timer.set(() => {
      wifi?.close();
      reject(new ReflashError('SOURCE_CONNECT',
        `Wi-Fi "${credentials.ssid}": no IP address after ${timeoutMs / 1000} s; check the network is in range and the password`,
        { ssid: credentials.ssid, timeoutMs }));
    }, timeoutMs);
    const options = credentials.password ? { ssid: credentials.ssid, password: credentials.password } : { ssid: credentials.ssid };
    wifi = new WiFi(options, (message) => {
      if (message === WiFi.gotIP) {
        Timer.clear(timer);
        connected = true;
        resolve(String(Net.get('IP')));
      } else if (message === WiFi.disconnected || message === WiFi.lostIP) {
        // Moddable's station does not reconnect by itself: the next attempt does.
        connected = false;
      }
    });
  });
}

/**
 * The job will not run again. Done without restart: nothing more to say.
 * Stopped: stay up (a restart would only repeat the refusal) and repeat the
 * reason once a minute for whoever attaches a serial console.
 */
export function halt(done: boolean, remind: () => string): void {
  if (!done) Timer.repeat(() => trace(`${remind()}\n`), 60_000);
}
