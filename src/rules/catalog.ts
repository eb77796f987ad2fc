import { RuleRegistry } from './registry.js';
import type { Rule } from './types.js';
import { mg100 } from './mg100-authz-structure.js';
import { mg101 } from './mg101-deny-http-only.js';
import { mg103 } from './mg103-mesh-wide-deny-all.js';
import { mg104 } from './mg104-root-allow-nothing.js';
import { mg105 } from './mg105-principal-format.js';
import { mg110 } from './mg110-method-never-matches.js';
import { mg111 } from './mg111-from-to-split.js';
import { mg113 } from './mg113-path-never-matches.js';
import { mg200 } from './mg200-peer-authentication-structure.js';
import { mg201 } from './mg201-mesh-wide-disable.js';
import { mg203 } from './mg203-port-level-without-selector.js';
import { mg290 } from './mg290-alpha-authentication-policy.js';
import { mg300 } from './mg300-destination-rule-tls-structure.js';
import { mg303 } from './mg303-tls-without-verification.js';
import { mg404 } from './mg404-sidecar-structure.js';

/** Every rule meshguard runs. Adding a rule is one file and one line here. */
export const ALL_RULES: readonly Rule[] = [
  mg100,
  mg101,
  mg103,
  mg104,
  mg105,
  mg110,
  mg111,
  mg113,
  mg200,
  mg201,
  mg203,
  mg290,
  mg300,
  mg303,
  mg404,
] as Rule[];

export function defaultRegistry(): RuleRegistry {
  return new RuleRegistry(ALL_RULES);
}
