import type { StructureProblem } from '../istio/structure.js';
import type { Finding } from './types.js';

/** Findings for istiod's structural checks: every one is a denial, since istiod would reject the object. */
export function structureFindings(rule: string, noun: string, problems: readonly StructureProblem[]): Finding[] {
  return problems.map(({ path, problem, fix }) => ({
    rule,
    severity: 'deny',
    path,
    message: `${problem}, so istiod rejects the ${noun} and none of it takes effect. ${fix}`,
  }));
}

