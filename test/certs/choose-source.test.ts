import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { certificateSourceFor } from '../../src/certs/choose-source.js';
import { SelfManagedCertificates } from '../../src/certs/self-managed.js';
import { defaultRegistry } from '../../src/rules/catalog.js';
import { Metrics } from '../../src/server/metrics.js';
import { validateSettings } from '../../src/settings.js';
import { capturingLogger } from '../helpers/log-capture.js';
import { writeKubeconfig } from '../helpers/kubeconfig.js';

const selfManaged = { namespace: 'meshguard', secretName: 'meshguard-tls', serviceName: 'meshguard', validatingWebhookConfiguration: 'meshguard' };

function selfManagedSettings(kubeconfig: string) {
  const rules = new Set(defaultRegistry().all().map((rule) => rule.id));
  return validateSettings({ cluster: { kubeconfig }, certificates: { source: 'self-managed', selfManaged } }, rules);
}

t.test('self-managed certificates use the API server of cluster.kubeconfig, as the live view does', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'meshguard-choose-source-'));
  const kubeconfig = writeKubeconfig(join(dir, 'kubeconfig'), [{ name: 'test', server: 'http://127.0.0.1:1' }]);
  const source = certificateSourceFor(selfManagedSettings(kubeconfig), capturingLogger().logger, new Metrics(), {});
  t.ok(source instanceof SelfManagedCertificates);
});

t.test('self-managed certificates with a cluster.kubeconfig that does not exist fail at start-up, naming the file', async (t) => {
  const missing = join(tmpdir(), 'meshguard-no-such-kubeconfig');
  t.throws(() => certificateSourceFor(selfManagedSettings(missing), capturingLogger().logger, new Metrics(), {}), { message: `kubeconfig ${missing} does not exist` });
});
