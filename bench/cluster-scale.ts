import { cpus, totalmem } from 'node:os';
import { buildManifestView } from '../src/cluster/manifest-view.js';
import type { WorkloadInfo } from '../src/cluster/model.js';
import type { ClusterView } from '../src/cluster/view.js';
import { formatRuleCost, measureRuleCost, type ReviewCost } from './rule-cost.js';
import { APPS_PER_NAMESPACE, ISSUE_SCALE, REVIEWED_NAMESPACES_ONLY, appName, namespaceName, syntheticCluster } from './synthetic-cluster.js';

/**
 * `npm run bench:cluster`: loads the issue's synthetic cluster into the ClusterView and times every
 * query (median and p99 over many calls with varied inputs), reports heap and RSS after loading, and
 * compares each query with the same query on a one-namespace cluster of the same shape (same answer
 * sizes: the ratio shows growth with cluster size, so indexes, not scans) and on an empty cluster.
 * Then every rule on the same cluster: one review per kind and operation through the whole pipeline,
 * next to the same review on a cluster of the reviewed namespaces alone.
 */
const ITERATIONS = 20_000;
const WARMUP = 2_000;
/** Whole reviews (every rule for the kind) per review kind and cluster. */
const RULE_ITERATIONS = 2_000;

interface Inputs {
  namespace: string;
  app: string;
  workload: WorkloadInfo;
}

type Query = (view: ClusterView, input: Inputs) => unknown;

const QUERIES: Record<string, Query> = {
  namespace: (v, i) => v.namespace(i.namespace),
  serviceAccountExists: (v, i) => v.serviceAccountExists(i.namespace, i.app),
  'workloads(ns, selector)': (v, i) => v.workloads(i.namespace, { app: i.app }),
  podCounts: (v, i) => v.podCounts(i.namespace),
  service: (v, i) => v.service(i.namespace, i.app),
  servicesSelecting: (v, i) => v.servicesSelecting(i.workload),
  'servicesForHost(short name)': (v, i) => v.servicesForHost(i.app, i.namespace),
  'policies(PeerAuthentication)': (v, i) => v.policies('PeerAuthentication', i.namespace),
  'selecting(AuthorizationPolicy)': (v, i) => v.selecting('AuthorizationPolicy', i.workload),
  'selecting(Sidecar)': (v, i) => v.selecting('Sidecar', i.workload),
  destinationRulesForHost: (v, i) => v.destinationRulesForHost(`${i.app}.${i.namespace}.svc.cluster.local`, i.namespace),
  effectiveDestinationRules: (v, i) => v.effectiveDestinationRules(`${i.app}.${i.namespace}.svc.cluster.local`, i.namespace),
  workloadFacts: (v, i) => v.workloadFacts(i.workload),
  'meshCounts(plaintextPorts)': (v) => v.meshCounts('plaintextPorts').total,
  effectiveMtls: (v, i) => v.effectiveMtls(i.workload, 9090),
  'withChange(upsert PA) + effectiveMtls': (v, i) =>
    v
      .withChange({
        type: 'upsert',
        object: { kind: 'PeerAuthentication', namespace: i.namespace, name: 'new', annotations: {}, spec: { selector: { matchLabels: { app: i.app } }, mtls: { mode: 'DISABLE' } } },
      })
      .effectiveMtls(i.workload, 8080),
};

function inputsFor(view: ClusterView, namespaces: number): Inputs[] {
  const inputs: Inputs[] = [];
  for (let k = 0; k < 1_000; k++) {
    const namespace = namespaceName((k * 7919) % namespaces);
    const app = appName(k);
    const workload = view.workloads(namespace, { app })[0];
    if (!workload) throw new Error(`synthetic cluster has no ${app} in ${namespace}`);
    inputs.push({ namespace, app, workload });
  }
  return inputs;
}

function measure(view: ClusterView, inputs: Inputs[], query: Query): { median: number; p99: number } {
  let sink = 0;
  for (let k = 0; k < WARMUP; k++) sink ^= query(view, inputs[k % inputs.length]!) ? 1 : 0;
  const samples = new Float64Array(ITERATIONS);
  for (let k = 0; k < ITERATIONS; k++) {
    const input = inputs[k % inputs.length]!;
    const start = process.hrtime.bigint();
    sink ^= query(view, input) ? 1 : 0;
    samples[k] = Number(process.hrtime.bigint() - start) / 1_000;
  }
  samples.sort();
  if (sink === 2) console.log('unreachable');
  return { median: samples[Math.floor(ITERATIONS / 2)]!, p99: samples[Math.floor(ITERATIONS * 0.99)]! };
}

