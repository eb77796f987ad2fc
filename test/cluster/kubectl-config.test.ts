import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { ClusterConfigError, resolveKubectlConfig } from '../../src/cluster/kubeconfig.js';
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
