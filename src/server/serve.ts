import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { certificateSourceFor } from '../certs/choose-source.js';
import type { CertificateSource } from '../certs/source.js';
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
import { watchSettings } from './settings-reload.js';
import { secureContextOptions, type ServingCertificate } from './tls.js';

export interface ServeOptions {
  settings: Settings;
  registry: RuleRegistry;
  view?: ClusterView;
  logger?: Logger;
  metrics?: Metrics;
  /** Default: the source settings.certificates asks for. */
  certificates?: CertificateSource;
  /** Reload the settings when this file changes; `load` reads and validates them again. */
  settingsFile?: { path: string; load: () => Settings; intervalMs?: number };
}

export interface RunningServer {
  admissionUrl: string;
  healthUrl: string;
  metrics: Metrics;
  readiness: Readiness;
  /** The settings in force (they change when the settings file is reloaded). */
  settings(): Settings;
  /**
   * Graceful stop: not ready at once, keep serving for `delayMs` (responses ask clients to close
   * their connections), then stop accepting, finish in-flight reviews and close.
   */
  shutdown(delayMs: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Starts the plain-HTTP health listener, waits for a serving certificate (not ready meanwhile), then
 * starts the HTTPS admission listener.
 */
export async function serve(options: ServeOptions): Promise<RunningServer> {
  const { registry } = options;
  let settings = options.settings;
  const logger = options.logger ?? createLogger(settings.logLevel);
  const metrics = options.metrics ?? new Metrics();
  const live = options.view ? undefined : startLiveView(settings, logger, metrics.registry);
  const view = options.view ?? live?.view ?? NO_CLUSTER;
  const certificates = options.certificates ?? certificateSourceFor(settings, logger, metrics);
  let certificate: ServingCertificate | undefined;
  let draining = false;

  const readiness = new Readiness();
  readiness.add('certificate', () => {
    if (!certificate) return { ready: false, reason: 'waiting for a valid serving certificate' };
    return certificate.notAfter.getTime() > Date.now() ? { ready: true } : { ready: false, reason: 'serving certificate has expired' };
  });
  if (live) readiness.add('cluster', () => live.readiness());
  readiness.add('shutdown', () => (draining ? { ready: false, reason: 'shutting down' } : { ready: true }));

  const health = buildHealthApp(metrics, readiness);
  await health.listen({ host: settings.server.host, port: settings.server.healthPort });
  const settingsWatch = options.settingsFile && watchSettings({
    file: options.settingsFile.path,
    load: options.settingsFile.load,
    intervalMs: options.settingsFile.intervalMs,
    current: () => settings,
    onChange: (next) => {
      settings = next;
      logger.level = next.logLevel;
    },
    logger,
    metrics,
  });

  const useCertificate = (next: ServingCertificate) => {
    certificate = next;
    metrics.certificateExpiry.set(next.notAfter.getTime() / 1000);
  };
  let admission: ReturnType<typeof buildAdmissionApp> | undefined;
  try {
    useCertificate(
      await certificates.start((next) => {
        // New handshakes get the new certificate; open connections keep the session they have.
        (admission?.server as HttpsServer | undefined)?.setSecureContext(secureContextOptions(next));
        useCertificate(next);
      }),
    );
    admission = buildAdmissionApp({
      certificate: certificate!,
      bodyLimitBytes: settings.server.bodyLimitBytes,
      deps: { registry, settings: () => settings, view, metrics, logger },
      draining: () => draining,
    });
    await admission.listen({ host: settings.server.host, port: settings.server.admissionPort });
  } catch (error) {
    certificates.stop();
    settingsWatch?.stop();
    await Promise.all([health.close(), live?.stop()]);
    throw error;
  }

  const admissionUrl = urlOf('https', admission.server.address() as AddressInfo);
  const healthUrl = urlOf('http', health.server.address() as AddressInfo);
  logger.info({ admissionUrl, healthUrl, rules: registry.all().length, mode: settings.mode }, 'meshguard serving');

  const listening = admission;
  const close = async () => {
    certificates.stop();
    settingsWatch?.stop();
    await listening.close();
    await Promise.all([health.close(), live?.stop()]);
  };
  let stopping: Promise<void> | undefined;
  return {
    admissionUrl,
    healthUrl,
    metrics,
    readiness,
    settings: () => settings,
    shutdown(delayMs) {
      stopping ??= (async () => {
        draining = true;
        logger.info({ delayMs }, 'shutting down: not ready; serving until the delay ends, then finishing in-flight reviews');
        await sleep(delayMs);
        await close();
        logger.info('shutdown complete');
      })();
      return stopping;
    },
    close: () => (stopping ??= close()),
  };
}

function urlOf(scheme: string, address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `${scheme}://${host === '0.0.0.0' || host === '[::]' ? 'localhost' : host}:${address.port}`;
}
