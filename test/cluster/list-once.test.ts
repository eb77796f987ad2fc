import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import t from 'tap';
import { ClusterListError, listClusterOnce } from '../../src/cluster/list-once.js';
import type { KubeObject } from '../../src/k8s/types.js';
import { namespace } from '../helpers/cluster.js';
import { eventually } from '../helpers/eventually.js';
import { startFakeApiServer } from '../helpers/fake-apiserver.js';
import { silentServer, writeKubeconfig } from '../helpers/kubeconfig.js';

const pod = (name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'shop', managedFields: [{ manager: 'kubelet' }] } as KubeObject['metadata'],
  spec: { containers: [{ name: 'app', image: 'app:1', env: [{ name: 'TOKEN', value: 'secret' }] }] },
} as KubeObject);

const OPTIONS = { rootNamespace: 'istio-system', timeoutMs: 10_000 };

t.test('listClusterOnce lists every resource of the live view once, page by page, slimmed, and opens no watch', async (t) => {
  const server = await startFakeApiServer();
  t.teardown(() => server.close());
  for (const object of [namespace('shop'), pod('a'), pod('b'), pod('c')]) server.apply(object);

  const listing = await listClusterOnce(server.kubeConfig(), { ...OPTIONS, pageSize: 2 });
  const counts = Object.fromEntries(listing.map(({ resource, items }) => [resource.name, items.length]));
  t.same(counts, { namespaces: 1, serviceaccounts: 0, services: 0, pods: 3, deployments: 0, peerauthentications: 0, authorizationpolicies: 0, requestauthentications: 0, destinationrules: 0, sidecars: 0 });
  const pods = listing.find(({ resource }) => resource.name === 'pods')!.items;
  t.same(pods[0], { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', namespace: 'shop', resourceVersion: '3' }, spec: { containers: [{ name: 'app' }] } }, 'slimmed');
  t.same(server.requests.filter((r) => r.startsWith('GET /api/v1/pods')), ['GET /api/v1/pods?limit=2', 'GET /api/v1/pods?continue=2&limit=2']);
  t.notOk(server.requests.some((r) => r.includes('watch=')), 'no watch');
  t.equal(server.openWatches(), 0);
});

t.test('listClusterOnce names the resource that failed and what the status means', async (t) => {
  const server = await startFakeApiServer();
  t.teardown(() => server.close());
  const failure = async (prefix: string, status: number) => {
    server.failRequests(prefix, status);
    const error = await listClusterOnce(server.kubeConfig(), OPTIONS).catch((e: unknown) => e);
    t.type(error, ClusterListError);
    return (error as ClusterListError).message;
  };
  t.equal(await failure('/api/v1/namespaces', 401), 'listing namespaces failed: HTTP 401: Unauthorized: the API server does not accept the credentials of this context');
  t.equal(
    await failure('/api/v1/pods', 403),
    "listing pods failed: HTTP 403: injected failure: the user needs list on pods in every namespace, like the rest of meshguard's read-only access",
  );
  t.equal(
    await failure('/apis/apps/v1/namespaces/istio-system/deployments', 403),
    "listing deployments.apps in namespace istio-system failed: HTTP 403: injected failure: the user needs list on deployments.apps in namespace istio-system, like the rest of meshguard's read-only access",
  );
  t.equal(
    await failure('/apis/networking.istio.io/v1/sidecars', 404),
    "listing sidecars.networking.istio.io failed: HTTP 404: injected failure: the API server does not serve sidecars.networking.istio.io/v1, so Istio's CRDs (Istio 1.22 or later) are not installed",
  );
  t.equal(await failure('/api/v1/services', 500), 'listing services failed: HTTP 500: injected failure');
});

t.test('listClusterOnce gives up at the deadline and aborts the requests still open', async (t) => {
  const silent = await silentServer();
  t.teardown(silent.close);
  const dir = mkdtempSync(join(tmpdir(), 'meshguard-list-once-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(writeKubeconfig(join(dir, 'silent.json'), [{ name: 'silent', server: silent.url }]));

  const started = Date.now();
  const listing = listClusterOnce(kubeConfig, { ...OPTIONS, timeoutMs: 300 }).catch((e: unknown) => e);
  await eventually(async () => (await silent.openConnections()) > 0);
  const error = await listing;
  t.type(error, ClusterListError);
  t.same({ message: (error as ClusterListError).message, timedOut: (error as ClusterListError).timedOut }, { message: 'the lists did not complete within 0.3 s', timedOut: true });
  t.ok(Date.now() - started < 5_000, `ended at the deadline (${Date.now() - started} ms)`);
  await eventually(async () => (await silent.openConnections()) === 0);
  t.pass('the silent server saw every connection closed');
});
