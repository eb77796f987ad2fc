import { reviewedPolicy, workloadsInScope } from '../istio/scope.js';
import { mapKeyPath } from '../istio/structure.js';
import { misusedPortText, servicePortInsteadOfContainerPort } from '../istio/workload-ports.js';
import { defineRule, type Finding } from './types.js';

/** Istio matches portLevelMtls keys against the inbound (container) port of the workload, never the Service port. */
export const mg208 = defineRule({
  id: 'MG208',
  kinds: ['PeerAuthentication'],
  severity: 'by mode',
  summary: 'portLevelMtls key that is a Service port forwarding to another container port: never applies (STRICT: deny; DISABLE, PERMISSIVE: warn).',
  needsCluster: true,
  check({ object, namespace }, { view, rootNamespace }) {
    const policy = reviewedPolicy('PeerAuthentication', object, namespace);
    const entries = Object.entries(policy.spec.portLevelMtls ?? {});
    if (entries.length === 0) return [];
    const workloads = workloadsInScope(view, policy, rootNamespace);
    const after = view.withChange({ type: 'upsert', object: policy });
    return entries.flatMap(([key, entry]): Finding[] => {
      const mode = entry?.mode;
      if (!/^\d+$/.test(key) || mode === undefined || mode === 'UNSET') return [];
      const misused = servicePortInsteadOfContainerPort(view, workloads, Number(key));
      if (!misused) return [];
      const kept = after.effectiveMtls(misused.workload, misused.containerPort).mode;
      const consequence =
        mode === 'STRICT'
          ? `the STRICT is never enforced and container port ${misused.containerPort} stays ${kept}`
          : `the ${mode} never applies and container port ${misused.containerPort} stays ${kept}`;
      return [
        {
          rule: 'MG208',
          severity: mode === 'STRICT' ? 'deny' : 'warn',
          path: mapKeyPath('spec.portLevelMtls', key),
          message:
            `${misusedPortText(misused)}, and Istio keys portLevelMtls by the workload's container port, so this entry silently never ` +
            `applies: ${consequence}. Key the entry by "${misused.containerPort}".`,
        },
      ];
    });
  },
});
