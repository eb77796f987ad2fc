import t from 'tap';
import { CLUSTER_VIEW_RBAC, type RbacRule } from '../../src/cluster/rbac.js';
import type { KubeObject } from '../../src/k8s/types.js';
import { helmTemplate } from '../helpers/helm.js';
import { compareWithRequests, grantsTo, requestAttributes, type Grant, type RequestAttributes } from '../helpers/rbac.js';
import { recordApiCalls } from './recorded-calls.js';

/**
 * The chart's RBAC against what meshguard really asks the API server for, in each certificate mode:
 * `meshguard serve` runs with the chart's own settings against a fake API server that records every
 * request, and the requests are held against the rules the chart binds to meshguard's ServiceAccount.
 */
const ACCOUNT = { namespace: 'meshguard', name: 'meshguard' };
const MODES: Record<string, object> = {
  'self-managed': {},
  'self-managed without the mutating webhook': { webhooks: { mutating: { enabled: false } } },
  'cert-manager': { certificates: { mode: 'cert-manager' } },
  secret: { certificates: { mode: 'secret', secret: { name: 'corp-tls', caBundle: 'Q0E=' } } },
};

interface Observed {
  chart: KubeObject[];
  calls: RequestAttributes[];
}

const observed = new Map<string, Promise<Observed>>();
/** Each mode is rendered and run once, however many tests read it. */
function observe(mode: string): Promise<Observed> {
  let run = observed.get(mode);
  if (!run) {
    const result = helmTemplate(MODES[mode]);
    if (result.status !== 0) throw new Error(`helm template failed: ${result.stderr}`);
    run = recordApiCalls(result.objects).then((requests) => ({ chart: result.objects, calls: requests.map(requestAttributes) }));
    observed.set(mode, run);
  }
  return run;
}

for (const mode of Object.keys(MODES)) {
  t.test(`${mode}: the chart allows every API call meshguard makes and grants nothing it does not use`, async (t) => {
    const { chart, calls } = await observe(mode);
    const report = compareWithRequests(grantsTo(chart, ACCOUNT), calls);
    t.same(report.forbidden, [], 'every call is allowed');
    t.same(report.unused, [], 'every permission is used by some call');
    t.same(report.broader, [], 'no permission is wider than the calls that use it');
  });
}

t.test('the live view lists and watches exactly CLUSTER_VIEW_RBAC, and never GETs a single object', async (t) => {
  const { calls } = await observe('cert-manager');
  const verbs = new Map<string, Set<string>>();
  for (const call of calls) {
    const key = JSON.stringify([call.apiGroup, call.resource, call.namespace === undefined ? 'cluster' : 'rootNamespace']);
    verbs.set(key, (verbs.get(key) ?? new Set()).add(call.verb));
  }
  const rules: RbacRule[] = [...verbs].map(([key, used]) => {
    const [apiGroup, resource, scope] = JSON.parse(key) as [string, string, RbacRule['scope']];
    return { apiGroup, resource, verbs: [...used].sort(), scope };
  });
  const sorted = (list: readonly RbacRule[]) => [...list].sort((a, b) => `${a.apiGroup}/${a.resource}`.localeCompare(`${b.apiGroup}/${b.resource}`));
  t.same(sorted(rules), sorted(CLUSTER_VIEW_RBAC));
  t.ok(calls.every((call) => call.namespace === undefined || call.namespace === 'istio-system'), 'namespaced reads only in the root namespace');
});

t.test('self-managed certificates: create, read, replace the one Secret, read and patch the two webhook configurations', async (t) => {
  const { calls } = await observe('self-managed');
  const certificateCalls = new Set(calls.filter((c) => c.resource === 'secrets' || c.apiGroup === 'admissionregistration.k8s.io').map((c) => `${c.verb} ${c.resource} ${c.name ?? ''}`.trim()));
  t.same([...certificateCalls].sort(), [
    'create secrets',
    'get mutatingwebhookconfigurations 00-meshguard',
    'get secrets meshguard-certs',
    'get validatingwebhookconfigurations meshguard',
    'patch mutatingwebhookconfigurations 00-meshguard',
    'patch validatingwebhookconfigurations meshguard',
    'update secrets meshguard-certs',
  ]);
});

t.test('the comparison reports an unused permission, a forbidden call and a rule wider than its use', async (t) => {
  const { chart, calls } = await observe('self-managed');
  const grants = grantsTo(chart, ACCOUNT);
  const extra: Grant = { role: 'ClusterRole meshguard', apiGroups: [''], resources: ['configmaps'], verbs: ['get'] };
  t.same(compareWithRequests([...grants, extra], calls).unused, ['ClusterRole meshguard: get core/configmaps']);

  const withoutSecrets = grants.filter((grant) => !grant.resources.includes('secrets'));
  t.same(compareWithRequests(withoutSecrets, calls).forbidden.sort(), [
    'create core/secrets in meshguard',
    'get core/secrets "meshguard-certs" in meshguard',
    'update core/secrets "meshguard-certs" in meshguard',
  ]);

  const unnamed = grants.map((grant) => (grant.resources.includes('validatingwebhookconfigurations') ? { ...grant, resourceNames: undefined } : grant));
  t.same(compareWithRequests(unnamed, calls).broader, [
    'ClusterRole meshguard: get admissionregistration.k8s.io/validatingwebhookconfigurations: every request named one object (meshguard); limit it with resourceNames',
    'ClusterRole meshguard: patch admissionregistration.k8s.io/validatingwebhookconfigurations: every request named one object (meshguard); limit it with resourceNames',
  ]);
});

t.test('requests are read the way the API server authorizes them', async (t) => {
  const cases: Array<[string, RequestAttributes]> = [
    ['GET /api/v1/pods?limit=500', { verb: 'list', apiGroup: '', resource: 'pods' }],
    ['GET /api/v1/pods?watch=true&resourceVersion=7', { verb: 'watch', apiGroup: '', resource: 'pods' }],
    ['GET /apis/apps/v1/namespaces/istio-system/deployments?labelSelector=app%3Distiod', { verb: 'list', apiGroup: 'apps', resource: 'deployments', namespace: 'istio-system' }],
    ['GET /api/v1/namespaces/meshguard/secrets/meshguard-certs', { verb: 'get', apiGroup: '', resource: 'secrets', namespace: 'meshguard', name: 'meshguard-certs' }],
    ['POST /api/v1/namespaces/meshguard/secrets', { verb: 'create', apiGroup: '', resource: 'secrets', namespace: 'meshguard' }],
    ['PUT /api/v1/namespaces/meshguard/secrets/meshguard-certs', { verb: 'update', apiGroup: '', resource: 'secrets', namespace: 'meshguard', name: 'meshguard-certs' }],
    ['PATCH /apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/meshguard', { verb: 'patch', apiGroup: 'admissionregistration.k8s.io', resource: 'validatingwebhookconfigurations', name: 'meshguard' }],
    ['GET /api/v1/namespaces/shop', { verb: 'get', apiGroup: '', resource: 'namespaces', namespace: 'shop', name: 'shop' }],
    ['PUT /api/v1/namespaces/shop/status', { verb: 'update', apiGroup: '', resource: 'namespaces/status', namespace: 'shop', name: 'shop' }],
    ['DELETE /api/v1/namespaces/shop/pods', { verb: 'deletecollection', apiGroup: '', resource: 'pods', namespace: 'shop' }],
  ];
  for (const [request, expected] of cases) t.same(requestAttributes(request), expected, request);
});
