import type { ClusterView } from './cluster/view.js';
import { decide, type Decision } from './decision.js';
import { shapeIssue, type ShapeIssue } from './istio/shape.js';
import type { RuleKind } from './istio/kinds.js';
import type { KubeObject } from './k8s/types.js';
import { evaluate, type Evaluation } from './rules/evaluate.js';
import type { RuleRegistry } from './rules/registry.js';
import type { Operation, Subject } from './rules/types.js';
import type { Settings } from './settings.js';

/** One object to judge, from an admission request or from a manifest file. */
export interface JudgeRequest {
  kind: RuleKind;
  operation: Operation;
  namespace: string;
  name: string;
  object: KubeObject;
  oldObject?: KubeObject;
}

export interface JudgeDeps {
  registry: RuleRegistry;
  settings: Settings;
  view: ClusterView;
}

export type Judgement =
  /** The object does not match Istio's schema: rules are written against it, so it is reported, not judged. */
  | { type: 'unreadable'; issue: ShapeIssue }
  | { type: 'judged'; subject: Subject; evaluation: Evaluation; decision: Decision };

/**
 * The verdict pipeline shared by the webhook and `meshguard check`: shape check, every rule for the
 * kind, then the operator's settings. Callers turn the judgement into their own output.
 */
export function judgeObject(request: JudgeRequest, { registry, settings, view }: JudgeDeps): Judgement {
  const issue = shapeIssue(request.kind, request.object);
  if (issue) return { type: 'unreadable', issue };
  const subject: Subject = {
    kind: request.kind,
    operation: request.operation,
    namespace: request.namespace,
    name: request.name,
    object: request.object as Subject['object'],
    oldObject: request.oldObject as Subject['oldObject'],
  };
  const evaluation = evaluate(subject, registry, { view, rootNamespace: settings.rootNamespace });
  return { type: 'judged', subject, evaluation, decision: decide(evaluation.findings, settings, subject) };
}
