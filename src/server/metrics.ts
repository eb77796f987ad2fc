import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Every metric meshguard exports, registered once in its own registry (no global state between tests). */
export class Metrics {
  readonly registry = new Registry();

  readonly reviews = new Counter({
    name: 'meshguard_admission_reviews_total',
    help: 'Admission reviews answered, by webhook, kind, operation and decision (allowed, denied, invalid).',
    labelNames: ['webhook', 'kind', 'operation', 'decision'] as const,
    registers: [this.registry],
  });

  readonly reviewDuration = new Histogram({
    name: 'meshguard_admission_review_duration_seconds',
    help: 'Time from a decoded AdmissionReview to its response, by webhook and kind.',
    labelNames: ['webhook', 'kind'] as const,
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });

  readonly findings = new Counter({
    name: 'meshguard_findings_total',
    help: 'Findings reported, by rule and outcome (deny, warn, suppressed).',
    labelNames: ['rule', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly badRequests = new Counter({
    name: 'meshguard_bad_requests_total',
    help: 'Requests rejected before review: not JSON, not an AdmissionReview, too large, wrong content type.',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  /** Read when scraped, not set on every request: see countInFlight. */
  private inFlightNow: () => number = () => 0;

  readonly inFlight: Gauge = new Gauge({
    name: 'meshguard_admission_in_flight_requests',
    help: 'Admission requests being received or reviewed now (bounded by server.maxInFlight).',
    registers: [this.registry],
    collect: () => {
      this.inFlight.set(this.inFlightNow());
    },
  });

  readonly overloadRejections = new Counter({
    name: 'meshguard_admission_overload_rejections_total',
    help: 'Admission requests answered 429 at once because server.maxInFlight requests were already in flight.',
    registers: [this.registry],
  });

  readonly ruleFailures = new Counter({
    name: 'meshguard_rule_failures_total',
    help: 'Rules that threw while checking an object (the rule is skipped, the object is not denied for it).',
    labelNames: ['rule'] as const,
    registers: [this.registry],
  });

  readonly certificateExpiry = new Gauge({
    name: 'meshguard_certificate_expiry_timestamp_seconds',
    help: 'Expiry (Unix time) of the serving certificate currently in use.',
    registers: [this.registry],
  });

  readonly reloads = new Counter({
    name: 'meshguard_reloads_total',
    help: 'Reloads of the serving certificate or the settings file, by target and result (an invalid replacement is rejected and the old one kept).',
    labelNames: ['target', 'result'] as const,
    registers: [this.registry],
  });

  readonly certificateErrors = new Counter({
    name: 'meshguard_certificate_errors_total',
    help: 'Self-managed certificate reconciliations that failed (API errors); the certificate in use is kept.',
    registers: [this.registry],
  });

  constructor({ processMetrics = true }: { processMetrics?: boolean } = {}) {
    if (processMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'meshguard_' });
  }

  /** The in-flight gauge reports `count()` at each scrape. */
  countInFlight(count: () => number): void {
    this.inFlightNow = count;
  }
}
