import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { SelfManagedSettings } from '../../src/certs/settings.js';
import { resourcePath, watchedResources } from '../../src/cluster/resources.js';
import type { KubeObject } from '../../src/k8s/types.js';
import { defaultRegistry } from '../../src/rules/catalog.js';
import { serve } from '../../src/server/serve.js';
import { validateSettings, type Settings } from '../../src/settings.js';
import { eventually } from '../helpers/eventually.js';
import { startFakeApiServer, type FakeApiServer } from '../helpers/fake-apiserver.js';
import { capturingLogger } from '../helpers/log-capture.js';
import { quickCertificates, writeServingFiles } from '../helpers/quick-certs.js';

/** A little of everything the live view reads, so its lists and watches carry objects. */
const CLUSTER: KubeObject[] = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'istio-injection': 'enabled' } } },
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'cart-1', namespace: 'shop', labels: { app: 'cart' } }, spec: { containers: [{ name: 'app' }] } },
  { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'istiod', namespace: 'istio-system', labels: { app: 'istiod' } }, spec: { template: { spec: { containers: [] } } } },
  { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace: 'istio-system' }, spec: { mtls: { mode: 'STRICT' } } },
];

const WEBHOOK_CONFIGURATIONS = new Set(['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']);

/**
 * Every request `meshguard serve` makes to the API server when it runs with the settings the chart
 * renders (its ConfigMap), against a fake API server that holds the chart's webhook configurations:
 * start (informers list and watch; self-managed certificates create the Secret and patch both
 * caBundles), a 410 Gone on every watch (re-list, watch again), and for self-managed certificates a
 * Secret that no longer holds a usable CA (replaced, caBundles patched again). As `GET /api/v1/pods?limit=500`.
 */
export async function recordApiCalls(chart: readonly KubeObject[]): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'meshguard-rbac-'));
  const api = await startFakeApiServer();
  try {
    for (const object of [...CLUSTER, ...chart.filter((o) => WEBHOOK_CONFIGURATIONS.has(o.kind ?? ''))]) api.apply(object);
    const kubeconfig = join(dir, 'kubeconfig.yaml');
    writeFileSync(kubeconfig, api.kubeConfig().exportConfig());
    // Self-managed certificates load the default kubeconfig (in a pod: the service account's).
    process.env.KUBECONFIG = kubeconfig;
    const settings = chartSettings(chart, { certDir: dir, kubeconfig });
    if (settings.certificates.source === 'files') writeServingFiles(dir, quickCertificates());
    const { logger } = capturingLogger();
    const server = await serve({ settings, registry: defaultRegistry(), logger });
    try {
      await eventually(() => server.readiness.status().ready);
      await relistAfterGone(api, settings.rootNamespace);
      if (settings.certificates.selfManaged) await replaceUnusableSecret(api, settings.certificates.selfManaged);
    } finally {
      await server.close();
    }
    return [...api.requests];
  } finally {
    delete process.env.KUBECONFIG;
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The chart's settings file, listening on loopback and reading the fake API server; self-managed certificates checked every second. */
function chartSettings(chart: readonly KubeObject[], local: { certDir: string; kubeconfig: string }): Settings {
  const configMap = chart.find((o) => o.kind === 'ConfigMap') as (KubeObject & { data: Record<string, string> }) | undefined;
  const raw = parseYaml(configMap?.data['settings.yaml'] ?? '') as Record<string, Record<string, unknown>>;
  raw.server = { ...raw.server, host: '127.0.0.1', admissionPort: 0, healthPort: 0, certDir: local.certDir };
  raw.cluster = { ...raw.cluster, kubeconfig: local.kubeconfig };
  const selfManaged = raw.certificates?.selfManaged as Record<string, unknown> | undefined;
  if (selfManaged) selfManaged.checkIntervalSeconds = 1;
  return validateSettings(raw, new Set(defaultRegistry().all().map((rule) => rule.id)));
}

/** Every watch ends with 410 Gone; resolves once every resource was listed and watched again. */
async function relistAfterGone(api: FakeApiServer, rootNamespace: string): Promise<void> {
  const before = api.requests.length;
  api.compact();
  const paths = watchedResources(rootNamespace).map(resourcePath);
  await eventually(() => {
    const after = api.requests.slice(before);
    return paths.every((path) => {
      const calls = after.filter((request) => request.startsWith(`GET ${path}?`));
      const relisted = calls.findIndex((request) => !request.includes('watch=true'));
      return relisted >= 0 && calls.slice(relisted).some((request) => request.includes('watch=true'));
    });
  });
}

/** The certificate Secret loses its CA: the next check replaces it and publishes the new caBundle. */
async function replaceUnusableSecret(api: FakeApiServer, settings: SelfManagedSettings): Promise<void> {
  const patches = () => api.requests.filter((request) => request.startsWith('PATCH /apis/admissionregistration.k8s.io/')).length;
  const patchesBefore = patches();
  const configurations = settings.mutatingWebhookConfiguration ? 2 : 1;
  api.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: settings.secretName, namespace: settings.namespace }, data: {} } as KubeObject, { notify: false });
  const replace = `PUT /api/v1/namespaces/${settings.namespace}/secrets/${settings.secretName}`;
  await eventually(() => api.requests.some((request) => request.startsWith(replace)) && patches() >= patchesBefore + configurations);
}
