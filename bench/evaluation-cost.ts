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
  /** Median microseconds of one handleReview call over every review of the kind in the mix. */
  medianMicros: number;
}

/**
 * The in-process cost of judging one decoded AdmissionReview: `handleReview` as the route calls it
 * (envelope check, schema check, rules, decision, response, metrics), with the logger silenced so
 * the figure is meshguard's own work. Each review is warmed up, then timed call by call.
 */
export function measureEvaluation(entries: readonly MixEntry[], view: ClusterView, iterations: number): KindCost[] {
  const registry = defaultRegistry();
  const settings = validateSettings({}, new Set(registry.all().map((rule) => rule.id)));
  const deps: WebhookDeps = { registry, settings: () => settings, view, metrics: new Metrics(), logger: createLogger('silent') };

  const samplesByKind = new Map<RuleKind, number[]>();
  for (const entry of entries) {
    const webhook = entry.path === '/mutate' ? 'mutate' : 'validate';
    for (let i = 0; i < iterations; i++) handleReview(webhook, entry.review, deps);
    const samples = samplesByKind.get(entry.kind) ?? [];
    for (let i = 0; i < iterations; i++) {
      const started = process.hrtime.bigint();
      handleReview(webhook, entry.review, deps);
      samples.push(Number(process.hrtime.bigint() - started) / 1000);
    }
    samplesByKind.set(entry.kind, samples);
  }
  return [...samplesByKind].map(([kind, samples]) => ({ kind, medianMicros: median(samples) }));
}

function median(values: number[]): number {
  const sorted = Float64Array.from(values).sort();
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
