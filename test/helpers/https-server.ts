import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as httpsRequest, Agent } from 'node:https';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileCertificateSource } from '../../src/certs/file-source.js';
import { writeCertificateFiles } from '../../src/certs/files.js';
import type { ClusterView } from '../../src/cluster/view.js';
import { defaultRegistry } from '../../src/rules/catalog.js';
import { Metrics } from '../../src/server/metrics.js';
import { serve, type RunningServer } from '../../src/server/serve.js';
import { validateSettings, type Settings } from '../../src/settings.js';
import { capturingLogger } from './log-capture.js';
import { secretLeaks } from './secret-scan.js';

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json<T = unknown>(): T;
}

export interface TestServer {
  server: RunningServer;
  settings: Settings;
  certDir: string;
  caPem: string;
  /** The JSON log lines the server wrote. */
  logLines: Array<Record<string, unknown>>;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<HttpResult>;
  getHealth(path: string): Promise<HttpResult>;
  close(): Promise<void>;
}

/** Certificates are generated once per test process: RSA key generation is the slow part. */
let sharedCertDir: string | undefined;
function certDir(): string {
  if (!sharedCertDir) {
    sharedCertDir = mkdtempSync(join(tmpdir(), 'meshguard-test-certs-'));
    writeCertificateFiles({ dir: sharedCertDir, service: 'meshguard', namespace: 'meshguard', days: 2 });
    const dir = sharedCertDir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return sharedCertDir;
}

/** Starts the real HTTPS webhook on loopback port 0, with the CA verified by the client. */
export async function startTestServer(options: { settings?: Record<string, unknown>; view?: ClusterView } = {}): Promise<TestServer> {
  const registry = defaultRegistry();
  const dir = certDir();
  const settings = validateSettings(
    // Tests never reach for a developer's own cluster: no cluster unless a test asks for one.
    {
      cluster: { source: 'none' },
      ...options.settings,
      server: { ...(options.settings?.server as object | undefined), host: '127.0.0.1', admissionPort: 0, healthPort: 0, certDir: dir },
    },
    new Set(registry.all().map((r) => r.id)),
  );
  const { logger, lines: logLines } = capturingLogger();
  const server = await serve({ settings, registry, view: options.view, logger });
  const caPem = readFileSync(join(dir, 'ca.crt'), 'utf8');
  const agent = new Agent({ ca: caPem, keepAlive: true });
  return {
    server,
    settings,
    certDir: dir,
    caPem,
    logLines,
    post: (path, body, headers = { 'content-type': 'application/json' }) =>
      send(httpsRequest, `${server.admissionUrl}${path}`, { method: 'POST', agent, headers }, typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body)),
    getHealth: (path) => send(httpRequest, `${server.healthUrl}${path}`, { method: 'GET' }),
    /** Closes the server, then fails the caller when any log line it wrote carries credential material. */
    async close() {
      agent.destroy();
      await server.close();
      const leaks = secretLeaks(logLines);
      if (leaks.length > 0) throw new Error(`the server logged credential material:\n${leaks.join('\n')}`);
    },
  };
}

export interface CertificateFilesServer {
  /** Resolves once a valid pair was read and the admission listener is up. */
  started: Promise<RunningServer>;
  metrics: Metrics;
  logLines: Array<Record<string, unknown>>;
}

/**
 * The real webhook serving tls.crt and tls.key from `dir` (the cert-manager and secret modes),
 * re-reading them every `intervalMs` instead of every 10 s.
 */
export function serveCertificateFiles(dir: string, intervalMs = 25): CertificateFilesServer {
  const { logger, lines: logLines } = capturingLogger();
  const metrics = new Metrics({ processMetrics: false });
  const registry = defaultRegistry();
  const settings = validateSettings({ server: { host: '127.0.0.1', admissionPort: 0, healthPort: 0, certDir: dir } }, new Set(registry.all().map((r) => r.id)));
  const started = serve({ settings, registry, logger, metrics, certificates: new FileCertificateSource(dir, logger, metrics, intervalMs) });
  return { started, metrics, logLines };
}

type RequestFn = typeof httpsRequest | typeof httpRequest;

function send(fn: RequestFn, url: string, options: Record<string, unknown>, body?: string | Buffer): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = fn(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, json: <T>() => JSON.parse(text) as T });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}
