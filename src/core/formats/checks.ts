/**
 * What a parser found, for the CLI's `inspect` and the device log: every
 * field it decoded and every check it ran. A failed check with level
 * 'error' is also thrown as a ReflashError; warnings only appear here.
 */
export interface Check {
  /** Stable id, e.g. 'magic', 'checksum', 'chip'. */
  id: string;
  ok: boolean;
  level: 'error' | 'warning' | 'info';
  /** One line a person can read, with the values. */
  message: string;
}

export function pass(id: string, message: string): Check {
  return { id, ok: true, level: 'info', message };
}

export function warn(id: string, message: string): Check {
  return { id, ok: false, level: 'warning', message };
}
