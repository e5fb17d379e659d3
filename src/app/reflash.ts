/**
 * One attempt of the firmware's job, shared by the device (src/main.ts) and
 * the host runtime (host/firmware/entry.ts): finish a job a power cut
 * interrupted, from its journal; otherwise bring up what the bundle needs,
 * load and verify it, and run it with a journal.
 */
import type { Platform } from '../core/ports';
import { runJournaled, type JournaledOutcome } from '../core/journaled-run';
import type { FirmwareConfig } from './config';
import { loadBundle, type BundleRules, type LoadedBundle } from './load-bundle';

export interface ReflashHooks {
  /** Runs only when a bundle must be loaded (a resumed job needs no network). */
  beforeLoad?(): Promise<void>;
  /** The verified bundle, before its job starts (signed or not, warnings). */
  loaded?(bundle: LoadedBundle): void;
}

export function reflashOnce<M>(config: FirmwareConfig, platform: Platform, rules: BundleRules<M>, hooks: ReflashHooks = {}): Promise<JournaledOutcome> {
  return runJournaled(platform, async () => {
    await hooks.beforeLoad?.();
    const bundle = await loadBundle(config, platform, rules);
    if (bundle.signed) platform.report.log('info', 'manifest.sig verified with the configured publicKey');
    for (const warning of bundle.warnings) platform.report.log('warn', warning);
    hooks.loaded?.(bundle);
    return bundle.job;
  });
}
