import { readFileSync } from 'node:fs';
import type { AdmissionReview } from '../../src/admission/types.js';
import type { KubeObject } from '../../src/k8s/types.js';
import { fixturePath } from './paths.js';

/** A captured AdmissionReview request body from test/fixtures/admission-review/. */
export function capturedReview(name: string): AdmissionReview {
  return JSON.parse(readFileSync(fixturePath('admission-review', `${name}.json`), 'utf8')) as AdmissionReview;
}

/** The captured review with its object replaced (kind, namespace and name follow the new object). */
export function reviewWithObject(name: string, object: KubeObject, overrides: { namespace?: string; uid?: string } = {}): AdmissionReview {
  const review = capturedReview(name);
  const request = review.request!;
  const namespace = overrides.namespace ?? object.metadata?.namespace ?? request.namespace;
  request.object = { ...object, metadata: { ...object.metadata, namespace } };
  request.namespace = namespace;
  request.name = object.metadata?.name ?? request.name;
  if (overrides.uid) request.uid = overrides.uid;
  return review;
}
