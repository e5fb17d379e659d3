/** The engine's public API. */
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
