import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import type { AdmissionReview } from '../../src/admission/types.js';
import { eventually } from '../helpers/eventually.js';
import { startFakeApiServer } from '../helpers/fake-apiserver.js';
import { reviewWithObject } from '../helpers/fixtures.js';
import { startTestServer } from '../helpers/https-server.js';

const dir = mkdtempSync(join(tmpdir(), 'meshguard-faults-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

const meshWideDisable = reviewWithObject('peerauthentication-v1-create-mesh-wide-istio-system', {
  apiVersion: 'security.istio.io/v1',
  kind: 'PeerAuthentication',
  metadata: { name: 'default', namespace: 'istio-system' },
  spec: { mtls: { mode: 'DISABLE' } },
});

t.test('API server unreachable at start: the server starts, stateless rules still deny, /readyz says why', async (t) => {
  const api = await startFakeApiServer();
  const kubeconfig = join(dir, 'unreachable.yaml');
  writeFileSync(kubeconfig, api.kubeConfig().exportConfig());
  await api.close();
  const server = await startTestServer({ settings: { cluster: { source: 'kubernetes', kubeconfig } } });
  t.teardown(() => server.close());

  const response = (await server.post('/validate', meshWideDisable)).json<AdmissionReview>().response;
  t.equal(response?.allowed, false);
  t.match(response?.status?.message, /^\[MG201\] spec\.mtls\.mode: mesh-wide PeerAuthentication/);

  const readyz = await eventually(async () => {
    const res = await server.getHealth('/readyz');
    const reason = res.json<{ checks: { cluster?: { reason?: string } } }>().checks.cluster?.reason;
    return reason?.includes('ECONNREFUSED') ? res : undefined;
  });
  t.equal(readyz.status, 503);
  t.match(readyz.json(), { ready: false, checks: { certificate: { ready: true }, cluster: { ready: false, reason: /^cluster caches not synced yet: / } } });
});

t.test('watches dropped and answered 410 Gone while serving: reviews keep their verdicts and the caches resync', async (t) => {
  const api = await startFakeApiServer();
  const kubeconfig = join(dir, 'flaky.yaml');
  writeFileSync(kubeconfig, api.kubeConfig().exportConfig());
  const server = await startTestServer({ settings: { cluster: { source: 'kubernetes', kubeconfig } } });
  t.teardown(async () => {
    await server.close();
    await api.close();
  });
  await eventually(async () => (await server.getHealth('/readyz')).status === 200);

  api.dropWatches();
  t.equal((await server.post('/validate', meshWideDisable)).json<AdmissionReview>().response?.allowed, false, 'verdict during the reconnect');
  const requestsBefore410 = api.requests.length;
  api.compact();
  t.equal((await server.post('/validate', meshWideDisable)).json<AdmissionReview>().response?.allowed, false, 'verdict after 410 Gone');
  const relist = await eventually(() => api.requests.slice(requestsBefore410).find((request) => request.startsWith('GET ') && !request.includes('watch=true')));
  t.match(relist, /^GET \/api/, `the 410 made the view list again (${relist})`);
  await eventually(async () => api.openWatches() > 0);
  t.same((await server.getHealth('/readyz')).json<{ ready: boolean }>().ready, true, 'ready, with watches open again');
});
