/**
 * The engine's public API.
 *
 * `runJob(job, platform)` does everything: probe sources, `makePlan` (pure;
 * every refusal happens here), then `executePlan`. A journal (later) calls
 * `makePlan` once, stores the Plan (plain JSON), and after a power cut calls
 * `executePlan(plan, platform, { fromStep, measured })` to continue.
 */
export { runJob } from './engine';
export type { EngineOptions } from './engine';
export { makePlan, describeStep } from './plan';
export type { PlanInputs } from './plan';
export { executePlan } from './execute';
export type { ExecuteOptions } from './execute';
export { PLAN_VERSION } from './plan-types';
export type { Plan, PlanStep, PlanStaging, PlannedImage, StepKind } from './plan-types';
export type { SourceFacts } from './destination-checks';
export { inUseRegions, isOtaSlot } from './in-use';
export type { InUseReason, InUseRegion } from './in-use';
export { chooseStaging, packStaging } from './staging';
export { overlaps, contains, alignUp, alignDown, isAligned, SECTOR_SIZE, BLOCK_SIZE } from './regions';
export type { Range } from './regions';
export { ReflashError, ErrorCodes, isReflashError, hex } from './errors';
export type { ErrorCode } from './errors';
export * from './ports';
export type { ImageKind, ImageSpec, JobSpec, JobResult } from './job';
export { runJournaled, findUnfinishedJournal } from './journaled-run';
export type { JournaledOptions, JournaledOutcome } from './journaled-run';
export { Journal } from './journal/journal';
export type { JournalState, JournalRecord } from './journal/journal';
