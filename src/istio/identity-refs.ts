import type { ValueSite } from './authz-values.js';
import { valueSites } from './authz-values.js';
import { serviceAccountProblem } from './conditions.js';
import type { AuthorizationPolicySpec } from './kinds.js';
import { localIdentity } from './principal.js';

/** A peer-identity value of an AuthorizationPolicy that names a namespace of this cluster (and a service account in it). */
export interface IdentityRef extends ValueSite {
  /** How the value is written, for messages. */
  kind: 'namespace' | 'principal' | 'service account';
  namespace: string;
  /** Set when the value names one service account exactly. */
  serviceAccount?: string;
}

/**
 * The namespaces and service accounts that `namespaces`, `principals`, `serviceAccounts`, their `not`
 * forms and the matching `source.*` conditions name, in that order. Left out: wildcards (`*`, `prefix*`,
 * `*suffix` name no one namespace), principals outside this cluster's trust domain (see
 * `localIdentity`), and values istiod rejects or that never match (MG100, MG105 report them).
 */
export function identityRefs(spec: AuthorizationPolicySpec | undefined, policyNamespace: string): IdentityRef[] {
  const refs: IdentityRef[] = [];
  for (const site of valueSites(spec, { source: ['namespaces', 'notNamespaces'], whenKey: 'source.namespace' })) {
    if (site.value !== '' && !site.value.includes('*')) refs.push(identityRef(site, 'namespace', site.value));
  }
  for (const site of valueSites(spec, { source: ['principals', 'notPrincipals'], whenKey: 'source.principal' })) {
    const identity = localIdentity(site.value);
    if (identity) refs.push(identityRef(site, 'principal', identity.namespace, identity.serviceAccount));
  }
  for (const site of valueSites(spec, { source: ['serviceAccounts', 'notServiceAccounts'], whenKey: 'source.serviceAccount' })) {
    if (serviceAccountProblem(site.value)) continue;
    // `name` alone is a service account of the policy's namespace (Istio's serviceAccountRegex).
    const [namespace, name] = site.value.includes('/') ? (site.value.split('/') as [string, string]) : [policyNamespace, site.value];
    refs.push(identityRef(site, 'service account', namespace, name));
  }
  return refs;
}

/** Spelled out: V8 builds `{ ...site, more }` on a slow path, and MG107 and MG108 read every value of every review. */
function identityRef(site: ValueSite, kind: IdentityRef['kind'], namespace: string, serviceAccount?: string): IdentityRef {
  const ref: IdentityRef = { path: site.path, value: site.value, negated: site.negated, kind, namespace };
  if (serviceAccount !== undefined) ref.serviceAccount = serviceAccount;
  return ref;
}
