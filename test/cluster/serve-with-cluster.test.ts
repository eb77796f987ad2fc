import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { ClusterConfigError, resolveKubeConfig } from '../../src/cluster/kubeconfig.js';
import { startFakeApiServer, type FakeApiServer } from '../helpers/fake-apiserver.js';
import { startTestServer, type TestServer } from '../helpers/https-server.js';

const dir = mkdtempSync(join(tmpdir(), 'meshguard-kubeconfig-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

/** meshguard serve against a fake API server, through a kubeconfig file as an operator would point it. */
async function serveWithFakeCluster(t: Test, source: string, prepare: (api: FakeApiServer) => void = () => undefined): Promise<TestServer> {
  const api = await startFakeApiServer();
  prepare(api);
  const kubeconfig = join(dir, `${source}.yaml`);
  writeFileSync(kubeconfig, api.kubeConfig().exportConfig());
  const server = await startTestServer({ settings: { cluster: { source, kubeconfig } } });
  t.teardown(async () => {
    await server.close();
    await api.close();
  });
  return server;
}

t.test('/readyz waits for every cluster cache, names the missing ones, and the sync state is a metric', async (t) => {
  const server = await serveWithFakeCluster(t, 'kubernetes', (api) => api.failRequests('/api/v1/pods', 500, 1_000_000));

  let readyz = await server.getHealth('/readyz');
  while (!readyz.json<{ checks: { cluster: { reason?: string } } }>().checks.cluster.reason?.startsWith('cluster caches not synced yet: pods (')) {
    readyz = await server.getHealth('/readyz');
  }
  t.equal(readyz.status, 503);
  t.same(readyz.json(), {
    ready: false,
    checks: {
      certificate: { ready: true },
      cluster: { ready: false, reason: 'cluster caches not synced yet: pods (pods: list failed: HTTP 500: injected failure)' },
      shutdown: { ready: true },
    },
  });
  const metrics = (await server.getHealth('/metrics')).body;
  t.match(metrics, /meshguard_cache_synced\{resource="pods"\} 0/);
  t.match(metrics, /meshguard_cache_synced\{resource="services"\} 1/);
  t.match(metrics, /meshguard_cache_errors_total\{resource="pods",phase="list"\} [1-9]/);
});

t.test('/readyz is ready once every cache has synced', async (t) => {
  const server = await serveWithFakeCluster(t, 'auto');
  let readyz = await server.getHealth('/readyz');
  while (readyz.status !== 200) readyz = await server.getHealth('/readyz');
  t.same(readyz.json(), { ready: true, checks: { certificate: { ready: true }, cluster: { ready: true }, shutdown: { ready: true } } });
});

t.test('without a cluster, /readyz has no cluster check and is ready', async (t) => {
  const server = await startTestServer({ settings: { cluster: { source: 'none' } } });
  t.teardown(() => server.close());
  const readyz = await server.getHealth('/readyz');
  t.same(readyz.json(), { ready: true, checks: { certificate: { ready: true }, shutdown: { ready: true } } });
});

t.test('cluster source: auto without any kubeconfig or service account means no cluster', async (t) => {
  t.equal(resolveKubeConfig('auto', { env: {}, home: dir }), undefined);
  t.equal(resolveKubeConfig('none', { env: { KUBECONFIG: join(dir, 'ok.yaml') }, home: dir }), undefined);
});

t.test('cluster source: kubernetes without a cluster, or a broken kubeconfig, stops the server with the reason', async (t) => {
  t.throws(() => resolveKubeConfig('kubernetes', { env: {}, home: dir }), new ClusterConfigError('cluster.source is kubernetes, but there is no in-cluster service account, KUBECONFIG or ~/.kube/config'));
  t.throws(() => resolveKubeConfig('auto', { env: { KUBECONFIG: join(dir, 'missing.yaml') }, home: dir }), { message: `kubeconfig ${join(dir, 'missing.yaml')} does not exist` });
  const empty = join(dir, 'empty.yaml');
  writeFileSync(empty, 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n');
  t.throws(() => resolveKubeConfig('auto', { kubeconfigFile: empty, env: {} }), { message: `kubeconfig ${empty} has no current context with a cluster` });
});

t.test('cluster source: KUBECONFIG lists are searched for the first file that exists', async (t) => {
  const file = join(dir, 'listed.yaml');
  writeFileSync(
    file,
    'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://k8s.example:6443"}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\nusers: [{name: u, user: {}}]\ncurrent-context: x\n',
  );
  const kubeConfig = resolveKubeConfig('auto', { env: { KUBECONFIG: [join(dir, 'nope.yaml'), file].join(':') }, home: dir });
  t.equal(kubeConfig?.getCurrentCluster()?.server, 'https://k8s.example:6443');
});
