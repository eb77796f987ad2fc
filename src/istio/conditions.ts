import { ipOrCidrProblem, portStringProblem, quote } from './addresses.js';

/**
 * The `when[].key` attributes Istio knows (pkg/config/security ValidateAttribute and
 * pilot/pkg/security/authz/model). Map-style keys take their name in brackets: `request.headers[User-Agent]`.
 */
const MAP_KEY_PREFIXES = ['request.headers', 'request.experimental.inline.headers', 'request.auth.claims', 'experimental.envoy.filters.'];
const PLAIN_KEYS = [
  'source.ip',
  'remote.ip',
  'source.namespace',
  'source.serviceAccount',
  'source.principal',
  'request.auth.principal',
  'request.auth.audiences',
  'request.auth.presenter',
  'destination.ip',
  'destination.port',
  'connection.sni',
];

/** Keys an HTTP filter chain understands and a TCP filter chain cannot evaluate (Istio reports them "HTTP only"). */
export function isHttpOnlyConditionKey(key: string): boolean {
  return key.startsWith('request.headers') || key.startsWith('request.experimental.inline.headers') || key.startsWith('request.auth.');
}

export interface ConditionKeyProblem {
  problem: string;
  fix: string;
}

/** Why istiod rejects a `when` key, or undefined when it accepts it. */
export function conditionKeyProblem(key: string): ConditionKeyProblem | undefined {
  if (key === '') return { problem: 'the condition key is empty', fix: 'Set key to an attribute such as source.ip or request.headers[x-token].' };
  const mapPrefix = MAP_KEY_PREFIXES.find((p) => key.startsWith(p));
  if (mapPrefix) {
    const open = key.indexOf('[');
    const wellFormed = key.endsWith(']') && open > 0 && open < key.length - 2;
    return wellFormed
      ? undefined
      : { problem: `key ${quote(key)} must name its entry in brackets`, fix: `Write it as ${mapPrefix.replace(/\.$/, '')}[name], e.g. request.headers[x-user].` };
  }
  if (PLAIN_KEYS.includes(key)) return undefined;
  if (key === 'destination.namespace') return { problem: 'key destination.namespace is not supported in v1 policies', fix: 'Create the policy in that namespace (metadata.namespace) instead.' };
  if (key.startsWith('destination.labels')) return { problem: `key ${quote(key)} is not supported in v1 policies`, fix: 'Use spec.selector.matchLabels to pick the workloads instead.' };
  if (key === 'destination.name' || key === 'destination.user') return { problem: `key ${key} existed only in the retired v1alpha1 RBAC API`, fix: 'Use spec.selector.matchLabels to pick the workloads instead.' };
  return { problem: `key ${quote(key)} is not an attribute Istio knows`, fix: 'Use one of source.ip, remote.ip, source.namespace, source.principal, request.headers[...], request.auth.*, destination.ip, destination.port, connection.sni.' };
}

/** Why istiod rejects one value of a (known) `when` key, or undefined. */
export function conditionValueProblem(key: string, value: string): string | undefined {
  if (value === '') return 'an empty value';
  if (key === 'source.ip' || key === 'remote.ip' || key === 'destination.ip') return ipOrCidrProblem(value);
  if (key === 'destination.port') return portStringProblem(value);
  if (key === 'source.serviceAccount') return serviceAccountProblem(value);
  return undefined;
}

/** istiod's `security.CheckServiceAccount`: `name` or `namespace/name`, no wildcard, at most 320 characters. */
export function serviceAccountProblem(value: string): string | undefined {
  if (value === '') return 'an empty value';
  if (value.includes('*')) return `${quote(value)} has a wildcard, which service accounts do not support`;
  if (value.length > 320) return `${quote(value)} is longer than 320 characters`;
  const parts = value.split('/');
  if (parts.length > 2 || parts.some((p) => p === '')) return `${quote(value)} is not of the form name or namespace/name`;
  return undefined;
}
