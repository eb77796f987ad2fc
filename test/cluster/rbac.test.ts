import t from 'tap';
import { CLUSTER_VIEW_RBAC } from '../../src/cluster/rbac.js';

t.test('the live view needs list/watch on exactly these resources, istiod only in the root namespace', async (t) => {
  const read = ['list', 'watch'];
  t.same(CLUSTER_VIEW_RBAC, [
    { apiGroup: '', resource: 'namespaces', verbs: read, scope: 'cluster' },
    { apiGroup: '', resource: 'serviceaccounts', verbs: read, scope: 'cluster' },
    { apiGroup: '', resource: 'services', verbs: read, scope: 'cluster' },
    { apiGroup: '', resource: 'pods', verbs: read, scope: 'cluster' },
    { apiGroup: 'apps', resource: 'deployments', verbs: read, scope: 'rootNamespace' },
    { apiGroup: 'security.istio.io', resource: 'peerauthentications', verbs: read, scope: 'cluster' },
    { apiGroup: 'security.istio.io', resource: 'authorizationpolicies', verbs: read, scope: 'cluster' },
    { apiGroup: 'security.istio.io', resource: 'requestauthentications', verbs: read, scope: 'cluster' },
    { apiGroup: 'networking.istio.io', resource: 'destinationrules', verbs: read, scope: 'cluster' },
    { apiGroup: 'networking.istio.io', resource: 'sidecars', verbs: read, scope: 'cluster' },
  ]);
  t.notOk(CLUSTER_VIEW_RBAC.some((rule) => rule.resource === 'secrets'), 'never Secrets');
});