const gc = (globalThis as { gc?: () => void }).gc;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** Builds the view; the synthetic objects go out of scope on return, so memory is the view's own. */
function load(): { view: ClusterView; generateMs: number; loadMs: number } {
  const started = process.hrtime.bigint();
  const objects = syntheticCluster();
  const generated = process.hrtime.bigint();
  const view = buildManifestView(objects);
  const loaded = process.hrtime.bigint();
  return { view, generateMs: Number(generated - started) / 1e6, loadMs: Number(loaded - generated) / 1e6 };
}

function main(): void {
  gc?.();
  const baseline = process.memoryUsage();
  const { view, generateMs, loadMs } = load();
  gc?.();
  const memory = process.memoryUsage();

  const oneNamespace = buildManifestView(
    syntheticCluster({ namespaces: 1, pods: 20, services: APPS_PER_NAMESPACE, peerAuthentications: 2, authorizationPolicies: 2, destinationRules: 1 }),
  );
  const empty = buildManifestView([]);
  const scaleInputs = inputsFor(view, ISSUE_SCALE.namespaces);
  const smallInputs = inputsFor(oneNamespace, 1);

  console.log(`meshguard cluster-scale benchmark — ${new Date().toISOString()}, Node ${process.version}, ${cpus()[0]?.model ?? 'cpu'} x${cpus().length}, ${mib(totalmem())} RAM`);
  console.log(
    `cluster: ${ISSUE_SCALE.pods} pods in ${ISSUE_SCALE.namespaces} namespaces, ${ISSUE_SCALE.services} Services, ${ISSUE_SCALE.peerAuthentications} PeerAuthentications, ` +
      `${ISSUE_SCALE.authorizationPolicies} AuthorizationPolicies, ${ISSUE_SCALE.destinationRules} DestinationRules`,
  );
  console.log(`generate ${generateMs.toFixed(0)} ms, load into the view ${loadMs.toFixed(0)} ms`);
  console.log(
    `after loading (input released${gc ? ', after GC' : ', no --expose-gc'}): heap used ${mib(memory.heapUsed)} (+${mib(memory.heapUsed - baseline.heapUsed)}), RSS ${mib(memory.rss)}`,
  );
  console.log('');
  // Rotating inputs touch a different namespace on every call (CPU caches cold, as for independent
  // admission requests); repeating one input keeps them warm and leaves only the algorithm's cost.
  console.log('| query | median µs | p99 µs | one-ns median µs | ratio | empty median µs | ratio vs empty | warm median µs | one-ns warm µs | warm ratio |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  let worstMedian = 0;
  let worstWarmRatio = 0;
  for (const [name, query] of Object.entries(QUERIES)) {
    const scale = measure(view, scaleInputs, query);
    const small = measure(oneNamespace, smallInputs, query);
    const none = measure(empty, scaleInputs, query);
    const warm = measure(view, scaleInputs.slice(0, 1), query);
    const smallWarm = measure(oneNamespace, smallInputs.slice(0, 1), query);
    worstMedian = Math.max(worstMedian, scale.median);
    worstWarmRatio = Math.max(worstWarmRatio, warm.median / smallWarm.median);
    const cells = [scale.median, scale.p99, small.median, scale.median / small.median, none.median, scale.median / none.median, warm.median, smallWarm.median, warm.median / smallWarm.median];
    console.log(`| ${name} | ${cells.map((c) => c.toFixed(2)).join(' | ')} |`);
  }
  console.log('');
  console.log(`worst median ${worstMedian.toFixed(2)} µs (target < 20), worst warm scale ratio ${worstWarmRatio.toFixed(2)} (target < 1.5), RSS ${mib(memory.rss)} (target < 250 MiB)`);
  console.log('times include the ~0.1 µs of the timer call around each query');
  console.log('');
  const [costs, reviewedOnlyCosts] = measureRuleCost([view, buildManifestView(syntheticCluster(REVIEWED_NAMESPACES_ONLY))], RULE_ITERATIONS) as [ReviewCost[], ReviewCost[]];
  console.log(formatRuleCost(costs, reviewedOnlyCosts));
  if ([...costs, ...reviewedOnlyCosts].some((c) => c.failures.length > 0)) process.exitCode = 1;
}

main();
