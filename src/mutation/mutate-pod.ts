import type { JsonPatchOperation } from '../admission/types.js';
import { isRecord } from '../admission/review.js';
import type { WorkloadInfo } from '../cluster/model.js';
import type { ClusterView } from '../cluster/view.js';
import type { KubeObject } from '../k8s/types.js';
import type { Finding } from '../rules/types.js';
import { MAPPING, podMounts } from './mapping.js';
import { mergeVolumes } from './merge.js';
import { planVolumes, type PlannedVolume } from './plan.js';
import { noSidecarReason, type PodFacts } from './sidecar-injection.js';
import { mappingSources } from './sources.js';
import { USER_VOLUME_MOUNT } from './user-volumes.js';

export const MG501 = 'MG501';

export interface PodMutation {
  patch: JsonPatchOperation[];
  /** Warnings only: the mutation never fails a pod. */
  findings: Finding[];
}

/**
 * The TLS volume mutation for a Pod being created: plan the volumes from the pod's own mapping and,
 * when cluster state is known, the Sidecar and DestinationRules that apply to it; merge them into
 * the sidecar annotations; say what will not work.
 */
export function mutatePod(pod: KubeObject, namespace: string, view: ClusterView): PodMutation {
  const facts = podFacts(pod, namespace);
  const problems: string[] = [];
  const mounts = podMounts(facts.annotations, problems);
  const findings: Finding[] = problems.map((problem) =>
    warn(`metadata.annotations.${MAPPING.podMounts}`, `${problem}, so meshguard mounts nothing for that entry. Write each entry as <secret>=<absolute directory of your own>.`),
  );
  if (!view.synced) {
    findings.push(
      warn(
        'metadata.annotations',
        'cluster state is not synced yet, so the TLS volume mappings on Sidecars and DestinationRules could not be read and only the ' +
          `pod's own ${MAPPING.podMounts} was applied. If this pod's sidecar terminates or originates TLS with certificate files, recreate it once meshguard is ready.`,
      ),
    );
  }
  const sources = view.synced ? mappingSources(view, workloadOf(facts, pod)) : [];
  const plan = planVolumes(mounts, sources);
  findings.push(...plan.conflicts.map((message) => warn(`metadata.annotations.${USER_VOLUME_MOUNT}`, message)));
  if (plan.volumes.length === 0) return { patch: [], findings };

  const merged = mergeVolumes(pod.metadata?.annotations ? facts.annotations : undefined, plan.volumes);
  findings.push(...merged.notes.map((note) => warn(`metadata.annotations.${note.annotation}`, note.message)));
  const noSidecar = noSidecarReason(facts, view.synced ? view.namespace(namespace) : undefined);
  if (noSidecar) {
    findings.push(
      warn(
        noSidecar.path,
        `this pod will get no istio-proxy sidecar: ${noSidecar.reason}. The certificates meshguard mounts for ${originsOf(plan.volumes)} ` +
          'are then never read, and that TLS does not happen. Enable injection for the pod, or drop the mapping if it is meant to run without a sidecar.',
      ),
    );
  }
  if (merged.patch.length > 0 && hasIstioProxy(pod)) {
    findings.push(
      warn(
        'spec.containers',
        "Istio's injector already added istio-proxy to this pod, so the volumes meshguard adds to the annotations now never reach the sidecar " +
          "and it cannot read its certificate files. Name meshguard's MutatingWebhookConfiguration so it sorts before istio-sidecar-injector and istio-revision-tag-*.",
      ),
    );
  }
  return { patch: merged.patch, findings };
}

function podFacts(pod: KubeObject, namespace: string): PodFacts {
  const spec = isRecord(pod.spec) ? pod.spec : {};
  return {
    namespace,
    labels: stringMap(pod.metadata?.labels),
    annotations: stringMap(pod.metadata?.annotations),
    hostNetwork: spec.hostNetwork === true,
  };
}

function workloadOf(facts: PodFacts, pod: KubeObject): WorkloadInfo {
  const spec = isRecord(pod.spec) ? pod.spec : {};
  return {
    namespace: facts.namespace,
    ref: `Pod/${pod.metadata?.name ?? ''}`,
    labels: facts.labels,
    annotations: facts.annotations,
    serviceAccount: typeof spec.serviceAccountName === 'string' ? spec.serviceAccountName : 'default',
    sidecar: true,
    containerPorts: [],
    pods: 1,
  };
}

/** istio-proxy is a container, or with native sidecars an init container. */
function hasIstioProxy(pod: KubeObject): boolean {
  const spec = isRecord(pod.spec) ? pod.spec : {};
  return [spec.containers, spec.initContainers].some(
    (list) => Array.isArray(list) && list.some((c: unknown) => isRecord(c) && c.name === 'istio-proxy'),
  );
}

function stringMap(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

function originsOf(volumes: readonly PlannedVolume[]): string {
  return [...new Set(volumes.flatMap((v) => v.origins))].join(', ');
}

function warn(path: string, message: string): Finding {
  return { rule: MG501, severity: 'warn', path, message };
}
