import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';

export interface KubeconfigContext {
  name: string;
  server: string;
  namespace?: string;
}

/**
 * Writes a kubeconfig file with these contexts, each with its own cluster, the first one current; a
 * bearer token, and TLS verification off (the client refuses plain-HTTP servers such as the fake API
 * server otherwise).
 */
export function writeKubeconfig(path: string, contexts: readonly KubeconfigContext[]): string {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': contexts[0]?.name,
    clusters: contexts.map((c) => ({ name: c.name, cluster: { server: c.server, 'insecure-skip-tls-verify': true } })),
    users: [{ name: 'tester', user: { token: 'fake-token' } }],
    contexts: contexts.map((c) => ({ name: c.name, context: { cluster: c.name, user: 'tester', ...(c.namespace ? { namespace: c.namespace } : {}) } })),
  };
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(config));
  return path;
}

/** A loopback port nothing listens on (connections are refused at once). */
export async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

/** An HTTP server that accepts connections and never answers (a hung API server or a black-holing proxy). */
export async function silentServer(): Promise<{ url: string; openConnections(): Promise<number>; close(): void }> {
  const server = createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    openConnections: () => new Promise((resolve, reject) => server.getConnections((error, count) => (error ? reject(error) : resolve(count)))),
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}
