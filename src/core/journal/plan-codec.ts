import type { Plan } from '../plan-types';
import { PLAN_VERSION } from '../plan-types';
import { ReflashError } from '../errors';

/**
 * The plan as ASCII JSON bytes: non-ASCII characters (a label, a URL) are
 * escaped as \uXXXX, so no UTF-8 encoder is needed in XS and decoding is the
 * exact inverse.
 */
export function encodePlan(plan: Plan): Uint8Array {
  const text = JSON.stringify(plan).replace(/[\u0080-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/**
 * Characters per String.fromCharCode call: each is an argument on the XS
 * stack, which holds 512 slots on Moddable's ESP32 targets (384 on some C3
 * boards). Spreading 1024 overran it and crashed the resume on the chip.
 */
export const DECODE_CHUNK = 64;

export function decodePlan(bytes: Uint8Array): Plan {
  let text = '';
  for (let i = 0; i < bytes.length; i += DECODE_CHUNK) text += String.fromCharCode(...bytes.subarray(i, i + DECODE_CHUNK));
  let plan: Plan;
  try {
    plan = JSON.parse(text) as Plan;
  } catch {
    throw new ReflashError('JOURNAL_CORRUPT', 'journal: the stored plan is not valid JSON although its SHA-256 matched; erase the journal and run the job again');
  }
  if (plan.version !== PLAN_VERSION) {
    throw new ReflashError('JOURNAL_CORRUPT', `journal: plan version ${plan.version}, this firmware reads ${PLAN_VERSION}; finish the job with the firmware that began it`, { version: plan.version });
  }
  return plan;
}
