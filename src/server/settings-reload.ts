import { isDeepStrictEqual } from 'node:util';
import type { Settings } from '../settings.js';
import { pollFiles, type FilePoller } from '../util/poll-files.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';

export interface SettingsReloadOptions {
  file: string;
  /** Reads and validates the settings (file and environment); throws with the reason when invalid. */
  load: () => Settings;
  current: () => Settings;
  onChange: (settings: Settings) => void;
  logger: Logger;
  metrics: Metrics;
  /** The kubelet refreshes a mounted ConfigMap about once a minute; 10 s adds little to that. */
  intervalMs?: number;
}

/** Blocks that are read once at start: a change to them is applied at the next restart. */
const RESTART_ONLY = ['server', 'certificates', 'cluster'] as const;

/**
 * Reloads the settings file when its content changes. Invalid settings are rejected: the last good
 * settings stay in force, the error is logged and counted.
 */
export function watchSettings(options: SettingsReloadOptions): FilePoller {
  const { logger, metrics } = options;
  return pollFiles([options.file], options.intervalMs ?? 10_000, () => {
    let next: Settings;
    try {
      next = options.load();
    } catch (error) {
      metrics.reloads.inc({ target: 'settings', result: 'failure' });
      logger.error({ file: options.file, reason: (error as Error).message }, 'settings change rejected; the last good settings stay in force');
      return;
    }
    const previous = options.current();
    if (isDeepStrictEqual(next, previous)) return;
    options.onChange(next);
    metrics.reloads.inc({ target: 'settings', result: 'success' });
    const restartOnly = RESTART_ONLY.filter((block) => !isDeepStrictEqual(next[block], previous[block]));
    logger.info({ file: options.file, mode: next.mode, restartOnly }, restartOnly.length > 0 ? `settings reloaded; changes to ${restartOnly.join(', ')} take effect at the next restart` : 'settings reloaded');
  });
}
