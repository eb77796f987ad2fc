import { posix } from 'node:path';
import type { WorkloadInfo } from '../cluster/model.js';
import type { ClusterView } from '../cluster/view.js';
import type { DestinationRuleSpec, SidecarSpec } from '../istio/kinds.js';
import type { KubeObject } from '../k8s/types.js';
import type { Finding } from '../rules/types.js';
import { certSecretAnnotation, DEFAULT_KEYS, MAPPING, normalizeDir, podMounts, type MappingKind } from './mapping.js';
import { objectMapping, selectorLabels } from './sources.js';
import type { TlsFile } from './tls-files.js';
import { readUserEntries, USER_VOLUME_MOUNT } from './user-volumes.js';

interface Checked {
  rule: string;
  kind: MappingKind;
  namespace: string;
  object: KubeObject<SidecarSpec | DestinationRuleSpec>;
  view: ClusterView;
}

/**
 * MG403 (Sidecar) and MG304 (DestinationRule): certificate files that no mapping mounts into
 * istio-proxy, mapping annotations that cannot be used, and (with cluster state) selected pods that
 * were created before the mapping and so lack the mounts until they are restarted.
 */
export function mountFindings({ rule, kind, namespace, object, view }: Checked): Finding[] {
  const annotations = object.metadata?.annotations ?? {};
  const mapping = objectMapping(kind, annotations, object.spec);
  const findings: Finding[] = mapping.problems.map((p) => ({
    rule,
    severity: 'warn',
    path: p.path,
    message: `${p.message}, so meshguard cannot mount this certificate file into istio-proxy. Fix the value (see the meshguard README, TLS volumes).`,
  }));
  const workloads = view.synced ? selectedWorkloads(kind, namespace, object.spec, view).filter((w) => w.sidecar) : [];
  const consequence = kind === 'Sidecar' ? 'the TLS listener cannot load it and that port accepts no TLS connections' : 'the sidecar cannot originate TLS with it and those requests fail';

  for (const file of mapping.unmapped) {
    const dir = normalizeDir(posix.dirname(file.file));
    if (workloads.length > 0 && workloads.every((w) => mountedDirs(w).has(dir))) continue;
    findings.push({
      rule,
      severity: 'warn',
      path: file.fieldPath,
      message:
        `istio-proxy reads ${file.file}, but no TLS volume mapping mounts it: the ${kind} has no ${roleAnnotation(kind, file)} and the pods it applies to ` +
        `do not mount ${dir}, so ${consequence}. Add ${roleAnnotation(kind, file)}: <Secret with key ${DEFAULT_KEYS[file.role]}> to this ${kind} ` +
        `(meshguard then mounts it into every pod it applies to), or ${MAPPING.podMounts}: <secret>=${dir} to the pod template.`,
    });
  }

  const dirs = [...new Set(mapping.files.map((f) => f.dir))];
  const stale = workloads.filter((w) => dirs.some((dir) => !mountedDirs(w).has(dir)));
  if (stale.length > 0) {
    const pods = stale.reduce((sum, w) => sum + w.pods, 0);
    findings.push({
      rule,
      severity: 'warn',
      path: `metadata.annotations.${certSecretAnnotation(kind)}`,
      message:
        `${pods} running pod(s) this ${kind} applies to (${stale.map((w) => w.ref).slice(0, 5).join(', ')}) were created without the certificate volumes ` +
        `for ${dirs.join(', ')}: meshguard adds volumes only when a pod is created, so their sidecars cannot read the files. ` +
        'Restart them (kubectl rollout restart) once the Secrets exist.',
    });
  }
  return findings;
}

function roleAnnotation(kind: MappingKind, file: TlsFile): string {
  return file.role === 'cert' || file.role === 'key' ? certSecretAnnotation(kind) : MAPPING.caSecret;
}

/** The pods whose sidecars read this object's files: its selector's, or for none the namespace's. */
function selectedWorkloads(kind: MappingKind, namespace: string, spec: SidecarSpec | DestinationRuleSpec | undefined, view: ClusterView): readonly WorkloadInfo[] {
  const selector = selectorLabels(kind, spec);
  if (Object.keys(selector).length > 0) return view.workloads(namespace, selector);
  const all = view.workloads(namespace);
  // A Sidecar without selector applies only to workloads that no Sidecar selects.
  return kind === 'Sidecar' ? all.filter((w) => view.selecting('Sidecar', w).length === 0) : all;
}

/** Directories a pod already mounts into istio-proxy: its own meshguard mapping or its userVolumeMount. */
function mountedDirs(workload: WorkloadInfo): Set<string> {
  const dirs = new Set(podMounts(workload.annotations, []).map((m) => m.dir));
  try {
    for (const [, mount] of readUserEntries(workload.annotations, USER_VOLUME_MOUNT).written) {
      if (typeof mount.mountPath === 'string') dirs.add(normalizeDir(mount.mountPath));
    }
  } catch {
    // A malformed annotation mounts nothing; the pod's own mutation warned about it.
  }
  return dirs;
}
