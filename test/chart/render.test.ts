import t from 'tap';
import { parse as parseYaml } from 'yaml';
import type { KubeObject } from '../../src/k8s/types.js';
import { CLUSTER_VIEW_RBAC } from '../../src/cluster/rbac.js';
import { defaultRegistry } from '../../src/rules/catalog.js';
import { validateSettings } from '../../src/settings.js';
import { CHART_DIR, helm, helmTemplate } from '../helpers/helm.js';

/** The rendered objects are plain YAML: read them through this loose shape. */
type Obj = KubeObject & Record<string, unknown>;
type Rule = { apiGroups: string[]; resources: string[]; verbs: string[]; resourceNames?: string[] };
type Webhook = Record<string, unknown> & {
  name: string;
  clientConfig: { service: Record<string, unknown>; caBundle?: string };
  rules: Array<Record<string, unknown>>;
  namespaceSelector: unknown;
};

function render(values: object = {}): Obj[] {
  const result = helmTemplate(values);
  if (result.status !== 0) throw new Error(`helm template failed: ${result.stderr}`);
  return result.objects as Obj[];
}

function find(objects: Obj[], kind: string, name?: string): Obj {
  const found = objects.find((o) => o.kind === kind && (name === undefined || o.metadata?.name === name));
  if (!found) throw new Error(`no ${kind} ${name ?? ''} in ${objects.map((o) => `${o.kind}/${o.metadata?.name}`).join(', ')}`);
  return found;
}

const webhook = (objects: Obj[], kind: string) => (find(objects, kind).webhooks as Webhook[])[0]!;
const podSpec = (objects: Obj[]) => (find(objects, 'Deployment').spec as { template: { spec: Record<string, unknown> & { containers: Array<Record<string, unknown>> } } }).template.spec;
const roleRules = (objects: Obj[], kind: string, name: string) => find(objects, kind, name).rules as Rule[];

const EXCLUDED = { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', 'kube-node-lease', 'meshguard'] }] };
/** The read access the live ClusterView needs (its informers), cluster-wide. */
const CLUSTER_VIEW_RULES: Rule[] = [
  { apiGroups: [''], resources: ['namespaces', 'pods', 'services', 'serviceaccounts'], verbs: ['list', 'watch'] },
  { apiGroups: ['security.istio.io'], resources: ['peerauthentications', 'authorizationpolicies', 'requestauthentications'], verbs: ['list', 'watch'] },
  { apiGroups: ['networking.istio.io'], resources: ['destinationrules', 'sidecars'], verbs: ['list', 'watch'] },
];

const defaults = render();

t.test('helm lint --strict passes with the default values and with each certificate mode', async (t) => {
  for (const args of [[], ['--set', 'certificates.mode=cert-manager'], ['--set', 'certificates.mode=secret,certificates.secret.name=tls,certificates.secret.caBundle=Q0E=']]) {
    const result = helm(['lint', '--strict', CHART_DIR, ...args]);
    t.equal(result.status, 0, `${args.join(' ')}: ${result.stdout}${result.stderr}`);
  }
});

t.test('the validating webhook guards the policy kinds on CREATE, UPDATE and DELETE and fails closed', async (t) => {
  const validating = webhook(defaults, 'ValidatingWebhookConfiguration');
  t.equal(find(defaults, 'ValidatingWebhookConfiguration').metadata?.name, 'meshguard');
  t.match(validating, {
    name: 'validate.meshguard.io',
    clientConfig: { service: { name: 'meshguard', namespace: 'meshguard', path: '/validate', port: 443 } },
    failurePolicy: 'Fail',
    matchPolicy: 'Equivalent',
    sideEffects: 'None',
    timeoutSeconds: 5,
    admissionReviewVersions: ['v1'],
  });
  t.same(validating.rules, [
    { apiGroups: ['security.istio.io'], apiVersions: ['*'], resources: ['authorizationpolicies', 'peerauthentications', 'requestauthentications'], operations: ['CREATE', 'UPDATE', 'DELETE'], scope: 'Namespaced' },
    { apiGroups: ['networking.istio.io'], apiVersions: ['*'], resources: ['destinationrules', 'sidecars'], operations: ['CREATE', 'UPDATE', 'DELETE'], scope: 'Namespaced' },
  ]);
  t.same(validating.namespaceSelector, EXCLUDED, 'kube-system, kube-node-lease and its own namespace are never reviewed');
  t.notOk('caBundle' in validating.clientConfig, 'self-managed: meshguard patches the caBundle at runtime');
});

t.test('the mutating webhook takes Pod CREATE, ignores failures, is reinvoked and sorts before Istio\'s injector', async (t) => {
  const name = find(defaults, 'MutatingWebhookConfiguration').metadata?.name ?? '';
  t.equal(name, '00-meshguard');
  t.ok(name < 'istio-revision-tag-default' && name < 'istio-sidecar-injector', 'Kubernetes runs mutating webhooks in name order');
  const mutating = webhook(defaults, 'MutatingWebhookConfiguration');
  t.match(mutating, {
    name: 'mutate.meshguard.io',
    clientConfig: { service: { path: '/mutate', port: 443 } },
    failurePolicy: 'Ignore',
    reinvocationPolicy: 'IfNeeded',
    sideEffects: 'None',
    timeoutSeconds: 5,
    admissionReviewVersions: ['v1'],
  });
  t.same(mutating.rules, [{ apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], operations: ['CREATE'], scope: 'Namespaced' }]);
  t.same(mutating.namespaceSelector, EXCLUDED);
});

