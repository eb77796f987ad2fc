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
 * Each review is timed in ROUNDS rounds that visit every cluster in turn, so JIT state, heap growth and
 * machine load reach every cluster alike (measured one cluster after the other, the first paid for the
 * warm-up of the code the others then ran warm). Within a round, the calls of one review stop after
 * TIME_BUDGET_MS (a mesh-wide review on a large cluster can cost far more than the rest), but not
 * before MIN_CALLS calls.
 */
const ROUNDS = 5;
const TIME_BUDGET_MS = 200;
const MIN_CALLS = 3;

/**
 * The in-process cost of judging one decoded AdmissionReview on each of `views`: `handleReview` as the
 * route calls it (envelope check, schema check, rules, decision, response, metrics), with the logger
 * silenced so the figure is meshguard's own work. Every review of every cluster is warmed up once, then
 * timed call by call, `iterations` calls in all. Every call gets its own freshly parsed body (parsed
 * outside the timing), as every served request does: work that rules cache per reviewed object
 * (src/rules/mtls-changes.ts) is then paid on every call, as in production, instead of once for all of them.
 */
export function measureEvaluation(entries: readonly MixEntry[], views: readonly ClusterView[], iterations: number): EvaluationCost[] {
  const registry = defaultRegistry();
  const settings = validateSettings({}, new Set(registry.all().map((rule) => rule.id)));
  const depsOf = views.map((view): WebhookDeps => ({ registry, settings: () => settings, view, metrics: new Metrics(), logger: createLogger('silent') }));
  const perRound = Math.max(1, Math.ceil(iterations / ROUNDS));
  for (const deps of depsOf) for (const entry of entries) timeCalls(entry, deps, perRound);
  const samples = depsOf.map(() => entries.map((): number[] => []));
  for (let round = 0; round < ROUNDS; round++) {
    depsOf.forEach((deps, cluster) => entries.forEach((entry, index) => samples[cluster]![index]!.push(...timeCalls(entry, deps, perRound))));
  }
  return samples.map((perEntry) => costOf(entries, perEntry));
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

/** Microseconds of each call, up to `iterations` calls within the time budget. */
function timeCalls(entry: MixEntry, deps: WebhookDeps, iterations: number): number[] {
  const webhook = entry.path === '/mutate' ? 'mutate' : 'validate';
  const deadline = performance.now() + TIME_BUDGET_MS;
  const samples: number[] = [];
  while (samples.length < iterations && (samples.length < MIN_CALLS || performance.now() < deadline)) {
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
