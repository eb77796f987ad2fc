/**
 * The read-only cluster state the cross-resource rules consult. Two implementations: live (informers)
 * and manifests (YAML files). Every query is answered from in-memory indexes, never an API call.
 */
export interface ClusterView {
  /** True once every cache has its initial list; rules with `needsCluster` are skipped before. */
  readonly synced: boolean;
}

/** The view used when meshguard runs without any cluster state (local development, stateless checks). */
export const NO_CLUSTER: ClusterView = { synced: false };
