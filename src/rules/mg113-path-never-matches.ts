import { actionOf } from '../istio/authz.js';
import { valueSites } from '../istio/authz-values.js';
import { hasLiteralStar, matchShape } from '../istio/match.js';
import { containsPathTemplate } from '../istio/path-template.js';
import { neverMatchConsequence, neverMatchSeverity } from './by-action.js';
import { defineRule } from './types.js';

export const mg113 = defineRule({
  id: 'MG113',
  kinds: ['AuthorizationPolicy'],
  severity: 'by action',
  summary: 'Path that never matches: no leading /, * in the middle, or a query string.',
  needsCluster: false,
  check({ object }) {
    const action = actionOf(object.spec);
    return valueSites(object.spec, { operation: ['paths', 'notPaths'] }).flatMap((site) => {
      const problem = pathProblem(site.value);
      if (!problem) return [];
      return [
        {
          rule: 'MG113',
          severity: neverMatchSeverity(action, site.negated),
          path: site.path,
          message: `path ${JSON.stringify(site.value)} ${problem.what}, so it never matches a request: ${neverMatchConsequence(action, site.negated)}. ${problem.fix}`,
        },
      ];
    });
  },
});

/** Templates ({*}, {**}) are checked by MG100 against istiod's own rules, so they are left alone here. */
function pathProblem(value: string): { what: string; fix: string } | undefined {
  const shape = matchShape(value);
  if (shape.kind === 'any' || value === '' || containsPathTemplate(value)) return undefined;
  if (hasLiteralStar(shape)) {
    return {
      what: 'has a * in the middle, which Istio matches as a literal character',
      fix: 'Use a path template instead: {*} for one segment, {**} for the rest of the path (e.g. /api/{*}/users).',
    };
  }
  if (/[?#]/.test(shape.literal)) {
    return {
      what: 'has a query string or fragment, which is not part of the path Istio matches',
      fix: 'Match the path alone (e.g. /search): an AuthorizationPolicy cannot match query parameters.',
    };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(shape.literal)) {
    return { what: 'is a URL, and Istio matches only the path of a request', fix: 'Put the path in paths (e.g. /api) and the host in hosts.' };
  }
  if (shape.kind !== 'suffix' && !shape.literal.startsWith('/')) {
    return { what: 'does not start with /, and every request path does', fix: `Write it as ${JSON.stringify(`/${value}`)}.` };
  }
  return undefined;
}
