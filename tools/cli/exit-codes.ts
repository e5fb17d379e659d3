/** What the process exit code says; scripts and CI key on these. */
export const ExitCode = {
  ok: 0,
  /** The input was refused or the job failed: a ReflashError with a stable code. */
  failed: 1,
  /** The command line was wrong. */
  usage: 2,
  /** A simulated power cut ended the run (simulate --power-cut). */
  powerCut: 3,
  /** A bug: an exception that is not a ReflashError. */
  internal: 70,
} as const;
