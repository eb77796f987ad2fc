import { actionOf } from '../istio/authz.js';
import { valueSites } from '../istio/authz-values.js';
import { reviewedPolicy, sidecarsInScope } from '../istio/scope.js';
import { misusedPortText, servicePortInsteadOfContainerPort } from '../istio/workload-ports.js';
import { neverMatchConsequence, neverMatchSeverity } from './by-action.js';
import { defineRule, type Finding } from './types.js';

/** Istio matches `ports` and `destination.port` against the port the sidecar receives on: the container port. */
export const mg112 = defineRule({
  id: 'MG112',
  kinds: ['AuthorizationPolicy'],
  severity: 'by action',
  summary: 'ports or destination.port naming a Service port that forwards to another container port: never matches.',
  needsCluster: true,
  check({ object, namespace }, { view, rootNamespace }) {
    const policy = reviewedPolicy('AuthorizationPolicy', object, namespace);
    const action = actionOf(policy.spec);
    const sites = valueSites(policy.spec, { operation: ['ports', 'notPorts'], whenKey: 'destination.port' }).filter((s) => /^\d+$/.test(s.value));
    if (sites.length === 0) return [];
    return sites.flatMap((site): Finding[] => {
      const misused = servicePortInsteadOfContainerPort(view, sidecarsInScope(view, policy, rootNamespace), Number(site.value));
      if (!misused) return [];
      return [
        {
          rule: 'MG112',
          severity: neverMatchSeverity(action, site.negated),
          path: site.path,
          message:
            `${misusedPortText(misused)}, and AuthorizationPolicy ports are the container ports the sidecar receives on, so this value ` +
            `never matches: ${neverMatchConsequence(action, site.negated)}. Write "${misused.containerPort}" instead.`,
        },
      ];
    });
  },
});
