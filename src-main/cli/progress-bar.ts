// A one-line progress bar for `mia audit` on a terminal (stderr), redrawn in place; silent when not a TTY.
import type { RunProgress } from '../../src-shared/contract/contract';

export interface ProgressBar {
  update(progress: RunProgress, label: string): void;
  done(): void;
}

export function createProgressBar(stream: NodeJS.WriteStream): ProgressBar {
  if (!stream.isTTY) return { update: () => undefined, done: () => undefined };
  let drawn = false;
  return {
    update(progress, label) {
      const width = 28;
      const share = progress.total > 0 ? Math.min(1, progress.done / progress.total) : 0;
      const filled = Math.round(share * width);
      const rate = progress.ratePerSecond === null ? '' : ` ${progress.ratePerSecond.toFixed(0)} ${progress.unit}/s`;
      const eta = progress.etaSeconds === null ? '' : ` ETA ${Math.ceil(progress.etaSeconds)} s`;
      const line = `${label} [${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${(share * 100).toFixed(0)}% ${progress.phase}${rate}${eta}`;
      stream.write(`\r${line.slice(0, (stream.columns ?? 100) - 1).padEnd(Math.min(line.length, (stream.columns ?? 100) - 1))}`);
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\n');
      drawn = false;
    },
  };
}
