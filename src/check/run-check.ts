import { isRecord } from '../admission/review.js';
import type { SkippedManifest } from '../cluster/manifest-view.js';
import type { ClusterView } from '../cluster/view.js';
import { KIND_VERSIONS, ruleKindOf, type RuleKind } from '../istio/kinds.js';
import { judgeObject } from '../judge.js';
import type { KubeObject } from '../k8s/types.js';
import type { RuleRegistry } from '../rules/registry.js';
import type { Finding } from '../rules/types.js';
import type { Settings } from '../settings.js';
import { parseSource, type ManifestObject } from './documents.js';
import type { Source } from './inputs.js';
import { positionOf } from './positions.js';
import type { Progress } from './progress.js';
import { SCHEMA_RULE, type CheckFinding, type CheckReport, type InputProblem, type ObjectRef } from './report.js';

export interface CheckOptions {
  registry: RuleRegistry;
  settings: Settings;
  /** The namespace of namespaced objects that name none, like kubectl's current namespace. */
  defaultNamespace: string;
  /**
   * Builds the cluster state the cross-resource rules read, from every object that was read. It may
   * complete the objects as the API server would before they are judged (`check --cluster` gives an
   * existing Istio object the cluster's creationTimestamp).
   */
  buildView(objects: KubeObject[]): ClusterView & { skipped?: readonly SkippedManifest[] };
  progress?: Progress;
}

/** Kinds without a namespace: everything else gets the default namespace when it names none. */
const CLUSTER_SCOPED_KINDS = new Set([
  'Namespace', 'Node', 'PersistentVolume', 'StorageClass', 'PriorityClass', 'ClusterRole', 'ClusterRoleBinding',
  'CustomResourceDefinition', 'MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'APIService', 'MeshPolicy',
]);

/**
 * Judges every Istio object of the sources, as if they were all applied at once (operation CREATE), with
 * the same pipeline and settings as the webhook. Input problems stop the run before any verdict: the
 * cross-resource rules need every object, and a verdict on part of the input could be wrong.
 */
export function runCheck(sources: readonly Source[], readProblems: readonly InputProblem[], options: CheckOptions): CheckReport {
  const report: CheckReport = { files: sources.length, objects: 0, checked: 0, ignoredDocuments: 0, findings: [], notes: [], problems: [...readProblems] };
  const manifests: ManifestObject[] = [];
  sources.forEach((source, i) => {
    options.progress?.update('reading', i + 1, sources.length);
    const parsed = parseSource(source);
    manifests.push(...parsed.objects);
    report.ignoredDocuments += parsed.ignoredDocuments;
    report.problems.push(...parsed.problems);
  });
  report.objects = manifests.length;
  if (report.problems.length > 0) {
    options.progress?.done();
    return report;
  }

  for (const { object } of manifests) defaultNamespace(object, options.defaultNamespace);
  const view = options.buildView(manifests.map((m) => m.object));
  for (const skipped of view.skipped ?? []) {
    const manifest = manifests[skipped.index];
    const where = manifest ? locate(manifest, 'metadata.name') : {};
    report.notes.push({ ...where, message: `${skipped.kind} ${skipped.name} is not part of the cluster context of the checks: ${skipped.reason}` });
  }
  const skippedUnsynced = new Set<string>();
  manifests.forEach((manifest, i) => {
    options.progress?.update('checking', i + 1, manifests.length);
    const kind = judgedKind(manifest.object, options.registry);
    if (!kind) return;
    report.checked += 1;
    const outcome = judgeManifest(manifest, kind, view, options);
    report.findings.push(...outcome.findings);
    for (const rule of outcome.skippedUnsynced) skippedUnsynced.add(rule);
    for (const rule of outcome.failedRules) {
      report.notes.push({ ...locate(manifest, 'metadata.name'), message: `rule ${rule} failed on this object and was skipped; it was not checked against it.` });
    }
  });
  options.progress?.done();
  if (skippedUnsynced.size > 0) {
    report.notes.push({
      message: `no cluster state was available, so the cross-resource checks ${[...skippedUnsynced].sort().join(', ')} were skipped.`,
    });
  }
  return report;
}

