/**
 * TEMPORARY: the shapes of modules that land on main from other branches
 * (engine: core; device bindings and system: runtime; bundle loading:
 * formats/safety). They let src/main.ts type-check before those merge; delete
 * each declaration as its module arrives (an ambient declaration would hide
 * the real file).
 */
declare module 'core/engine' {
  import type { JobResult, JobSpec } from '../../src/core/job';
  import type { Platform } from '../../src/core/ports';
  export function runJob(job: JobSpec, platform: Platform, options?: { forceStaging?: boolean }): Promise<JobResult>;
}

declare module 'device/platform' {
  import type { Platform, ReportPort } from '../../src/core/ports';
  export function devicePlatform(options: { report: ReportPort }): Platform;
}

declare module 'system' {
  export function restart(): void;
}
