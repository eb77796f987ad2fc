import type { RuleRegistry } from './registry.js';
import type { Finding, Rule, RuleContext, Subject } from './types.js';

const DEFAULT_OPERATIONS = ['CREATE', 'UPDATE'] as const;

export interface RuleFailure {
  rule: string;
  error: unknown;
}

export interface Evaluation {
  findings: Finding[];
  /** Rules that need cluster state and were skipped because the caches have not synced. */
  skippedUnsynced: string[];
  /** Rules that threw: they are skipped (fail open) and reported, never turned into a denial. */
  failures: RuleFailure[];
}

export function evaluate(subject: Subject, registry: RuleRegistry, context: RuleContext): Evaluation {
  const evaluation: Evaluation = { findings: [], skippedUnsynced: [], failures: [] };
  for (const rule of registry.rulesFor(subject.kind) as readonly Rule[]) {
    if (!(rule.operations ?? DEFAULT_OPERATIONS).includes(subject.operation as never)) continue;
    if (rule.needsCluster && !context.view.synced) {
      evaluation.skippedUnsynced.push(rule.id);
      continue;
    }
    try {
      evaluation.findings.push(...rule.check(subject, context));
    } catch (error) {
      evaluation.failures.push({ rule: rule.id, error });
    }
  }
  return evaluation;
}
