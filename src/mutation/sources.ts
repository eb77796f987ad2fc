import type { PolicyObject, WorkloadInfo } from '../cluster/model.js';
import type { ClusterView } from '../cluster/view.js';
import type { DestinationRuleSpec, SidecarSpec } from '../istio/kinds.js';
import { mapSourceFiles, type MappingKind, type SourceMapping } from './mapping.js';
import type { MappingSource } from './plan.js';
import { destinationRuleTlsFiles, sidecarTlsFiles } from './tls-files.js';

type MappedObject = PolicyObject<'Sidecar'> | PolicyObject<'DestinationRule'>;

/** The files an Istio object reads and the Secrets its annotations map them to. */
export function objectMapping(kind: MappingKind, annotations: Readonly<Record<string, string>>, spec: SidecarSpec | DestinationRuleSpec | undefined): SourceMapping {
  const files = kind === 'Sidecar' ? sidecarTlsFiles(spec as SidecarSpec | undefined) : destinationRuleTlsFiles(spec as DestinationRuleSpec | undefined);
  return mapSourceFiles(kind, annotations, files);
}

/**
 * The Sidecar and DestinationRules whose certificate files a workload's sidecar reads, all from the
 * workload's own namespace (Secrets are namespaced, so a mapping can only mount Secrets of its
 * namespace). Istio gives a workload one Sidecar: the oldest whose workloadSelector matches, else
 * the namespace's Sidecar without selector. A DestinationRule applies to the workload when its
 * workloadSelector matches or it has none.
 */
export function mappingSources(view: ClusterView, workload: WorkloadInfo): MappingSource[] {
  const sidecar = view.selecting('Sidecar', workload)[0] ?? view.policies('Sidecar', workload.namespace).find((s) => !hasSelector(s));
  const rules = [
    ...view.selecting('DestinationRule', workload),
    ...view.policies('DestinationRule', workload.namespace).filter((dr) => !hasSelector(dr)),
  ];
  const sources: MappingSource[] = [];
  for (const object of [...(sidecar ? [sidecar] : []), ...rules] as MappedObject[]) {
    const { files } = objectMapping(object.kind, object.annotations, object.spec);
    if (files.length > 0) sources.push({ label: `${object.kind} ${object.namespace}/${object.name}`, files });
  }
  return sources;
}

function hasSelector(object: MappedObject): boolean {
  return Object.keys(selectorLabels(object.kind, object.spec)).length > 0;
}

/** A Sidecar's workloadSelector has `labels`, a DestinationRule's `matchLabels`. */
export function selectorLabels(kind: MappingKind, spec: SidecarSpec | DestinationRuleSpec | undefined): Record<string, string> {
  const labels = kind === 'Sidecar' ? (spec as SidecarSpec | undefined)?.workloadSelector?.labels : (spec as DestinationRuleSpec | undefined)?.workloadSelector?.matchLabels;
  return Object.fromEntries(Object.entries(labels ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'));
}
