/**
 * The firmware's configuration, read from Moddable's `mc/config` (the
 * manifest's `config` object, overridden by `mcconfig ... key=value`).
 *
 * Every key is flat and top level because `mcconfig key=value` can only set
 * top-level keys, and always as a string: "5" and "true" are accepted wherever
 * a number or a boolean is. Platform-neutral: the host runtime parses the same
 * object.
 */
import { ReflashError } from '../core/errors';

export type Mode = 'download' | 'embedded';

export interface RetryPolicy {
  /** Retries after the first failure before giving up, while nothing in use has been touched; 0 = without end. */
  attempts: number;
  /** Delay before the first retry, doubled after each failure. */
  delayMs: number;
  /** Upper bound of the delay. */
  maxDelayMs: number;
}

export interface WifiCredentials {
  ssid: string;
  password: string | undefined;
}

/** Whom an https:// bundle server must prove itself to (http:// needs neither). */
export interface TlsTrust {
  /** PEM of the CA that signs the bundle server's certificate: trust that CA only. */
  caCert: string | undefined;
  /** Trust the public CAs of ESP-IDF's certificate bundle (sdkconfig builds the common set); the default without caCert. */
  certBundle: boolean;
}

export interface FirmwareConfig {
  mode: Mode;
  /** Download mode: http(s) URL of the bundle manifest. Embedded mode: its resource name. */
  bundle: string;
  /** 65-byte uncompressed P-256 point; undefined = bundles are not signature-checked. */
  publicKey: Uint8Array | undefined;
  /** Label of the staging partition; undefined = the engine chooses. */
  staging: string | undefined;
  /** Stage every image, even to free destinations. */
  forceStaging: boolean;
  retry: RetryPolicy;
  /** Restart when the job is done (false for development, to read the log). */
  restart: boolean;
  /** Moddable's `ssid`/`password`; undefined = use what the previous firmware stored. */
  wifi: WifiCredentials | undefined;
  tls: TlsTrust;
}

/**
 * The resource name of an embedded bundle's manifest when `bundle` is not set.
 * Not `.json`: mcconfig takes `.json` files for modules and silently leaves
 * them out of the resources.
 */
export const DEFAULT_EMBEDDED_BUNDLE = 'manifest.bundle';

export const DEFAULT_RETRY: Readonly<RetryPolicy> = Object.freeze({ attempts: 5, delayMs: 5_000, maxDelayMs: 300_000 });

// Frozen: a preloaded module's objects then stay in flash instead of costing RAM.
const KNOWN_KEYS: readonly string[] = Object.freeze([
  'mode', 'bundle', 'publicKey', 'staging', 'forceStaging',
  'retryAttempts', 'retryDelay', 'retryMaxDelay', 'restart', 'ssid', 'password', 'caCert', 'certBundle',
]);

/**
 * Validate the raw `mc/config` object.
 * @throws ReflashError `CONFIG_INVALID` naming the key, the value and what is expected.
 */
export function parseConfig(raw: Readonly<Record<string, unknown>>): FirmwareConfig {
  const mode = readMode(raw.mode);
  const bundle = readBundle(mode, raw.bundle);
  const retry: RetryPolicy = {
    attempts: readInteger(raw, 'retryAttempts', DEFAULT_RETRY.attempts, 0, 1_000_000),
    delayMs: readInteger(raw, 'retryDelay', DEFAULT_RETRY.delayMs, 0, 86_400_000),
    maxDelayMs: readInteger(raw, 'retryMaxDelay', DEFAULT_RETRY.maxDelayMs, 0, 86_400_000),
  };
  if (retry.maxDelayMs < retry.delayMs) {
    throw invalid('retryMaxDelay', retry.maxDelayMs, `at least retryDelay (${retry.delayMs} ms)`);
  }
  return {
    mode,
    bundle,
    publicKey: readPublicKey(raw.publicKey),
    staging: readOptionalString(raw, 'staging'),
    forceStaging: readBoolean(raw, 'forceStaging', false),
    retry,
    restart: readBoolean(raw, 'restart', true),
    wifi: readWifi(raw),
    tls: readTls(raw),
  };
}

/** Keys of `raw` this firmware does not know, for a warning (a typo in `mcconfig key=value` is silent otherwise). */
export function unknownKeys(raw: Readonly<Record<string, unknown>>, ignore: readonly string[] = []): string[] {
  return Object.keys(raw).filter((k) => !KNOWN_KEYS.includes(k) && !ignore.includes(k));
}

function readMode(value: unknown): Mode {
  if (value === undefined || value === '') return 'download';
  if (value === 'download' || value === 'embedded') return value;
  throw invalid('mode', value, '"download" or "embedded"');
}

