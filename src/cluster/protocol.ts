import type { PortProtocol } from './model.js';

/**
 * A Service port's protocol as Istio derives it (pilot/pkg/serviceregistry/kube, pkg/config/protocol):
 * UDP/SCTP ports are not proxied; otherwise `appProtocol` if set, else the port name, read up to the
 * first `-` and case-insensitively (`http-web`, `grpc`, `tcp-db`); `grpc-web` is matched whole first;
 * Kubernetes' own appProtocol values map to HTTP2 (h2c), HTTP (ws) and HTTPS (wss). A name Istio does
 * not know means "sniffed at runtime", except on the well-known ports 25, 53, 3306 and 27017 (TCP).
 */
export interface IstioPortProtocol {
  /** How the rules classify it. */
  protocol: PortProtocol;
  /** Istio's own name for it, for messages: `HTTP2`, `GRPC`, `Mongo`, `UDP`, or `unknown` when sniffed. */
  istioProtocol: string;
}

const ISTIO_PROTOCOLS: Readonly<Record<string, readonly [string, PortProtocol]>> = {
  http: ['HTTP', 'http'],
  http2: ['HTTP2', 'http'],
  http_proxy: ['HTTP_PROXY', 'http'],
  grpc: ['GRPC', 'http'],
  'grpc-web': ['GRPC-Web', 'http'],
  https: ['HTTPS', 'tls'],
  tls: ['TLS', 'tls'],
  tcp: ['TCP', 'tcp'],
  mongo: ['Mongo', 'tcp'],
  redis: ['Redis', 'tcp'],
  mysql: ['MySQL', 'tcp'],
};

const KUBERNETES_APP_PROTOCOLS: Readonly<Record<string, string>> = {
  'kubernetes.io/h2c': 'http2',
  'kubernetes.io/ws': 'http',
  'kubernetes.io/wss': 'https',
};

const WELL_KNOWN_TCP_PORTS = new Set([25, 53, 3306, 27017]);

export function servicePortProtocol(port: { port: number; name?: string; protocol?: string; appProtocol?: string }): IstioPortProtocol {
  const transport = port.protocol?.toUpperCase();
  if (transport === 'UDP' || transport === 'SCTP') return { protocol: 'unknown', istioProtocol: transport };
  const declared = port.appProtocol !== undefined ? (KUBERNETES_APP_PROTOCOLS[port.appProtocol] ?? port.appProtocol) : (port.name ?? '');
  const lower = declared.toLowerCase();
  const prefix = lower.startsWith('grpc-web') ? 'grpc-web' : lower.split('-', 1)[0]!;
  const known = Object.hasOwn(ISTIO_PROTOCOLS, prefix) ? ISTIO_PROTOCOLS[prefix] : undefined;
  if (known) return { protocol: known[1], istioProtocol: known[0] };
  if (WELL_KNOWN_TCP_PORTS.has(port.port)) return { protocol: 'tcp', istioProtocol: 'TCP' };
  return { protocol: 'unknown', istioProtocol: 'unknown' };
}
