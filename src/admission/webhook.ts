import { NO_CLUSTER } from '../cluster/no-cluster.js';
import type { ClusterView } from '../cluster/view.js';
import { formatFinding, ruleEnabled } from '../decision.js';
import { describeShapeIssue, shapeIssue } from '../istio/shape.js';
import { ruleKindOf, type RuleKind } from '../istio/kinds.js';
import { judgeObject } from '../judge.js';
import { MG501, mutatePod } from '../mutation/mutate-pod.js';
import type { Evaluation } from '../rules/evaluate.js';
import type { RuleRegistry } from '../rules/registry.js';
import type { Logger } from '../server/logger.js';
import type { Metrics } from '../server/metrics.js';
import type { Settings } from '../settings.js';
import { allowed, denied, invalid, patched } from './response.js';
import { decodeReview, reviewedObject, type DecodedReview } from './review.js';
import type { AdmissionReview } from './types.js';

export type WebhookName = 'validate' | 'mutate';

export interface WebhookDeps {
  registry: RuleRegistry;
  /** The settings in force now (they can be reloaded while the server runs). */
  settings: () => Settings;
  view: ClusterView;
  metrics: Metrics;
  logger: Logger;
}

/**
 * One AdmissionReview in, one out. Throws ReviewDecodeError when the body is not an AdmissionReview
 * (the route answers 400); everything after that is answered inside a well-formed review.
 */
export function handleReview(webhook: WebhookName, body: unknown, deps: WebhookDeps): AdmissionReview {
  const started = process.hrtime.bigint();
  const review = decodeReview(body);
  const { request } = review;
  const kind = ruleKindOf(request.kind.group, request.kind.kind);
  const outcome =
    webhook === 'mutate' && kind === 'Pod' && request.operation === 'CREATE'
      ? mutate(review, deps)
      : kind
        ? judge(review, kind, deps)
        : { response: allowed(review), ruleIds: [] };

  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const decision = outcome.response.response?.allowed ? 'allowed' : outcome.response.response?.status?.code === 400 ? 'invalid' : 'denied';
  const kindLabel = request.kind.kind;
  deps.metrics.reviews.inc({ webhook, kind: kindLabel, operation: request.operation, decision });
  deps.metrics.reviewDuration.observe({ webhook, kind: kindLabel }, seconds);
  deps.logger.info(
    {
      uid: request.uid,
      webhook,
      kind: `${request.kind.group || 'core'}/${request.kind.version}/${request.kind.kind}`,
      namespace: request.namespace,
      name: request.name ?? reviewedObject(request)?.metadata?.name,
      operation: request.operation,
      user: request.userInfo?.username,
      dryRun: request.dryRun === true,
      allowed: decision === 'allowed',
      rules: outcome.ruleIds,
      durationMs: Math.round(seconds * 1e6) / 1e3,
    },
    'review',
  );
  return outcome.response;
}

interface Outcome {
  response: AdmissionReview;
  ruleIds: string[];
}

function judge(review: DecodedReview, kind: RuleKind, deps: WebhookDeps): Outcome {
  const { request } = review;
  if (deps.registry.rulesFor(kind).length === 0) return { response: allowed(review), ruleIds: [] };
  const object = reviewedObject(request);
  if (!object) {
    const field = request.operation === 'DELETE' ? 'oldObject' : 'object';
    return { response: invalid(review, `meshguard cannot check this ${kind}: request.${field} is missing`), ruleIds: [] };
  }
  const judgement = judgeObject(
    {
      kind,
      operation: request.operation,
      namespace: request.namespace ?? object.metadata?.namespace ?? '',
      name: request.name ?? object.metadata?.name ?? '',
      object,
      oldObject: request.operation === 'UPDATE' ? (request.oldObject ?? undefined) : undefined,
    },
    { registry: deps.registry, settings: deps.settings(), view: deps.view },
  );
  if (judgement.type === 'unreadable') {
    return { response: invalid(review, `meshguard cannot check this ${kind}: ${describeShapeIssue(judgement.issue)}`), ruleIds: [] };
  }
  const { evaluation, decision } = judgement;

  for (const f of decision.denials) deps.metrics.findings.inc({ rule: f.rule, outcome: 'deny' });
  for (const f of decision.warnings) deps.metrics.findings.inc({ rule: f.rule, outcome: 'warn' });
  for (const f of decision.suppressed) deps.metrics.findings.inc({ rule: f.rule, outcome: 'suppressed' });
  reportFailures(evaluation, request.uid, deps);

  const warnings = [...decision.warnings.map(formatFinding), ...pipelineWarnings(evaluation, deps.view !== NO_CLUSTER)];
  const ruleIds = [...new Set([...decision.denials, ...decision.warnings].map((f) => f.rule))];
  const response = decision.allowed
    ? allowed(review, warnings)
    : denied(review, decision.denials.map(formatFinding).join('\n'), warnings);
  return { response, ruleIds };
}

/** Pod CREATE on /mutate: the TLS volume patch (MG501). Never a denial: every problem is a warning. */
function mutate(review: DecodedReview, deps: WebhookDeps): Outcome {
  const { request } = review;
  const pod = request.object;
  const issue = pod && shapeIssue('Pod', pod);
  const problem = pod ? issue && describeShapeIssue(issue) : 'request.object is missing';
  if (!pod || problem) {
    return { response: allowed(review, [`meshguard: cannot read this Pod (${problem}), so no TLS volumes were added.`]), ruleIds: [] };
  }
  const target = { namespace: request.namespace ?? pod.metadata?.namespace ?? '', name: request.name ?? pod.metadata?.name ?? '' };
  const settings = deps.settings();
  if (!ruleEnabled(MG501, settings, target)) return { response: allowed(review), ruleIds: [] };
  const mutation = mutatePod(pod, target.namespace, deps.view);
  for (const f of mutation.findings) deps.metrics.findings.inc({ rule: f.rule, outcome: 'warn' });
  const ruleIds = mutation.patch.length > 0 || mutation.findings.length > 0 ? [MG501] : [];
  return { response: patched(review, mutation.patch, mutation.findings.map(formatFinding)), ruleIds };
}

/**
 * `clusterExpected`: a view that has not synced yet is worth a warning on every review (re-apply later);
 * running without any cluster (local development, `cluster.source: none`) is said once in the start-up log.
 */
function pipelineWarnings(evaluation: Evaluation, clusterExpected: boolean): string[] {
  const warnings: string[] = [];
  if (clusterExpected && evaluation.skippedUnsynced.length > 0) {
    warnings.push(
      `meshguard: cluster state is not synced yet, so the cross-resource checks ${evaluation.skippedUnsynced.join(', ')} were skipped; ` +
        're-apply once meshguard is ready to have them checked.',
    );
  }
  for (const failure of evaluation.failures) {
    warnings.push(`meshguard: rule ${failure.rule} failed on this object and was skipped; the object was not checked against it.`);
  }
  return warnings;
}

function reportFailures(evaluation: Evaluation, uid: string, deps: WebhookDeps): void {
  for (const failure of evaluation.failures) {
    deps.metrics.ruleFailures.inc({ rule: failure.rule });
    const error = failure.error instanceof Error ? failure.error : new Error(String(failure.error));
    deps.logger.error({ uid, rule: failure.rule, err: error }, 'rule failed');
  }
}
