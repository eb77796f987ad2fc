import type { FastifyInstance } from 'fastify';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';

/** Seconds the API server waits before it retries; client-go retries a 429 that carries Retry-After within the webhook's timeout. */
export const RETRY_AFTER_SECONDS = 1;
/** Under overload one line per second is enough to see it; the counter has the exact number. */
const LOG_INTERVAL_MS = 1_000;

export interface InFlightLimitOptions {
  max: number;
  metrics: Metrics;
  logger: Logger;
}

/**
 * Bounds the requests being received or reviewed at once. Past the bound the request is answered at
 * once with 429 and Retry-After instead of queueing behind the others: the API server retries after a
 * second, and if we are still overloaded when its timeout runs out, the webhook's failurePolicy
 * decides (a 429 is a call error, never a verdict on the object). A request counts from its headers to
 * the moment its socket is done with the response, so slow or abandoned bodies hold their slot.
 */
export function limitInFlight(app: FastifyInstance, { max, metrics, logger }: InFlightLimitOptions): void {
  let inFlight = 0;
  let lastLogged = 0;
  metrics.countInFlight(() => inFlight);
  app.addHook('onRequest', (request, reply, done) => {
    if (inFlight >= max) {
      metrics.overloadRejections.inc();
      const now = Date.now();
      if (now - lastLogged >= LOG_INTERVAL_MS) {
        lastLogged = now;
        logger.warn({ inFlight, maxInFlight: max, url: request.url }, 'overloaded: rejecting admission requests with 429');
      }
      void reply
        .code(429)
        .header('retry-after', String(RETRY_AFTER_SECONDS))
        .send({ error: 'TooManyRequests', message: `meshguard is already handling ${max} requests (server.maxInFlight); retry after ${RETRY_AFTER_SECONDS} s` });
      return;
    }
    inFlight += 1;
    reply.raw.once('close', () => {
      inFlight -= 1;
    });
    done();
  });
}
