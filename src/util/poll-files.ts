import { readFile } from 'node:fs/promises';

export interface FilePoller {
  stop(): void;
}

/**
 * Reads `paths` now and every `intervalMs`, and calls `onChange` with their contents (undefined for a
 * file that cannot be read) on the first read and whenever any of them differs from the last read.
 * Polling the content instead of fs.watch: Kubernetes updates mounted Secrets and ConfigMaps by
 * swapping a symlink, which inotify watches on the files miss.
 */
export function pollFiles(paths: readonly string[], intervalMs: number, onChange: (contents: Array<string | undefined>) => void): FilePoller {
  let last: string | undefined;
  let polling = false;
  const poll = () => {
    if (polling) return;
    polling = true;
    void Promise.all(paths.map((path) => readFile(path, 'utf8').catch(() => undefined)))
      .then((contents) => {
        const key = JSON.stringify(contents);
        if (key === last) return;
        last = key;
        onChange(contents);
      })
      .finally(() => (polling = false));
  };
  poll();
  const timer = setInterval(poll, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
