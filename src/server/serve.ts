import type { AddressInfo } from 'node:net';
import type { ClusterView } from '../cluster/view.js';
import { startLiveView } from '../cluster/live-view.js';
import { NO_CLUSTER } from '../cluster/no-cluster.js';
import type { RuleRegistry } from '../rules/registry.js';
import type { Settings } from '../settings.js';
import { buildAdmissionApp } from './admission-app.js';
import { buildHealthApp } from './health-app.js';
import { createLogger, type Logger } from './logger.js';
import { Metrics } from './metrics.js';
import { Readiness } from './readiness.js';
import { loadServingCertificate } from './tls.js';

export interface ServeOptions {
  settings: Settings;
  registry: RuleRegistry;
  view?: ClusterView;
  logger?: Logger;
  metrics?: Metrics;
}

export interface RunningServer {
  admissionUrl: string;
  healthUrl: string;
  metrics: Metrics;
  readiness: Readiness;
  close(): Promise<void>;
}

/** Starts the HTTPS admission listener and the plain-HTTP health listener. */
export async function serve(options: ServeOptions): Promise<RunningServer> {
  const { settings, registry } = options;
  const logger = options.logger ?? createLogger(settings.logLevel);
  const metrics = options.metrics ?? new Metrics();
  const live = options.view ? undefined : startLiveView(settings, logger, metrics.registry);
  const view = options.view ?? live?.view ?? NO_CLUSTER;
  const certificate = loadServingCertificate(settings.server.certDir);
  metrics.certificateExpiry.set(certificate.notAfter.getTime() / 1000);

  const readiness = new Readiness();
  readiness.add('certificate', () =>
    certificate.notAfter.getTime() > Date.now() ? { ready: true } : { ready: false, reason: 'serving certificate has expired' },
  );

  if (live) readiness.add('cluster', () => live.readiness());

  const admission = buildAdmissionApp({
    certificate,
    bodyLimitBytes: settings.server.bodyLimitBytes,
    deps: { registry, settings: () => settings, view, metrics, logger },
  });
  const health = buildHealthApp(metrics, readiness);
  await admission.listen({ host: settings.server.host, port: settings.server.admissionPort });
  await health.listen({ host: settings.server.host, port: settings.server.healthPort });

  const admissionUrl = urlOf('https', admission.server.address() as AddressInfo);
  const healthUrl = urlOf('http', health.server.address() as AddressInfo);
  logger.info({ admissionUrl, healthUrl, rules: registry.all().length, mode: settings.mode }, 'meshguard serving');
  return {
    admissionUrl,
    healthUrl,
    metrics,
    readiness,
    async close() {
      await Promise.all([admission.close(), health.close(), live?.stop()]);
    },
  };
}

function urlOf(scheme: string, address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `${scheme}://${host === '0.0.0.0' || host === '[::]' ? 'localhost' : host}:${address.port}`;
}
