/**
 * Progress for long work: a bar (cli-progress) on a terminal, a plain line per
 * phase change when stderr is not a terminal, nothing with --json.
 */
import { SingleBar, Presets } from 'cli-progress';

export interface Progress {
  /** `done` of `total` in the step named `label`. */
  update(label: string, done: number, total: number): void;
  /** A line of its own (the bar is redrawn under it). */
  line(text: string): void;
  stop(): void;
}

export function makeProgress(enabled: boolean): Progress {
  if (!enabled) return { update() {}, line() {}, stop() {} };
  if (!process.stderr.isTTY) {
    let last = '';
    return {
      update(label, done, total) {
        const key = `${label} ${total > 0 ? Math.floor((done * 4) / total) : 4}`;
        if (key === last) return;
        last = key;
        process.stderr.write(`${label} ${total > 0 ? Math.floor((done * 100) / total) : 100}%\n`);
      },
      line(text) { process.stderr.write(text + '\n'); },
      stop() {},
    };
  }
  const bar = new SingleBar({ format: '{label} [{bar}] {percentage}% ({value}/{total})', hideCursor: true, clearOnComplete: true, stream: process.stderr }, Presets.shades_classic);
  let started = false;
  return {
    update(label, done, total) {
      if (!started) { bar.start(Math.max(total, 1), done, { label: label.padEnd(28) }); started = true; }
      bar.setTotal(Math.max(total, 1));
      bar.update(done, { label: label.padEnd(28) });
    },
    line(text) {
      if (started) { bar.stop(); started = false; }
      process.stderr.write(text + '\n');
    },
    stop() { if (started) bar.stop(); started = false; },
  };
}
