import type { JobResult, JobSpec } from '../../../../src/core/job';
import type { Platform } from '../../../../src/core/ports';
export function runJob(job: JobSpec, platform: Platform): Promise<JobResult>;
