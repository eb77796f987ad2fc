import { NamespaceCounter } from './namespace-counter.js';
import type { ClusterView } from './view.js';
import { workloadFacts } from './workload-facts.js';

/**
 * The view when meshguard runs without cluster state (local development): never synced, so the
 * cross-resource rules are skipped and say so; every query answers "nothing known".
 */
export const NO_CLUSTER: ClusterView = {
  synced: false,
  namespace: () => undefined,
  namespaces: () => [],
  serviceAccountExists: () => false,
  workloads: () => [],
  allWorkloads: () => [],
  podCounts: () => ({ meshed: 0, unmeshed: 0 }),
  service: () => undefined,
  servicesSelecting: () => [],
  workloadFacts: (workload) => workloadFacts(NO_CLUSTER, 'istio-system', workload),
  meshCounts: () => new NamespaceCounter(),
  servicesForHost: () => [],
  policies: () => [],
  selecting: () => [],
  destinationRulesForHost: () => [],
  effectiveDestinationRules: () => [],
  effectiveMtls: () => ({ mode: 'PERMISSIVE' }),
  tlsOnSidecarIngressEnabled: () => undefined,
  withChange: () => NO_CLUSTER,
};
