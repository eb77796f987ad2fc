import { buildManifestView } from '../src/cluster/manifest-view.js';
import type { ClusterView } from '../src/cluster/view.js';
import type { RuleKind } from '../src/istio/kinds.js';
import { judgeObject, type JudgeRequest } from '../src/judge.js';
import type { KubeObject } from '../src/k8s/types.js';
import { defaultRegistry } from '../src/rules/catalog.js';
import type { Operation } from '../src/rules/types.js';
import { validateSettings } from '../src/settings.js';
import { istio, syntheticCluster, type ClusterSize } from './synthetic-cluster.js';

export interface ReviewCost {
  review: string;
  medianMicros: number;
  p99Micros: number;
  /** Rule ids that reported findings, so a reader sees the rules did real work. */
  rules: string[];
  /** Rules that threw on the synthetic cluster (they are skipped in production; here they are a bug). */
  failures: string[];
}

export interface ClusterScaleReport {
  size: ClusterSize;
  workloads: number;
  buildMillis: number;
  reviews: ReviewCost[];
}

interface ScaleReview {
  label: string;
  operation: Operation;
  object: KubeObject;
  /** The stored object an UPDATE replaces; the object itself when omitted. */
  old?: KubeObject;
}

/**
 * Reviews of every kind that has rules, on CREATE, UPDATE and DELETE, aimed at the first namespace
 * (meshed, with a Sidecar TLS workload): together they run every registered rule on the cluster.
 */
function scaleReviews(): ScaleReview[] {
  const selector = { matchLabels: { app: 'app-0' } };
  return [
    { label: 'AuthorizationPolicy DENY principals+methods', operation: 'CREATE', object: istio('AuthorizationPolicy', 'ns-0', 'deny', { selector, action: 'DENY', rules: [{ from: [{ source: { principals: ['cluster.local/ns/ns-1/sa/app-1'], namespaces: ['ns-404'] } }], to: [{ operation: { methods: ['DELETE'], ports: ['80'] } }], when: [{ key: 'request.auth.claims[group]', values: ['x'] }] }] }, undefined) },
    { label: 'AuthorizationPolicy ALLOW methods', operation: 'UPDATE', object: istio('AuthorizationPolicy', 'ns-0', 'allow-frontend', { selector, rules: [{ to: [{ operation: { methods: ['GET'] } }] }] }) },
    { label: 'AuthorizationPolicy mesh-wide DENY', operation: 'CREATE', object: istio('AuthorizationPolicy', 'istio-system', 'deny-ns', { action: 'DENY', rules: [{ from: [{ source: { namespaces: ['ns-1'] } }] }] }, undefined) },
    { label: 'PeerAuthentication namespace DISABLE', operation: 'CREATE', object: istio('PeerAuthentication', 'ns-0', 'default', { mtls: { mode: 'DISABLE' } }, undefined) },
    { label: 'PeerAuthentication workload port-level', operation: 'UPDATE', object: istio('PeerAuthentication', 'ns-0', 'app-0', { selector, mtls: { mode: 'STRICT' }, portLevelMtls: { '80': { mode: 'STRICT' } } }) },
    { label: 'PeerAuthentication workload DELETE', operation: 'DELETE', object: istio('PeerAuthentication', 'ns-0', 'app-0', { selector, mtls: { mode: 'STRICT' }, portLevelMtls: { '8443': { mode: 'DISABLE' } } }) },
    {
      label: 'PeerAuthentication mesh-wide PERMISSIVE to STRICT',
      operation: 'UPDATE',
      object: istio('PeerAuthentication', 'istio-system', 'default', { mtls: { mode: 'STRICT' } }),
      old: istio('PeerAuthentication', 'istio-system', 'default', { mtls: { mode: 'PERMISSIVE' } }),
    },
    { label: 'DestinationRule ISTIO_MUTUAL', operation: 'CREATE', object: istio('DestinationRule', 'ns-1', 'to-app-0', { host: 'app-0.ns-0.svc.cluster.local', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } }, undefined) },
    { label: 'DestinationRule DISABLE subset', operation: 'UPDATE', object: istio('DestinationRule', 'ns-0', 'app-1', { host: 'app-1', subsets: [{ name: 'v1', labels: { version: 'v1' }, trafficPolicy: { tls: { mode: 'DISABLE' } } }] }) },
    { label: 'Sidecar ingress TLS', operation: 'UPDATE', object: istio('Sidecar', 'ns-0', 'app-0', { workloadSelector: { labels: { app: 'app-0' } }, ingress: [{ port: { number: 8443, protocol: 'HTTPS', name: 'external' }, defaultEndpoint: '0.0.0.0:8080', tls: { mode: 'SIMPLE', serverCertificate: '/etc/tls/tls.crt', privateKey: '/etc/tls/tls.key' } }] }) },
  ];
}

/**
 * Every rule on the synthetic cluster: each review goes through judgeObject (shape check, every rule
 * for the kind, settings), warmed up, then timed call by call; median and p99 per review.
 */
export function measureClusterScale(size: ClusterSize, iterations: number): ClusterScaleReport {
  const started = process.hrtime.bigint();
  const view: ClusterView = buildManifestView(syntheticCluster(size));
  const buildMillis = Number(process.hrtime.bigint() - started) / 1e6;
  const registry = defaultRegistry();
  const settings = validateSettings({}, new Set(registry.all().map((rule) => rule.id)));
  const reviews = scaleReviews().map(({ label, operation, object, old }): ReviewCost => {
    const oldObject = operation === 'UPDATE' ? (old ?? object) : undefined;
    const request: JudgeRequest = { kind: object.kind as RuleKind, operation, namespace: object.metadata!.namespace!, name: object.metadata!.name!, object, oldObject };
    // A fresh copy per call, as each admission request decodes its own object (rules may cache per object).
    const judge = () => judgeObject({ ...request, object: structuredClone(object) }, { registry, settings, view });
    const first = judge();
    for (let i = 1; i < iterations; i++) judge();
    const samples: number[] = [];
    for (let i = 0; i < iterations; i++) {
      const t0 = process.hrtime.bigint();
      judge();
      samples.push(Number(process.hrtime.bigint() - t0) / 1000);
    }
    const evaluation = first.type === 'judged' ? first.evaluation : undefined;
    return {
      review: `${operation} ${label}`,
      medianMicros: percentile(samples, 0.5),
      p99Micros: percentile(samples, 0.99),
      rules: [...new Set(evaluation?.findings.map((f) => f.rule) ?? [])].sort(),
      failures: evaluation?.failures.map((f) => f.rule) ?? [`unreadable: ${first.type === 'unreadable' ? first.issue.reason : ''}`],
    };
  });
  return { size, workloads: [...view.allWorkloads()].length, buildMillis, reviews };
}

function percentile(values: number[], q: number): number {
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

export function formatClusterScale(report: ClusterScaleReport): string {
  const header = `synthetic cluster: ${report.size.namespaces} namespaces x ${report.size.workloadsPerNamespace} workloads (${report.workloads} workloads), built in ${report.buildMillis.toFixed(0)} ms\n`;
  const rows = report.reviews.map((r) => `${r.review.padEnd(58)} ${r.medianMicros.toFixed(1).padStart(10)} ${r.p99Micros.toFixed(1).padStart(10)}  ${r.rules.join(' ')}${r.failures.length ? `  FAILED: ${r.failures.join(' ')}` : ''}`);
  return `${header}${'review'.padEnd(58)} ${'median µs'.padStart(10)} ${'p99 µs'.padStart(10)}  findings\n${rows.join('\n')}\n`;
}
