import type { ClusterView } from '../src/cluster/view.js';
import type { RuleKind } from '../src/istio/kinds.js';
import { judgeObject, type JudgeRequest } from '../src/judge.js';
import type { KubeObject } from '../src/k8s/types.js';
import { defaultRegistry } from '../src/rules/catalog.js';
import type { Operation } from '../src/rules/types.js';
import { validateSettings } from '../src/settings.js';
import { appName, namespaceName } from './synthetic-cluster.js';

export interface ReviewCost {
  review: string;
  medianMicros: number;
  p99Micros: number;
  /** Rule ids that reported findings, so a reader sees the rules did real work. */
  rules: string[];
  /** Rules that threw on the synthetic cluster (skipped in production; here a bug to fix). */
  failures: string[];
}

interface ScaleReview {
  label: string;
  operation: Operation;
  object: KubeObject;
  /** The stored object an UPDATE replaces; the object itself when omitted. */
  old?: KubeObject;
}

const API_VERSIONS: Readonly<Record<string, string>> = {
  PeerAuthentication: 'security.istio.io/v1',
  AuthorizationPolicy: 'security.istio.io/v1',
  RequestAuthentication: 'security.istio.io/v1',
  DestinationRule: 'networking.istio.io/v1',
  Sidecar: 'networking.istio.io/v1',
};

function istio(kind: string, namespace: string, name: string, spec: object, creationTimestamp?: string): KubeObject {
  return { apiVersion: API_VERSIONS[kind], kind, metadata: { name, namespace, creationTimestamp }, spec };
}

/**
 * Reviews of every kind that has rules, on CREATE, UPDATE and DELETE, aimed at the synthetic cluster's
 * first namespace: together they run every registered rule; the three root-namespace reviews show the
 * cost of a mesh-wide change, answered from the store's mesh-wide counts.
 */
function scaleReviews(): ScaleReview[] {
  const ns = namespaceName(0);
  const app = appName(0);
  const selector = { matchLabels: { app } };
  const stored = '2024-01-01T00:00:00Z';
  const ingressTls = { mode: 'SIMPLE', serverCertificate: '/etc/tls/tls.crt', privateKey: '/etc/tls/tls.key' };
  return [
    {
      label: 'AuthorizationPolicy DENY principals, methods, JWT claim',
      operation: 'CREATE',
      object: istio('AuthorizationPolicy', ns, 'deny', {
        selector,
        action: 'DENY',
        rules: [{ from: [{ source: { principals: [`cluster.local/ns/${namespaceName(1)}/sa/${app}`], namespaces: ['missing'] } }], to: [{ operation: { methods: ['DELETE'], ports: ['80'] } }], when: [{ key: 'request.auth.claims[group]', values: ['x'] }] }],
      }),
    },
    { label: 'AuthorizationPolicy ALLOW methods', operation: 'UPDATE', object: istio('AuthorizationPolicy', ns, 'ap-0', { selector, rules: [{ to: [{ operation: { methods: ['GET'] } }] }] }, stored) },
    { label: 'AuthorizationPolicy mesh-wide DENY', operation: 'CREATE', object: istio('AuthorizationPolicy', 'istio-system', 'deny-ns', { action: 'DENY', rules: [{ from: [{ source: { namespaces: [namespaceName(1)] } }] }] }) },
    {
      label: 'RequestAuthentication mesh-wide DELETE',
      operation: 'DELETE',
      object: istio('RequestAuthentication', 'istio-system', 'jwt', { jwtRules: [{ issuer: 'https://issuer.example', jwksUri: 'https://issuer.example/jwks.json' }] }, stored),
    },
    { label: 'PeerAuthentication namespace DISABLE', operation: 'UPDATE', object: istio('PeerAuthentication', ns, 'default', { mtls: { mode: 'DISABLE' } }, stored), old: istio('PeerAuthentication', ns, 'default', { mtls: { mode: 'PERMISSIVE' } }, stored) },
    { label: 'PeerAuthentication workload port-level', operation: 'CREATE', object: istio('PeerAuthentication', ns, 'new', { selector, mtls: { mode: 'STRICT' }, portLevelMtls: { '80': { mode: 'STRICT' } } }) },
    { label: 'PeerAuthentication workload DELETE', operation: 'DELETE', object: istio('PeerAuthentication', ns, 'pa-1', { selector, mtls: { mode: 'STRICT' } }, stored) },
    {
      label: 'PeerAuthentication mesh-wide PERMISSIVE to STRICT',
      operation: 'UPDATE',
      object: istio('PeerAuthentication', 'istio-system', 'default', { mtls: { mode: 'STRICT' } }, stored),
      old: istio('PeerAuthentication', 'istio-system', 'default', { mtls: { mode: 'PERMISSIVE' } }, stored),
    },
    { label: 'DestinationRule ISTIO_MUTUAL', operation: 'CREATE', object: istio('DestinationRule', namespaceName(1), 'to-app', { host: `${app}.${ns}.svc.cluster.local`, trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } }) },
    { label: 'DestinationRule DISABLE subset', operation: 'CREATE', object: istio('DestinationRule', ns, 'plain', { host: app, subsets: [{ name: 'v1', labels: { app }, trafficPolicy: { tls: { mode: 'DISABLE' } } }] }) },
    { label: 'Sidecar ingress TLS', operation: 'CREATE', object: istio('Sidecar', ns, 'tls', { workloadSelector: { labels: { app } }, ingress: [{ port: { number: 8443, protocol: 'HTTPS', name: 'external' }, defaultEndpoint: '0.0.0.0:8080', tls: ingressTls }] }) },
  ];
}

