import { effectiveDestinationRules, destinationRuleHost, orderDestinationRules } from './destination-rules.js';
import { exportedTo, hostMatches, parseServiceFqdn, patternsMatching, resolveHost, serviceFqdn } from './hosts.js';
import { matchesOnJwt } from '../istio/identity-conditions.js';
import { LabelIndex, SelectorIndex, isEmptySelector } from './label-index.js';
import { MeshTally, contributionOf, type MeshCount } from './mesh-tally.js';
import type { EffectiveMtls, Labels, NamespaceInfo, PolicyObject, ServiceInfo, WorkloadInfo } from './model.js';
import { composeEffectiveMtls, namespaceLevelMtls } from './mtls.js';
import { NamespaceCounter, type NamespaceCounts } from './namespace-counter.js';
import { OverlayView } from './overlay.js';
import { comparePolicies, insertOrdered, policySelector } from './policy-order.js';
import type { ClusterView, IstioKind, PendingChange } from './view.js';
import { workloadFacts, type FactSources, type WorkloadFacts } from './workload-facts.js';
import { getOrCreate } from '../util/get-or-create.js';

interface NamespaceWorkloads {
  byRef: Map<string, WorkloadInfo>;
  index: LabelIndex<WorkloadInfo>;
  meshed: number;
  unmeshed: number;
}

interface NamespaceServices {
  byName: Map<string, ServiceInfo>;
  selectors: SelectorIndex<ServiceInfo>;
}

interface NamespacePolicies<K extends IstioKind = IstioKind> {
  ordered: Array<PolicyObject<K>>;
  selectors: SelectorIndex<PolicyObject<K>>;
}

type DestinationRule = PolicyObject<'DestinationRule'>;

/**
 * The indexed, mutable cluster state behind both views: the manifest view fills it once, the live view
 * applies informer events to it. Every query is a map lookup plus work proportional to its answer.
 * Each update also refreshes what it can change of the derived state: the facts of the workloads it
 * reaches (their ports, PeerAuthentications and Sidecar TLS ports) and their share of the mesh-wide
 * counts (a mesh-wide PeerAuthentication or Sidecar refreshes every workload; they change rarely).
 */
export class ClusterStore implements ClusterView {
  private readonly namespaceInfos = new Map<string, NamespaceInfo>();
  private readonly serviceAccounts = new Set<string>();
  private readonly workloadsByNamespace = new Map<string, NamespaceWorkloads>();
  private readonly servicesByNamespace = new Map<string, NamespaceServices>();
  private readonly policiesByKind = new Map<IstioKind, Map<string, NamespacePolicies>>();
  /** DestinationRules by resolved host (an FQDN or a `*` pattern). */
  private readonly rulesByHost = new Map<string, Set<DestinationRule>>();
  /** istiod Deployments in the root namespace and their ENABLE_TLS_ON_SIDECAR_INGRESS. */
  private readonly istiods = new Map<string, boolean | undefined>();
  private readonly facts = new Map<WorkloadInfo, WorkloadFacts>();
  private readonly tally = new MeshTally();
  private readonly jwtPolicies = new NamespaceCounter();
  /** `namespaceLevelMtls` per namespace, forgotten whenever a PeerAuthentication changes. */
  private readonly namespaceModes = new Map<string, EffectiveMtls>();
  /** The facts are derived from the indexes themselves, never from earlier facts. */
  private readonly factSources: FactSources = {
    servicesSelecting: (workload) => this.servicesSelecting(workload),
    selecting: (kind, workload) => this.indexedSelecting(kind, workload),
    policies: (kind, namespace) => this.policies(kind, namespace),
  };

  constructor(
    readonly rootNamespace: string,
    private readonly isSynced: () => boolean,
  ) {}

  get synced(): boolean {
    return this.isSynced();
  }

  // ---- updates ----

  setNamespace(info: NamespaceInfo): void {
    this.namespaceInfos.set(info.name, info);
  }

