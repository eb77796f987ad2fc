import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import type { FakeApiServer } from '../helpers/fake-apiserver.js';
import { runCli, runCliAsync } from '../helpers/cli.js';
import { closedPort, writeKubeconfig } from '../helpers/kubeconfig.js';
import { CLUSTER, MG302_TAIL, fakeCluster } from './live-cluster-seed.js';

const FIXTURES = 'test/fixtures/check/cluster';
const dir = mkdtempSync(join(tmpdir(), 'meshguard-check-cluster-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

const usedCluster = (server: FakeApiServer) =>
  `meshguard check: with the cluster state of context "fake" (server ${server.url}): ${CLUSTER.length} objects\n`;

t.test('check --cluster denies ISTIO_MUTUAL to a workload whose PeerAuthentication DISABLE exists only in the cluster', async (t) => {
  const { server, kubeconfig } = await fakeCluster(t, dir, CLUSTER);
  const file = `${FIXTURES}/istio-mutual.yaml`;
  const { code, stdout, stderr } = await runCliAsync(['check', '--cluster', '--kubeconfig', kubeconfig, file]);
  t.equal(code, 1);
  t.equal(stderr, usedCluster(server));
  t.same(stdout.split('\n'), [
    `${file}:11:7: deny MG302 DestinationRule prod/reviews: spec.trafficPolicy.tls.mode: ISTIO_MUTUAL makes the client sidecars send Istio mutual TLS to reviews, ` +
      `but Pod/reviews-7d4b9c-x2x9k in prod (port 9080) is DISABLE (PeerAuthentication prod/default, namespace-wide), ${MG302_TAIL}` +
      "Remove this tls block so that Istio's auto mTLS follows the server's mode, or set the PeerAuthentication for that port to PERMISSIVE.",
    '1 file, 1 object, 1 checked: 1 deny, 0 warn',
    '',
  ]);

  const offline = runCli(['check', file]);
  t.same([offline.code, offline.stdout], [0, '1 file, 1 object, 1 checked: 0 deny, 0 warn\n'], 'without --cluster the files alone show no conflict');
});

t.test('check --cluster lets an object in the files replace the cluster object of the same kind, namespace and name', async (t) => {
  const { server, kubeconfig } = await fakeCluster(t, dir, CLUSTER);
  const { code, stdout, stderr } = await runCliAsync(['check', '--cluster', '--kubeconfig', kubeconfig, `${FIXTURES}/permissive-override.yaml`]);
  t.equal(stderr, usedCluster(server));
  t.same([code, stdout], [0, '1 file, 2 objects, 2 checked: 0 deny, 0 warn\n'], "the file's PERMISSIVE replaces the cluster's DISABLE");
});

t.test('check --cluster follows KUBECONFIG and --context, and puts objects without a namespace in the context namespace', async (t) => {
  const { server } = await fakeCluster(t, dir, CLUSTER);
  const config = writeKubeconfig(join(dir, 'two-contexts.json'), [
    { name: 'unreachable', server: `http://127.0.0.1:${await closedPort()}` },
    { name: 'fake', server: server.url, namespace: 'prod' },
  ]);
  const { code, stdout } = await runCliAsync(['check', '--cluster', '--context', 'fake', `${FIXTURES}/no-namespace.yaml`], { env: { KUBECONFIG: config } });
  t.equal(code, 1);
  t.match(stdout, /^test\/fixtures\/check\/cluster\/no-namespace.yaml:10:7: deny MG302 DestinationRule prod\/reviews: .* is DISABLE \(PeerAuthentication prod\/default, namespace-wide\)/);
});
