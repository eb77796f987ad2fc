import { destinationRuleReaches, effectiveDestinationRules, orderDestinationRules } from './destination-rules.js';
import { selectorMatches } from './label-index.js';
import { MeshTally, contributionOf, type MeshCount } from './mesh-tally.js';
import type { EffectiveMtls, NamespaceInfo, PolicyObject, ServiceInfo, WorkloadInfo } from './model.js';
import { composeEffectiveMtls, namespaceLevelMtls } from './mtls.js';
import { matchesOnJwt } from '../istio/identity-conditions.js';
import { NamespaceCounter, type NamespaceCounts } from './namespace-counter.js';
import { insertOrdered, policySelector } from './policy-order.js';
import type { ClusterView, IstioKind, PendingChange } from './view.js';
import { workloadFacts, type WorkloadFacts } from './workload-facts.js';

/**
 * `view.withChange(change)`: the base view with one Istio object added, replaced or removed. Nothing
 * is copied; the queries that can see Istio objects filter the base answer and merge the change in,
 * and the derived answers (effective mTLS, effective DestinationRules) are recomputed from them.
 */
export class OverlayView implements ClusterView {
  private readonly kind: IstioKind;
  private readonly namespaceOfChange: string;
  private readonly nameOfChange: string;
  private readonly upserted: PolicyObject<IstioKind> | undefined;
  /** The view answers one request, synchronously, so the base cannot change under these. */
  private readonly mergedSelecting = new Map<WorkloadInfo, ReadonlyArray<PolicyObject<IstioKind>>>();
  private mergedPolicies: ReadonlyArray<PolicyObject<IstioKind>> | undefined;
  private readonly namespaceModes = new Map<string, EffectiveMtls>();

  constructor(
    private readonly base: ClusterView,
    change: PendingChange,
    private readonly rootNamespace: string,
  ) {
    if (change.type === 'upsert') {
      this.upserted = change.object;
      this.kind = change.object.kind;
      this.namespaceOfChange = change.object.namespace;
      this.nameOfChange = change.object.name;
    } else {
      this.kind = change.kind;
      this.namespaceOfChange = change.namespace;
      this.nameOfChange = change.name;
    }
  }

  get synced(): boolean {
    return this.base.synced;
  }

  namespace(name: string): NamespaceInfo | undefined {
    return this.base.namespace(name);
  }

  namespaces(): Iterable<NamespaceInfo> {
    return this.base.namespaces();
  }

  serviceAccountExists(namespace: string, name: string): boolean {
    return this.base.serviceAccountExists(namespace, name);
  }

  workloads(namespace: string, selector?: WorkloadInfo['labels']): readonly WorkloadInfo[] {
    return this.base.workloads(namespace, selector);
  }

  allWorkloads(): Iterable<WorkloadInfo> {
    return this.base.allWorkloads();
  }

  podCounts(namespace: string): { meshed: number; unmeshed: number } {
    return this.base.podCounts(namespace);
  }

  service(namespace: string, name: string): ServiceInfo | undefined {
    return this.base.service(namespace, name);
  }

  servicesSelecting(workload: WorkloadInfo): readonly ServiceInfo[] {
    return this.base.servicesSelecting(workload);
  }

  workloadFacts(workload: WorkloadInfo): WorkloadFacts {
    return this.reaches(workload) ? workloadFacts(this, this.rootNamespace, workload) : this.base.workloadFacts(workload);
  }

  meshCounts(count: MeshCount): NamespaceCounts {
    if (count === 'jwtAuthorizationPolicies') return this.kind === 'AuthorizationPolicy' ? this.countJwtPolicies() : this.base.meshCounts(count);
    if (this.kind !== 'PeerAuthentication' && this.kind !== 'Sidecar') return this.base.meshCounts(count);
    const tally = new MeshTally();
    for (const workload of this.allWorkloads()) tally.set(workload, contributionOf(workload, this.workloadFacts(workload), (port) => this.effectiveMtls(workload, port)));
    return tally.counts(count);
  }

  servicesForHost(host: string, fromNamespace: string): readonly ServiceInfo[] {
    return this.base.servicesForHost(host, fromNamespace);
  }

