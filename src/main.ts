/**
 * xs-reflasher: the firmware's entry point (Moddable `main`).
 *
 * Read the config, bring the network up when the job needs it, run the engine
 * with the device bindings, log progress, restart when done. On failure the
 * retry policy (src/app/retry.ts) decides: network trouble is retried with
 * back-off, a refusal stops and waits for a person, and once in-use
 * destinations are being committed the firmware never restarts.
 */
import rawConfig from 'mc/config';
import Timer from 'timer';
import { connect, halt, hasNetwork, readStoredStation } from 'target';
// Project modules by their path in the repository: the manifest gives every
// module that name, so XS resolves these exactly as tsc does.
import { verifyBundle, bundleToJobSpec } from 'src/core/bundle/index';
import { devicePlatform } from 'src/device/platform';
import { createCrypto } from 'src/device/crypto';
import { createHttpSources } from 'src/device/http-source';
import { restart } from 'modules/system/system';
import { parseConfig, unknownKeys, type FirmwareConfig } from 'src/app/config';
import { reflashOnce } from 'src/app/reflash';
import { chooseNetwork } from 'src/app/wifi-credentials';
import { createReport, formatError, type AppReport } from 'src/app/report';
import { runWithRetry } from 'src/app/run';

const log = (line: string) => trace(`reflasher: ${line}\n`);
const sleep = (ms: number) => new Promise<void>((resolve) => { Timer.set(() => resolve(), ms); });

/** Keys of mc/config that mcconfig and other Moddable modules add. */
const FOREIGN_KEYS = ['file', 'sntp', 'format', 'rotation'];

const rules = { verify: verifyBundle, toJob: bundleToJobSpec };

async function attempt(config: FirmwareConfig, report: AppReport) {
  report.newRun();
  const platform = devicePlatform({ report, crypto: createCrypto(), http: createHttpSources(config.tls) });
  // A job a power cut interrupted resumes from its journal, with no network needed.
  const run = await reflashOnce(config, platform, rules, {
    beforeLoad: () => (config.mode === 'download' ? ensureNetwork(config) : Promise.resolve()),
  });
  if (run.resumedAt !== null) log(`resumed an interrupted job at step ${run.resumedAt}`);
  return run.result;
}

async function ensureNetwork(config: FirmwareConfig): Promise<void> {
  if (!hasNetwork) return;
  const choice = chooseNetwork(config.wifi, readStoredStation);
  log(choice.reason);
  if (!choice.credentials) return;
  log(`IP address ${await connect(choice.credentials)}`);
}

async function main(): Promise<void> {
  let config: FirmwareConfig;
  try {
    config = parseConfig(rawConfig);
  } catch (e) {
    // A bad build: retrying cannot help and nothing was touched. Say it until someone looks.
    log(formatError(e));
    halt(false, () => `reflasher: stopped: ${formatError(e)}; rebuild with a corrected config`);
    return;
  }
  for (const key of unknownKeys(rawConfig, FOREIGN_KEYS)) log(`warn: config.${key} is not a setting of this firmware (typo?)`);
  log(`mode ${config.mode}, bundle ${config.bundle}` + (config.publicKey ? ', signed bundles only' : ', UNSIGNED bundles accepted (no publicKey configured)'));

  const report = createReport(log);
  const outcome = await runWithRetry(config.retry, {
    attempt: () => attempt(config, report),
    committing: () => report.committing,
    sleep,
    log,
  });

  if (outcome.status === 'done') {
    for (const image of outcome.result.images) {
      log(`${image.name}: ${image.size} bytes at 0x${image.destination.toString(16)}, sha256 ${image.sha256}, ${image.sectorsWritten} sectors written, ${image.sectorsSkipped} already right`);
    }
    log(`done in ${Math.round(outcome.result.elapsedMs / 1000)} s after ${outcome.attempts} attempt(s)`);
    if (!config.restart) {
      log('config.restart is false: not restarting; reset the device to boot what was written');
      halt(true, () => '');
      return;
    }
    log('restarting');
    Timer.set(() => restart(), 1_000); // let the log drain first
    return;
  }
  // Stopped before anything in use was touched: the device still boots as before,
  // and restarting would only run the same refusal again.
  halt(false, () => `reflasher: stopped: ${formatError(outcome.error)}`);
}

export default function () {
  main().catch((e: unknown) => {
    log(`bug: ${String(e)}`);
    halt(false, () => `reflasher: stopped by a bug: ${String(e)}`);
  });
}