t.test('failure policy, timeout and excluded namespaces are configurable', async (t) => {
  const objects = render({ webhooks: { failurePolicy: 'Ignore', timeoutSeconds: 10, excludedNamespaces: ['kube-system', 'monitoring'] } });
  t.match(webhook(objects, 'ValidatingWebhookConfiguration'), { failurePolicy: 'Ignore', timeoutSeconds: 10 });
  t.same(webhook(objects, 'ValidatingWebhookConfiguration').namespaceSelector, {
    matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', 'monitoring', 'meshguard'] }],
  });
});

t.test('the ClusterRole grants exactly the ClusterView reads plus get/patch on its own two webhook configurations', async (t) => {
  t.same(roleRules(defaults, 'ClusterRole', 'meshguard'), [
    ...CLUSTER_VIEW_RULES,
    { apiGroups: ['admissionregistration.k8s.io'], resources: ['validatingwebhookconfigurations'], resourceNames: ['meshguard'], verbs: ['get', 'patch'] },
    { apiGroups: ['admissionregistration.k8s.io'], resources: ['mutatingwebhookconfigurations'], resourceNames: ['00-meshguard'], verbs: ['get', 'patch'] },
  ]);
  t.match(find(defaults, 'ClusterRoleBinding'), { roleRef: { kind: 'ClusterRole', name: 'meshguard' }, subjects: [{ kind: 'ServiceAccount', name: 'meshguard', namespace: 'meshguard' }] });
});

t.test('every resource of CLUSTER_VIEW_RBAC is granted its verbs where the live ClusterView reads it', async (t) => {
  for (const { apiGroup, resource, verbs, scope } of CLUSTER_VIEW_RBAC) {
    const [kind, name] = scope === 'rootNamespace' ? ['Role', 'meshguard-istiod'] : ['ClusterRole', 'meshguard'];
    const rules = roleRules(defaults, kind, name);
    t.ok(
      rules.some((r) => r.apiGroups.includes(apiGroup) && r.resources.includes(resource) && verbs.every((v) => r.verbs.includes(v))),
      `${apiGroup || 'core'}/${resource} in the ${kind}`,
    );
    if (scope === 'rootNamespace') t.equal(find(defaults, kind, name).metadata?.namespace, 'istio-system');
  }
});

t.test('deployments are read only in Istio\'s root namespace', async (t) => {
  const role = find(defaults, 'Role', 'meshguard-istiod');
  t.equal(role.metadata?.namespace, 'istio-system');
  t.same(role.rules, [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['list', 'watch'] }]);
  t.equal(find(render({ settings: { rootNamespace: 'mesh-root' } }), 'Role', 'meshguard-istiod').metadata?.namespace, 'mesh-root');
});