/** Rounds in which each view takes its turn, so that a change of machine load reaches every view alike. */
const ROUNDS = 10;

/**
 * Every rule on each loaded cluster: each review goes through judgeObject (shape check, every rule for
 * the kind, settings) as the webhook runs it, warmed up, then timed call by call, the views taking
 * turns (A B A B ...); median and p99 per view. Returns one list of costs per view.
 */
export function measureRuleCost(views: readonly ClusterView[], iterations: number): ReviewCost[][] {
  const registry = defaultRegistry();
  const settings = validateSettings({}, new Set(registry.all().map((rule) => rule.id)));
  const costs = views.map((): ReviewCost[] => []);
  for (const { label, operation, object, old } of scaleReviews()) {
    const oldObject = operation === 'UPDATE' ? (old ?? object) : undefined;
    const request: JudgeRequest = { kind: object.kind as RuleKind, operation, namespace: object.metadata!.namespace!, name: object.metadata!.name!, object, oldObject };
    // A fresh copy per call, as each admission request decodes its own object (rules may cache per object).
    const judges = views.map((view) => () => judgeObject({ ...request, object: structuredClone(object) }, { registry, settings, view }));
    const firsts = judges.map((judge) => judge());
    for (const judge of judges) for (let i = 1; i < iterations; i++) judge();
    const samples = views.map((): number[] => []);
    for (let round = 0; round < ROUNDS; round++) {
      judges.forEach((judge, v) => {
        for (let i = 0; i < Math.ceil(iterations / ROUNDS); i++) {
          const started = process.hrtime.bigint();
          judge();
          samples[v]!.push(Number(process.hrtime.bigint() - started) / 1000);
        }
      });
    }
    firsts.forEach((first, v) =>
      costs[v]!.push({
        review: `${operation} ${label}`,
        medianMicros: percentile(samples[v]!, 0.5),
        p99Micros: percentile(samples[v]!, 0.99),
        rules: first.type === 'judged' ? [...new Set(first.evaluation.findings.map((f) => f.rule))].sort() : [],
        failures: first.type === 'judged' ? first.evaluation.failures.map((f) => f.rule) : [`unreadable: ${first.issue.reason}`],
      }),
    );
  }
  return costs;
}

function percentile(values: number[], q: number): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

/** Issue 9's targets for one review: in-process median, and growth from the reviewed namespaces alone to the whole cluster. */
export const REVIEW_TARGETS = { maxMedianMicros: 50, maxClusterRatio: 1.5 } as const;

/**
 * The reviews on the large cluster next to the same reviews on a cluster that holds only the reviewed
 * namespaces (same contents, nothing else): the ratio shows what the cluster's size adds, where a
 * comparison with an empty cluster would also count the size of the answer. Ends with the targets.
 */
export function formatRuleCost(costs: readonly ReviewCost[], reviewedOnly: readonly ReviewCost[]): string {
  const ratios = costs.map((c, i) => c.medianMicros / reviewedOnly[i]!.medianMicros);
  const rows = costs.map((c, i) => {
    const small = reviewedOnly[i]!;
    const findings = `${c.rules.join(' ')}${c.failures.length ? ` FAILED: ${c.failures.join(' ')}` : ''}${small.rules.join(' ') !== c.rules.join(' ') ? ` (reviewed namespaces only: ${small.rules.join(' ')})` : ''}`;
    return `| ${c.review} | ${c.medianMicros.toFixed(1)} | ${c.p99Micros.toFixed(1)} | ${small.medianMicros.toFixed(1)} | ${ratios[i]!.toFixed(2)} | ${findings} |`;
  });
  const slowest = Math.max(...costs.map((c) => c.medianMicros));
  const steepest = Math.max(...ratios);
  const verdict = (met: boolean) => (met ? 'pass' : 'FAIL');
  return [
    '| review (every rule, judgeObject) | median µs | p99 µs | reviewed namespaces only, median µs | ratio | findings |',
    '|---|---|---|---|---|---|',
    ...rows,
    '',
    `slowest median ${slowest.toFixed(1)} µs (target < ${REVIEW_TARGETS.maxMedianMicros}): ${verdict(slowest < REVIEW_TARGETS.maxMedianMicros)}`,
    `steepest ratio to the reviewed namespaces alone ${steepest.toFixed(2)} (target < ${REVIEW_TARGETS.maxClusterRatio}): ${verdict(steepest < REVIEW_TARGETS.maxClusterRatio)}`,
  ].join('\n');
}
