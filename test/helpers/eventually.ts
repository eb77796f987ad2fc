import { setTimeout as sleep } from 'node:timers/promises';

/** Polls until `check` returns a value other than undefined or false (the test's own timeout bounds it). */
export async function eventually<T>(check: () => T | undefined | false | Promise<T | undefined | false>, everyMs = 20): Promise<T> {
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    await sleep(everyMs);
  }
}