t.test('Secrets: only its own certificate Secret by name, create in its own namespace, never cluster-wide', async (t) => {
  const role = find(defaults, 'Role', 'meshguard-certificates');
  t.equal(role.metadata?.namespace, 'meshguard');
  t.same(role.rules, [
    { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
    { apiGroups: [''], resources: ['secrets'], resourceNames: ['meshguard-certs'], verbs: ['get', 'update'] },
  ]);
  for (const mode of [defaults, render({ certificates: { mode: 'cert-manager' } })]) {
    for (const object of mode.filter((o) => o.kind === 'ClusterRole' || o.kind === 'Role')) {
      for (const rule of object.rules as Rule[]) {
        t.notOk(rule.resources.includes('*') || rule.verbs.includes('*') || rule.apiGroups.includes('*'), `${object.metadata?.name}: no wildcards`);
        if (!rule.resources.includes('secrets')) continue;
        t.equal(object.kind, 'Role', 'Secret access is namespaced');
        t.equal(object.metadata?.namespace, 'meshguard');
        t.ok(rule.resourceNames ? rule.resourceNames.length === 1 : rule.verbs.join() === 'create', 'reads only by name');
      }
    }
  }
});

t.test('the pod runs non-root, read-only, without capabilities, with RuntimeDefault seccomp', async (t) => {
  const spec = podSpec(defaults);
  t.match(spec.securityContext, { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
  const container = spec.containers[0]!;
  t.same(container.securityContext, { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
  t.same(container.args, ['serve', '--settings', '/etc/meshguard/settings/settings.yaml']);
});

t.test('HA: 2 replicas spread over nodes, no unavailable replica during a rollout, PDB minAvailable 1', async (t) => {
  const deployment = find(defaults, 'Deployment');
  t.match(deployment.spec, { replicas: 2, strategy: { rollingUpdate: { maxUnavailable: 0 } } });
  const spec = podSpec(defaults);
  t.match(spec.topologySpreadConstraints, [{ topologyKey: 'kubernetes.io/hostname', maxSkew: 1, labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'meshguard' } } }]);
  t.match(find(defaults, 'PodDisruptionBudget').spec, { minAvailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': 'meshguard', 'app.kubernetes.io/instance': 'meshguard' } } });
  t.notOk(spec.priorityClassName, 'no priority class unless asked');
  t.equal(podSpec(render({ priorityClassName: 'system-cluster-critical' })).priorityClassName, 'system-cluster-critical');
});

t.test('probes use the health port; requests are set and there is no CPU limit', async (t) => {
  const container = podSpec(defaults).containers[0]!;
  t.match(container.readinessProbe, { httpGet: { path: '/readyz', port: 'health' } });
  t.match(container.livenessProbe, { httpGet: { path: '/healthz', port: 'health' } });
  t.match(container.ports, [{ name: 'admission', containerPort: 8443 }, { name: 'health', containerPort: 9090 }]);
  t.match(container.resources, { requests: { cpu: String, memory: String }, limits: { memory: String } });
  t.notOk((container.resources as { limits: Record<string, unknown> }).limits.cpu, 'no CPU limit: throttling turns into webhook timeouts');
});

t.test('the V8 heap is capped by heapLimitMiB, half the memory limit by default', async (t) => {
  const container = (objects: Obj[]) => podSpec(objects).containers[0]!;
  t.same(container(defaults).env, [{ name: 'NODE_OPTIONS', value: '--max-old-space-size=256' }]);
  t.match(container(defaults).resources, { limits: { memory: '512Mi' } });
  t.same(container(render({ heapLimitMiB: 1024 })).env, [{ name: 'NODE_OPTIONS', value: '--max-old-space-size=1024' }]);
});

t.test('terminationGracePeriodSeconds covers the shutdown delay', async (t) => {
  t.equal(podSpec(defaults).terminationGracePeriodSeconds, 40);
  t.equal(podSpec(render({ shutdownDelaySeconds: 60 })).terminationGracePeriodSeconds, 90);
});

t.test('the settings ConfigMap is a valid meshguard settings file, mounted as a directory so it reloads', async (t) => {
  const objects = render({ settings: { mode: 'warn', rules: { MG101: 'off' }, exemptions: [{ rule: 'MG201', namespace: 'legacy' }] }, shutdownDelaySeconds: 20 });
  const file = (find(objects, 'ConfigMap').data as Record<string, string>)['settings.yaml']!;
  const settings = validateSettings(parseYaml(file), new Set(defaultRegistry().all().map((r) => r.id)), 'settings.yaml');
  t.match(settings, {
    mode: 'warn',
    rules: { MG101: 'off' },
    exemptions: [{ rule: 'MG201', namespace: 'legacy' }],
    server: { admissionPort: 8443, healthPort: 9090, shutdownDelaySeconds: 20 },
    certificates: {
      source: 'self-managed',
      selfManaged: { namespace: 'meshguard', secretName: 'meshguard-certs', serviceName: 'meshguard', validatingWebhookConfiguration: 'meshguard', mutatingWebhookConfiguration: '00-meshguard' },
    },
  });
  const container = podSpec(objects).containers[0]! as { volumeMounts: Array<Record<string, unknown>> };
  t.same(container.volumeMounts, [{ name: 'settings', mountPath: '/etc/meshguard/settings', readOnly: true }], 'no subPath: the kubelet updates it in place');
});

t.test('settings that are read only at start restart the pods; the others reload without a restart', async (t) => {
  const checksum = (objects: Obj[]) => (find(objects, 'Deployment').spec as { template: { metadata: { annotations: Record<string, string> } } }).template.metadata.annotations['checksum/startup-settings'];
  t.match(checksum(defaults), /^[0-9a-f]{64}$/);
  t.equal(checksum(render({ settings: { mode: 'warn', rules: { MG101: 'off' } } })), checksum(defaults), 'rule settings reload live');
  t.not(checksum(render({ certificates: { selfManaged: { caValidityDays: 730 } } })), checksum(defaults), 'certificate settings restart');
  t.not(checksum(render({ ports: { admission: 9443 } })), checksum(defaults), 'server settings restart');
});

t.test('cert-manager mode: a CA chain and serving Certificate, caBundle injected, files reloaded, no Secret RBAC', async (t) => {
  const objects = render({ certificates: { mode: 'cert-manager' } });
  const certificate = find(objects, 'Certificate', 'meshguard-serving');
  t.match(certificate.spec, {
    secretName: 'meshguard-tls',
    dnsNames: ['meshguard.meshguard.svc', 'meshguard.meshguard.svc.cluster.local'],
    issuerRef: { name: 'meshguard-ca', kind: 'Issuer' },
  });
  t.match(find(objects, 'Certificate', 'meshguard-ca').spec, { isCA: true, issuerRef: { name: 'meshguard-selfsigned' } });
  t.match(find(objects, 'Issuer', 'meshguard-ca').spec, { ca: { secretName: 'meshguard-ca' } });
  for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
    t.same(find(objects, kind).metadata?.annotations, { 'cert-manager.io/inject-ca-from': 'meshguard/meshguard-serving' }, kind);
  }
  t.match(podSpec(objects).volumes, [{ name: 'settings' }, { name: 'tls', secret: { secretName: 'meshguard-tls' } }]);
  t.notOk(objects.some((o) => o.kind === 'Role' && o.metadata?.name === 'meshguard-certificates'), 'no Secret access');
  t.equal((roleRules(objects, 'ClusterRole', 'meshguard')).length, CLUSTER_VIEW_RULES.length, 'no webhook patch access');
  t.match((find(objects, 'ConfigMap').data as Record<string, string>)['settings.yaml'], /certificates:\n\s+source: files/);

  const external = render({ certificates: { mode: 'cert-manager', certManager: { issuerRef: { name: 'corp-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' } } } });
  t.same(find(external, 'Certificate', 'meshguard-serving').spec && (find(external, 'Certificate').spec as Record<string, unknown>).issuerRef, { name: 'corp-ca', kind: 'ClusterIssuer', group: 'cert-manager.io' });
  t.notOk(external.some((o) => o.kind === 'Issuer'), 'a given issuer replaces the chart\'s own CA');
});

t.test('secret mode: the given Secret is mounted and the given CA bundle is set on both webhooks', async (t) => {
  const objects = render({ certificates: { mode: 'secret', secret: { name: 'corp-tls', caBundle: 'Q0E=' } } });
  for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) t.equal(webhook(objects, kind).clientConfig.caBundle, 'Q0E=', kind);
  t.match(podSpec(objects).volumes, [{ name: 'settings' }, { name: 'tls', secret: { secretName: 'corp-tls' } }]);
  t.notOk(objects.some((o) => o.kind === 'Certificate' || (o.kind === 'Role' && o.metadata?.name === 'meshguard-certificates')));
});

t.test('NetworkPolicy and ServiceMonitor are rendered only when enabled', async (t) => {
  t.notOk(defaults.some((o) => o.kind === 'NetworkPolicy' || o.kind === 'ServiceMonitor'));
  const objects = render({ networkPolicy: { enabled: true, metricsFrom: [{ namespaceSelector: { matchLabels: { name: 'monitoring' } } }] }, serviceMonitor: { enabled: true } });
  t.match(find(objects, 'NetworkPolicy').spec, {
    policyTypes: ['Ingress'],
    ingress: [{ ports: [{ port: 'admission' }] }, { ports: [{ port: 'health' }], from: [{ namespaceSelector: { matchLabels: { name: 'monitoring' } } }] }],
  });
  t.match(find(objects, 'ServiceMonitor').spec, { endpoints: [{ port: 'http-metrics', path: '/metrics' }] });
});

t.test('the mutating webhook can be switched off, and its RBAC with it', async (t) => {
  const objects = render({ webhooks: { mutating: { enabled: false } } });
  t.notOk(objects.some((o) => o.kind === 'MutatingWebhookConfiguration'));
  t.notOk(roleRules(objects, 'ClusterRole', 'meshguard').some((r) => r.resources.includes('mutatingwebhookconfigurations')));
});
