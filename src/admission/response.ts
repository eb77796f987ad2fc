import type { AdmissionResponse, AdmissionReview, JsonPatchOperation } from './types.js';
import type { DecodedReview } from './review.js';

/**
 * The only place an AdmissionReview response is assembled. The API server requires the response to
 * echo the request's apiVersion, kind and uid, or it rejects the answer as an internal error.
 */
export function allowed(review: DecodedReview, warnings: readonly string[] = []): AdmissionReview {
  return envelope(review, { allowed: true, ...warningsField(warnings) });
}

/** Denial with 403 Forbidden: without a reason kubectl prints a bare "Error from server:". */
export function denied(review: DecodedReview, message: string, warnings: readonly string[] = []): AdmissionReview {
  return envelope(review, { allowed: false, status: { code: 403, reason: 'Forbidden', message }, ...warningsField(warnings) });
}

/** The review is valid but its object cannot be judged (wrong shape, missing object). */
export function invalid(review: DecodedReview, message: string): AdmissionReview {
  return envelope(review, { allowed: false, status: { code: 400, reason: 'BadRequest', message } });
}

export function patched(review: DecodedReview, patch: readonly JsonPatchOperation[], warnings: readonly string[] = []): AdmissionReview {
  if (patch.length === 0) return allowed(review, warnings);
  return envelope(review, {
    allowed: true,
    patchType: 'JSONPatch',
    patch: Buffer.from(JSON.stringify(patch)).toString('base64'),
    ...warningsField(warnings),
  });
}

function envelope(review: DecodedReview, response: Omit<AdmissionResponse, 'uid'>): AdmissionReview {
  return { apiVersion: review.apiVersion, kind: 'AdmissionReview', response: { uid: review.request.uid, ...response } };
}

function warningsField(warnings: readonly string[]): { warnings?: string[] } {
  const lines = warnings.map(toWarningLine).filter((line) => line !== '');
  return lines.length > 0 ? { warnings: lines } : {};
}

/** The API server silently drops a warning that contains a newline or a tab, and an empty one. */
export function toWarningLine(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ').trim();
}
