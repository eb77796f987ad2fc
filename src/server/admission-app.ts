import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { handleReview, type WebhookDeps, type WebhookName } from '../admission/webhook.js';
import { ReviewDecodeError } from '../admission/review.js';
import { limitInFlight } from './in-flight-limit.js';
import { KEEP_ALIVE_TIMEOUT_MS, LISTENER_OPTIONS, MAX_CONNECTIONS, REQUEST_TIMEOUT_MS } from './listener-limits.js';
import { secureContextOptions, type ServingCertificate } from './tls.js';

export interface AdmissionAppOptions {
  certificate: ServingCertificate;
  bodyLimitBytes: number;
  deps: WebhookDeps;
  /** True once shutdown has begun: responses then carry `Connection: close` so clients stop reusing the connection. */
  draining?: () => boolean;
  /** What answers a review; the benchmark's stack floor replaces meshguard's with a fixed answer. */
  review?: typeof handleReview;
}

export function buildAdmissionApp({ certificate, bodyLimitBytes, deps, draining = () => false, review = handleReview }: AdmissionAppOptions): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: bodyLimitBytes,
    requestTimeout: REQUEST_TIMEOUT_MS,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    // While closing, a review that arrives on an open connection is still answered: a 503 would be a
    // failed call, which the API server turns into a denied apply (failurePolicy Fail).
    return503OnClosing: false,
    // Objects can carry __proto__ as a map key (matchLabels keys are free-form): dropping the key keeps
    // the object reviewable, where rejecting the body would skip the review under failurePolicy Ignore.
    onProtoPoisoning: 'remove',
    https: { ...secureContextOptions(certificate), ...LISTENER_OPTIONS },
  });
  // Hooks and routes on the review path are synchronous: an async one costs a promise and a microtask per request.
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (draining()) reply.header('connection', 'close');
    done(null, payload);
  });
  app.server.maxConnections = MAX_CONNECTIONS;
  limitInFlight(app, { max: deps.settings().server.maxInFlight, metrics: deps.metrics, logger: deps.logger });
  // AdmissionReviews are JSON; Fastify would otherwise also accept text/plain.
  app.removeContentTypeParser('text/plain');

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error instanceof ReviewDecodeError ? 400 : (error.statusCode ?? 500);
    const reason = error instanceof ReviewDecodeError ? 'not an AdmissionReview' : (error.code ?? 'internal');
    deps.metrics.badRequests.inc({ reason: status >= 500 ? 'internal' : reason });
    if (status >= 500) deps.logger.error({ err: error, url: request.url }, 'admission request failed');
    else deps.logger.info({ status, reason, url: request.url, message: error.message }, 'rejected admission request');
    return reply.code(status).send({ error: httpReason(status), message: clientMessage(error, status) });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: 'NotFound', message: `no route ${request.method} ${request.url}: POST /validate or /mutate` }),
  );

  for (const webhook of ['validate', 'mutate'] as const satisfies readonly WebhookName[]) {
    app.post(`/${webhook}`, (request, reply) => {
      void reply.send(review(webhook, request.body, deps));
    });
  }
  return app;
}

function clientMessage(error: FastifyError, status: number): string {
  if (status >= 500) return 'internal error while reviewing; see the meshguard logs';
  if (status === 415) return 'Content-Type must be application/json (an admission.k8s.io/v1 AdmissionReview)';
  if (status === 413) return `body is larger than the configured limit`;
  return error.message;
}

function httpReason(status: number): string {
  return (
    { 400: 'BadRequest', 404: 'NotFound', 405: 'MethodNotAllowed', 408: 'RequestTimeout', 413: 'RequestEntityTooLarge', 415: 'UnsupportedMediaType' }[
      status
    ] ?? (status >= 500 ? 'InternalError' : 'BadRequest')
  );
}