  deleteNamespace(name: string): void {
    this.namespaceInfos.delete(name);
  }

  setServiceAccount(namespace: string, name: string, present: boolean): void {
    if (present) this.serviceAccounts.add(`${namespace}/${name}`);
    else this.serviceAccounts.delete(`${namespace}/${name}`);
  }

  setWorkload(workload: WorkloadInfo): void {
    this.deleteWorkload(workload.namespace, workload.ref);
    const entry = getOrCreate(this.workloadsByNamespace, workload.namespace, () => ({ byRef: new Map(), index: new LabelIndex(), meshed: 0, unmeshed: 0 }));
    entry.byRef.set(workload.ref, workload);
    entry.index.add(workload);
    if (workload.sidecar) entry.meshed += workload.pods;
    else entry.unmeshed += workload.pods;
    this.refresh(workload);
  }

  deleteWorkload(namespace: string, ref: string): void {
    const entry = this.workloadsByNamespace.get(namespace);
    const old = entry?.byRef.get(ref);
    if (!entry || !old) return;
    entry.byRef.delete(ref);
    entry.index.remove(old);
    if (old.sidecar) entry.meshed -= old.pods;
    else entry.unmeshed -= old.pods;
    if (entry.byRef.size === 0) this.workloadsByNamespace.delete(namespace);
    this.facts.delete(old);
    this.tally.delete(old);
  }

  setService(service: ServiceInfo): void {
    this.deleteService(service.namespace, service.name);
    const entry = getOrCreate(this.servicesByNamespace, service.namespace, () => ({ byName: new Map(), selectors: new SelectorIndex() }));
    entry.byName.set(service.name, service);
    entry.selectors.add(service, service.selector);
    this.refreshSelected(service.namespace, service.selector);
  }

  deleteService(namespace: string, name: string): void {
    const entry = this.servicesByNamespace.get(namespace);
    const old = entry?.byName.get(name);
    if (!entry || !old) return;
    entry.byName.delete(name);
    entry.selectors.remove(old, old.selector);
    if (entry.byName.size === 0) this.servicesByNamespace.delete(namespace);
    this.refreshSelected(namespace, old.selector);
  }

  setPolicy(policy: PolicyObject<IstioKind>): void {
    this.deletePolicy(policy.kind, policy.namespace, policy.name);
    const byNamespace = getOrCreate(this.policiesByKind, policy.kind, () => new Map());
    const entry = getOrCreate(byNamespace, policy.namespace, () => ({ ordered: [], selectors: new SelectorIndex() }));
    insertOrdered(entry.ordered, policy);
    entry.selectors.add(policy, policySelector(policy));
    if (policy.kind === 'DestinationRule') getOrCreate(this.rulesByHost, destinationRuleHost(policy as DestinationRule), () => new Set()).add(policy as DestinationRule);
    this.countJwtPolicy(policy, 1);
    if (policy.kind === 'PeerAuthentication') this.namespaceModes.clear();
    this.refreshReachedBy(policy);
  }

  deletePolicy(kind: IstioKind, namespace: string, name: string): void {
    const byNamespace = this.policiesByKind.get(kind);
    const entry = byNamespace?.get(namespace);
    const index = entry?.ordered.findIndex((p) => p.name === name) ?? -1;
    if (!byNamespace || !entry || index < 0) return;
    const [old] = entry.ordered.splice(index, 1) as [PolicyObject<IstioKind>];
    entry.selectors.remove(old, policySelector(old));
    if (entry.ordered.length === 0) byNamespace.delete(namespace);
    if (kind === 'DestinationRule') {
      const host = destinationRuleHost(old as DestinationRule);
      const rules = this.rulesByHost.get(host);
      rules?.delete(old as DestinationRule);
      if (rules?.size === 0) this.rulesByHost.delete(host);
    }
    this.countJwtPolicy(old, -1);
    if (kind === 'PeerAuthentication') this.namespaceModes.clear();
    this.refreshReachedBy(old);
  }

