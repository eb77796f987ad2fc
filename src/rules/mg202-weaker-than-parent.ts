import type { EffectiveMtls, PolicyObject } from '../cluster/model.js';
import { decided, namespaceLevelMtls } from '../cluster/mtls.js';
import { policySelector } from '../cluster/policy-order.js';
import type { ClusterView } from '../cluster/view.js';
import { pendingChange, reviewedPolicy } from '../istio/scope.js';
import { selectorText, sidecarTerminatingTls } from '../istio/sidecar-tls.js';
import { mtlsText } from './describe.js';
import { defineRule, type Finding } from './types.js';

/**
 * Each PeerAuthentication level overrides the one above it (mesh ▶ namespace ▶ workload ▶ port), so a
 * PERMISSIVE or DISABLE below a STRICT opens plaintext where the parent policy refused it. That is how
 * a migration is done, so it is admitted with a warning. Below a PERMISSIVE parent, DISABLE accepts no
 * plaintext that was refused before: not reported.
 */
export const mg202 = defineRule({
  id: 'MG202',
  kinds: ['PeerAuthentication'],
  severity: 'warn',
  summary:
    'PeerAuthentication that accepts plaintext below a STRICT parent (mesh ▶ namespace ▶ workload ▶ port): admitted as a migration override, naming the parent policy; a port-level DISABLE paired with Sidecar ingress TLS is not reported.',
  needsCluster: true,
  check({ object, namespace, operation }, { view, rootNamespace }) {
    const policy = reviewedPolicy('PeerAuthentication', object, namespace);
    // The mesh-wide policy has no parent (MG201 judges it); a selector in the root namespace is ignored (MG205).
    if (policy.namespace === rootNamespace) return [];
    const after = view.withChange(pendingChange(policy, operation));
    const selector = policySelector(policy);
    const ownMode = policy.spec.mtls?.mode;
    if (!selector) {
      const parent = namespaceLevelMtls(after, rootNamespace, rootNamespace);
      return weakened(ownMode, parent) ? [finding('spec.mtls.mode', ownMode, parent, `every workload in namespace ${policy.namespace}`)] : [];
    }
    const selected = `the workloads it selects in ${policy.namespace} (${selectorText(selector)})`;
    const parent = namespaceLevelMtls(after, rootNamespace, policy.namespace);
    const findings: Finding[] = [];
    if (weakened(ownMode, parent)) findings.push(finding('spec.mtls.mode', ownMode, parent, selected));
    const workloadLevel = decided(parent, policy, policy.spec.mtls, 'workload');
    for (const [key, setting] of Object.entries(policy.spec.portLevelMtls ?? {})) {
      const mode = setting?.mode;
      if (!weakened(mode, workloadLevel)) continue;
      if (mode === 'DISABLE' && pairedWithSidecarTls(after, policy, Number(key), rootNamespace)) continue;
      findings.push(finding(`spec.portLevelMtls[${JSON.stringify(key)}].mode`, mode, workloadLevel, `port ${key} of ${selected}`));
    }
    return findings;
  },
});

function weakened(mode: string | undefined, parent: EffectiveMtls): mode is 'PERMISSIVE' | 'DISABLE' {
  return parent.mode === 'STRICT' && (mode === 'PERMISSIVE' || mode === 'DISABLE');
}

/**
 * The documented way to let the sidecar terminate TLS itself: a port-level DISABLE under a Sidecar
 * ingress tls listener on that port, for every selected workload that has a sidecar.
 */
function pairedWithSidecarTls(view: ClusterView, policy: PolicyObject<'PeerAuthentication'>, port: number, rootNamespace: string): boolean {
  const meshed = view.workloads(policy.namespace, policySelector(policy)).filter((w) => w.sidecar);
  return meshed.length > 0 && meshed.every((workload) => sidecarTerminatingTls(view, workload, port, rootNamespace));
}

const CONSEQUENCES: Readonly<Record<'PERMISSIVE' | 'DISABLE', string>> = {
  PERMISSIVE:
    'plaintext is accepted there next to mutual TLS, so a caller without a sidecar gets in unauthenticated and unencrypted, and ' +
    'AuthorizationPolicy conditions on the peer identity (principals, namespaces) never match it.',
  DISABLE:
    'only plaintext is accepted there, so that traffic is neither encrypted nor authenticated, and AuthorizationPolicy conditions on ' +
    'the peer identity (principals, namespaces) never match it.',
};

function finding(path: string, mode: 'PERMISSIVE' | 'DISABLE', parent: EffectiveMtls, scope: string): Finding {
  const sidecarTls = path.startsWith('spec.portLevelMtls') && mode === 'DISABLE'
    ? ' If the sidecar is meant to terminate TLS on this port itself, pair it with a Sidecar ingress listener with tls on that port.'
    : '';
  return {
    rule: 'MG202',
    severity: 'warn',
    path,
    message:
      `${mode} overrides the parent mode ${mtlsText(parent)} for ${scope}: ${CONSEQUENCES[mode]} Admitted as a migration override: ` +
      `set STRICT, or remove this mode to inherit the parent's, once every caller has a sidecar.${sidecarTls}`,
  };
}
