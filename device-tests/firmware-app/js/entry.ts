/**
 * The firmware of the device tier: the same app path as the device's
 * (src/app: config -> bundle manifest -> verified job -> journaled run under
 * the retry policy) over the device platform and the native modules, with
 * the configuration the tier writes into flash (`deviceConfig`, set by
 * main/firmware_main.c before this script runs) instead of mc/config, and
 * the log on the serial console. Restarts when the job is done.
 */
import { bundleToJobSpec, verifyBundle } from '../../../src/core/bundle/index';
import { isReflashError } from '../../../src/core/errors';
import type { LogLevel, ProgressEvent } from '../../../src/core/ports';
import { parseConfig } from '../../../src/app/config';
import { reflashOnce } from '../../../src/app/reflash';
import { runWithRetry } from '../../../src/app/run';
import { createCrypto } from '../../../src/device/crypto';
import { createHttpSources } from '../../../src/device/http-source';
import { devicePlatform } from '../../../src/device/platform';
import { restart } from '../../../modules/system/system';

declare function trace(...text: string[]): void;
declare function setTimeout(callback: () => void, ms: number): unknown;
declare const deviceConfig: Record<string, unknown>;

async function main(): Promise<void> {
  const config = parseConfig(deviceConfig);
  let committing = false;
  let last = '';
  const report = {
    progress(e: ProgressEvent): void {
      if (e.phase === 'commit') committing = true;
      const quarter = e.total > 0 ? Math.floor((e.done * 4) / e.total) : 4;
      const key = `${e.phase}/${e.image ?? ''}/${quarter}`;
      if (key === last) return;
      last = key;
      trace(`reflasher: ${e.phase}${e.image ? ' ' + e.image : ''} ${e.done}/${e.total}\n`);
    },
    log(level: LogLevel, message: string): void {
      trace(`reflasher: ${level}: ${message}\n`);
    },
  };
  const platform = devicePlatform({ report, crypto: createCrypto(), http: createHttpSources(config.tls) });
  const outcome = await runWithRetry(config.retry, {
    attempt: async () => (await reflashOnce(config, platform, { verify: verifyBundle, toJob: bundleToJobSpec })).result,
    committing: () => committing,
    sleep: (ms) => new Promise<void>((resolve) => { setTimeout(resolve, ms); }),
    log: (line) => trace(`reflasher: ${line}\n`),
  });
  if (outcome.status === 'stopped') throw outcome.error;
  trace(`reflasher: done in ${Math.round(outcome.result.elapsedMs)} ms, ${outcome.attempts} attempt(s); restarting\n`);
  if (config.restart) restart();
}

// Parsing this script on the chip takes most of its heap while it lasts:
// main/firmware_main.c parses it first, brings the network up once the
// parser's memory is back, then calls reflasherMain().
(globalThis as unknown as { reflasherMain: () => Promise<void> }).reflasherMain = () => main().catch((e: unknown) => {
  const text = isReflashError(e) ? `${e.code}: ${e.message}` : e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  trace(`reflasher: stopped: ${text}\n`);
});
