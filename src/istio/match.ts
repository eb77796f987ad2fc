/**
 * How Istio turns an AuthorizationPolicy string into an Envoy matcher
 * (pilot/pkg/security/authz/matcher: StringMatcherWithPrefix, HeaderMatcher, PathMatcher):
 * `*` alone matches any value, a leading `*` is a suffix match, a trailing `*` a prefix match, and
 * everything else is an exact match. A `*` anywhere else is a literal character.
 */
export type MatchShape =
  | { kind: 'any' }
  | { kind: 'prefix' | 'suffix' | 'exact'; literal: string };

export function matchShape(value: string): MatchShape {
  if (value === '*') return { kind: 'any' };
  if (value.startsWith('*')) return { kind: 'suffix', literal: value.slice(1) };
  if (value.endsWith('*')) return { kind: 'prefix', literal: value.slice(0, -1) };
  return { kind: 'exact', literal: value };
}

/** True when a `*` survives as a literal character (a middle or doubled star): it never matches a real value. */
export function hasLiteralStar(shape: MatchShape): boolean {
  return shape.kind !== 'any' && shape.literal.includes('*');
}

/** Whether `candidate` (a concrete value) matches the pattern the way Envoy would. */
export function shapeMatches(shape: MatchShape, candidate: string): boolean {
  switch (shape.kind) {
    case 'any':
      return candidate.length > 0;
    case 'prefix':
      return candidate.startsWith(shape.literal);
    case 'suffix':
      return candidate.endsWith(shape.literal);
    case 'exact':
      return candidate === shape.literal;
  }
}
