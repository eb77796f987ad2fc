import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import fastJsonPatch, { type Operation } from 'fast-json-patch';
import type { KubeObject } from '../../src/k8s/types.js';

/**
 * A small local HTTP server speaking the Kubernetes API server's list and watch protocol, for any
 * resource: `GET /api/v1/pods`, `/apis/<group>/<version>[/namespaces/<ns>]/<plural>` with
 * `labelSelector` (equality), `limit`/`continue` pagination, and `watch=true` from a resourceVersion:
 * ADDED/MODIFIED/DELETED events replayed from history then streamed live, a 410 Gone (ERROR event)
 * for a resourceVersion older than the last compaction, and connections the test can end or drop.
 * Single objects: GET by name (404), POST to the collection (409 when it exists), PUT on
 * `metadata.resourceVersion` (409 when stale) and PATCH with a JSON Patch (422 when a `test` fails).
 * Objects are stored by group and plural, so every version of a kind sees the same objects.
 */
export interface FakeApiServer {
  readonly url: string;
  /** A kubeconfig whose current context points at this server (plain HTTP, a dummy bearer token). */
  kubeConfig(): KubeConfig;
  /** Creates or replaces an object; open watches get ADDED or MODIFIED unless `notify` is false (a lost event). */
  apply(object: KubeObject, options?: { notify?: boolean; plural?: string }): void;
  /** Deletes an object; open watches get DELETED unless `notify` is false. */
  remove(object: KubeObject, options?: { notify?: boolean; plural?: string }): void;
  /** Forgets the event history: open watches get an ERROR 410 and end; resuming from an older version gets 410. */
  compact(): void;
  /** Ends open watches cleanly (as the API server does at the watch timeout). */
  endWatches(): void;
  /** Destroys open watch connections abruptly (a network failure). */
  dropWatches(): void;
  /** The next `times` requests whose path starts with `pathPrefix` get HTTP `status` with a Status body. */
  failRequests(pathPrefix: string, status: number, times?: number): void;
  /** Requests received, in order (`GET /api/v1/pods?limit=500`). */
  readonly requests: string[];
  /** The stored object, or undefined. */
  get(object: KubeObject, options?: { plural?: string }): KubeObject | undefined;
  openWatches(): number;
  close(): Promise<void>;
}

interface Stored {
  key: string;
  object: KubeObject;
}

interface Event {
  version: number;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  collection: string;
  object: KubeObject;
}

interface Watcher {
  collection: string;
  namespace?: string;
  selector: Record<string, string>;
  response: ServerResponse;
}

interface Collection {
  collection: string;
  namespace?: string;
}

interface Target extends Collection {
  name?: string;
}

