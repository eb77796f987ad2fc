import type { EffectiveMtls, PolicyObject, WorkloadInfo } from '../cluster/model.js';
import type { ClusterView } from '../cluster/view.js';
import { actionOf, type AuthorizationRule, type PolicyAction } from '../istio/authz.js';
import { peerIdentityConditions, type IdentityCondition } from '../istio/identity-conditions.js';
import { rulePorts } from '../istio/rule-ports.js';
import { appliesToWorkload, isMeshWide, reviewedPolicy, sidecarsInScope } from '../istio/scope.js';
import { receivingPorts } from '../istio/workload-ports.js';
import { NAMES_SHOWN, countedNameList, nameList, objectName, portModeText, workloadPortName } from './describe.js';
import { modeField, mtlsChangesIf, peerAuthenticationReview, type LevelChange, type MtlsChange, type PeerAuthenticationReview } from './mtls-changes.js';
import { defineRule, type Finding, type RuleContext, type Subject } from './types.js';

/**
 * Conditions on the peer's mTLS identity never match a plaintext request. Judged both ways: when the
 * AuthorizationPolicy arrives on workloads that accept plaintext, and when a PeerAuthentication change
 * or deletion moves a port those conditions guard from STRICT to PERMISSIVE or DISABLE.
 */
export const mg106 = defineRule({
  id: 'MG106',
  kinds: ['AuthorizationPolicy', 'PeerAuthentication'],
  severity: 'by action',
  summary:
    'Conditions on the peer identity (principals, namespaces, serviceAccounts) where the workload accepts plaintext: plaintext bypasses a DENY, an ALLOW locks it out (judged on the AuthorizationPolicy and on PeerAuthentication changes that leave STRICT; a DELETE is warned).',
  needsCluster: true,
  operations: ['CREATE', 'UPDATE', 'DELETE'],
  check(subject, context) {
    if (subject.kind === 'PeerAuthentication') return peerAuthenticationSide(subject as Subject<'PeerAuthentication'>, context);
    return subject.operation === 'DELETE' ? [] : authorizationPolicySide(subject as Subject<'AuthorizationPolicy'>, context);
  },
});

interface IdentityRule {
  rule: AuthorizationRule;
  conditions: IdentityCondition[];
}

/** The rules whose identity conditions plaintext defeats: every one in an ALLOW; the positive ones elsewhere (`notPrincipals: ["*"]` in a DENY is how plaintext is refused). */
function identityRules(policy: PolicyObject<'AuthorizationPolicy'>, action: PolicyAction): IdentityRule[] {
  return (policy.spec.rules ?? []).flatMap((rule, r) => {
    const conditions = peerIdentityConditions(rule, `spec.rules[${r}]`).filter((c) => action === 'ALLOW' || !c.negated);
    return conditions.length > 0 ? [{ rule, conditions }] : [];
  });
}

function authorizationPolicySide({ object, namespace }: Subject<'AuthorizationPolicy'>, { view, rootNamespace }: RuleContext): Finding[] {
  const policy = reviewedPolicy('AuthorizationPolicy', object, namespace);
  const action = actionOf(policy.spec);
  return identityRules(policy, action).flatMap(({ rule, conditions }) => {
    const ports = rulePorts(rule);
    const servers = isMeshWide(policy, rootNamespace) && !ports ? meshPlaintextServers(view) : plaintextServers(view, sidecarsInScope(view, policy, rootNamespace), ports);
    return servers ? conditions.map((condition) => finding(condition, action, servers)) : [];
  });
}

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

/** One identity condition of one AuthorizationPolicy that a PeerAuthentication change defeats, with the ports it opens. */
interface Defeated {
  path: string;
  policy: PolicyObject<'AuthorizationPolicy'>;
  action: PolicyAction;
  condition: IdentityCondition;
  servers: string[];
  modes: Set<string>;
}

/**
 * The PeerAuthentication side, looked up from the AuthorizationPolicies that can guard the workloads
 * the change applies to (those of their namespaces and of the root namespace), never from the
 * workloads of the whole cluster.
 */
function peerAuthenticationSide(subject: Subject<'PeerAuthentication'>, { view, rootNamespace }: RuleContext): Finding[] {
  const review = peerAuthenticationReview(subject, view, rootNamespace);
  const changed = new Map<WorkloadInfo, Map<number, MtlsChange>>();
  const leavesStrict = (level: LevelChange) => level.before.mode === 'STRICT' && level.after.mode !== 'STRICT';
  for (const change of mtlsChangesIf(review, leavesStrict)) changed.set(change.workload, (changed.get(change.workload) ?? new Map<number, MtlsChange>()).set(change.port, change));
  const defeated = new Map<string, Defeated>();
  const record = (policy: PolicyObject<'AuthorizationPolicy'>, action: PolicyAction, condition: IdentityCondition, change: MtlsChange) => {
    const path = modeField(change, review, subject.operation);
    const key = `${path} ${objectName(policy)} ${condition.path}`;
    const entry = defeated.get(key) ?? { path, policy, action, condition, servers: [], modes: new Set<string>() };
    entry.servers.push(workloadPortName(change.workload, change.port));
    entry.modes.add(change.after.mode);
    defeated.set(key, entry);
  };
  for (const { policy, action, rules, workloads } of guardingPolicies(review, candidates(review, changed, subject))) {
    for (const workload of workloads) {
      for (const { rule, conditions } of rules) {
        for (const change of leavingStrict(review, workload, rulePorts(rule), changed.get(workload))) {
          for (const condition of conditions) record(policy, action, condition, change);
        }
      }
    }
  }
  return [...defeated.values()].map((entry) => defeatedFinding(entry, subject.operation === 'DELETE'));
}

