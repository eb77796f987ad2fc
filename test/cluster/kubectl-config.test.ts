import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import t from 'tap';
import { ClusterConfigError, resolveKubeConfig, resolveKubectlConfig } from '../../src/cluster/kubeconfig.js';
import { writeKubeconfig } from '../helpers/kubeconfig.js';

const dir = mkdtempSync(join(tmpdir(), 'meshguard-kubectl-config-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

const token = join(dir, 'token');
writeFileSync(token, 'service-account-token');
const inPod = { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' };
const config = writeKubeconfig(join(dir, 'config.json'), [
  { name: 'dev', server: 'https://dev.example:6443' },
  { name: 'prod', server: 'https://prod.example:6443', namespace: 'shop' },
]);

t.test('resolveKubectlConfig takes --kubeconfig, else KUBECONFIG, else ~/.kube/config, before the pod\'s service account', async (t) => {
  const server = (kubeConfig: ReturnType<typeof resolveKubectlConfig>) => kubeConfig?.getCurrentCluster()?.server;
  t.equal(server(resolveKubectlConfig({ kubeconfigFile: config, env: { ...inPod, KUBECONFIG: '/nowhere' }, serviceAccountToken: token, home: dir })), 'https://dev.example:6443');
  t.equal(server(resolveKubectlConfig({ env: { ...inPod, KUBECONFIG: config }, serviceAccountToken: token, home: dir })), 'https://dev.example:6443', 'a CI job in a pod that sets KUBECONFIG means that cluster');
  const home = join(dir, 'home');
  writeKubeconfig(join(home, '.kube', 'config'), [{ name: 'laptop', server: 'https://laptop.example:6443' }]);
  t.equal(server(resolveKubectlConfig({ env: inPod, serviceAccountToken: token, home })), 'https://laptop.example:6443');
  t.equal(resolveKubectlConfig({ env: {}, serviceAccountToken: token, home: dir }), undefined, 'nothing at all');
});

t.test('resolveKubectlConfig selects --context like kubectl, with its namespace, and names the contexts there are when it is missing', async (t) => {
  const kubeConfig = resolveKubectlConfig({ kubeconfigFile: config, context: 'prod', env: {}, home: dir });
  t.equal(kubeConfig?.getCurrentCluster()?.server, 'https://prod.example:6443');
  t.equal(kubeConfig?.getContextObject(kubeConfig.getCurrentContext())?.namespace, 'shop');
  t.throws(() => resolveKubectlConfig({ kubeconfigFile: config, context: 'staging', env: {}, home: dir }), new ClusterConfigError(`kubeconfig ${config} has no context "staging" (contexts: dev, prod)`));
});

t.test('KUBECONFIG with several files is merged as kubectl merges it: first definition of a name and first current-context win', async (t) => {
  const first = writeKubeconfig(join(dir, 'merge', 'first.json'), [{ name: 'dev', server: 'https://dev-first.example:6443' }]);
  const second = writeKubeconfig(join(dir, 'merge', 'second.json'), [
    { name: 'staging', server: 'https://staging.example:6443', namespace: 'qa' },
    { name: 'dev', server: 'https://dev-second.example:6443' },
  ]);
  const env = { KUBECONFIG: [join(dir, 'merge', 'missing.json'), first, second].join(delimiter) };
  const merged = resolveKubectlConfig({ env, home: dir });
  t.equal(merged?.getCurrentContext(), 'dev', 'the first file that sets current-context');
  t.equal(merged?.getCurrentCluster()?.server, 'https://dev-first.example:6443', 'the first file that defines cluster dev');
  t.same(merged?.getContexts().map((c) => c.name), ['dev', 'staging']);
  const staging = resolveKubectlConfig({ env, home: dir, context: 'staging' });
  t.equal(staging?.getCurrentCluster()?.server, 'https://staging.example:6443', 'a context only the second file defines');
  t.equal(staging?.getContextObject('staging')?.namespace, 'qa');
  t.throws(() => resolveKubectlConfig({ env: { KUBECONFIG: ['/nowhere/a', '/nowhere/b'].join(delimiter) }, home: dir }), new ClusterConfigError(`kubeconfig /nowhere/a${delimiter}/nowhere/b: none of these files exists`));
});

t.test('resolveKubeConfig (the server) merges KUBECONFIG alike', async (t) => {
  const first = writeKubeconfig(join(dir, 'server', 'first.json'), [{ name: 'dev', server: 'https://dev.example:6443' }]);
  const second = writeKubeconfig(join(dir, 'server', 'second.json'), [{ name: 'prod', server: 'https://prod.example:6443' }]);
  const kubeConfig = resolveKubeConfig('kubernetes', { env: { KUBECONFIG: [first, second].join(delimiter) }, home: dir });
  t.same(kubeConfig?.getContexts().map((c) => c.name), ['dev', 'prod']);
  t.equal(kubeConfig?.getCurrentCluster()?.server, 'https://dev.example:6443');
});
