import type { ClusterView } from '../cluster/view.js';
import type { KindSpecs, RuleKind } from '../istio/kinds.js';
import type { KubeObject } from '../k8s/types.js';

export type Severity = 'deny' | 'warn';

/** How the catalog documents a rule's default severity. */
export type SeverityPolicy = Severity | 'by action' | 'by mode' | 'mutation';

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT';

export interface Finding {
  rule: string;
  severity: Severity;
  /** Field path inside the object, e.g. `spec.rules[0].to[0].operation.methods`. */
  path: string;
  /** What happens at runtime, why, and the fix. One line. */
  message: string;
}

/** What a rule judges: one object of one kind, from an admission request or from a manifest file. */
export interface Subject<K extends RuleKind = RuleKind> {
  kind: K;
  operation: Operation;
  namespace: string;
  name: string;
  /** The new object; for DELETE, the object being deleted (the request's oldObject). */
  object: KubeObject<KindSpecs[K]>;
  /** The previous object on UPDATE, otherwise undefined. */
  oldObject?: KubeObject<KindSpecs[K]>;
}

export interface RuleContext {
  view: ClusterView;
  rootNamespace: string;
}

export interface Rule<K extends RuleKind = RuleKind> {
  id: string;
  kinds: readonly K[];
  severity: SeverityPolicy;
  /** One line for the generated rule table in the README. */
  summary: string;
  /** Rules that read cluster state run only once the ClusterView has synced. */
  needsCluster: boolean;
  /** Operations the rule judges; CREATE and UPDATE unless stated. */
  operations?: readonly Operation[];
  check(subject: Subject<K>, context: RuleContext): Finding[];
}

/** Declares a rule with its kinds typed, so `check` sees the right spec type. */
export function defineRule<K extends RuleKind>(rule: Rule<K>): Rule<K> {
  return rule;
}
