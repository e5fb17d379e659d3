/**
 * The shape of a job as it arrives from configuration: every field present and
 * of the right type before any rule looks at the values.
 */
import { ReflashError } from './errors';
import type { ImageSpec, JobSpec } from './job';

const SHA256_HEX = /^[0-9a-fA-F]{64}$/;

/** @throws ReflashError `JOB_EMPTY`, `JOB_INVALID` (the message names the field). */
export function checkJobShape(job: JobSpec): void {
  if (!job || !Array.isArray(job.images) || job.images.length === 0) {
    throw new ReflashError('JOB_EMPTY', 'the job names no image; list at least one image with a source and a destination');
  }
  if (job.staging !== undefined && (typeof job.staging !== 'string' || job.staging === '')) {
    throw invalid('staging', 'must be a partition label');
  }
  const names = new Set<string>();
  job.images.forEach((image, i) => {
    checkImageShape(image, i);
    if (names.has(image.name)) throw invalid(`images[${i}].name`, `"${image.name}" is used twice; names must be unique`);
    names.add(image.name);
  });
}

function checkImageShape(image: ImageSpec, i: number): void {
  const at = `images[${i}]`;
  if (!image || typeof image !== 'object') throw invalid(at, 'must be an object');
  if (typeof image.name !== 'string' || image.name === '') throw invalid(`${at}.name`, 'must be a non-empty string');
  if (!isSource(image.source)) throw invalid(`${at}.source`, 'must be { url: string } or { resource: string }');
  if (!isCount(image.destination)) throw invalid(`${at}.destination`, 'must be an integer address >= 0');
  if (image.regionSize !== undefined && !(isCount(image.regionSize) && image.regionSize > 0)) {
    throw invalid(`${at}.regionSize`, 'must be an integer > 0');
  }
  if (image.size !== undefined && !isCount(image.size)) throw invalid(`${at}.size`, 'must be an integer >= 0');
  if (image.sha256 !== undefined && !(typeof image.sha256 === 'string' && SHA256_HEX.test(image.sha256))) {
    throw invalid(`${at}.sha256`, 'must be 64 hex digits');
  }
}

function isSource(s: unknown): boolean {
  if (!s || typeof s !== 'object') return false;
  const o = s as { url?: unknown; resource?: unknown };
  return (typeof o.url === 'string' && o.url !== '') !== (typeof o.resource === 'string' && o.resource !== '');
}

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 0xffffffff;
}

function invalid(field: string, rule: string): ReflashError {
  return new ReflashError('JOB_INVALID', `job field ${field} ${rule}; fix the job description`, { field });
}
