import { RuleRegistry } from './registry.js';
import type { Rule } from './types.js';
import { mg101 } from './mg101-deny-http-only.js';
import { mg201 } from './mg201-mesh-wide-disable.js';
import { mg304 } from './mg304-destinationrule-tls-mounts.js';
import { mg403 } from './mg403-sidecar-tls-mounts.js';
import { mg501 } from './mg501-tls-volumes.js';

/** Every rule meshguard runs. Adding a rule is one file and one line here. */
export const ALL_RULES: readonly Rule[] = [mg101, mg201, mg304, mg403, mg501] as Rule[];

export function defaultRegistry(): RuleRegistry {
  return new RuleRegistry(ALL_RULES);
}
