import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { viewWithCluster } from '../../src/check/live-cluster.js';
import { listClusterOnce, type ClusterListing } from '../../src/cluster/list-once.js';
import type { KubeObject } from '../../src/k8s/types.js';
import { mg204 } from '../../src/rules/mg204-second-namespace-wide.js';
import { mg302 } from '../../src/rules/mg302-istio-mutual-to-plaintext.js';
import { deployment, istio, review } from '../helpers/cluster.js';
import { lines } from '../helpers/rules.js';
import { CLUSTER, MG302_TAIL, REVIEWS_POD, fakeCluster, peerAuthentication } from './live-cluster-seed.js';

const dir = mkdtempSync(join(tmpdir(), 'meshguard-live-cluster-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const OPTIONS = { rootNamespace: 'istio-system', defaultNamespace: 'default' };
const istioMutual = istio('DestinationRule', 'prod', 'reviews', { host: 'reviews', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } });

async function liveCluster(t: Test, objects: readonly KubeObject[]): Promise<ClusterListing> {
  const { server } = await fakeCluster(t, dir, objects);
  return listClusterOnce(server.kubeConfig(), { rootNamespace: 'istio-system', timeoutMs: 10_000 });
}

t.test('viewWithCluster lets a workload in the files replace the running pods it made', async (t) => {
  const cluster = await liveCluster(t, CLUSTER);
  const uninjected = deployment('prod', 'reviews', { ports: [9080], replicas: 2, labels: { 'sidecar.istio.io/inject': 'false' } });
  const view = viewWithCluster([uninjected, istioMutual], cluster, OPTIONS);
  t.same(view.workloads('prod').map((w) => [w.ref, w.sidecar, w.pods]), [['Deployment/reviews', false, 2]]);
  t.same(lines(review(mg302, istioMutual, { view })), [
    '[MG302] deny spec.trafficPolicy.tls.mode: ISTIO_MUTUAL makes the client sidecars send Istio mutual TLS to reviews, ' +
      `but Deployment/reviews in prod (port 9080) has no sidecar, ${MG302_TAIL}` +
      "Inject the sidecar into those pods, or remove this tls block so that Istio's auto mTLS sends plaintext to pods without one.",
  ]);
});

t.test('viewWithCluster keeps the running pods of workloads the files do not hold', async (t) => {
  const cluster = await liveCluster(t, CLUSTER);
  const ratings = deployment('prod', 'ratings', { ports: [9080] });
  const view = viewWithCluster([ratings], cluster, OPTIONS);
  t.same(view.workloads('prod').map((w) => [w.ref, w.sidecar]), [[`Pod/${REVIEWS_POD.metadata!.name}`, true], ['Deployment/ratings', true]]);
});

t.test('viewWithCluster gives an Istio object the creation time of the cluster object it replaces, so it keeps its precedence', async (t) => {
  // prod/default is the oldest namespace-wide policy and decides the mode; re-applying it must not make prod/later win.
  const cluster = await liveCluster(t, [...CLUSTER, peerAuthentication('later', 'DISABLE', '2025-01-01T00:00:00Z')]);
  const reapplied = peerAuthentication('default', 'PERMISSIVE');
  const added = peerAuthentication('added', 'STRICT');
  const view = viewWithCluster([reapplied, added], cluster, OPTIONS);
  t.equal(reapplied.metadata?.creationTimestamp, '2024-01-01T00:00:00Z');
  t.equal(added.metadata?.creationTimestamp, undefined, 'a new object stays the newest');
  const pod = view.workloads('prod')[0]!;
  t.same(view.effectiveMtls(pod, 9080), { mode: 'PERMISSIVE', decidedBy: { namespace: 'prod', name: 'default', scope: 'namespace' } });
  t.same(review(mg204, reapplied, { view }), [], 'still the oldest: no "second namespace-wide policy"');
  t.same(review(mg302, istioMutual, { view }), []);
});
