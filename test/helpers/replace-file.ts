import { renameSync, writeFileSync } from 'node:fs';

/**
 * Replaces a file's content in one rename, as the kubelet updates a mounted ConfigMap: writeFileSync
 * truncates first, so a poller can read the file empty in between and count a spurious reload.
 */
export function replaceFile(path: string, content: string): void {
  writeFileSync(`${path}.next`, content);
  renameSync(`${path}.next`, path);
}