  /** Merged once: effectiveMtls asks for the namespace's and the root namespace's policies on every port. */
  policies<K extends IstioKind>(kind: K, namespace: string): ReadonlyArray<PolicyObject<K>> {
    const base = this.base.policies(kind, namespace);
    if (kind !== this.kind || namespace !== this.namespaceOfChange) return base;
    if (!this.mergedPolicies) {
      const merged = this.withoutChanged(base);
      if (this.upserted) insertOrdered(merged, this.upserted as PolicyObject<K>);
      this.mergedPolicies = merged;
    }
    return this.mergedPolicies as ReadonlyArray<PolicyObject<K>>;
  }

  /** Merged once per workload: effectiveMtls asks again for every port. */
  selecting<K extends IstioKind>(kind: K, workload: WorkloadInfo): ReadonlyArray<PolicyObject<K>> {
    const base = this.base.selecting(kind, workload);
    if (kind !== this.kind || workload.namespace !== this.namespaceOfChange) return base;
    const known = this.mergedSelecting.get(workload);
    if (known) return known as ReadonlyArray<PolicyObject<K>>;
    const merged = this.withoutChanged(base);
    const selector = this.upserted && policySelector(this.upserted);
    if (selector && selectorMatches(selector, workload.labels)) insertOrdered(merged, this.upserted as PolicyObject<K>);
    this.mergedSelecting.set(workload, merged);
    return merged;
  }

  destinationRulesForHost(host: string, fromNamespace: string): ReadonlyArray<PolicyObject<'DestinationRule'>> {
    const base = this.base.destinationRulesForHost(host, fromNamespace);
    if (this.kind !== 'DestinationRule') return base;
    const merged = this.withoutChanged(base);
    const upserted = this.upserted as PolicyObject<'DestinationRule'> | undefined;
    if (upserted && destinationRuleReaches(upserted, host, fromNamespace)) merged.push(upserted);
    return orderDestinationRules(merged, host, fromNamespace, this.rootNamespace);
  }

  effectiveDestinationRules(host: string, fromNamespace: string): ReadonlyArray<PolicyObject<'DestinationRule'>> {
    return effectiveDestinationRules(this.destinationRulesForHost(host, fromNamespace), host, fromNamespace, this.rootNamespace);
  }

  effectiveMtls(workload: WorkloadInfo, port: number): EffectiveMtls {
    if (this.kind !== 'PeerAuthentication' || !this.reaches(workload)) return this.base.effectiveMtls(workload, port);
    let inherited = this.namespaceModes.get(workload.namespace);
    if (!inherited) this.namespaceModes.set(workload.namespace, (inherited = namespaceLevelMtls(this, this.rootNamespace, workload.namespace)));
    return composeEffectiveMtls(this, this.rootNamespace, workload, port, inherited);
  }

  tlsOnSidecarIngressEnabled(): boolean | undefined {
    return this.base.tlsOnSidecarIngressEnabled();
  }

  withChange(change: PendingChange): ClusterView {
    return new OverlayView(this, change, this.rootNamespace);
  }

  /** The base's counts with the namespace of the changed AuthorizationPolicy counted again. */
  private countJwtPolicies(): NamespaceCounts {
    const base = this.base.meshCounts('jwtAuthorizationPolicies');
    const counter = new NamespaceCounter();
    for (const namespace of base.namespaces()) if (namespace !== this.namespaceOfChange) counter.add(namespace, base.get(namespace));
    counter.add(this.namespaceOfChange, this.policies('AuthorizationPolicy', this.namespaceOfChange).filter((p) => matchesOnJwt(p.spec)).length);
    return counter;
  }

  /** Whether a PeerAuthentication or Sidecar change can reach the workload: same namespace, or the root namespace's. */
  private reaches(workload: WorkloadInfo): boolean {
    return (this.kind === 'PeerAuthentication' || this.kind === 'Sidecar') && (workload.namespace === this.namespaceOfChange || this.namespaceOfChange === this.rootNamespace);
  }

  /** A copy of `list` without the object the change replaces or removes (same kind, namespace, name). */
  private withoutChanged<P extends PolicyObject<IstioKind>>(list: readonly P[]): P[] {
    return list.filter((p) => !(p.kind === this.kind && p.namespace === this.namespaceOfChange && p.name === this.nameOfChange));
  }
}