  setIstiod(name: string, tlsOnSidecarIngress: boolean | undefined): void {
    this.istiods.set(name, tlsOnSidecarIngress);
  }

  deleteIstiod(name: string): void {
    this.istiods.delete(name);
  }

  // ---- derived state ----

  private refresh(workload: WorkloadInfo): void {
    this.facts.set(workload, workloadFacts(this.factSources, this.rootNamespace, workload));
    this.tally.set(workload, contributionOf(workload, this.facts.get(workload)!, (port) => this.effectiveMtls(workload, port)));
  }

  private countJwtPolicy(policy: PolicyObject<IstioKind>, sign: 1 | -1): void {
    if (policy.kind === 'AuthorizationPolicy' && matchesOnJwt((policy as PolicyObject<'AuthorizationPolicy'>).spec)) this.jwtPolicies.add(policy.namespace, sign);
  }

  /** After a Service change: the workloads its selector picks (a Service without one reaches none). */
  private refreshSelected(namespace: string, selector: Labels | undefined): void {
    if (isEmptySelector(selector)) return;
    for (const workload of this.workloads(namespace, selector)) this.refresh(workload);
  }

  /**
   * After a PeerAuthentication or Sidecar change: the workloads its selector picks; without one, every
   * workload of its namespace, or of the mesh in the root namespace (the namespace and mesh modes, and
   * the default Sidecar, reach all of them).
   */
  private refreshReachedBy(policy: PolicyObject<IstioKind>): void {
    if (policy.kind !== 'PeerAuthentication' && policy.kind !== 'Sidecar') return;
    const selector = policySelector(policy);
    if (selector) this.refreshSelected(policy.namespace, selector);
    else if (policy.namespace === this.rootNamespace) for (const workload of [...this.allWorkloads()]) this.refresh(workload);
    else for (const workload of this.workloads(policy.namespace)) this.refresh(workload);
  }

  // ---- queries ----

  /** The map holds every kind; entries of `kind` hold only objects of that kind. */
  private namespacePolicies<K extends IstioKind>(kind: K, namespace: string): NamespacePolicies<K> | undefined {
    return this.policiesByKind.get(kind)?.get(namespace) as NamespacePolicies<K> | undefined;
  }

  namespace(name: string): NamespaceInfo | undefined {
    return this.namespaceInfos.get(name);
  }

  namespaces(): Iterable<NamespaceInfo> {
    return this.namespaceInfos.values();
  }

  /** Kubernetes creates `default` in every namespace, so manifests never list it. */
  serviceAccountExists(namespace: string, name: string): boolean {
    return this.serviceAccounts.has(`${namespace}/${name}`) || (name === 'default' && this.namespaceInfos.has(namespace));
  }

  workloads(namespace: string, selector?: WorkloadInfo['labels']): readonly WorkloadInfo[] {
    return this.workloadsByNamespace.get(namespace)?.index.matching(selector) ?? [];
  }

  *allWorkloads(): Iterable<WorkloadInfo> {
    for (const entry of this.workloadsByNamespace.values()) yield* entry.byRef.values();
  }

  podCounts(namespace: string): { meshed: number; unmeshed: number } {
    const entry = this.workloadsByNamespace.get(namespace);
    return { meshed: entry?.meshed ?? 0, unmeshed: entry?.unmeshed ?? 0 };
  }

  service(namespace: string, name: string): ServiceInfo | undefined {
    return this.servicesByNamespace.get(namespace)?.byName.get(name);
  }

  servicesSelecting(workload: WorkloadInfo): readonly ServiceInfo[] {
    return this.servicesByNamespace.get(workload.namespace)?.selectors.selecting(workload.labels) ?? [];
  }

