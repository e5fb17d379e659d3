/**
 * What differs on the Linux build (`mcconfig -p x-cli-lin`, the manifest maps
 * `target` here): the host's own network is already up and there is no Wi-Fi
 * to join; and when the firmware would stay up on a device, the program ends
 * with an exit code instead (x-cli-lin/main.c).
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

/** The job will not run again: exit 0 when it was done, 1 when it stopped. */
export function halt(done: boolean, _remind: () => string): void {
  native('xs_cli_exit')(done ? 0 : 1);
}
