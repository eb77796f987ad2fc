import { parseArgs } from 'node:util';
import type { AdmissionReview } from '../src/admission/types.js';

const FLOOR_OPTIONS = { 'cert-dir': { type: 'string' }, port: { type: 'string' }, 'review-us': { type: 'string' } } as const;

/**
 * The command line of a floor server the benchmark starts: `--cert-dir DIR --port N`, and for the stack
 * floor (`reviewCost`) `--review-us N`, the CPU each review spends; exits 2 with the usage otherwise.
 */
export function floorServerArgs(command: string, { reviewCost = false } = {}): { certDir: string; port: number; reviewMicros: number } {
  const { values } = parseArgs({ options: FLOOR_OPTIONS });
  const certDir = values['cert-dir'];
  const port = Number(values.port);
  const reviewMicros = Number(values['review-us'] ?? 0);
  if (!certDir || !Number.isInteger(port) || !Number.isInteger(reviewMicros) || reviewMicros < 0 || (!reviewCost && reviewMicros > 0)) {
    process.stderr.write(`usage: ${command} --cert-dir DIR --port N${reviewCost ? ' [--review-us N]' : ''}\n`);
    process.exit(2);
  }
  return { certDir, port, reviewMicros };
}

/** What a floor server answers every review: allowed, with the request's uid. */
export function fixedAllowedReview(uid: string): AdmissionReview {
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid, allowed: true } };
}
