import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { projectRoot } from '../test/helpers/paths.js';

/** The Node.js options the chart runs meshguard with by default, so the benchmark serves it the same way. */
export function chartNodeOptions(): string[] {
  const values = parseYaml(readFileSync(join(projectRoot, 'charts', 'meshguard', 'values.yaml'), 'utf8')) as { heapLimitMiB?: unknown };
  if (!Number.isInteger(values.heapLimitMiB)) throw new Error('charts/meshguard/values.yaml: heapLimitMiB is not an integer');
  return [`--max-old-space-size=${values.heapLimitMiB as number}`];
}
