import type { Test } from 'tap';
import type { AdmissionReview } from '../../src/admission/types.js';
import { capturedReview } from '../helpers/fixtures.js';
import type { TestServer } from '../helpers/https-server.js';
import { rawExchange, type RawExchange, type RawStep } from '../helpers/raw-tls.js';

/** Every hostile client must be cut off by the server before this, under the API server's 10 s (the server's own timeouts are 3 and 5 s; the rest is margin for a loaded CI machine). */
export const CLIENT_GIVES_UP_MS = 9_000;

export const normalReview = () => capturedReview('peerauthentication-v1-create-mesh-wide-istio-system');

export interface HostileHarness {
  /** Raw bytes over a fresh connection to the admission port; the client gives up after CLIENT_GIVES_UP_MS. */
  exchange(steps: readonly RawStep[], options?: { plain?: boolean }): Promise<RawExchange>;
  /** After every hostile client: the server still answers an ordinary review with its verdict. */
  expectNormalReviewStillSucceeds(t: Test): Promise<void>;
}

export function hostileHarness(server: () => TestServer): HostileHarness {
  return {
    exchange: (steps, options = {}) =>
      rawExchange(server().server.admissionUrl, server().caPem, steps, { giveUpMs: CLIENT_GIVES_UP_MS, ...options }),
    async expectNormalReviewStillSucceeds(t) {
      const review = normalReview();
      const res = await server().post('/validate', review);
      t.equal(res.status, 200, 'a normal review still gets 200');
      t.same(res.json<AdmissionReview>().response, { uid: review.request!.uid, allowed: true }, 'and its verdict');
    },
  };
}

/** The JSON body of a raw HTTP response. */
export function jsonBodyOf(response: string): unknown {
  return JSON.parse(response.slice(response.indexOf('\r\n\r\n') + 4));
}
