import { NO_CLUSTER } from '../src/cluster/no-cluster.js';
import { defaultRegistry } from '../src/rules/catalog.js';
import { buildAdmissionApp } from '../src/server/admission-app.js';
import { createLogger } from '../src/server/logger.js';
import { Metrics } from '../src/server/metrics.js';
import { loadServingCertificate } from '../src/server/tls.js';
import { validateSettings } from '../src/settings.js';
import { fixedAllowedReview, floorServerArgs } from './floor-common.js';

/**
 * meshguard's HTTP stack with nothing behind it: the admission app as `meshguard serve` builds it
 * (Fastify, its JSON parser, the listener limits, hooks and in-flight limit) answering the floor's
 * fixed allowed AdmissionReview instead of reviewing. Between the floor and meshguard, it shows what
 * the framework costs and what the reviews cost. Run as its own process by `npm run bench -- --stack-floor`.
 * With `--review-us N` each answer first spends N µs of CPU: what a webhook whose reviews cost N µs
 * could reach on this stack (`npm run bench -- --stack-floor-review-us N`).
 */
const { certDir, port, reviewMicros } = floorServerArgs('stack-floor', { reviewCost: true });

const registry = defaultRegistry();
const settings = validateSettings({}, new Set(registry.all().map((rule) => rule.id)));
const app = buildAdmissionApp({
  certificate: loadServingCertificate(certDir),
  bodyLimitBytes: settings.server.bodyLimitBytes,
  deps: { registry, settings: () => settings, view: NO_CLUSTER, metrics: new Metrics(), logger: createLogger('silent') },
  review: (_webhook, body) => {
    spin(reviewMicros);
    return fixedAllowedReview(uidOf(body));
  },
});
await app.listen({ host: '127.0.0.1', port });
process.once('SIGINT', () => process.exit(0));

function uidOf(body: unknown): string {
  const uid = (body as { request?: { uid?: unknown } } | null)?.request?.uid;
  return typeof uid === 'string' ? uid : '';
}

/**
 * Spends `micros` µs of the process's CPU (not wall-clock time, so preemption on a busy machine does not
 * shorten it): a review of that cost that leaves no garbage behind, so the figure is a best case.
 */
function spin(micros: number): void {
  if (micros === 0) return;
  const start = process.cpuUsage();
  for (;;) {
    const { user, system } = process.cpuUsage(start);
    if (user + system >= micros) return;
  }
}
