/**
 * Network bring-up in the host runtime (x-cli-lin): the host's own network
 * is already up and the host sources use it; there is no Wi-Fi to join.
 */
import type { WifiCredentials } from '../app/config';
import type { parseStoredStation } from '../app/wifi-credentials';

export const hasNetwork = false;

export function readStoredStation(): ReturnType<typeof parseStoredStation> {
  return { credentials: undefined, problem: 'the host runtime has no Wi-Fi storage' };
}

export function connect(_credentials: WifiCredentials): Promise<string> {
  return Promise.resolve('host network');
}
