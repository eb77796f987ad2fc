import { RuleRegistry } from './registry.js';
import type { Rule } from './types.js';
import { mg100 } from './mg100-authz-structure.js';
import { mg101 } from './mg101-deny-http-only.js';
import { mg102 } from './mg102-allow-http-on-tcp-port.js';
import { mg103 } from './mg103-mesh-wide-deny-all.js';
import { mg104 } from './mg104-root-allow-nothing.js';
import { mg105 } from './mg105-principal-format.js';
import { mg106 } from './mg106-identity-without-strict.js';
import { mg107 } from './mg107-namespace-not-found.js';
import { mg108 } from './mg108-service-account-not-found.js';
import { mg109 } from './mg109-authz-selector-matches-nothing.js';
import { mg110 } from './mg110-method-never-matches.js';
import { mg111 } from './mg111-from-to-split.js';
import { mg112 } from './mg112-authz-service-port.js';
import { mg113 } from './mg113-path-never-matches.js';
import { mg114 } from './mg114-jwt-condition-without-provider.js';
import { mg115 } from './mg115-deny-http-on-tcp-port.js';
import { mg200 } from './mg200-peer-authentication-structure.js';
import { mg201 } from './mg201-mesh-wide-disable.js';
import { mg202 } from './mg202-weaker-than-parent.js';
import { mg203 } from './mg203-port-level-without-selector.js';
import { mg204 } from './mg204-second-namespace-wide.js';
import { mg205 } from './mg205-root-namespace-selector.js';
import { mg206 } from './mg206-overlapping-workload-policies.js';
import { mg207 } from './mg207-peer-authentication-selector-matches-nothing.js';
import { mg208 } from './mg208-port-level-service-port.js';
import { mg209 } from './mg209-strict-with-unmeshed.js';
import { mg210 } from './mg210-disable-under-istio-mutual.js';
import { mg290 } from './mg290-alpha-authentication-policy.js';
import { mg300 } from './mg300-destination-rule-tls-structure.js';
import { mg301 } from './mg301-plaintext-to-strict.js';
import { mg302 } from './mg302-istio-mutual-to-plaintext.js';
import { mg303 } from './mg303-tls-without-verification.js';
import { mg304 } from './mg304-destinationrule-tls-mounts.js';
import { mg305 } from './mg305-destination-rule-tls-deleted.js';
import { mg401 } from './mg401-sidecar-tls-not-disable.js';
import { mg402 } from './mg402-sidecar-tls-feature-off.js';
import { mg403 } from './mg403-sidecar-tls-mounts.js';
import { mg404 } from './mg404-sidecar-structure.js';
import { mg501 } from './mg501-tls-volumes.js';

/** Every rule meshguard runs. Adding a rule is one file and one line here. */
export const ALL_RULES: readonly Rule[] = [
  mg100,
  mg101,
  mg102,
  mg103,
  mg104,
  mg105,
  mg106,
  mg107,
  mg108,
  mg109,
  mg110,
  mg111,
  mg112,
  mg113,
  mg114,
  mg115,
  mg200,
  mg201,
  mg202,
  mg203,
  mg204,
  mg205,
  mg206,
  mg207,
  mg208,
  mg209,
  mg210,
  mg290,
  mg300,
  mg301,
  mg302,
  mg303,
  mg304,
  mg305,
  mg401,
  mg402,
  mg403,
  mg404,
  mg501,
] as Rule[];

export function defaultRegistry(): RuleRegistry {
  return new RuleRegistry(ALL_RULES);
}