interface GuardingPolicy {
  policy: PolicyObject<'AuthorizationPolicy'>;
  action: PolicyAction;
  rules: IdentityRule[];
  workloads: WorkloadInfo[];
}

/**
 * The workloads where the change takes some port out of STRICT. Ports no one declares are seen only
 * through an AuthorizationPolicy rule that lists them, and only a portLevelMtls entry of the reviewed
 * policy moves such a port alone: then every workload it applies to is a candidate.
 */
function candidates(review: PeerAuthenticationReview, changed: Map<WorkloadInfo, Map<number, MtlsChange>>, { object, oldObject }: Subject<'PeerAuthentication'>): readonly WorkloadInfo[] {
  if (object.spec?.portLevelMtls || oldObject?.spec?.portLevelMtls) return review.workloads;
  return [...changed].filter(([, ports]) => [...ports.values()].some((c) => c.before.mode === 'STRICT' && c.after.mode !== 'STRICT')).map(([workload]) => workload);
}

/** The AuthorizationPolicies with identity conditions that apply to some of `workloads`, each with those workloads. */
function guardingPolicies(review: PeerAuthenticationReview, workloads: readonly WorkloadInfo[]): GuardingPolicy[] {
  if (workloads.length === 0) return [];
  const byNamespace = new Map<string, WorkloadInfo[]>();
  for (const workload of workloads) {
    const list = byNamespace.get(workload.namespace) ?? [];
    byNamespace.set(workload.namespace, list);
    list.push(workload);
  }
  const found: GuardingPolicy[] = [];
  for (const namespace of new Set([review.rootNamespace, ...byNamespace.keys()])) {
    const inNamespace = namespace === review.rootNamespace ? workloads : byNamespace.get(namespace) ?? [];
    for (const policy of review.after.policies('AuthorizationPolicy', namespace)) {
      const action = actionOf(policy.spec);
      const rules = identityRules(policy, action);
      const applied = rules.length > 0 ? inNamespace.filter((w) => appliesToWorkload(policy, w)) : [];
      if (applied.length > 0) found.push({ policy, action, rules, workloads: applied });
    }
  }
  return found;
}

/** The ports of a workload that the change takes out of STRICT: those a rule names (declared or not), else every changed port. */
function leavingStrict(review: PeerAuthenticationReview, workload: WorkloadInfo, limitedTo: number[] | undefined, changed: Map<number, MtlsChange> | undefined): MtlsChange[] {
  const changes = limitedTo
    ? limitedTo.map((port) => changed?.get(port) ?? { workload, port, before: review.before.effectiveMtls(workload, port), after: review.after.effectiveMtls(workload, port) })
    : [...(changed?.values() ?? [])];
  return changes.filter((change) => change.before.mode === 'STRICT' && change.after.mode !== 'STRICT');
}

function defeatedFinding({ path, policy, action, condition, servers, modes }: Defeated, deleting: boolean): Finding {
  const name = `${action} policy ${policy.namespace}/${policy.name}`;
  const { consequence, fix } =
    action === 'ALLOW'
      ? condition.negated
        ? { consequence: `plaintext requests always pass that exclusion, so ${name} now allows them whoever sends them`, fix: 'Keep STRICT here so every caller presents an identity.' }
        : { consequence: `plaintext requests never match that rule, so ${name} now locks plaintext callers out`, fix: 'Keep STRICT here until every caller has a sidecar, or first allow the plaintext callers by ipBlocks.' }
      : {
          consequence: `plaintext now bypasses ${name}: a caller without a sidecar is never matched by it (a security hole)`,
          fix: 'Keep STRICT here, or first make that policy also deny plaintext with a DENY rule on from: [{source: {notPrincipals: ["*"]}}].',
        };
  return {
    rule: 'MG106',
    severity: deleting || action === 'ALLOW' ? 'warn' : 'deny',
    path,
    message:
      `${deleting ? 'deleting this PeerAuthentication makes' : 'this PeerAuthentication makes'} ${nameList(servers)} accept plaintext ` +
      `(${[...modes].join(', ')}), but ${condition.field} in ${objectName(policy)} (${condition.path}) matches the peer's mTLS identity, and a ` +
      `plaintext request carries no identity: ${consequence}. ${fix}`,
  };
}
