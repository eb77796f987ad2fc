import { hasLiteralStar, matchShape } from './match.js';

/**
 * Istio peer principals are `<trust domain>/ns/<namespace>/sa/<service account>`; Istio prepends
 * `spiffe://` itself (srcPrincipalGenerator). `*` works only as the whole value, a prefix or a suffix.
 */
const SEGMENTS = ['<trust domain>', 'ns', '<namespace>', 'sa', '<service account>'] as const;
const FIXED: Readonly<Record<number, string>> = { 1: 'ns', 3: 'sa' };

export type PrincipalProblem = 'spiffe-prefix' | 'inner-star' | 'not-a-principal';

/** Why a `principals`/`source.principal` value can never match a peer identity, or undefined. */
export function principalProblem(value: string): PrincipalProblem | undefined {
  const shape = matchShape(value);
  if (shape.kind === 'any') return undefined;
  if (/^spiffe:\/\//i.test(shape.literal)) return 'spiffe-prefix';
  if (hasLiteralStar(shape)) return 'inner-star';
  const parts = shape.literal.split('/');
  if (parts.length > SEGMENTS.length) return 'not-a-principal';
  const fits =
    shape.kind === 'exact'
      ? parts.length === SEGMENTS.length && parts.every((part, i) => segmentFits(part, i, 'whole'))
      : shape.kind === 'prefix'
        ? parts.every((part, i) => segmentFits(part, i, i === parts.length - 1 ? 'start' : 'whole'))
        : parts.every((part, i) => segmentFits(part, SEGMENTS.length - parts.length + i, i === 0 ? 'end' : 'whole'));
  return fits ? undefined : 'not-a-principal';
}

/** Whether `part` can be (the whole, the start or the end of) segment `index` of a principal. */
function segmentFits(part: string, index: number, portion: 'whole' | 'start' | 'end'): boolean {
  const fixed = FIXED[index];
  if (fixed === undefined) return portion !== 'whole' || part.length > 0;
  if (portion === 'start') return fixed.startsWith(part);
  if (portion === 'end') return fixed.endsWith(part);
  return part === fixed;
}

/**
 * Istio reads the trust domain `cluster.local` in a principal as "this mesh's trust domain and its
 * aliases" (pilot/pkg/security/trustdomain/bundle.go, ReplaceTrustDomainAliases), so such a principal
 * names an identity of this cluster. Any other trust domain, or a `*` in its place, may name another mesh.
 */
const LOCAL_TRUST_DOMAIN = 'cluster.local';

/** The namespace, and the service account when written in full, that a principal of this cluster's trust domain names. */
export interface LocalIdentity {
  namespace: string;
  serviceAccount?: string;
}

/**
 * The names a `principals`/`source.principal` value spells out in full, when its trust domain is this
 * cluster's: `cluster.local/ns/foo/sa/bar` ▶ foo and bar; `cluster.local/ns/foo/sa/*` ▶ foo only.
 * Undefined for values that never match (MG105 reports those), wildcard trust domains, other trust
 * domains, and namespaces that are themselves cut short by a `*`.
 */
export function localIdentity(value: string): LocalIdentity | undefined {
  if (principalProblem(value)) return undefined;
  const shape = matchShape(value);
  if (shape.kind !== 'exact' && shape.kind !== 'prefix') return undefined;
  const parts = shape.literal.split('/');
  // The last segment of a prefix is cut short by the `*`: only the segments before it are names.
  const whole = shape.kind === 'exact' ? parts.length : parts.length - 1;
  if (whole < 3 || parts[0] !== LOCAL_TRUST_DOMAIN) return undefined;
  return whole === SEGMENTS.length ? { namespace: parts[2]!, serviceAccount: parts[4]! } : { namespace: parts[2]! };
}
