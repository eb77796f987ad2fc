import { join } from 'node:path';
import type { Test } from 'tap';
import type { KubeObject } from '../../src/k8s/types.js';
import { istio, namespace, service } from '../helpers/cluster.js';
import { startFakeApiServer, type FakeApiServer } from '../helpers/fake-apiserver.js';
import { writeKubeconfig } from '../helpers/kubeconfig.js';

/** The live cluster of the `check --cluster` tests, served by the fake API server. */

/** A running pod of Deployment prod/reviews, made through its ReplicaSet, with a sidecar. */
export const REVIEWS_POD: KubeObject = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'reviews-7d4b9c-x2x9k',
    namespace: 'prod',
    labels: { app: 'reviews', 'pod-template-hash': '7d4b9c' },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'reviews-7d4b9c', uid: 'b1', controller: true }],
  },
  spec: { containers: [{ name: 'app', ports: [{ containerPort: 9080 }] }, { name: 'istio-proxy' }] },
  status: { phase: 'Running' },
} as KubeObject;

export const peerAuthentication = (name: string, mode: string, created?: string) => istio('PeerAuthentication', 'prod', name, { mtls: { mode } }, created);

/** prod, where reviews runs with a sidecar behind a namespace-wide DISABLE that only the cluster has. */
export const CLUSTER: readonly KubeObject[] = [
  namespace('prod'),
  namespace('istio-system', {}),
  service('prod', 'reviews', [{ name: 'http', port: 9080 }]),
  REVIEWS_POD,
  peerAuthentication('default', 'DISABLE', '2024-01-01T00:00:00Z'),
];

export const MG302_TAIL =
  'so nothing on the server side terminates that TLS and every request through this rule fails with 503 (upstream connect error or disconnect/reset before headers). ';

/** The fake API server with these objects, closed at the end of the test, and a kubeconfig (context `fake`) for it in `dir`. */
export async function fakeCluster(t: Test, dir: string, objects: readonly KubeObject[]): Promise<{ server: FakeApiServer; kubeconfig: string }> {
  const server = await startFakeApiServer();
  t.teardown(() => server.close());
  for (const object of objects) server.apply(object);
  return { server, kubeconfig: writeKubeconfig(join(dir, `${t.name.replace(/\W+/g, '-')}.json`), [{ name: 'fake', server: server.url }]) };
}