  servicesForHost(host: string, fromNamespace: string): readonly ServiceInfo[] {
    const resolved = resolveHost(host, fromNamespace);
    const named = parseServiceFqdn(resolved);
    if (named && named.name !== '*') {
      const service = this.service(named.namespace, named.name);
      return service ? [service] : [];
    }
    if (named) return [...(this.servicesByNamespace.get(named.namespace)?.byName.values() ?? [])];
    // `*`, `*.svc.cluster.local`, `*.cluster.local`, `*.local`: every Service; other names: none.
    if (!resolved.startsWith('*') || !hostMatches(resolved, serviceFqdn('any', 'any'))) return [];
    const all: ServiceInfo[] = [];
    for (const entry of this.servicesByNamespace.values()) all.push(...entry.byName.values());
    return all;
  }

  policies<K extends IstioKind>(kind: K, namespace: string): ReadonlyArray<PolicyObject<K>> {
    return this.namespacePolicies(kind, namespace)?.ordered ?? [];
  }

  /** PeerAuthentications of a stored workload come from its facts: effectiveMtls asks for them on every port. */
  selecting<K extends IstioKind>(kind: K, workload: WorkloadInfo): ReadonlyArray<PolicyObject<K>> {
    const facts = kind === 'PeerAuthentication' ? this.facts.get(workload) : undefined;
    return facts ? (facts.peerAuthentications as ReadonlyArray<PolicyObject<K>>) : this.indexedSelecting(kind, workload);
  }

  private indexedSelecting<K extends IstioKind>(kind: K, workload: WorkloadInfo): Array<PolicyObject<K>> {
    return this.namespacePolicies(kind, workload.namespace)?.selectors.selecting(workload.labels).sort(comparePolicies) ?? [];
  }

  workloadFacts(workload: WorkloadInfo): WorkloadFacts {
    return this.facts.get(workload) ?? workloadFacts(this.factSources, this.rootNamespace, workload);
  }

  meshCounts(count: MeshCount): NamespaceCounts {
    return count === 'jwtAuthorizationPolicies' ? this.jwtPolicies : this.tally.counts(count);
  }

  destinationRulesForHost(host: string, fromNamespace: string): ReadonlyArray<PolicyObject<'DestinationRule'>> {
    const found: DestinationRule[] = [];
    for (const pattern of patternsMatching(host)) {
      for (const rule of this.rulesByHost.get(pattern) ?? []) if (exportedTo(rule.spec.exportTo, rule.namespace, fromNamespace)) found.push(rule);
    }
    return orderDestinationRules(found, host, fromNamespace, this.rootNamespace);
  }

  effectiveDestinationRules(host: string, fromNamespace: string): ReadonlyArray<PolicyObject<'DestinationRule'>> {
    return effectiveDestinationRules(this.destinationRulesForHost(host, fromNamespace), host, fromNamespace, this.rootNamespace);
  }

  effectiveMtls(workload: WorkloadInfo, port: number): EffectiveMtls {
    let inherited = this.namespaceModes.get(workload.namespace);
    if (!inherited) this.namespaceModes.set(workload.namespace, (inherited = namespaceLevelMtls(this, this.rootNamespace, workload.namespace)));
    return composeEffectiveMtls(this, this.rootNamespace, workload, port, inherited);
  }

  tlsOnSidecarIngressEnabled(): boolean | undefined {
    return combineIstiodSettings(this.istiods.values());
  }

  withChange(change: PendingChange): ClusterView {
    return new OverlayView(this, change, this.rootNamespace);
  }
}

/**
 * With several istiod revisions, sidecars follow their own revision's setting: on only when every
 * istiod enables it, off when one does not, unknown when a value cannot be read or no istiod is seen.
 */
function combineIstiodSettings(values: Iterable<boolean | undefined>): boolean | undefined {
  let seen = false;
  let unknown = false;
  for (const value of values) {
    seen = true;
    if (value === false) return false;
    if (value === undefined) unknown = true;
  }
  return seen && !unknown ? true : undefined;
}
