/** Progress of a long run, on one line of a terminal. */
export interface Progress {
  update(stage: string, done: number, total: number): void;
  /** Clears the line (nothing was written when the run was quick). */
  done(): void;
}

export const NO_PROGRESS: Progress = { update: () => undefined, done: () => undefined };

/** Runs shorter than this show nothing: a progress line that flashes for 200 ms is noise. */
const SHOW_AFTER_MS = 1_000;
const REDRAW_EVERY_MS = 100;

export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

/** A progress line on `stream` (standard error) when it is a terminal, after the first second. */
export function terminalProgress(stream: ProgressStream, now: () => number = Date.now): Progress {
  if (!stream.isTTY) return NO_PROGRESS;
  const started = now();
  let lastDrawn = 0;
  let drawn = false;
  return {
    update(stage, done, total) {
      const time = now();
      if (time - started < SHOW_AFTER_MS || (time - lastDrawn < REDRAW_EVERY_MS && done < total)) return;
      lastDrawn = time;
      drawn = true;
      stream.write(`\r\x1b[Kmeshguard: ${stage} ${done}/${total}`);
    },
    done() {
      if (drawn) stream.write('\r\x1b[K');
      drawn = false;
    },
  };
}
