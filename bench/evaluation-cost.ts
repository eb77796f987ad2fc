import { handleReview, type WebhookDeps } from '../src/admission/webhook.js';
import type { ClusterView } from '../src/cluster/view.js';
import type { RuleKind } from '../src/istio/kinds.js';
import { defaultRegistry } from '../src/rules/catalog.js';
import { createLogger } from '../src/server/logger.js';
import { Metrics } from '../src/server/metrics.js';
import { validateSettings } from '../src/settings.js';
import type { MixEntry } from './body-mix.js';

export interface KindCost {
  kind: RuleKind;
  /** Median microseconds of one handleReview call over every review of the kind in the mix, each review weighing the same. */
  medianMicros: number;
}

export interface ReviewCost {
  fixture: string;
  medianMicros: number;
}

export interface EvaluationCost {
  kinds: KindCost[];
  /** The review of the mix with the highest median. */
  slowest: ReviewCost;
}

/**
 * Each review is timed in ROUNDS rounds over the mix. Within a round the clusters take turns on the
 * review in blocks of BLOCK calls, so each cluster's calls are paired in time with the others': on this
 * machine the cost of the same review swings by up to 3× from one tens-of-milliseconds stretch to the
 * next, and clusters measured a whole round apart gave ratios from 0.5 to 1.7 for the same reviews
 * (measured one cluster after the other, the first also paid for the warm-up of the code the others
 * then ran warm). A block is short enough to share the machine's state with its neighbours and long
 * enough to run warm, as back-to-back reviews of one kind do. The calls of one review in a round stop
 * after TIME_BUDGET_MS per cluster (a mesh-wide review on a large cluster can cost far more than the
 * rest), but not before MIN_CALLS calls.
 */
const ROUNDS = 5;
const BLOCK = 20;
const TIME_BUDGET_MS = 200;
const MIN_CALLS = 3;

/**
 * The in-process cost of judging one decoded AdmissionReview on each of `views`: `handleReview` as the
 * route calls it (envelope check, schema check, rules, decision, response, metrics), with the logger
 * silenced so the figure is meshguard's own work. Every review of every cluster is warmed up once, then
 * timed call by call, up to `iterations` calls in all. Every call gets its own freshly parsed body (parsed
 * outside the timing), as every served request does: work that rules cache per reviewed object
 * (src/rules/mtls-changes.ts) is then paid on every call, as in production, instead of once for all of them.
 */
export function measureEvaluation(entries: readonly MixEntry[], views: readonly ClusterView[], iterations: number): EvaluationCost[] {
  const registry = defaultRegistry();
  const settings = validateSettings({}, new Set(registry.all().map((rule) => rule.id)));
  const depsOf = views.map((view): WebhookDeps => ({ registry, settings: () => settings, view, metrics: new Metrics(), logger: createLogger('silent') }));
  const perRound = Math.max(1, Math.ceil(iterations / ROUNDS));
  for (const entry of entries) pairedCalls(entry, depsOf, perRound);
  const samples = depsOf.map(() => entries.map((): number[] => []));
  for (let round = 0; round < ROUNDS; round++) {
    entries.forEach((entry, index) => pairedCalls(entry, depsOf, perRound).forEach((calls, cluster) => samples[cluster]![index]!.push(...calls)));
  }
  return samples.map((perEntry) => costOf(entries, perEntry));
}

/** Up to `calls` timed calls of one review on every cluster, the clusters taking turns in blocks of BLOCK calls. */
function pairedCalls(entry: MixEntry, depsOf: readonly WebhookDeps[], calls: number): number[][] {
  const samples = depsOf.map((): number[] => []);
  const deadline = performance.now() + TIME_BUDGET_MS * depsOf.length;
  for (let done = 0; done < calls && (done < MIN_CALLS || performance.now() < deadline); done += BLOCK) {
    depsOf.forEach((deps, cluster) => samples[cluster]!.push(...timeCalls(entry, deps, Math.min(BLOCK, calls - done))));
  }
  return samples;
}

function costOf(entries: readonly MixEntry[], perEntry: readonly number[][]): EvaluationCost {
  const samplesByKind = new Map<RuleKind, number[][]>();
  const reviews: ReviewCost[] = entries.map((entry, index) => {
    samplesByKind.set(entry.kind, [...(samplesByKind.get(entry.kind) ?? []), perEntry[index]!]);
    return { fixture: entry.fixture, medianMicros: weightedMedian([perEntry[index]!]) };
  });
  return {
    kinds: [...samplesByKind].map(([kind, perReview]) => ({ kind, medianMicros: weightedMedian(perReview) })),
    slowest: reviews.reduce((slowest, review) => (review.medianMicros > slowest.medianMicros ? review : slowest)),
  };
}

/** Microseconds of each of `calls` calls. */
function timeCalls(entry: MixEntry, deps: WebhookDeps, calls: number): number[] {
  const webhook = entry.path === '/mutate' ? 'mutate' : 'validate';
  const samples: number[] = [];
  while (samples.length < calls) {
    const body: unknown = JSON.parse(entry.body);
    const started = process.hrtime.bigint();
    handleReview(webhook, body, deps);
    samples.push(Number(process.hrtime.bigint() - started) / 1000);
  }
  return samples;
}

/** The median of the pooled samples, each list weighing the same however many samples it has. */
function weightedMedian(lists: readonly number[][]): number {
  const weighted = lists.flatMap((samples) => samples.map((value) => ({ value, weight: 1 / (samples.length * lists.length) }))).sort((a, b) => a.value - b.value);
  let cumulative = 0;
  for (const { value, weight } of weighted) {
    cumulative += weight;
    if (cumulative >= 0.5 - 1e-9) return value;
  }
  return weighted.at(-1)?.value ?? 0;
}
