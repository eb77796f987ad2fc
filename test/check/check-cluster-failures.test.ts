import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { runCli, runCliAsync } from '../helpers/cli.js';
import { closedPort, silentServer, writeKubeconfig } from '../helpers/kubeconfig.js';

const FILE = 'test/fixtures/check/cluster/istio-mutual.yaml';
const dir = mkdtempSync(join(tmpdir(), 'meshguard-check-cluster-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

// Which way each run ended shows in its message: a refused connection, not the 30 s deadline; the
// deadline of 1 s, not a hang (the test's own timeout would end that).

t.test('check --cluster exits 2 at once when the cluster is unreachable, naming the context and server', async (t) => {
  const server = `http://127.0.0.1:${await closedPort()}`;
  const config = writeKubeconfig(join(dir, 'unreachable.json'), [{ name: 'staging', server }]);
  const { code, stdout, stderr } = await runCliAsync(['check', '--cluster', '--kubeconfig', config, FILE]);
  t.equal(code, 2);
  t.equal(stdout, '');
  t.equal(
    stderr,
    `meshguard check: cannot read the cluster state of context "staging" (server ${server}): ` +
      `listing namespaces failed: request to ${server}/api/v1/namespaces?limit=500 failed, reason: connect ECONNREFUSED ${server.slice('http://'.length)}\n`,
  );
});

t.test('check --cluster exits 2 after --cluster-timeout when the API server accepts connections but never answers', async (t) => {
  const silent = await silentServer();
  t.teardown(silent.close);
  const config = writeKubeconfig(join(dir, 'silent.json'), [{ name: 'silent', server: silent.url }]);
  const { code, stdout, stderr } = await runCliAsync(['check', '--cluster', '--kubeconfig', config, '--cluster-timeout', '1', FILE]);
  t.same([code, stdout], [2, '']);
  t.equal(
    stderr,
    `meshguard check: cannot read the cluster state of context "silent" (server ${silent.url}): the lists did not complete within 1 s; ` +
      'raise --cluster-timeout if the cluster is only slow\n',
  );
});

t.test('check --cluster exits 2 on a context the kubeconfig does not have, and on cluster flags without --cluster', async (t) => {
  const config = writeKubeconfig(join(dir, 'one-context.json'), [{ name: 'fake', server: 'http://127.0.0.1:1' }]);
  const missing = runCli(['check', '--cluster', '--kubeconfig', config, '--context', 'prod', FILE]);
  t.same([missing.code, missing.stderr], [2, `meshguard check: --cluster: kubeconfig ${config} has no context "prod" (contexts: fake)\n`]);

  const alone = runCli(['check', '--context', 'fake', FILE]);
  t.equal(alone.code, 2);
  t.match(alone.stderr, /^meshguard check: --context goes with --cluster\n/);
  const badTimeout = runCli(['check', '--cluster', '--cluster-timeout', 'soon', FILE]);
  t.equal(badTimeout.code, 2);
  t.match(badTimeout.stderr, /^meshguard check: --cluster-timeout must be a positive number of seconds, got "soon"\n/);
});
