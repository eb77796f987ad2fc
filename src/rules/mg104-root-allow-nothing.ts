import type { ClusterView } from '../cluster/view.js';
import { actionOf, hasTargetRefs } from '../istio/authz.js';
import { hasSelector } from '../istio/selector.js';
import { defineRule } from './types.js';

const NAMES_SHOWN = 5;

export const mg104 = defineRule({
  id: 'MG104',
  kinds: ['AuthorizationPolicy'],
  severity: 'warn',
  summary: 'allow-nothing (ALLOW without rules) in the root namespace: every workload is denied until ALLOW policies exist.',
  needsCluster: false,
  check({ object, namespace }, { view, rootNamespace }) {
    const spec = object.spec;
    if (namespace !== rootNamespace || actionOf(spec) !== 'ALLOW' || (spec?.rules ?? []).length > 0) return [];
    if (hasSelector(spec) || hasTargetRefs(spec)) return [];
    return [
      {
        rule: 'MG104',
        severity: 'warn',
        path: 'spec',
        message:
          `ALLOW policy without rules (allow-nothing) in the root namespace ${rootNamespace} applies to every workload in the mesh: ` +
          `every request to a sidecar is denied unless another ALLOW policy matches it.${unprotectedNamespaces(view, rootNamespace)} ` +
          `Apply the ALLOW policies each namespace needs before this one, or start with allow-nothing in the namespaces that are ready.`,
      },
    ];
  },
});

/** With cluster state: which namespaces with sidecars have no ALLOW policy with rules of their own. */
function unprotectedNamespaces(view: ClusterView, rootNamespace: string): string {
  if (!view.synced) return '';
  const meshed: string[] = [];
  const without: string[] = [];
  for (const ns of view.namespaces()) {
    if (ns.name === rootNamespace || view.podCounts(ns.name).meshed === 0) continue;
    meshed.push(ns.name);
    const allows = view.policies('AuthorizationPolicy', ns.name).some((p) => actionOf(p.spec) === 'ALLOW' && (p.spec.rules ?? []).length > 0);
    if (!allows) without.push(ns.name);
  }
  if (without.length === 0) return ` Every one of the ${meshed.length} namespaces with sidecars has an ALLOW policy of its own.`;
  const shown = without.sort().slice(0, NAMES_SHOWN).join(', ');
  const more = without.length > NAMES_SHOWN ? `, and ${without.length - NAMES_SHOWN} more` : '';
  return ` ${without.length} of the ${meshed.length} namespaces with sidecars have no ALLOW policy of their own yet (${shown}${more}) and lose all traffic.`;
}
