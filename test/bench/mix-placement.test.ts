import t from 'tap';
import { bodyMix, distinctEntries } from '../../bench/body-mix.js';
import { syntheticCluster } from '../../bench/synthetic-cluster.js';
import { reviewedObject } from '../../src/admission/review.js';
import { buildManifestView } from '../../src/cluster/manifest-view.js';

interface Targets {
  selector?: { matchLabels?: Record<string, string> };
  workloadSelector?: { labels?: Record<string, string> };
  host?: string;
  rules?: Array<{ from?: Array<{ source?: { principals?: string[]; namespaces?: string[] } }> }>;
}

/** Same shape as the cluster, four namespaces: the mix lands in the first two. */
const view = buildManifestView(syntheticCluster({ namespaces: 4, pods: 40, services: 16, peerAuthentications: 8, authorizationPolicies: 8, destinationRules: 4 }));

t.test('every review of the benchmark mix lands in a meshed namespace of the synthetic cluster, and what it selects, names or admits as a caller is there', async (t) => {
  for (const { fixture, review } of distinctEntries(bodyMix())) {
    const request = review.request!;
    const object = reviewedObject(request)!;
    const namespace = request.namespace ?? object.metadata?.namespace ?? '';
    t.ok(view.namespace(namespace), `${fixture}: namespace "${namespace}" exists`);
    if (namespace !== 'istio-system') t.ok(view.podCounts(namespace).meshed > 0, `${fixture}: ${namespace} has meshed pods`);

    const spec = (object.spec ?? {}) as Targets;
    const selector = spec.selector?.matchLabels ?? spec.workloadSelector?.labels;
    if (selector) t.ok(view.workloads(namespace, selector).length > 0, `${fixture}: ${JSON.stringify(selector)} selects workloads`);
    if (spec.host) t.ok(view.servicesForHost(spec.host, namespace).length > 0, `${fixture}: host ${spec.host} is a Service`);
    for (const source of (spec.rules ?? []).flatMap((rule) => rule.from ?? []).map((from) => from.source ?? {})) {
      for (const named of source.namespaces ?? []) t.ok(view.namespace(named), `${fixture}: source namespace ${named} exists`);
      for (const principal of source.principals ?? []) {
        const [, ns, sa] = /^cluster\.local\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(principal) ?? [];
        t.ok(ns && sa && view.serviceAccountExists(ns, sa), `${fixture}: principal ${principal} is a service account there`);
      }
    }
    const app = object.metadata?.labels?.app;
    if (request.kind.kind === 'Pod' && app) t.ok(view.workloads(namespace, { app }).length > 0, `${fixture}: pods of app ${app} run there`);
  }
});
