import { NO_CLUSTER } from '../../src/cluster/no-cluster.js';
import type { ClusterView } from '../../src/cluster/view.js';
import type { KindSpecs, RuleKind } from '../../src/istio/kinds.js';
import type { Finding, Rule } from '../../src/rules/types.js';

export interface CheckOptions {
  namespace?: string;
  name?: string;
  rootNamespace?: string;
  view?: ClusterView;
}

/** Runs one rule on one spec, as the webhook would for a CREATE. */
export function check<K extends RuleKind>(rule: Rule<K>, kind: K, spec: KindSpecs[K], options: CheckOptions = {}): Finding[] {
  const namespace = options.namespace ?? 'foo';
  const name = options.name ?? 'policy';
  return rule.check(
    { kind, operation: 'CREATE', namespace, name, object: { metadata: { name, namespace }, spec } },
    { view: options.view ?? NO_CLUSTER, rootNamespace: options.rootNamespace ?? 'istio-system' },
  );
}

/** `[MG101] path: message` lines, the way the webhook reports them. */
export function lines(findings: readonly Finding[]): string[] {
  return findings.map((f) => `[${f.rule}] ${f.severity} ${f.path}: ${f.message}`);
}