export async function startFakeApiServer(): Promise<FakeApiServer> {
  let version = 1;
  let compactedAt = 0;
  const objects = new Map<string, Map<string, Stored>>();
  const history: Event[] = [];
  const watchers = new Set<Watcher>();
  const failures: Array<{ prefix: string; status: number; times: number }> = [];
  const requests: string[] = [];

  const store = (collection: string) => {
    let map = objects.get(collection);
    if (!map) objects.set(collection, (map = new Map()));
    return map;
  };

  const publish = (event: Event) => {
    history.push(event);
    for (const watcher of watchers) if (visible(watcher, event.object) && watcher.collection === event.collection) send(watcher.response, event.type, event.object);
  };

  const change = (type: Event['type'], collection: string, object: KubeObject, notify = true): KubeObject => {
    const key = keyOf(object);
    const stamped = { ...object, metadata: { ...object.metadata, resourceVersion: String(++version) } };
    if (type === 'DELETED') store(collection).delete(key);
    else store(collection).set(key, { key, object: stamped });
    if (notify) publish({ version, type, collection, object: stamped });
    return stamped;
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://fake');
    requests.push(`${request.method} ${url.pathname}${url.search}`);
    const failure = failures.find((f) => url.pathname.startsWith(f.prefix) && f.times > 0);
    if (failure) {
      failure.times--;
      return status(response, failure.status, 'injected failure');
    }
    const target = parsePath(url.pathname);
    if (!target) return status(response, 404, `no route for ${request.method} ${url.pathname}`);
    if (target.name !== undefined || request.method !== 'GET') return single(request, target, response);
    const selector = parseSelector(url.searchParams.get('labelSelector'));
    if (url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1') return watch(target, selector, url, response);

    const items = [...store(target.collection).values()].map((s) => s.object).filter((o) => visible({ ...target, selector }, o));
    items.sort((a, b) => `${a.metadata?.namespace}/${a.metadata?.name}`.localeCompare(`${b.metadata?.namespace}/${b.metadata?.name}`));
    const offset = Number(url.searchParams.get('continue') ?? 0);
    const limit = Number(url.searchParams.get('limit') ?? 0) || items.length;
    const next = offset + limit < items.length ? String(offset + limit) : undefined;
    json(response, 200, {
      apiVersion: 'v1',
      kind: 'List',
      metadata: { resourceVersion: String(version), ...(next ? { continue: next } : {}) },
      items: items.slice(offset, offset + limit),
    });
  };

  /** GET, PUT and PATCH of one object by name, POST of a new one to its collection. */
  const single = async (request: IncomingMessage, target: Target, response: ServerResponse) => {
    const objects = store(target.collection);
    const body = request.method === 'GET' ? undefined : await readBody(request);
    if (request.method === 'POST' && target.name === undefined) {
      const object = body as KubeObject;
      const created = { ...object, metadata: { ...object.metadata, namespace: target.namespace } };
      if (objects.has(keyOf(created))) return status(response, 409, `${target.collection} "${created.metadata?.name}" already exists`);
      return json(response, 201, change('ADDED', target.collection, created));
    }
    const stored = objects.get(`${target.namespace ?? ''}/${target.name}`)?.object;
    if (!stored) return status(response, 404, `${target.collection} "${target.name}" not found`);
    if (request.method === 'GET') return json(response, 200, stored);
    if (request.method === 'PUT') {
      const object = body as KubeObject;
      const expected = object.metadata?.resourceVersion;
      if (expected !== undefined && expected !== stored.metadata?.resourceVersion) return status(response, 409, 'the object has been modified');
      return json(response, 200, change('MODIFIED', target.collection, object));
    }
    if (request.method === 'PATCH' && request.headers['content-type']?.startsWith('application/json-patch+json')) {
      let patched: KubeObject;
      try {
        patched = fastJsonPatch.applyPatch(structuredClone(stored), body as Operation[], true, false).newDocument;
      } catch (error) {
        return status(response, 422, `the patch does not apply: ${(error as Error).message}`);
      }
      return json(response, 200, change('MODIFIED', target.collection, patched));
    }
    return status(response, 405, `${request.method} ${request.headers['content-type'] ?? ''} is not supported here`);
  };

  const watch = (target: Collection, selector: Record<string, string>, url: URL, response: ServerResponse) => {
    const from = Number(url.searchParams.get('resourceVersion') || version);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.flushHeaders();
    if (from < compactedAt) {
      response.end(`${JSON.stringify({ type: 'ERROR', object: goneStatus() })}\n`);
      return;
    }
    const watcher: Watcher = { ...target, selector, response };
    for (const event of history) {
      if (event.version > from && event.collection === target.collection && visible(watcher, event.object)) send(response, event.type, event.object);
    }
    watchers.add(watcher);
    response.on('close', () => watchers.delete(watcher));
  };

  const server: Server = createServer((request, response) => void handle(request, response));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    requests,
    kubeConfig() {
      const kubeConfig = new KubeConfig();
      kubeConfig.loadFromOptions({
        clusters: [{ name: 'fake', server: url, skipTLSVerify: true }],
        users: [{ name: 'tester', token: 'fake-token' }],
        contexts: [{ name: 'fake', cluster: 'fake', user: 'tester' }],
        currentContext: 'fake',
      });
      return kubeConfig;
    },
    apply(object, options = {}) {
      const collection = collectionOf(object, options.plural);
      change(store(collection).has(keyOf(object)) ? 'MODIFIED' : 'ADDED', collection, object, options.notify);
    },
    remove(object, options = {}) {
      change('DELETED', collectionOf(object, options.plural), object, options.notify);
    },
    get(object, options = {}) {
      return store(collectionOf(object, options.plural)).get(keyOf(object))?.object;
    },
    compact() {
      compactedAt = ++version;
      history.length = 0;
      for (const watcher of watchers) watcher.response.end(`${JSON.stringify({ type: 'ERROR', object: goneStatus() })}\n`);
    },
    endWatches() {
      for (const watcher of watchers) watcher.response.end();
    },
    dropWatches() {
      for (const watcher of watchers) watcher.response.socket?.destroy();
    },
    failRequests(prefix, code, times = 1) {
      failures.push({ prefix, status: code, times });
    },
    openWatches: () => watchers.size,
    async close() {
      for (const watcher of watchers) watcher.response.socket?.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** `group/plural`: `/pods`, `apps/deployments`, `security.istio.io/peerauthentications`. */
function collectionOf(object: KubeObject, plural?: string): string {
  const apiVersion = object.apiVersion ?? 'v1';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '';
  const kind = (object.kind ?? '').toLowerCase();
  return `${group}/${plural ?? (kind.endsWith('y') ? `${kind.slice(0, -1)}ies` : `${kind}s`)}`;
}

const keyOf = (object: KubeObject) => `${object.metadata?.namespace ?? ''}/${object.metadata?.name}`;

/** `/api/v1/pods`, `/api/v1/namespaces/<ns>/secrets/<name>`, `/apis/<group>/<version>[/namespaces/<ns>]/<plural>[/<name>]`. */
function parsePath(path: string): Target | undefined {
  const core = /^\/api\/v1(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?$/.exec(path);
  if (core) return { collection: `/${core[2]}`, namespace: core[1], name: core[3] };
  const named = /^\/apis\/([^/]+)\/[^/]+(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?$/.exec(path);
  if (named) return { collection: `${named[1]}/${named[3]}`, namespace: named[2], name: named[4] };
  return undefined;
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

function parseSelector(selector: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const term of (selector ?? '').split(',').filter(Boolean)) {
    const [key, value] = term.split('=');
    out[key!.trim()] = (value ?? '').trim();
  }
  return out;
}

function visible(target: { namespace?: string; selector: Record<string, string> }, object: KubeObject): boolean {
  if (target.namespace !== undefined && object.metadata?.namespace !== target.namespace) return false;
  return Object.entries(target.selector).every(([k, v]) => object.metadata?.labels?.[k] === v);
}

function send(response: ServerResponse, type: string, object: KubeObject): void {
  response.write(`${JSON.stringify({ type, object })}\n`);
}

function goneStatus() {
  return { kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'too old resource version', reason: 'Expired', code: 410 };
}

function status(response: ServerResponse, code: number, message: string): void {
  json(response, code, { kind: 'Status', apiVersion: 'v1', status: 'Failure', message, code });
}

function json(response: ServerResponse, code: number, body: unknown): void {
  response.writeHead(code, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
