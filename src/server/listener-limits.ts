import type { ServerOptions } from 'node:https';

/*
 * Every limit of the admission listener, in one place, each with its operational reason. The API
 * server calls us with `timeoutSeconds` (5 in the chart, at most 30, 10 by default) and sends each
 * AdmissionReview whole and at once, so a peer that is slow at any step is not the API server: it is
 * cut off well before the API server would give up on us, and its socket stops holding memory.
 */

/** A TLS handshake with the API server takes milliseconds; a silent TCP connection is closed after this. */
export const HANDSHAKE_TIMEOUT_MS = 3_000;
/** Request line and headers must arrive within this (slow-loris headers). */
export const HEADERS_TIMEOUT_MS = 3_000;
/** The whole request, body included, must arrive within this (slow-loris bodies), under the chart's timeoutSeconds of 5. */
export const REQUEST_TIMEOUT_MS = 5_000;
/**
 * How often Node checks the header and request timeouts. Its default (30 s) would let a slow client
 * hold a socket for up to 35 s, past any API server timeout.
 */
export const TIMEOUT_CHECK_INTERVAL_MS = 500;
/** Longer than the API server's idle timeout for pooled connections (90 s), so it never reuses a socket we are closing. */
export const KEEP_ALIVE_TIMEOUT_MS = 95_000;
/**
 * Open sockets, idle keep-alive ones included. The API server replicas keep a pool of connections
 * each (tens, not thousands); the cap bounds the memory that many idle connections can pin.
 */
export const MAX_CONNECTIONS = 1_000;

/** Connection options for https.createServer; the TLS-level ones are in tls.ts (secureContextOptions). */
export const LISTENER_OPTIONS = {
  handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
  headersTimeout: HEADERS_TIMEOUT_MS,
  requestTimeout: REQUEST_TIMEOUT_MS,
  connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS,
} as const satisfies ServerOptions;
