import type { PeerAuthenticationSpec } from './kinds.js';
import { selectorProblems } from './selector.js';
import { mapKeyPath, type StructureProblem } from './structure.js';

/**
 * What istiod's ValidatePeerAuthentication rejects beyond `portLevelMtls` without selector (MG203):
 * `portLevelMtls` keys that are not ports 1–65535, and selector labels with empty keys or wildcards.
 */
export function peerAuthenticationProblems(spec: PeerAuthenticationSpec | undefined): StructureProblem[] {
  const problems = Object.keys(spec?.portLevelMtls ?? {}).flatMap((key): StructureProblem[] => {
    if (/^\d+$/.test(key) && Number(key) >= 1 && Number(key) <= 65535) return [];
    const what = /^\d+\s*-\s*\d+$/.test(key) ? 'a port range' : /^\d+$/.test(key) ? 'outside 1-65535' : 'not a port number';
    return [{
      path: mapKeyPath('spec.portLevelMtls', key),
      problem: `portLevelMtls key ${JSON.stringify(key)} is ${what}`,
      fix: 'Key each entry by one workload (container) port number, e.g. "8080".',
    }];
  });
  return [...problems, ...selectorProblems(spec?.selector?.matchLabels, 'spec.selector.matchLabels')];
}
