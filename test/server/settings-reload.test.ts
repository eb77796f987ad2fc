import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import type { AdmissionReview } from '../../src/admission/types.js';
import { defaultRegistry } from '../../src/rules/catalog.js';
import { Metrics } from '../../src/server/metrics.js';
import { serve } from '../../src/server/serve.js';
import { loadSettings } from '../../src/settings.js';
import { eventually } from '../helpers/eventually.js';
import { replaceFile } from '../helpers/replace-file.js';
import { reviewWithObject } from '../helpers/fixtures.js';
import { capturingLogger } from '../helpers/log-capture.js';
import { quickCertificates, writeServingFiles } from '../helpers/quick-certs.js';
import { postJson } from '../helpers/tls-client.js';

const meshWideDisable = {
  apiVersion: 'security.istio.io/v1',
  kind: 'PeerAuthentication',
  metadata: { name: 'default', namespace: 'istio-system' },
  spec: { mtls: { mode: 'DISABLE' } },
};

t.test('the settings file is reloaded on change; an invalid change keeps the last good settings', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'meshguard-settings-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const certificates = quickCertificates();
  writeServingFiles(dir, certificates);
  const file = join(dir, 'settings.yaml');
  const server = (admissionPort: number) => `server: {host: 127.0.0.1, admissionPort: ${admissionPort}, healthPort: 0, certDir: ${dir}}\n`;
  writeFileSync(file, `mode: enforce\n${server(0)}`);

  const registry = defaultRegistry();
  const load = () => loadSettings({ file, knownRules: new Set(registry.all().map((r) => r.id)) });
  const { logger, lines } = capturingLogger();
  const metrics = new Metrics({ processMetrics: false });
  const running = await serve({ settings: load(), registry, logger, metrics, settingsFile: { path: file, load, intervalMs: 25 } });
  t.teardown(() => running.close());

  const agent = new Agent({ ca: certificates.caPem, keepAlive: true });
  t.teardown(() => agent.destroy());
  const review = reviewWithObject('peerauthentication-v1-create-mesh-wide-istio-system', meshWideDisable);
  const verdict = async () => JSON.parse((await postJson(agent, `${running.admissionUrl}/validate`, review)).body) as AdmissionReview;
  const reloads = () => metrics.registry.getSingleMetricAsString('meshguard_reloads_total');

  t.equal((await verdict()).response?.allowed, false, 'enforce: MG201 denies');

  replaceFile(file, `mode: warn\n${server(0)}`);
  await eventually(() => running.settings().mode === 'warn');
  const warned = (await verdict()).response;
  t.equal(warned?.allowed, true, 'warn: admitted');
  t.match(warned?.warnings?.[0], /^\[MG201\] spec\.mtls\.mode: /);
  t.match(await reloads(), 'meshguard_reloads_total{target="settings",result="success"} 1');
  t.match(lines.find((l) => l.msg === 'settings reloaded'), { mode: 'warn', restartOnly: [] });

  replaceFile(file, `mode: audit\n${server(0)}`);
  await eventually(async () => (await reloads()).includes('meshguard_reloads_total{target="settings",result="failure"} 1'));
  t.equal(running.settings().mode, 'warn', 'the last good settings stay');
  t.equal((await verdict()).response?.allowed, true);
  t.match(lines.find((l) => l.level === 50), {
    msg: 'settings change rejected; the last good settings stay in force',
    reason: `${file}: mode: expected one of enforce, warn (got "audit")`,
  });

  replaceFile(file, `mode: enforce\n${server(9443)}`);
  await eventually(() => running.settings().mode === 'enforce');
  t.match(lines.findLast((l) => l.msg?.toString().startsWith('settings reloaded')), {
    msg: 'settings reloaded; changes to server take effect at the next restart',
    restartOnly: ['server'],
  });
  t.equal((await verdict()).response?.allowed, false, 'enforce again');
});
