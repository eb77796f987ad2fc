import type { EffectiveMtls, WorkloadInfo } from '../cluster/model.js';
import type { ClusterView } from '../cluster/view.js';
import { actionOf, type PolicyAction } from '../istio/authz.js';
import { peerIdentityConditions, type IdentityCondition } from '../istio/identity-conditions.js';
import { rulePorts } from '../istio/rule-ports.js';
import { reviewedPolicy, workloadsInScope } from '../istio/scope.js';
import { receivingPorts } from '../istio/workload-ports.js';
import { nameList, portModeText } from './describe.js';
import { defineRule, type Finding } from './types.js';

export const mg106 = defineRule({
  id: 'MG106',
  kinds: ['AuthorizationPolicy'],
  severity: 'by action',
  summary: 'Conditions on the peer identity (principals, namespaces, serviceAccounts) where the workload accepts plaintext: plaintext bypasses a DENY, an ALLOW locks it out.',
  needsCluster: true,
  check({ object, namespace }, { view, rootNamespace }) {
    const policy = reviewedPolicy('AuthorizationPolicy', object, namespace);
    const action = actionOf(policy.spec);
    const workloads = workloadsInScope(view, policy, rootNamespace).filter((w) => w.sidecar);
    const findings: Finding[] = [];
    (policy.spec.rules ?? []).forEach((rule, r) => {
      const conditions = peerIdentityConditions(rule, `spec.rules[${r}]`).filter((c) => action === 'ALLOW' || !c.negated);
      if (conditions.length === 0) return;
      const plaintext = plaintextPorts(view, workloads, rulePorts(rule));
      if (plaintext.length === 0) return;
      const servers = nameList(plaintext.map((p) => portModeText(p.workload, p.port, p.mtls)));
      for (const condition of conditions) findings.push(finding(condition, action, servers));
    });
    return findings;
  },
});

interface PlaintextPort {
  workload: WorkloadInfo;
  port: number;
  mtls: EffectiveMtls;
}

/** The ports in scope whose effective mode accepts plaintext (PERMISSIVE or DISABLE). Port 0: the workload level, when no port is known. */
function plaintextPorts(view: ClusterView, workloads: readonly WorkloadInfo[], limitedTo: number[] | undefined): PlaintextPort[] {
  const found: PlaintextPort[] = [];
  for (const workload of workloads) {
    const known = limitedTo ?? receivingPorts(view, workload);
    for (const port of known.length > 0 ? known : [0]) {
      const mtls = view.effectiveMtls(workload, port);
      if (mtls.mode !== 'STRICT') found.push({ workload, port, mtls });
    }
  }
  return found;
}

function finding(condition: IdentityCondition, action: PolicyAction, servers: string): Finding {
  const { consequence, fix } =
    action === 'ALLOW'
      ? condition.negated
        ? { consequence: 'plaintext requests always pass this exclusion and are allowed, whoever sends them', fix: 'Set PeerAuthentication mode STRICT for these workloads so every caller presents an identity.' }
        : { consequence: 'plaintext requests never match this rule and are denied', fix: 'Set PeerAuthentication mode STRICT once every caller has a sidecar, or allow the plaintext callers by ipBlocks.' }
      : {
          consequence: `plaintext requests never match this rule and bypass the ${action} policy: a caller without a sidecar gets through (a security hole)`,
          fix: 'Set PeerAuthentication mode STRICT for these workloads, or also deny plaintext with a DENY rule on from: [{source: {notPrincipals: ["*"]}}].',
        };
  return {
    rule: 'MG106',
    severity: action === 'ALLOW' ? 'warn' : 'deny',
    path: condition.path,
    message:
      `${condition.field} matches the peer's mTLS identity, but ${servers}, and a plaintext request carries no identity: ${consequence}. ${fix}`,
  };
}
