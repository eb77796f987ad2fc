import { actionOf } from '../istio/authz.js';
import { valueSites } from '../istio/authz-values.js';
import { KNOWN_HTTP_METHODS } from '../istio/http-methods.js';
import { hasLiteralStar, matchShape, shapeMatches } from '../istio/match.js';
import { neverMatchConsequence, neverMatchSeverity } from './by-action.js';
import { defineRule } from './types.js';

export const mg110 = defineRule({
  id: 'MG110',
  kinds: ['AuthorizationPolicy'],
  severity: 'by action',
  summary: 'HTTP method that never matches: lower case, * in the middle, or not an HTTP method (gRPC calls are POST).',
  needsCluster: false,
  check({ object }) {
    const action = actionOf(object.spec);
    return valueSites(object.spec, { operation: ['methods', 'notMethods'] }).flatMap((site) => {
      const problem = methodProblem(site.value);
      if (!problem) return [];
      return [
        {
          rule: 'MG110',
          severity: neverMatchSeverity(action, site.negated),
          path: site.path,
          message: `method ${JSON.stringify(site.value)} ${problem.what}, so it never matches a request: ${neverMatchConsequence(action, site.negated)}. ${problem.fix}`,
        },
      ];
    });
  },
});

function methodProblem(value: string): { what: string; fix: string } | undefined {
  const shape = matchShape(value);
  if (shape.kind === 'any' || value === '') return undefined;
  if (hasLiteralStar(shape)) {
    return { what: 'has a * in the middle, which Istio matches as a literal character', fix: 'Use * only at the start or end, or list the methods.' };
  }
  const upper = matchShape(value.toUpperCase());
  if (!KNOWN_HTTP_METHODS.some((m) => shapeMatches(upper, m))) {
    return {
      what: 'is not an HTTP method',
      fix: 'Use an HTTP method such as GET or POST; to match a gRPC call, use paths: ["/package.Service/Method"] (gRPC requests are all POST).',
    };
  }
  if (value !== value.toUpperCase()) {
    return { what: 'is not upper case and Istio compares methods case-sensitively', fix: `Write it as ${JSON.stringify(value.toUpperCase())}.` };
  }
  return undefined;
}
