import { ListWatch, Watch, type KubeConfig, type KubernetesListObject } from '@kubernetes/client-node';
import type { Logger } from '../server/logger.js';
import { describeApiError } from './api-errors.js';
import type { CacheMetrics } from './cache-metrics.js';
import { listEveryPage } from './kube-apis.js';
import { resourcePath, type CachedObject, type KubeApis, type WatchedResource } from './resources.js';
import type { ClusterStore } from './store.js';

export interface Backoff {
  /** First retry delay after a failed list or watch. */
  initialMs: number;
  /** Ceiling of the doubling delay, so a long API server outage is retried at this pace. */
  maxMs: number;
}

export interface InformerOptions {
  kubeConfig: KubeConfig;
  apis: KubeApis;
  resource: WatchedResource;
  store: ClusterStore;
  metrics: CacheMetrics;
  logger: Logger;
  backoff: Backoff;
  /** Objects per list page: bounds the memory of one list response at 10,000 pods. */
  pageSize: number;
}

/**
 * One resource kept in the store by @kubernetes/client-node's ListWatch (list, then watch from the
 * list's resourceVersion; a 410 Gone or an ERROR 410 event re-lists, and objects gone meanwhile are
 * reported deleted). Around it: objects are slimmed before the cache keeps them, a failed list or a
 * broken watch (which ListWatch reports and then abandons) is restarted with jittered exponential
 * backoff, and sync state, re-lists and errors are exported as metrics.
 */
export class ResourceInformer {
  readonly name: string;
  private readonly listWatch: ListWatch<CachedObject>;
  private readonly watch: SlimmingWatch;
  private hasSynced = false;
  private lists = 0;
  private phase: 'list' | 'watch' = 'list';
  private attempt = 0;
  private retry: NodeJS.Timeout | undefined;
  private stopped = true;
  private lastErrorText: string | undefined;

  constructor(private readonly options: InformerOptions) {
    const { resource, store, kubeConfig } = options;
    this.name = resource.name;
    const watch = (this.watch = new SlimmingWatch(kubeConfig, resource, {
      started: () => this.watchStarted(),
      event: () => (this.attempt = 0),
    }));
    this.listWatch = new ListWatch(resourcePath(resource), watch, () => this.listAll(), false, resource.labelSelector);
    this.listWatch.on('add', (object) => this.apply(() => resource.upsert(store, object)));
    this.listWatch.on('update', (object) => this.apply(() => resource.upsert(store, object)));
    this.listWatch.on('delete', (object) => this.apply(() => resource.remove(store, object)));
    this.listWatch.on('error', (error: unknown) => this.failed(error));
    options.metrics.synced.set({ resource: this.name }, 0);
  }

  /** True once the first complete list is in the store (it stays true through later re-lists). */
  get synced(): boolean {
    return this.hasSynced;
  }

  get lastError(): string | undefined {
    return this.lastErrorText;
  }

  start(): void {
    this.stopped = false;
    this.watch.resume();
    this.phase = 'list';
    this.listWatch.start().catch((error: unknown) => this.failed(error));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    this.watch.stop();
    await this.listWatch.stop();
  }

  /** The list function ListWatch calls on start and after a 410: every page, slimmed. */
  private async listAll(): Promise<KubernetesListObject<CachedObject>> {
    this.phase = 'list';
    if (this.lists++ > 0) this.options.metrics.relists.inc({ resource: this.name });
    const { resource, apis, pageSize } = this.options;
    const { items, resourceVersion } = await listEveryPage(resource, apis, pageSize);
    return { apiVersion: 'v1', kind: 'List', metadata: { resourceVersion }, items };
  }

  /** ListWatch opens the watch right after it has applied a list: from here on the cache is complete. */
  private watchStarted(): void {
    this.phase = 'watch';
    this.attempt = 0;
    if (!this.hasSynced) {
      this.hasSynced = true;
      this.options.metrics.synced.set({ resource: this.name }, 1);
      this.options.logger.info({ resource: this.name }, 'cluster cache synced');
    }
  }

  private apply(update: () => void): void {
    try {
      update();
    } catch (error) {
      this.options.logger.error({ resource: this.name, err: error }, 'cluster cache update failed');
    }
  }

  private failed(error: unknown): void {
    if (this.stopped) return;
    const phase = this.phase;
    this.lastErrorText = `${phase} failed: ${describeApiError(error)}`;
    this.options.metrics.errors.inc({ resource: this.name, phase });
    const { initialMs, maxMs } = this.options.backoff;
    const delay = Math.min(maxMs, initialMs * 2 ** this.attempt++) * (0.5 + Math.random() / 2);
    this.options.logger.warn({ resource: this.name, phase, error: describeApiError(error), retryInMs: Math.round(delay) }, 'cluster cache list/watch failed; retrying');
    clearTimeout(this.retry);
    this.retry = setTimeout(() => this.start(), delay);
    this.retry.unref();
  }
}

/**
 * Watch that slims every object before ListWatch caches it and reports when a watch starts. It also
 * closes a watch whose connection completes after stop(): ListWatch can only abort a watch it has
 * been handed, and it is handed one only once the response headers arrive.
 */
class SlimmingWatch extends Watch {
  private stopped = false;
  private current: AbortController | undefined;

  constructor(
    config: KubeConfig,
    private readonly resource: WatchedResource,
    private readonly hooks: { started(): void; event(): void },
  ) {
    super(config);
  }

  resume(): void {
    this.stopped = false;
  }

  stop(): void {
    this.stopped = true;
    this.current?.abort();
  }

  override async watch(
    path: string,
    query: Record<string, string | number | boolean | undefined>,
    callback: (phase: string, object: unknown) => void,
    done: (error: unknown) => void,
  ): Promise<AbortController> {
    this.hooks.started();
    // Bookmarks keep the resourceVersion fresh, so a reconnect resumes instead of re-listing; the
    // API server ends each watch after 5–10 minutes (client-go's spread), which also detects dead peers.
    const params = { ...query, allowWatchBookmarks: true, timeoutSeconds: 300 + Math.floor(Math.random() * 300) };
    const controller = await super.watch(
      path,
      params,
      (phase, object: unknown) => {
        this.hooks.event();
        if (phase !== 'ADDED' && phase !== 'MODIFIED' && phase !== 'DELETED') return callback(phase, object);
        const slim = this.resource.slim(object);
        if (slim) callback(phase, slim);
      },
      done,
    );
    this.current = controller;
    if (this.stopped) controller.abort();
    return controller;
  }
}
