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

/** The tier's power cut (run.mjs): when the job reports this progress, say so and stop
 *  here, between two flash operations, until the emulator is killed. */
interface PowerCut { phase: string; image: string; done: number }

async function main(): Promise<void> {
  const { cutPowerAt, ...settings } = deviceConfig as { cutPowerAt?: PowerCut } & Record<string, unknown>;
  const config = parseConfig(settings);
  let committing = false;
  let last = '';
  const report = {
    progress(e: ProgressEvent): void {
      if (e.phase === 'commit') committing = true;
      if (cutPowerAt && e.phase === cutPowerAt.phase && e.image === cutPowerAt.image && e.done >= cutPowerAt.done) {
        trace(`reflasher-test: power cut at ${e.phase} ${e.image} ${e.done}/${e.total}\n`);
        for (;;) { /* the emulator is killed here */ }
      }
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
    attempt: async () => {
      // As on the device: a journal a power cut left behind is finished first.
      const run = await reflashOnce(config, platform, { verify: verifyBundle, toJob: bundleToJobSpec });
      if (run.resumedAt !== null) trace(`reflasher: resumed an interrupted job at step ${run.resumedAt}\n`);
      return run.result;
    },
    committing: () => committing,
    sleep: (ms) => new Promise<void>((resolve) => { setTimeout(resolve, ms); }),
    log: (line) => trace(`reflasher: ${line}\n`),
  });
  if (outcome.status === 'stopped') throw outcome.error;
  trace(`reflasher: done in ${Math.round(outcome.result.elapsedMs)} ms, ${outcome.attempts} attempt(s); restarting\n`);
  if (config.restart) restart();
}

// main/firmware_main.c runs this script (compiled on the host), brings the
// network up, then calls reflasherMain().
(globalThis as unknown as { reflasherMain: () => Promise<void> }).reflasherMain = () => main().catch((e: unknown) => {
  const text = isReflashError(e) ? `${e.code}: ${e.message}` : e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  trace(`reflasher: stopped: ${text}\n`);
});
