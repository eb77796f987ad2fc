import { parseArgs } from 'node:util';
import type { AdmissionReview } from '../src/admission/types.js';

/** The command line of a floor server the benchmark starts: `--cert-dir DIR --port N`; exits 2 with the usage otherwise. */
export function floorServerArgs(command: string): { certDir: string; port: number } {
  const { values } = parseArgs({ options: { 'cert-dir': { type: 'string' }, port: { type: 'string' } } });
  const certDir = values['cert-dir'];
  const port = Number(values.port);
  if (!certDir || !Number.isInteger(port)) {
    process.stderr.write(`usage: ${command} --cert-dir DIR --port N\n`);
    process.exit(2);
  }
  return { certDir, port };
}

/** What a floor server answers every review: allowed, with the request's uid. */
export function fixedAllowedReview(uid: string): AdmissionReview {
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid, allowed: true } };
}
