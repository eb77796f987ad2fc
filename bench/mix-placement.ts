import type { AdmissionReview } from '../src/admission/types.js';
import { appName, namespaceName } from './synthetic-cluster.js';

/**
 * The captured reviews were recorded around an app `backend` in the namespaces `demo` and `default`,
 * which the synthetic cluster does not have: judged there as captured, every cross-resource lookup
 * would come back empty and the 10,000-pod figures would measure nothing. So the mix is moved onto
 * the synthetic cluster's own names, into two of its meshed namespaces (each with 20 pods, 4
 * Services and its own policies), onto an app that its policies select, with callers that are its
 * service accounts. Every scenario judges the
 * same moved reviews, so the columns of the report compare like with like.
 */
const RENAMES: ReadonlyArray<readonly [RegExp, string]> = [
  // Wherever the namespace is named: namespace fields, hosts (backend.demo.svc.cluster.local), principals (ns/demo/sa/…).
  [/\bdemo\b/g, namespaceName(0)],
  // Only as a namespace: "default" is also the name of every namespace-wide PeerAuthentication.
  [/"namespace":"default"/g, `"namespace":"${namespaceName(1)}"`],
  // Labels, selectors, hosts and the names derived from them.
  [/\bbackend\b/g, appName(0)],
  // The callers' service accounts in principals (cluster.local/ns/demo/sa/frontend): the synthetic cluster's own.
  [/\/sa\/frontend\b/g, `/sa/${appName(1)}`],
  [/\/sa\/admin\b/g, `/sa/${appName(2)}`],
];

export function placeInSyntheticCluster(review: AdmissionReview): AdmissionReview {
  const moved = RENAMES.reduce((json, [pattern, name]) => json.replace(pattern, name), JSON.stringify(review));
  return JSON.parse(moved) as AdmissionReview;
}
