import type { EffectiveMtls, WorkloadInfo } from '../cluster/model.js';
import type { ClusterView } from '../cluster/view.js';
import { actionOf, type PolicyAction } from '../istio/authz.js';
import { peerIdentityConditions, type IdentityCondition } from '../istio/identity-conditions.js';
import { rulePorts } from '../istio/rule-ports.js';
import { isMeshWide, reviewedPolicy, sidecarsInScope } from '../istio/scope.js';
import { receivingPorts } from '../istio/workload-ports.js';
import { NAMES_SHOWN, countedNameList, nameList, portModeText } from './describe.js';
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
    const findings: Finding[] = [];
    (policy.spec.rules ?? []).forEach((rule, r) => {
      const conditions = peerIdentityConditions(rule, `spec.rules[${r}]`).filter((c) => action === 'ALLOW' || !c.negated);
      if (conditions.length === 0) return;
      const ports = rulePorts(rule);
      const servers = isMeshWide(policy, rootNamespace) && !ports ? meshPlaintextServers(view) : plaintextServers(view, sidecarsInScope(view, policy, rootNamespace), ports);
      if (!servers) return;
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
function* plaintextPorts(view: ClusterView, workloads: Iterable<WorkloadInfo>, limitedTo: readonly number[] | undefined): Iterable<PlaintextPort> {
  for (const workload of workloads) {
    const known = limitedTo ?? receivingPorts(view, workload);
    for (const port of known.length > 0 ? known : [0]) {
      const mtls = view.effectiveMtls(workload, port);
      if (mtls.mode !== 'STRICT') yield { workload, port, mtls };
    }
  }
}

/** `Deployment/httpbin in foo (port 8080) is PERMISSIVE (...)` for up to three plaintext ports, or undefined when there is none. */
function plaintextServers(view: ClusterView, workloads: Iterable<WorkloadInfo>, limitedTo: readonly number[] | undefined): string | undefined {
  const texts = [...plaintextPorts(view, workloads, limitedTo)].map((p) => portModeText(p.workload, p.port, p.mtls));
  return texts.length > 0 ? nameList(texts) : undefined;
}

/**
 * The same for a mesh-wide policy on every port: the store counts the plaintext ports of every
 * namespace, and only the first namespaces that have some are visited for the names.
 */
function meshPlaintextServers(view: ClusterView): string | undefined {
  const counts = view.meshCounts('plaintextPorts');
  if (counts.total === 0) return undefined;
  const texts: string[] = [];
  for (const namespace of counts.namespaces()) {
    for (const p of plaintextPorts(view, view.workloads(namespace).filter((w) => w.sidecar), undefined)) {
      texts.push(portModeText(p.workload, p.port, p.mtls));
      if (texts.length === NAMES_SHOWN) return countedNameList(texts, counts.total);
    }
  }
  return countedNameList(texts, counts.total);
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
