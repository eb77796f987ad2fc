import { Counter, Gauge, type Registry } from 'prom-client';

/** The live view's metrics, registered in the server's registry (served on /metrics). */
export class CacheMetrics {
  readonly synced: Gauge<'resource'>;
  readonly relists: Counter<'resource'>;
  readonly errors: Counter<'resource' | 'phase'>;

  constructor(registry: Registry) {
    this.synced = new Gauge({
      name: 'meshguard_cache_synced',
      help: 'Whether the cluster cache of a resource holds its initial list (1) or not yet (0).',
      labelNames: ['resource'],
      registers: [registry],
    });
    this.relists = new Counter({
      name: 'meshguard_cache_relists_total',
      help: 'Full lists of a resource after the first one: after a 410 Gone (resourceVersion too old), or retrying a failed list.',
      labelNames: ['resource'],
      registers: [registry],
    });
    this.errors = new Counter({
      name: 'meshguard_cache_errors_total',
      help: 'Failed list calls and broken watches of a resource, by phase (list, watch); each is retried with backoff.',
      labelNames: ['resource', 'phase'],
      registers: [registry],
    });
  }
}
