import type { KubeObject } from '../k8s/types.js';
import type { AdmissionRequest, AdmissionReview } from './types.js';

export const ADMISSION_API_VERSION = 'admission.k8s.io/v1';
const OPERATIONS = new Set(['CREATE', 'UPDATE', 'DELETE', 'CONNECT']);

export interface DecodedReview {
  apiVersion: string;
  request: AdmissionRequest;
}

/** A body that is not a usable AdmissionReview: answered with an HTTP 400 and this message. */
export class ReviewDecodeError extends Error {}

/** Checks the envelope of an AdmissionReview; the object inside is checked later, per kind. */
export function decodeReview(body: unknown): DecodedReview {
  if (!isRecord(body)) throw new ReviewDecodeError('body must be a JSON object (an admission.k8s.io/v1 AdmissionReview)');
  if (body.kind !== 'AdmissionReview') throw new ReviewDecodeError(`kind must be "AdmissionReview", got ${describe(body.kind)}`);
  if (body.apiVersion !== ADMISSION_API_VERSION) {
    throw new ReviewDecodeError(`apiVersion must be "${ADMISSION_API_VERSION}" (set admissionReviewVersions: ["v1"]), got ${describe(body.apiVersion)}`);
  }
  const request = body.request;
  if (!isRecord(request)) throw new ReviewDecodeError('request is missing: an AdmissionReview sent to a webhook carries request');
  if (typeof request.uid !== 'string' || request.uid === '') throw new ReviewDecodeError('request.uid must be a non-empty string');
  const kind = request.kind;
  if (!isRecord(kind) || typeof kind.group !== 'string' || typeof kind.version !== 'string' || typeof kind.kind !== 'string') {
    throw new ReviewDecodeError('request.kind must be {group, version, kind} strings');
  }
  if (typeof request.operation !== 'string' || !OPERATIONS.has(request.operation)) {
    throw new ReviewDecodeError(`request.operation must be one of ${[...OPERATIONS].join(', ')}, got ${describe(request.operation)}`);
  }
  for (const field of ['name', 'namespace'] as const) {
    if (request[field] !== undefined && typeof request[field] !== 'string') throw new ReviewDecodeError(`request.${field} must be a string`);
  }
  for (const field of ['object', 'oldObject'] as const) {
    if (request[field] != null && !isRecord(request[field])) throw new ReviewDecodeError(`request.${field} must be an object or null`);
  }
  return { apiVersion: body.apiVersion, request: request as unknown as AdmissionRequest };
}

/** The object a review is about: the new object, or for DELETE the object being deleted. */
export function reviewedObject(request: AdmissionRequest): KubeObject | undefined {
  const object = request.operation === 'DELETE' ? request.oldObject : request.object;
  return object ?? undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

export type { AdmissionReview };