function readBundle(mode: Mode, value: unknown): string {
  if (mode === 'embedded') {
    if (value === undefined || value === '') return DEFAULT_EMBEDDED_BUNDLE;
    if (typeof value !== 'string' || /^[a-z]+:/i.test(value)) {
      throw invalid('bundle', value, `the name of a resource built into the firmware (embedded mode), e.g. "${DEFAULT_EMBEDDED_BUNDLE}"`);
    }
    if (/\.(json|js|c|h)$/i.test(value)) {
      throw invalid('bundle', value, `a resource name not ending in .json, .js, .c or .h: mcconfig drops those from the resources; rename it, e.g. "${DEFAULT_EMBEDDED_BUNDLE}"`);
    }
    return value;
  }
  if (typeof value !== 'string' || value === '') {
    throw invalid('bundle', value, 'the http:// or https:// URL of the bundle manifest (download mode); set it in the manifest or with mcconfig bundle=<url>');
  }
  if (!/^https?:\/\/[^/\s]+/i.test(value) || /\s/.test(value)) {
    throw invalid('bundle', value, 'an http:// or https:// URL with a host and no spaces');
  }
  return value;
}

function readPublicKey(value: unknown): Uint8Array | undefined {
  if (value === undefined || value === '') return undefined;
  // 04 || X || Y: the form `reflasher keygen` prints.
  if (typeof value !== 'string' || !/^04[0-9a-fA-F]{128}$/.test(value)) {
    throw invalid('publicKey', value, '130 hex digits starting with 04 (an uncompressed P-256 point, as printed by reflasher keygen)');
  }
  const key = new Uint8Array(65);
  for (let i = 0; i < 65; i++) key[i] = parseInt(value.slice(2 * i, 2 * i + 2), 16);
  return key;
}

function readWifi(raw: Readonly<Record<string, unknown>>): WifiCredentials | undefined {
  const ssid = readOptionalString(raw, 'ssid');
  const password = readOptionalString(raw, 'password');
  if (ssid === undefined) {
    if (password !== undefined) throw invalid('password', '(hidden)', 'an ssid with it; a password alone cannot be used');
    return undefined;
  }
  // 802.11: an SSID is at most 32 bytes; WPA2-PSK passphrases are 8-63 characters or 64 hex digits.
  if (utf8Length(ssid) > 32) throw invalid('ssid', ssid, 'at most 32 bytes');
  if (password !== undefined && (password.length < 8 || password.length > 64)) {
    throw invalid('password', `(${password.length} characters)`, '8 to 64 characters, or none for an open network');
  }
  return { ssid, password };
}

function readTls(raw: Readonly<Record<string, unknown>>): TlsTrust {
  let caCert = readOptionalString(raw, 'caCert');
  if (caCert !== undefined) {
    // `mcconfig caCert=...` cannot carry line breaks: accept them written as \n.
    caCert = caCert.replace(/\\n/g, '\n');
    if (!/-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/.test(caCert)) {
      throw invalid('caCert', `(${caCert.length} characters, no PEM certificate)`,
        'a PEM certificate, -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----, its line breaks written as \\n');
    }
  }
  const certBundle = readBoolean(raw, 'certBundle', caCert === undefined);
  if (caCert !== undefined && certBundle) {
    // ESP-TLS then verifies with the bundle alone and ignores caCert.
    throw invalid('certBundle', raw.certBundle, 'false or unset when caCert is given: with both, ESP-TLS uses the bundle and ignores caCert');
  }
  return { caCert, certBundle };
}

function readOptionalString(raw: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const value = raw[key];
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw invalid(key, value, 'a string');
  return value;
}

function readBoolean(raw: Readonly<Record<string, unknown>>, key: string, fallback: boolean): boolean {
  const value = raw[key];
  if (value === undefined || value === '') return fallback;
  if (value === true || value === 'true' || value === 1 || value === '1') return true;
  if (value === false || value === 'false' || value === 0 || value === '0') return false;
  throw invalid(key, value, 'true or false');
}

function readInteger(raw: Readonly<Record<string, unknown>>, key: string, fallback: number, min: number, max: number): number {
  const value = raw[key];
  if (value === undefined || value === '') return fallback;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw invalid(key, value, `an integer from ${min} to ${max}`);
  }
  return n;
}

function invalid(key: string, value: unknown, expected: string): ReflashError {
  const shown = typeof value === 'string' ? `"${value}"` : String(value);
  return new ReflashError('CONFIG_INVALID', `config.${key} is ${shown}: expected ${expected}`, { key, value: shown });
}

function utf8Length(s: string): number {
  let n = 0;
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    n += c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
  }
  return n;
}
