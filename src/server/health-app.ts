import Fastify, { type FastifyInstance } from 'fastify';
import type { Metrics } from './metrics.js';
import type { Readiness } from './readiness.js';

/**
 * Plain HTTP on its own port for the kubelet and Prometheus: probes never compete with admission
 * traffic for the TLS listener, and the health port never needs a certificate.
 */
export function buildHealthApp(metrics: Metrics, readiness: Readiness): FastifyInstance {
  const app = Fastify({ logger: false });
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async (_request, reply) => {
    const status = readiness.status();
    return reply.code(status.ready ? 200 : 503).send(status);
  });
  app.get('/metrics', async (_request, reply) => {
    const body = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(body);
  });
  return app;
}