interface ManifestOutcome {
  findings: CheckFinding[];
  skippedUnsynced: readonly string[];
  failedRules: string[];
}

function judgeManifest(manifest: ManifestObject, kind: RuleKind, view: ClusterView, options: CheckOptions): ManifestOutcome {
  const { object } = manifest;
  const ref = { kind: object.kind ?? kind, namespace: object.metadata?.namespace ?? '', name: object.metadata?.name ?? '' };
  const versionProblem = unservedVersion(object, kind);
  if (versionProblem) return { findings: [schemaFinding(manifest, ref, 'apiVersion', versionProblem)], skippedUnsynced: [], failedRules: [] };

  const judgement = judgeObject(
    { kind, operation: 'CREATE', namespace: ref.namespace, name: ref.name, object },
    { registry: options.registry, settings: options.settings, view },
  );
  if (judgement.type === 'unreadable') {
    const { path, reason } = judgement.issue;
    const message = `${reason}: the API server rejects this object against Istio's CRD schema, so meshguard did not run its rules on it. Fix the field and check again.`;
    return { findings: [schemaFinding(manifest, ref, path, message)], skippedUnsynced: [], failedRules: [] };
  }
  const { decision, evaluation } = judgement;
  const toCheckFinding = (severity: CheckFinding['severity']) => (finding: Finding): CheckFinding => ({
    ...locate(manifest, finding.path),
    ...ref,
    rule: finding.rule,
    severity,
    path: finding.path,
    message: finding.message,
  });
  const findings = [...decision.denials.map(toCheckFinding('deny')), ...decision.warnings.map(toCheckFinding('warn'))];
  findings.sort((a, b) => a.line - b.line || a.column - b.column || a.rule.localeCompare(b.rule));
  return { findings, skippedUnsynced: evaluation.skippedUnsynced, failedRules: evaluation.failures.map((f) => f.rule) };
}

function schemaFinding(manifest: ManifestObject, ref: ObjectRef, path: string, message: string): CheckFinding {
  return { ...locate(manifest, path), ...ref, rule: SCHEMA_RULE, severity: 'deny', path, message };
}

function locate(manifest: ManifestObject, path: string): { file: string; line: number; column: number } {
  return { file: manifest.file, ...positionOf(manifest, path) };
}

/** The rule kind to judge the object as: every Istio kind (the schema check applies to all), and other kinds that have rules. */
function judgedKind(object: KubeObject, registry: RuleRegistry): RuleKind | undefined {
  const { group } = splitApiVersion(object);
  const kind = ruleKindOf(group, object.kind ?? '');
  if (!kind) return undefined;
  return group.endsWith('istio.io') || registry.rulesFor(kind).length > 0 ? kind : undefined;
}

function unservedVersion(object: KubeObject, kind: RuleKind): string | undefined {
  const { group, version } = splitApiVersion(object);
  const served = KIND_VERSIONS[kind];
  if (served.includes(version)) return undefined;
  const preferred = [group, served[0]].filter(Boolean).join('/');
  return (
    `${object.apiVersion} is not served for ${kind}, so kubectl apply fails with "no matches for kind" and meshguard did not run its rules on it. ` +
    `Use apiVersion: ${preferred}.`
  );
}

/** `security.istio.io/v1` ▶ group security.istio.io, version v1; `v1` ▶ the core group. */
function splitApiVersion(object: KubeObject): { group: string; version: string } {
  const apiVersion = object.apiVersion ?? '';
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

function defaultNamespace(object: KubeObject, namespace: string): void {
  if (CLUSTER_SCOPED_KINDS.has(object.kind ?? '')) return;
  if (object.metadata === undefined) object.metadata = {};
  if (isRecord(object.metadata) && !object.metadata.namespace) object.metadata.namespace = namespace;
}
